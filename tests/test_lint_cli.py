"""``cwql lint``, ``fmt``, ``rule``, ``rules`` and ``check`` through a real subprocess.

Output formats are checked by structure, not by string; exit codes, noqa,
config discovery, stdin and fixes are checked the way CI and pre-commit use them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CWQL_OUTPUT_FORMAT")}


def cwql(*args: str, cwd: Path | None = None, stdin: str | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, input=stdin, env={**ENV, **(env or {})})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "queries.cwql").write_text(
        "# open tickets\n"
        'summary like "printer"\n'
        "status/id = 1 AND board/id in (2)\n"
        'summary like "%x%" or summary like "%x%"\n', encoding="utf-8")
    (tmp_path / "app.py").write_text(
        'import requests\n'
        'requests.get(API + "/service/tickets", params={"conditions": "a == 1"})\n'
        'API = "https://eu.myconnectwise.net/v4_6_release/apis/3.0"\n',
        encoding="utf-8")
    (tmp_path / "clean.cwql").write_text("status/id=1\n", encoding="utf-8")
    # Style and info rules are opt-in; this project opts in to see them all.
    (tmp_path / "cwql.toml").write_text('extend-select = ["C", "V005"]\n', encoding="utf-8")
    return tmp_path


# ---- exit codes ------------------------------------------------------------------


def test_exit_codes(project: Path) -> None:
    assert cwql("lint", "clean.cwql", cwd=project).returncode == 0
    assert cwql("lint", ".", cwd=project).returncode == 1
    assert cwql("lint", "--exit-zero", ".", cwd=project).returncode == 0
    for bad in (["lint", "nope.cwql"], ["lint", "--select", "Q9", "."], ["lint", "--output-format", "xml"],
                ["lint", "--config", "colour = 'blue'", "."], ["rule", "Z999"], ["fmt", "missing/"]):
        r = cwql(*bad, cwd=project)
        assert r.returncode == 2, bad
        assert "Traceback" not in r.stderr


def test_text_output(project: Path) -> None:
    r = cwql("lint", ".", cwd=project)
    lines = r.stdout.splitlines()
    assert "app.py:2:65: E009 [*] error: `==` is not an operator" in lines
    assert "queries.cwql:2:14: V001 warning: `like` without a wildcard matches the whole value exactly" in lines
    assert "queries.cwql:3:15: C001 [*] info: keywords are written in lower case: `AND`" in lines
    assert "Found 5 problems (1 error, 2 warnings, 2 info)." in lines
    assert lines[-1].startswith("[*]") or lines[-1].startswith(("Found", "1 more", "2 more"))
    assert "\x1b[" not in r.stdout
    colored = cwql("lint", "--color", ".", cwd=project)
    assert "\x1b[" in colored.stdout


def test_json_has_ruffs_shape(project: Path) -> None:
    r = cwql("lint", "--output-format", "json", ".", cwd=project)
    items = json.loads(r.stdout)
    assert {"cell", "code", "end_location", "filename", "fix", "location", "message", "noqa_row",
            "url"} <= set(items[0])
    by_code = {i["code"]: i for i in items}
    e = by_code["E009"]
    assert (e["filename"], e["location"], e["end_location"]) == (
        "app.py", {"row": 2, "column": 65}, {"row": 2, "column": 67})
    fix = by_code["V005"]["fix"]
    assert fix["applicability"] == "safe"
    assert fix["edits"] == [{"content": "=2", "location": {"row": 3, "column": 27},
                             "end_location": {"row": 3, "column": 34}}]
    assert by_code["V001"]["url"].endswith("#v001-like-without-wildcard")


def test_github_escapes_percent_and_newlines(project: Path) -> None:
    (project / "multi.py").write_text(
        'f(conditions="summary like \'50%\' and\\n a == 1")  # cwql: endpoint=/service/tickets\n',
        encoding="utf-8")
    r = cwql("lint", "--output-format", "github", ".", cwd=project)
    lines = r.stdout.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    v001 = next(line for line in lines if "V001" in line)
    assert v001.startswith("::warning title=cwql (V001),file=queries.cwql,line=2,col=14,endLine=2,endColumn=23::")
    l002 = next(line for line in lines if "L002" in line)
    assert '"%25x%25"' in l002
    assert '"%x%"' not in l002
    e009 = next(line for line in lines if "E009" in line and "multi.py" in line)
    assert "line=1,col=42" in e009


def test_github_property_escaping() -> None:
    from cwql.lint._outputs import _escape_data, _escape_property

    assert _escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert _escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_sarif(project: Path) -> None:
    r = cwql("lint", "--output-format", "sarif", ".", cwd=project)
    log = json.loads(r.stdout)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert "V001" in ids
    assert "E009" in ids
    for rule in rules:
        assert {"id", "name", "shortDescription", "fullDescription", "helpUri",
                "defaultConfiguration"} <= set(rule)
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    results = run["results"]
    assert results
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        (loc,) = result["locations"]
        region = loc["physicalLocation"]["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert loc["physicalLocation"]["artifactLocation"]["uri"] in ("app.py", "queries.cwql")


def test_output_file_and_statistics(project: Path) -> None:
    r = cwql("lint", "--output-format", "json", "-o", "out.json", ".", cwd=project)
    assert r.returncode == 1
    assert r.stdout == ""
    assert json.loads((project / "out.json").read_text(encoding="utf-8"))
    stats = cwql("lint", "--statistics", ".", cwd=project)
    rows = [line.split() for line in stats.stdout.splitlines()]
    assert ["1", "E009", "[*]", "unexpected-token"] not in rows
    assert ["1", "V005", "[*]", "single-value-in"] in rows
    assert ["1", "E009", "[*]", "double-equals"] in rows
    assert ["1", "V001", "like-without-wildcard"] in rows  # its fix is unsafe: no [*]


def test_output_file_that_cannot_be_written_is_a_usage_error(project: Path) -> None:
    for where, why in (("missing/out.json", "no such folder"), (".", "cannot write it")):
        r = cwql("lint", "-o", where, ".", cwd=project)
        assert r.returncode == 2
        assert r.stderr.splitlines()[-1].startswith(f"cwql: --output-file {where}: {why}")
        assert "internal error" not in r.stderr


def test_check_api_raises_cwql_errors_for_bad_arguments() -> None:
    import cwql
    from cwql.lint import check

    for kwargs in ({"kind": "bogus"}, {"select": ["X9"]}):
        with pytest.raises(cwql.CWQLError, match=r"kind must be one of|X9") as e:
            check("id=1", **kwargs)  # type: ignore[arg-type]
        assert isinstance(e.value, ValueError)
    assert check("id desc", "orderBy") == []


# ---- noqa, config --------------------------------------------------------------


def test_noqa(tmp_path: Path) -> None:
    (tmp_path / "q.cwql").write_text(
        'summary like "x"  # cwql: noqa\n'
        'summary like "x"  # cwql: noqa: V001\n'
        'summary like "x"  # cwql: noqa: L001\n', encoding="utf-8")
    (tmp_path / "q.py").write_text(
        'f(conditions=("summary like \'x\'"  # cwql: noqa: V001\n'
        '              " and a=1"))\n', encoding="utf-8")
    r = cwql("lint", "--output-format", "json", ".", cwd=tmp_path)
    found = sorted((i["filename"], i["code"], i["location"]["row"]) for i in json.loads(r.stdout))
    assert found == [("q.cwql", "M001", 3), ("q.cwql", "V001", 3)]


def test_config_discovery_and_settings(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cwql]\nignore = ["V005"]\nextend-select = ["C003", "V005"]\nexclude = ["legacy/"]\n'
        '[tool.cwql.per-file-ignores]\n"tests/**" = ["V001"]\n'
        '[tool.cwql.per-file-settings]\n"child/*.cwql" = { kind = "childConditions" }\n',
        encoding="utf-8")
    for folder in ("src", "tests", "legacy", "child"):
        (tmp_path / folder).mkdir()
    query = 'summary like "x" and id in (1) and (a=1 or a=2)\n'
    for folder in ("src", "tests", "legacy"):
        (tmp_path / folder / "q.cwql").write_text(query, encoding="utf-8")
    (tmp_path / "child" / "q.cwql").write_text("value in (1, 2)\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("ignored.cwql\n", encoding="utf-8")
    (tmp_path / "src" / "ignored.cwql").write_text("a == 1\n", encoding="utf-8")

    def codes(*args: str, cwd: Path = tmp_path) -> set[tuple[str, str]]:
        r = cwql("lint", "--output-format", "json", *args, cwd=cwd)
        assert r.returncode in (0, 1), r.stderr
        return {(i["filename"].split("/")[0], i["code"]) for i in json.loads(r.stdout)}

    found = codes(".")
    assert found == {("src", "V001"), ("src", "C003"), ("tests", "C003"), ("child", "L005")}
    # From a subfolder, the same config is found; paths print relative to the cwd.
    assert codes(".", cwd=tmp_path / "src") == {("q.cwql", "V001"), ("q.cwql", "C003")}
    assert ("src", "V005") in codes("--config", "ignore = []", ".")
    assert ("legacy", "V001") in codes("--isolated", ".")
    (tmp_path / "cwql.toml").write_text('select = ["V005"]\n', encoding="utf-8")
    assert codes(".") == {("src", "V005"), ("tests", "V005"), ("legacy", "V005")}
    (tmp_path / "cwql.toml").write_text('select = ["V005"\n', encoding="utf-8")
    broken = cwql("lint", ".", cwd=tmp_path)
    assert broken.returncode == 2
    assert "cwql.toml: not valid TOML" in broken.stderr


def test_endpoint_reaches_the_url_budget(tmp_path: Path) -> None:
    import cwql as lib
    from cwql.lint._model import Settings

    def length(n: int) -> int:
        query = "id in (" + ",".join(str(10**6 + i) for i in range(n)) + ")"
        return len(Settings().base_url) + len("?conditions=") + len(lib.encode(query))

    n = max(n for n in range(1, 400) if length(n) <= 2000)
    query = "id in (" + ",".join(str(10**6 + i) for i in range(n)) + ")"
    (tmp_path / "q.cwql").write_text(query + "\n", encoding="utf-8")
    assert cwql("lint", "--select", "W001", ".", cwd=tmp_path).returncode == 0
    long_endpoint = "/" + "x" * 400
    r = cwql("lint", "--select", "W001", "--endpoint", long_endpoint, ".", cwd=tmp_path)
    assert r.returncode == 1
    assert "W001" in r.stdout


# ---- stdin, fixes, fmt ---------------------------------------------------------


def test_stdin() -> None:
    r = cwql("lint", "-", stdin="a == 1\nb=1\n")
    assert r.returncode == 1
    assert r.stdout.startswith("-:1:3: E009")
    py = cwql("lint", "--extend-select", "C", "--stdin-filename", "x.py", "-",
              stdin='import cwql\nf(orderBy="id asc")\n')
    assert py.stdout.startswith("x.py:2:15: C002")
    fixed = cwql("lint", "--fix", "-", stdin="a == 1 AND b in (2)\n")
    assert (fixed.returncode, fixed.stdout) == (0, "a = 1 AND b in (2)\n")  # style is opt-in
    styled = cwql("lint", "--fix", "--extend-select", "C,V005", "-", stdin="a == 1 AND b in (2)\n")
    assert (styled.returncode, styled.stdout) == (0, "a = 1 and b=2\n")


def test_diff_shows_the_fixes_and_changes_nothing(project: Path) -> None:
    before = {p.name: p.read_bytes() for p in project.iterdir()}
    r = cwql("lint", "--diff", ".", cwd=project)
    assert r.returncode == 1
    assert "-status/id = 1 AND board/id in (2)\n" in r.stdout
    assert "+status/id = 1 and board/id=2\n" in r.stdout
    assert {p.name: p.read_bytes() for p in project.iterdir()} == before
    assert cwql("lint", "--diff", "clean.cwql", cwd=project).returncode == 0


def test_fix_in_place_is_idempotent(project: Path) -> None:
    r = cwql("lint", "--fix", ".", cwd=project)
    assert r.returncode == 1  # V001 has no safe fix
    assert "fixed 4 problems" in r.stderr
    assert "a = 1" in (project / "app.py").read_text(encoding="utf-8")
    assert (project / "queries.cwql").read_text(encoding="utf-8").splitlines()[2:] == [
        "status/id = 1 and board/id=2", 'summary like "%x%"']
    before = {p.name: p.read_bytes() for p in project.iterdir()}
    again = cwql("lint", "--fix", ".", cwd=project)
    assert "fixed" not in again.stderr
    assert {p.name: p.read_bytes() for p in project.iterdir()} == before


def test_fix_reports_only_what_it_changed(tmp_path: Path) -> None:
    # An escaped backslash then a plain quote: a finding that no escape-free form can fix.
    query = 'summary = "a\\\\\'b" and id in (1)\n'
    (tmp_path / "q.cwql").write_text(query, encoding="utf-8")
    r = cwql("lint", "--fix", "--select", "V", "--output-format", "json", ".", cwd=tmp_path)
    assert r.returncode == 1
    assert "fixed 1 problem\n" in r.stderr  # V005; nothing for V008
    assert (tmp_path / "q.cwql").read_text(encoding="utf-8") == 'summary = "a\\\\\'b" and id=1\n'
    (finding,) = json.loads(r.stdout)
    assert finding["code"] == "V008"
    assert finding["fix"] is None
    again = cwql("lint", "--fix", "--select", "V", ".", cwd=tmp_path)
    assert "fixed" not in again.stderr


def test_fmt(project: Path) -> None:
    (project / "app.py").write_text(
        'import cwql  # nothing else changes\nclient.get("/t", params={"conditions": "Status/Name = \'Open\' AND id IN (1, 2)"})  # keep\n',
        encoding="utf-8")
    check = cwql("fmt", "--check", ".", cwd=project)
    assert check.returncode == 1
    assert "Would reformat: app.py" in check.stdout
    diff = cwql("fmt", "--diff", ".", cwd=project)
    assert diff.returncode == 1
    assert "+client.get(\"/t\", params={\"conditions\": \"Status/Name='Open' and id in (1,2)\"})  # keep" in diff.stdout
    assert (project / "app.py").read_text(encoding="utf-8").startswith("import cwql")
    done = cwql("fmt", ".", cwd=project)
    assert done.returncode == 0
    assert (project / "app.py").read_text(encoding="utf-8").splitlines() == [
        "import cwql  # nothing else changes",
        'client.get("/t", params={"conditions": "Status/Name=\'Open\' and id in (1,2)"})  # keep',
    ]
    assert (project / "queries.cwql").read_text(encoding="utf-8").splitlines()[1:] == [
        'summary like "printer"', "status/id=1 and board/id in (2)",
        'summary like "%x%" or summary like "%x%"']
    again = cwql("fmt", "--check", ".", cwd=project)
    assert again.returncode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_fmt_and_fix_write_through_a_symlink(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    real = store / "q.cwql"
    work = tmp_path / "work"
    work.mkdir()
    link = work / "q.cwql"
    link.symlink_to(real)
    for command, before, after in (
        (("fmt",), "A = 1 OR b = 'x'\n", 'A=1 or b="x"\n'),
        (("lint", "--fix", "--exit-zero", "--extend-select", "C,V005"), "a = 1 AND b in (2)\n",
         "a = 1 and b=2\n"),
    ):
        real.write_text(before, encoding="utf-8")
        real.chmod(0o640)
        r = cwql(*command, "q.cwql", cwd=work)
        assert r.returncode == 0, r.stderr
        assert link.is_symlink()
        assert link.resolve() == real.resolve()
        assert real.read_text(encoding="utf-8") == after
        assert real.stat().st_mode & 0o777 == 0o640
        assert sorted(p.name for p in store.iterdir()) == ["q.cwql"]  # no temporary file left
        assert sorted(p.name for p in work.iterdir()) == ["q.cwql"]


def test_fmt_reports_queries_that_do_not_parse(tmp_path: Path) -> None:
    (tmp_path / "q.cwql").write_text("a = 1 and\nb = 2\n", encoding="utf-8")
    r = cwql("fmt", ".", cwd=tmp_path)
    assert r.returncode == 1
    assert "q.cwql:1:7: E006" in r.stderr
    assert (tmp_path / "q.cwql").read_text(encoding="utf-8") == "a = 1 and\nb=2\n"
    out = cwql("fmt", "-", stdin="A = 1 OR b = 'x'\n")
    assert (out.returncode, out.stdout) == (0, 'A=1 or b="x"\n')
    check = cwql("fmt", "--check", "-", stdin="A = 1\n")
    assert (check.returncode, check.stdout) == (1, "Would reformat: -\n")
    py = cwql("fmt", "--stdin-filename", "x.py", "-", stdin='import cwql\nf(orderBy="id  DESC")\n')
    assert py.stdout == 'import cwql\nf(orderBy="id desc")\n'


def test_fmt_repairs_syntax_errors_with_one_obvious_repair(tmp_path: Path) -> None:
    (tmp_path / "q.cwql").write_text("a == 1 && b <> 2\nc is null\n", encoding="utf-8")
    r = cwql("fmt", ".", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "q.cwql").read_text(encoding="utf-8") == "a=1 and b!=2\nc=null\n"


# ---- rule, rules, check ----------------------------------------------------------


def test_rule_and_rules() -> None:
    r = cwql("rule", "V001")
    assert r.returncode == 0
    assert r.stdout.startswith("# V001 like-without-wildcard")
    assert cwql("rule", "like-without-wildcard").stdout == r.stdout
    listing = cwql("rules")
    assert "  V001  [~] like-without-wildcard" in listing.stdout
    assert "S  Schema" in listing.stdout
    assert "  S002  [*] field-case" in listing.stdout
    data = json.loads(cwql("rules", "--output-format", "json").stdout)
    assert len(data) >= 50
    assert {"code", "name", "family", "severity", "fix", "default", "url"} <= set(data[0])


def test_check_stays_light(tmp_path: Path) -> None:
    """`cwql check` loads no HTTP, YAML or file-reading code (cold start is benchmarked)."""
    code = ("import sys, runpy; sys.argv = ['cwql', 'check', 'a=1']\n"
            "try:\n    runpy.run_module('cwql', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in ('httpx', 'yaml', 'tomllib', 'difflib', 'cwql.lint._sources.python')"
            " if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                       timeout=60)
    assert r.stdout.splitlines() == ["a=1", "[]"]


def test_starting_the_cli_loads_neither_the_parser_nor_the_rules() -> None:
    code = ("import sys\nfrom cwql._cli import _build_parser\n"
            "_build_parser().parse_args(['lint', '--kind', 'orderBy'])\n"
            "print(sorted(m for m in ('lark', 'cwql._parser', 'cwql.lint._rules', 'cwql.lint._model')"
            " if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.splitlines() == ["[]"], r.stderr
    bad = cwql("parse", "--kind", "bogus", "a=1")
    assert bad.returncode == 2
    assert "invalid choice: 'bogus' (choose from " in bad.stderr


def test_pre_commit_hooks() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    by_id = {h["id"]: h for h in hooks}
    assert set(by_id) == {"cwql-lint", "cwql-fmt"}
    for hook in hooks:
        assert hook["language"] == "python"
        command = hook["entry"].split()
        assert command[0] == "cwql"
        assert cwql(*command[1:], "--help").returncode == 0
    assert any(d.startswith("pyyaml") for d in by_id["cwql-lint"]["additional_dependencies"])


def test_check_output_formats_and_options() -> None:
    r = cwql("check", "--output-format", "json", 'summary like "x"')
    assert [i["code"] for i in json.loads(r.stdout)] == ["V001"]
    assert cwql("check", "--ignore", "V001", 'summary like "x"').returncode == 0
    child = cwql("check", "--kind", "childConditions", "value in (1, 2)")
    assert "L005" in child.stdout
    huge = cwql("check", "-", stdin="a=1 and " * 20_000 + "a=1")
    assert huge.returncode == 1
    assert "E019" in huge.stdout
    empty = cwql("check", "-", stdin="  ")
    assert "E018" in empty.stdout
    deep = cwql("check", "(" * 100 + "a=1" + ")" * 100)
    assert (deep.returncode, deep.stdout.split()[1]) == (1, "E020")


def test_limit_rules_in_files(tmp_path: Path) -> None:
    (tmp_path / "q.py").write_text(
        'import cwql\n'
        'f(conditions="")\n'
        f'f(conditions="{"(" * 100}a=1{")" * 100}")\n'
        f'f(conditions="{"a=1 or " * 30_000}a=1")\n', encoding="utf-8")
    r = cwql("lint", "--output-format", "json", ".", cwd=tmp_path)
    assert [(i["code"], i["location"]["row"]) for i in json.loads(r.stdout)] == [
        ("E018", 2), ("E020", 3), ("E019", 4)]


# ---- the project root, severities, the default selection ------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_lint_does_not_follow_a_file_symlink_out_of_the_project(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.cwql").write_text('password = "hunter2" and a == 1\n', encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.cwql").symlink_to(outside / "secret.cwql")
    (project / "q.cwql").write_text("a = 1\n", encoding="utf-8")
    r = cwql("lint", ".", cwd=project)
    assert r.returncode == 0
    assert "hunter2" not in r.stdout + r.stderr
    assert "link.cwql: skipped: a symlink to a file outside the project" in r.stderr
    # Named on the command line, it is linted: the user asked for it.
    named = cwql("lint", "link.cwql", cwd=project)
    assert named.returncode == 1
    assert "E009" in named.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_fmt_does_not_rewrite_a_file_outside_the_tree_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "q.cwql"
    target.write_text("A = 1 OR b = 'x'\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.cwql").symlink_to(target)
    inside = project / "real.cwql"
    inside.write_text("C = 1 OR d = 'y'\n", encoding="utf-8")
    (project / "inner.cwql").symlink_to(inside)
    for args in (("fmt", "."), ("lint", "--fix", "--extend-select", "C", ".")):
        r = cwql(*args, cwd=project)
        assert r.returncode in (0, 1), r.stderr
        assert target.read_text(encoding="utf-8") == "A = 1 OR b = 'x'\n"
    # A link to a file inside the project is followed.
    assert inside.read_text(encoding="utf-8") == 'C=1 or d="y"\n'


def test_default_selection_holds_correctness_rules_only() -> None:
    from cwql._codes import CODES
    from cwql.lint._config import Config
    from cwql.lint._rules import RULES

    enabled = Config().enabled()
    style = {c for c in RULES if c.startswith("C")}
    info = {c for c, rule in RULES.items() if rule.severity == "info"}
    assert style
    assert info
    assert not (style | info) & enabled
    assert enabled == {c for c in RULES if c not in style | info}
    assert {"E009", "V001", "L003", "W001", "F001", "M001"} <= enabled
    listing = cwql("rules").stdout
    assert "  C001  [*] keyword-case" in listing
    assert "(off by default)" in listing
    assert all(CODES[c].default for c in enabled)


def test_text_output_shows_severity_and_fail_on_sets_the_threshold(tmp_path: Path) -> None:
    (tmp_path / "q.cwql").write_text('summary like "x"\nid in (1)\n', encoding="utf-8")
    base = ("lint", "--extend-select", "V005", ".")
    r = cwql(*base, cwd=tmp_path)
    assert r.returncode == 1
    assert "q.cwql:1:14: V001 warning: `like` without" in r.stdout
    assert "q.cwql:2:1: V005 [*] info: `in` with one value" in r.stdout
    assert "Found 2 problems (1 warning, 1 info)." in r.stdout
    assert cwql(*base[:-1], "--fail-on", "warning", ".", cwd=tmp_path).returncode == 1
    errors_only = cwql(*base[:-1], "--fail-on", "error", ".", cwd=tmp_path)
    assert errors_only.returncode == 0
    assert "V001 warning" in errors_only.stdout  # shown, not failing
    assert cwql(*base[:-1], "--exit-zero", ".", cwd=tmp_path).returncode == 0
    (tmp_path / "cwql.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    assert cwql(*base, cwd=tmp_path).returncode == 0
    assert cwql(*base[:-1], "--fail-on", "info", ".", cwd=tmp_path).returncode == 1
    bad = cwql("lint", "--config", 'fail-on = "fatal"', ".", cwd=tmp_path)
    assert bad.returncode == 2
    assert "fail-on must be one of info, warning, error" in bad.stderr
    check = cwql("check", "--fail-on", "error", 'summary like "x"')
    assert (check.returncode, check.stdout.split()[1:3]) == (0, ["V001", "warning:"])


def test_check_of_nothing_raises_a_cwql_error() -> None:
    import cwql as lib
    from cwql.lint import check

    for bad in (None, b"a=1", 1):
        with pytest.raises(lib.CWQLError):
            check(bad)  # type: ignore[arg-type]
    with pytest.raises(lib.CWQLTypeError):
        check("a=1", select=5)  # type: ignore[arg-type]
    assert [f.code for f in check('summary like "x"', select="V001")] == ["V001"]


# ---- a query string pasted into a value (issue 12) ---------------------------------------


def test_check_leading_conditions_is_a_separate_parameter() -> None:
    r = cwql("check", "conditions=priority/id=7")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert lines[0] == "1:1: E031 [*] error: `conditions=` is a separate query parameter, not part of the value"
    assert "text values need quotes" not in r.stdout
    assert ("  hint: leave `conditions=` out: the conditions value is `priority/id=7`; with cwql, "
            "Query(conditions='priority/id=7')") in lines
    assert "  fix: Remove `conditions=`" in lines
    fixed = cwql("lint", "--fix", "-", stdin="CONDITIONS=priority/id=7\n")
    assert (fixed.returncode, fixed.stdout) == (0, "priority/id=7\n")
    for text in ("childConditions=value = 1", "orderBy=id desc", "?conditions=a=1", "Fields = id"):
        assert "E031" in cwql("check", text).stdout, text


def test_check_embedded_order_by_and_page_size_are_separate_parameters() -> None:
    r = cwql("check", "id>5&orderBy=id desc&pageSize=100")
    assert r.returncode == 1
    assert "encode" not in r.stdout  # no advice to encode the very `&` that caused this
    lines = r.stdout.splitlines()
    assert lines[0] == "1:5: E031 error: `&orderBy=` is a separate query parameter, not part of the value"
    assert lines[2] == "      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~"
    assert ("  hint: send each as its own query parameter: conditions `id>5`, orderBy `id desc`, "
            "pageSize `100`; with cwql, Query(conditions='id>5', order_by='id desc', "
            "page_size=100)") in lines
    assert not any(line.startswith("  fix:") for line in lines)  # moved by hand
    for text in ("a=1&page=2", "a=1&fields=id", "a=1 &conditions=b=2", "a=1&PAGEID=5"):
        assert "E031" in cwql("check", text).stdout, text
    assert "E010" in cwql("check", "a=1 & b=2").stdout  # a plain `&` stays E010


def test_custom_fields_path_in_conditions_points_to_custom_field_conditions() -> None:
    r = cwql("check", 'customFields/caption = "Region" and customFields/value = "West"')
    assert r.returncode == 1
    assert "childConditions" not in r.stdout
    assert ('hint: send it as customFieldConditions: caption = "Region" and value = "West" '
            '(with cwql: CF("Region") == "West")') in r.stdout
    one = cwql("check", "--endpoint", "/service/tickets", 'customFields/value = "x"')
    assert [line.split()[1] for line in one.stdout.splitlines() if not line.startswith(" ")] == ["L007"]
    assert "customFieldConditions: caption=" in one.stdout


# ---- pre-commit --------------------------------------------------------------------------


def test_pre_commit_hooks_install_the_same_way() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    by_id = {h["id"]: h for h in hooks}
    # One environment: the same language and the same extra dependencies for both.
    assert by_id["cwql-lint"]["language"] == by_id["cwql-fmt"]["language"]
    assert by_id["cwql-lint"].get("additional_dependencies") == \
        by_id["cwql-fmt"].get("additional_dependencies")
    assert by_id["cwql-lint"]["files"] == by_id["cwql-fmt"]["files"]  # fmt formats JSON and YAML too


def test_pre_commit_snippet_names_the_release_tag_of_this_version() -> None:
    """The docs' `rev` is the tag each release is given: `v` and the package version."""
    import re

    from cwql import __version__

    page = (Path(__file__).parent.parent / "docs" / "linter.md").read_text(encoding="utf-8")
    revs = re.findall(r"^\s+rev: (\S+)", page, re.MULTILINE)
    assert revs == [f"v{__version__}"]
    assert "pre-commit autoupdate" in page


