"""The command line, through a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def cwql(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cwql", *args], input=stdin, capture_output=True, text=True,
        timeout=60,
    )


def test_check_prints_the_canonical_form() -> None:
    r = cwql("check", 'Status/Name = "Open" and (board/id in (1, 2) or priority/id=3)')
    assert (r.returncode, r.stdout, r.stderr) == (
        0, 'Status/Name="Open" and (board/id in (1,2) or priority/id=3)\n', "",
    )


def test_check_runs_the_lint_rules() -> None:
    r = cwql("check", 'Status/Name = "Open" AND board/id IN (1, 2) or priority/id=3')
    assert r.returncode == 1
    heads = [line for line in r.stdout.splitlines() if not line.startswith(" ")]
    assert heads == [
        "1:1: L001 warning: `and` inside `or` without parentheses: the server's precedence is not "
        "documented",
    ]
    styled = cwql("check", "--extend-select", "C", 'Status/Name = "Open" AND board/id IN (1, 2)')
    heads = [line for line in styled.stdout.splitlines() if not line.startswith(" ")]
    assert heads == ["1:22: C001 [*] info: keywords are written in lower case: `AND`, `IN`"]


def test_check_reports_an_error_with_exit_status_1() -> None:
    r = cwql("check", "a == 1")
    assert r.returncode == 1
    assert r.stdout.splitlines() == ["1:3: E009 [*] error: `==` is not an operator", "  a == 1",
                                     "    ^~", "  hint: write a single `=`", "  fix: Write `=`"]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("kind", "text", "out"),
    [("orderBy", "id  desc", "id desc"), ("fields", "id , summary", "id,summary"),
     ("childConditions", "value like 'j*'", 'value like "j*"')],
)
def test_kinds(kind: str, text: str, out: str) -> None:
    r = cwql("check", "--kind", kind, text)
    assert (r.returncode, r.stdout) == (0, out + "\n")


def test_stdin() -> None:
    r = cwql("check", "-", stdin="a = 1\n")
    assert (r.returncode, r.stdout) == (0, "a=1\n")


def test_parse_json() -> None:
    r = cwql("parse", "--json", "a=1 or b contains 'x'")
    assert r.returncode == 0
    tree = json.loads(r.stdout)
    assert tree["type"] == "Or"
    assert tree["operands"][1]["op"] == "contains"


def test_encode() -> None:
    r = cwql("encode", 'a = "x&y"')
    assert (r.returncode, r.stdout) == (0, "a%3D%22x%26y%22\n")


def test_usage_errors_exit_2() -> None:
    assert cwql().returncode == 2
    assert cwql("check").returncode == 2
    assert cwql("check", "--kind", "nope", "a=1").returncode == 2
    r = cwql("--version")
    assert r.returncode == 0
    assert r.stdout.startswith("cwql ")


@pytest.mark.parametrize(("args", "status"), [
    (["check", "id=1"], 0), (["check", "id==1"], 1), (["check", 'summary like "x"'], 1),
    (["check", "--select", "X999", "id=1"], 2), (["check", "--config", "/no/such.toml", "id=1"], 2),
    (["parse", "id=1"], 0), (["parse", "id==1"], 1), (["encode", "id==1"], 1),
    (["decode", "id%3D1"], 0), (["rule", "L001"], 0), (["rule", "L999"], 2), (["rules"], 0),
    (["lint", "/no/such/path"], 2), (["fmt", "/no/such/path"], 2),
    (["schema", "fields", "/service/tickets"], 0), (["schema", "fields", "/no/such"], 2),
    (["schema", "import", "/no/such.json", "-o", "/dev/null"], 2),
    (["serve", "--demo", "--port", "70000"], 2),
])
def test_each_command_exits_as_docs_cli_md_says(args: list[str], status: int) -> None:
    """docs/cli.md, "Exit status of each command": 0 fine, 1 findings, 2 usage (ruff's convention)."""
    r = cwql(*args)
    assert r.returncode == status, r.stdout + r.stderr
    assert "Traceback" not in r.stderr


def test_garbage_never_prints_a_traceback() -> None:
    for text in ["\x00\x01", "(" * 200, "a" * 200_000, "\u201ca\u201d"]:
        r = cwql("check", "-", stdin=text)
        assert r.returncode == 1
        assert "Traceback" not in r.stderr + r.stdout
