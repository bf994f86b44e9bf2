"""Start-up: the light commands import nothing they do not need.

Measured the way the benchmarks measure it (``python -X importtime``, in a
fresh process with compiled bytecode); the time itself is the benchmarks'
business (``benchmarks/suite_lint.py``), never a test's.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: Modules no light command needs: the error path's parser generator, logging,
#: pickle (Lark's cache), difflib, HTTP and YAML.
HEAVY = {"lark", "logging", "pickle", "difflib", "httpx", "yaml"}


def imported(*argv: str) -> set[str]:
    """Every module ``python -X importtime ARGV`` imports (dotted names)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    r = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True,
                       text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    return {line.split("|")[-1].strip() for line in r.stderr.splitlines()
            if line.startswith("import time:") and "|" in line} - {"package"}


def test_import_cwql_loads_only_the_package() -> None:
    cwql_modules = {m for m in imported("-c", "import cwql") if m.startswith("cwql")}
    assert cwql_modules == {"cwql", "cwql._lazy", "cwql._version"}


def test_import_cwql_loads_no_library() -> None:
    baseline = imported("-c", "pass")
    extra = {m for m in imported("-c", "import cwql") if not m.startswith("cwql")} - baseline
    # importlib's package module is all the lazy loading needs.
    assert extra <= {"importlib", "__future__", "warnings"}, extra


def test_version_builds_no_parser() -> None:
    modules = imported("-m", "cwql", "--version")
    assert "argparse" not in modules
    assert not modules & HEAVY
    assert {m for m in modules if m.startswith("cwql")} == {"cwql", "cwql._lazy", "cwql._version",
                                                            "cwql._cli"}


#: What a short query's check does without: dataclasses (and the inspect, ast, dis and tokenize
#: they pull in; cwql's start-up records are cwql._record.Record), decimal (only numbers compared
#: by a rule need it), the Python source reader, and the evaluator.
NOT_FOR_CHECK = {"dataclasses", "inspect", "ast", "decimal", "cwql.lint._sources.python",
                 "cwql._evaluator", "tokenize"}


def test_check_loads_neither_lark_nor_other_commands() -> None:
    modules = imported("-m", "cwql", "check", "a=1")
    assert not modules & HEAVY, modules & HEAVY
    assert not modules & NOT_FOR_CHECK, modules & NOT_FOR_CHECK
    commands = {m for m in modules if m.startswith("cwql._cli.")}
    assert commands <= {"cwql._cli.query", "cwql._cli.lint"}, commands  # lint: the config options


def test_a_failed_parse_loads_lark_to_explain_it() -> None:
    modules = imported("-c", "import cwql\ntry: cwql.parse('a ==')\nexcept cwql.ParseError: pass")
    assert {"lark", "cwql._lark", "cwql._diagnose"} <= modules


@pytest.mark.parametrize("text", ["a=1", "a = 1 and b in (1, 2) or c like 'x*'"])
def test_a_successful_parse_does_not(text: str) -> None:
    modules = imported("-c", f"import cwql; cwql.parse({text!r})")
    assert not modules & {"lark", "cwql._lark", "cwql._diagnose"}
    assert not modules & HEAVY


def test_every_command_is_registered_by_the_module_the_table_names() -> None:
    from cwql import _cli

    parser = _cli._build_parser()
    subs = next(a for a in parser._actions if a.dest == "command")
    assert list(subs.choices) == list(_cli.COMMANDS)  # type: ignore[attr-defined]
    for command, module in _cli.COMMANDS.items():
        alone = _cli._build_parser(command)
        names = next(a for a in alone._actions if a.dest == "command").choices
        assert command in names  # type: ignore[operator]
        assert {_cli.COMMANDS[n] for n in names} == {module}  # type: ignore[union-attr]


def test_version_prints_without_argparse_as_argparse_would() -> None:
    fast = subprocess.run([sys.executable, "-m", "cwql", "--version"], capture_output=True, text=True,
                          timeout=60)
    slow = subprocess.run([sys.executable, "-m", "cwql", "--version", "-h"], capture_output=True,
                          text=True, timeout=60)  # argparse's own --version action runs first
    assert fast.returncode == slow.returncode == 0
    assert fast.stdout == slow.stdout
    assert fast.stdout.startswith("cwql ")


def test_building_the_argument_parser_loads_no_shutil_or_json() -> None:
    # argparse's stock formatter imports shutil (zlib, bz2, lzma) for every argument added.
    modules = imported("-c", "from cwql._cli import _build_parser; _build_parser('check')")
    assert not modules & {"shutil", "json", "lzma", "bz2"}


@pytest.mark.parametrize(("columns", "width"), [("60", 58), ("0", None), ("x", None), (None, None)])
def test_help_is_as_wide_as_argparse_would_make_it(
    columns: str | None, width: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import argparse
    import shutil

    from cwql._cli import _build_parser

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    ours = _build_parser("check")._get_formatter()._width  # type: ignore[attr-defined]
    stock = argparse.HelpFormatter("cwql")._width  # type: ignore[attr-defined]
    assert ours == stock == (shutil.get_terminal_size().columns - 2 if width is None else width)
