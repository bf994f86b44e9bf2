"""Every rule firing and not firing, and its fixes, through the real ``cwql lint`` command.

Cases live in tests/rules/<CODE>.yaml (see the README there), and every rule's
documented example and fix in the registry of codes are cases too. All cases
are linted by one subprocess; fixes by one subprocess per rule, run twice to
check they are idempotent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from cwql.lint._rules import RULES

HERE = Path(__file__).parent / "rules"


def _load() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["rule"] == path.stem, path
        for i, case in enumerate(data["cases"], 1):
            cases.append({"rule": data["rule"], "id": f"{data['rule']}-{i}", **case})
    for rule in RULES.values():
        c = rule.entry
        # Limits need their own Limits, and a blank line in a .cwql file is no query:
        # tests/test_codes.py and tests/test_lint_cli.py have those.
        if c.limits or c.code == "E018":
            continue
        common = {"rule": c.code, "kind": c.kind, "endpoint": c.endpoint}
        if c.file is not None:  # the files family: the example is a whole file
            suffix = Path(c.file).suffix
            cases.append({"rule": c.code, "id": f"{c.code}-example", "fail_file": c.example,
                          "suffix": suffix})
            cases.append({"rule": c.code, "id": f"{c.code}-fix", "pass_file": c.fix,
                          "suffix": suffix})
            continue
        cases.append({**common, "id": f"{c.code}-example", "fail": c.example})
        cases.append({**common, "id": f"{c.code}-fix", "pass": c.fix, "kind": c.fix_kind or c.kind,
                      "endpoint": c.fix_endpoint or c.endpoint})
    return cases


CASES = _load()


def _file_text(case: dict[str, Any]) -> str:
    for key in ("fail_file", "pass_file"):
        if key in case:
            return str(case[key])
    query = case.get("fail", case.get("pass"))
    settings = []
    if case.get("kind"):
        settings.append(f"kind={case['kind']}")
    if case.get("endpoint"):
        settings.append(f"endpoint={case['endpoint']}")
    head = f"# cwql: {' '.join(settings)}\n" if settings else ""
    return f"{head}{query}\n"


def cwql(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.fixture(scope="module")
def linted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """The codes found in each case's file, by case id."""
    root = tmp_path_factory.mktemp("rule-cases")
    for case in CASES:
        (root / f"{case['id']}{case.get('suffix', '.cwql')}").write_text(_file_text(case),
                                                                         encoding="utf-8")
    r = cwql("lint", "--isolated", "--select", "ALL", "--output-format", "json", str(root))
    assert r.returncode == 1, r.stderr
    found: dict[str, set[str]] = {case["id"]: set() for case in CASES}
    for item in json.loads(r.stdout):
        found[Path(item["filename"]).stem].add(item["code"])
        MESSAGES.setdefault(Path(item["filename"]).stem, []).append((item["code"], item["message"]))
    return found


#: (code, message) of every finding, by case id; filled by the ``linted`` fixture.
MESSAGES: dict[str, list[tuple[str, str]]] = {}


def test_every_rule_example_is_reported_with_its_message(linted: dict[str, set[str]]) -> None:
    """The example of every rule reports its code, worded as its registry message template says."""
    from tests.support import matches_template

    for rule in RULES.values():
        if rule.entry.limits or rule.code == "E018":
            continue
        said = [m for code, m in MESSAGES[f"{rule.code}-example"] if code == rule.code]
        assert said, rule.code
        assert any(matches_template(rule.entry.message, m) for m in said), (rule.code, said)


def test_every_rule_has_cases() -> None:
    covered = {c["rule"] for c in CASES if "fail" in c or "fail_file" in c}
    passing = {c["rule"] for c in CASES if "pass" in c or "pass_file" in c}
    limits = {"E018", "E019", "E020", "E021"}  # see _load
    assert set(RULES) - limits <= covered
    assert set(RULES) - limits <= passing


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_rule_case(case: dict[str, Any], linted: dict[str, set[str]]) -> None:
    codes = linted[case["id"]]
    if "fail" in case or "fail_file" in case:
        assert case["rule"] in codes, f"{case['rule']} did not fire; found {sorted(codes)}"
    else:
        assert case["rule"] not in codes, f"{case['rule']} fired on a passing case"


FIXES = sorted({(c["rule"], key == "unsafe_fix") for c in CASES for key in ("fix", "unsafe_fix")
                if key in c})


@pytest.mark.parametrize(("rule", "unsafe"), FIXES,
                         ids=[f"{r}-{'unsafe' if u else 'safe'}" for r, u in FIXES])
