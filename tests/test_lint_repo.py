"""`cwql lint` on a repository that mixes ConnectWise code with other libraries.

tests/fixtures/mixed_repo holds ConnectWise call sites (cwql's API and DSL,
pyconnectwise, requests and httpx against /apis/3.0/, YAML, JSON, .cwql) with a
mistake seeded on each line marked ``seeded: CODE``, beside SQLAlchemy, Google
API, Jira, Elasticsearch and GitHub Actions code whose ``order_by``, ``fields``
and ``conditions`` are not ConnectWise queries. The linter must find every
seeded mistake and nothing else, and ``--fix`` must leave only the findings
that have no obvious repair.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).parent / "fixtures" / "mixed_repo"
ENV = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CWQL_OUTPUT_FORMAT")}

# The JSON export cannot carry a `seeded:` comment.
_UNMARKED = {("psa/export.json", 3, "E009")}


def cwql(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=ENV)


def _seeded() -> set[tuple[str, int, str]]:
    found = set(_UNMARKED)
    for path in sorted(REPO.rglob("*")):
        if not path.is_file() or path.suffix not in (".py", ".yaml", ".yml", ".cwql", ".json"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = re.search(r"seeded: ([A-Z]\d{3})", line)
            if m:
                found.add((path.relative_to(REPO).as_posix(), number, m.group(1)))
    return found


def _findings(root: Path, *args: str) -> list[tuple[str, int, str]]:
    r = cwql("lint", "--isolated", "--output-format", "json", *args, ".", cwd=root)
    assert r.returncode in (0, 1), r.stderr
    return [(i["filename"], i["location"]["row"], i["code"]) for i in json.loads(r.stdout)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy)
    return copy


def test_every_seeded_mistake_is_found_and_nothing_else(repo: Path) -> None:
    seeded = _seeded()
    assert len(seeded) == 31  # the marks themselves are read
    found = _findings(repo)
    assert sorted(found) == sorted(seeded)  # each once, none more


def test_no_finding_outside_the_connectwise_call_sites(repo: Path) -> None:
    files = {name for name, _, _ in _findings(repo)}
    assert files <= {p.relative_to(REPO).as_posix() for p in (REPO / "psa").iterdir()} | {"app/mixed.py"}
    for quiet in ("app/models.py", "app/drive.py", "app/jira_sync.py", "search/mapping.json",
                  "search/queries.yaml", ".github/workflows/ci.yml"):
        assert quiet not in files


def test_the_config_switch_lints_generic_keys_everywhere(repo: Path) -> None:
    everywhere = {name for name, _, _ in _findings(repo, "--config", 'generic-keys = "everywhere"')}
    assert {"search/mapping.json", "search/queries.yaml", ".github/workflows/ci.yml"} <= everywhere
    # Another library's own calls stay its own, whatever the switch says.
    assert "app/models.py" not in everywhere
    named = {name for name, _, _ in _findings(
        repo, "--config", 'connectwise-files = ["search/*.json"]')}
    assert "search/mapping.json" in named
    assert "search/queries.yaml" not in named


def test_fix_leaves_only_the_findings_with_no_obvious_repair(repo: Path) -> None:
    before = Counter(code for _, _, code in _findings(repo))
    r = cwql("lint", "--isolated", "--fix", ".", cwd=repo)
    assert r.returncode == 1
    assert "fixed 21 problems" in r.stderr
    after = Counter(code for _, _, code in _findings(repo))
    # 31 findings before, 10 after: the syntax errors with one obvious repair are gone (`==`,
    # `&&`, `||`, `<>`, `is null`, `is not null`, bare dates, smart quotes, full-width `＝`,
    # `=<`, `=>`, dotted paths, a leading `conditions=`). What is left has no repair that keeps
    # the meaning: a contradiction, an impossible date, parameters to split or move, and the
    # unsafe fixes of V001, V002 and V010.
    assert (sum(before.values()), sum(after.values())) == (31, 10)
    assert after == Counter({"V001": 2, "L003": 2, "V010": 2, "E031": 1, "L007": 1, "V002": 1,
                             "E014": 1})
    # With --unsafe-fixes, V001 (a string literal), V002 and V010 go too; the DSL's V001 cannot
    # be written back into a Python expression.
    cwql("lint", "--isolated", "--fix", "--unsafe-fixes", ".", cwd=repo)
    rest = Counter(code for _, _, code in _findings(repo))
    assert rest == Counter({"L003": 2, "E031": 1, "L007": 1, "V001": 1, "E014": 1})
    # Every fixed file still parses as its language, and a second --fix changes nothing.
    again = cwql("lint", "--isolated", "--fix", "--unsafe-fixes", ".", cwd=repo)
    assert "fixed" not in again.stderr


def test_fmt_check_reports_json_and_yaml_queries_that_would_change(repo: Path) -> None:
    cwql("lint", "--isolated", "--fix", ".", cwd=repo)
    r = cwql("fmt", "--isolated", "--check", ".", cwd=repo)
    assert r.returncode == 1
    would = {line.removeprefix("Would reformat: ") for line in r.stdout.splitlines()}
    assert {"psa/export.json", "psa/jobs.yaml", "psa/raw_http.py"} <= would
    # What no ConnectWise query is in stays as it is.
    assert not would & {"search/mapping.json", "search/queries.yaml", ".github/workflows/ci.yml",
                        "app/models.py", "app/drive.py"}
    done = cwql("fmt", "--isolated", ".", cwd=repo)
    assert done.returncode == 1  # E031 and E014 cannot be formatted, and are said so
    assert "psa/saved.cwql:3:24: E014" in done.stderr
    export = json.loads((repo / "psa" / "export.json").read_text(encoding="utf-8"))
    assert export["conditions"] == "company/identifier='Contoso'"
    jobs = (repo / "psa" / "jobs.yaml").read_text(encoding="utf-8")
    assert "    conditions: status/id!=5  # seeded: E013\n" in jobs
    assert 'defaults: &open "closedFlag=false"' in jobs
    assert cwql("fmt", "--isolated", "--check", "psa/export.json", "psa/jobs.yaml",
                cwd=repo).returncode == 0


def test_values_left_for_want_of_evidence_are_said_not_silent(repo: Path) -> None:
    """No false green: a run over a JSON or YAML file whose `conditions`/`orderBy`/`fields` are
    not read (nothing says the file is about ConnectWise) says so, per file with --verbose."""
    r = cwql("lint", "--isolated", ".", cwd=repo)
    assert ("cwql: 9 values under `conditions`, `orderBy` or `fields` in 3 JSON or YAML files not "
            "read as queries") in r.stderr
    listed = cwql("lint", "--isolated", "-v", ".", cwd=repo).stderr
    for name, n in ((".github/workflows/ci.yml", 2), ("search/mapping.json", 4),
                    ("search/queries.yaml", 3)):
        assert f"cwql: {name}: {n} values under `conditions`, `orderBy` or `fields` not read" in listed
    # The example: fmt --check on such a file alone no longer passes in silence.
    alone = cwql("fmt", "--isolated", "--check", "search/mapping.json", cwd=repo)
    assert alone.returncode == 0
    assert "4 values under `conditions`, `orderBy` or `fields` in 1 JSON or YAML file" in alone.stderr
    assert "not read" not in cwql("lint", "--isolated", "-q", ".", cwd=repo).stderr
    named = cwql("lint", "--isolated", "--config", 'connectwise-files = ["search/*"]', ".", cwd=repo)
    assert "in 1 JSON or YAML file" in named.stderr  # only ci.yml is left