@pytest.mark.parametrize("where", ["inside", "above", "elsewhere"])
def test_a_walked_file_is_shown_as_if_named_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  where: str) -> None:
    """The walk works out a folder's display once for all its files: the same text as
    relative_to(cwd) per file gives, from inside the tree, above it, or outside it."""
    from cwql.lint._config import Config
    from cwql.lint._files import _display, discover

    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    for name in ("x.cwql", "a/y.py", "a/b/z.json"):
        (tree / name).write_text("a=1\n")
    cwd = {"inside": tree, "above": tmp_path, "elsewhere": tmp_path / "tree" / "a" / "b"}[where]
    monkeypatch.chdir(cwd)
    targets, _ = discover([str(tree)], Config(root=tmp_path))
    assert len(targets) == 3
    for t in targets:
        assert t.display == _display(t.path), t


def test_lint_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    """lint and fmt collect less often while they run (a tenth of a run was collections);
    main() may run inside another program, whose collector must come back unchanged."""
    import gc

    from cwql._cli import main

    (tmp_path / "q.cwql").write_text("a = 1 AND b = 2\n")
    before = gc.get_threshold(), gc.get_freeze_count()
    for command in (["lint", "--isolated", "-q"], ["fmt", "--isolated", "--check"]):
        assert main([*command, str(tmp_path)]) in (0, 1)
        assert (gc.get_threshold(), gc.get_freeze_count()) == before, command


def test_lint_leaves_a_host_s_frozen_objects_frozen(tmp_path: Path) -> None:
    """A host that froze its objects (gc.freeze before forking workers) keeps them frozen:
    putting the collector back unfroze every frozen object, the host's too."""
    import gc

    from cwql._cli import main

    (tmp_path / "q.cwql").write_text("a = 1\n")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        for command in (["lint", "--isolated", "-q"], ["fmt", "--isolated", "--check"]):
            assert main([*command, str(tmp_path)]) in (0, 1)
            # Some frozen objects may be freed meanwhile; unfrozen, the count is 0.
            assert gc.get_freeze_count() > frozen // 2, command
    finally:
        gc.unfreeze()