def test_fixes(rule: str, unsafe: bool, tmp_path: Path) -> None:
    key = "unsafe_fix" if unsafe else "fix"
    cases = [c for c in CASES if c["rule"] == rule and key in c]
    for case in cases:
        (tmp_path / f"{case['id']}.cwql").write_text(_file_text(case), encoding="utf-8")
    args = ["lint", "--isolated", "--select", rule, "--fix", "--exit-zero", "-q", str(tmp_path)]
    if unsafe:
        args.insert(-1, "--unsafe-fixes")
    r = cwql(*args)
    assert r.returncode == 0, r.stderr
    first = {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    for case in cases:
        got = first[f"{case['id']}.cwql"]
        want = case[key] if "fail_file" in case else _file_text({**case, "fail": case[key]})
        assert got == want
    again = cwql(*args)
    assert again.returncode == 0
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == first


def test_rule_examples_fire_and_fixes_do_not() -> None:
    """The example and fix in each rule's documentation are true (checked in-process)."""
    from cwql.lint._engine import Linter

    for rule in RULES.values():
        if rule.check is None:
            continue
        linter = Linter([rule.code])
        assert [r.code for r, _ in linter.problems(rule.example, rule.example_kind)] != [], rule.code
        fix_kind = rule.entry.fix_kind or rule.example_kind
        assert [r.code for r, _ in linter.problems(rule.fix, fix_kind)] == [], rule.code


# ---- what `cwql rule` shows is what `--fix` does -------------------------------------

_QUERY_RULES = [r for r in RULES.values()
                if not r.entry.limits and r.entry.file is None and r.code != "E018"]
FIXABLE = [r for r in _QUERY_RULES if r.fixable]


def _fixed(rule: Any, text: str, unsafe: bool) -> str:
    """The example's file after `cwql lint --fix` with only ``rule`` selected (the CLI's runner)."""
    from cwql.lint._config import Config
    from cwql.lint._engine import Linter
    from cwql.lint._runner import Runner

    # A suppression is unused only with the code it names on: the M rules run with every rule.
    runner = Runner(Config(), Linter(None if rule.code.startswith("M") else [rule.code]))
    fixed, _, _ = runner.fix_text("q.cwql", "q.cwql", "cwql", text, unsafe)
    return fixed


def test_every_rule_fix_parses() -> None:
    """The fix of every rule with an example is a query of its parameter (or of the one it moves to)."""
    from cwql._parser import parse_kind

    for rule in _QUERY_RULES:
        if rule.code != "M002":  # its example and fix are comments
            parse_kind(rule.fix, rule.entry.fix_kind or rule.example_kind)


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.code for r in FIXABLE])
def test_fix_of_the_example_is_the_documented_fix(rule: Any) -> None:
    """`cwql lint --fix` (with --unsafe-fixes for an unsafe fix) turns the registry's example into
    exactly its fix, which re-parses; `cwql rule CODE` shows that example, that fix, whether it is
    safe, and the command that writes it."""
    from cwql._parser import parse_kind
    from cwql.lint._catalogue import explain

    case = {"kind": rule.example_kind, "endpoint": rule.entry.endpoint}
    got = _fixed(rule, _file_text({**case, "fail": rule.example}), rule.fixable == "unsafe")
    assert got == _file_text({**case, "fail": rule.fix})
    parse_kind(rule.fix, rule.example_kind)
    shown = explain(rule.entry)
    label = {"safe": "safe fix", "unsafe": "unsafe fix"}[rule.fixable]
    assert f" · {label} · " in shown
    assert f"```text\n{rule.example}\n```" in shown
    command = "cwql lint --fix" + (" --unsafe-fixes" if rule.fixable == "unsafe" else "")
    assert f"`{command}` writes" in shown
    assert f"```text\n{rule.fix}\n```" in shown


def test_a_rule_without_a_fix_leaves_its_example_alone() -> None:
    """For a code `cwql rule` says has no fix, `--fix --unsafe-fixes` changes nothing."""
    from cwql.lint._catalogue import explain

    for rule in _QUERY_RULES:
        if rule.fixable:
            continue
        case = {"kind": rule.example_kind, "endpoint": rule.entry.endpoint, "fail": rule.example}
        assert _fixed(rule, _file_text(case), True) == _file_text(case), rule.code
        assert " · no fix · " in explain(rule.entry)
        assert "By hand" in explain(rule.entry)


def test_cwql_rule_prints_the_catalogue_entry() -> None:
    from cwql.lint._catalogue import explain

    for code in ("E009", "V002", "L007", "F002"):
        r = cwql("rule", code)
        assert r.returncode == 0
        assert r.stdout.startswith(explain(RULES[code].entry).rstrip())


def test_case_files_are_written_as_cases() -> None:
    assert shutil.which(sys.executable)
    for path in HERE.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data) == {"rule", "cases"}, path
        for case in data["cases"]:
            assert set(case) <= {"fail", "pass", "fail_file", "pass_file", "kind", "endpoint",
                                 "fix", "unsafe_fix", "note"}, (path, case)
