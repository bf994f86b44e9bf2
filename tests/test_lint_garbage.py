"""Garbage in: a finding (F001, F002 for a file cwql cannot read), never a traceback or a hang.

Every case runs the real command with a timeout that only a hang would reach;
how much work hostile input costs is bounded by counting the work, not timing it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MB = 1024 * 1024


def lint(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    r = subprocess.run([sys.executable, "-m", "cwql", "lint", *args, "."], capture_output=True,
                       text=True, timeout=120, cwd=folder, env={**os.environ, **(env or {})})
    assert "Traceback" not in r.stdout + r.stderr
    assert "internal error" not in r.stderr
    assert "Warning" not in r.stderr
    assert r.returncode in (0, 1), r.stderr
    return r


CASES: dict[str, bytes] = {
    "binary.cwql": b"\x00\x01\x02garbage\xff" * 100,
    "latin1.cwql": "summary = 'café'\n".encode("latin-1"),
    "latin1.json": '{"conditions": "a = \'café\'"}'.encode("latin-1"),
    "syntax.py": b"def f(:\n    conditions='a == 1'\n",
    "nulls.py": b"x = 1\n\x00\n",
    "deep.py": b"x = " + b"(" * 200_000 + b"1" + b")" * 200_000 + b"\n",
    "cookie.py": b"# -*- coding: no-such-codec -*-\nf(conditions='a=1')\n",
    "bad.json": b'{"conditions": "a=1",,}',
    "deep.json": b"[" * 200_000 + b"]" * 200_000,
    "bad.yaml": b"conditions: [a\n  b: {\n",
    "tabs.yaml": b"conditions:\n\t- a == 1\n",
    "empty.cwql": b"",
    "bom.cwql": b"\xef\xbb\xbfa = 1\n",
    "cr.cwql": b"a = 1\rb == 2\r",
    "surrogate.py": b'f(conditions="summary = \'\\ud800\'")\n',
    "controls.cwql": "a = 1\x1b[31m\n\u202ewhat = 1\n".encode(),
    "escapes.py": b'f(conditions="a \\d = 1")\nx = "\\q"\n',
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_garbage_file(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(CASES[name])
    lint(tmp_path, env={"PYTHONWARNINGS": "default"})  # and no warning leaks to stderr


def test_a_file_that_cannot_be_read_or_parsed_is_a_finding(tmp_path: Path) -> None:
    """No false green: each file cwql could not check is a finding with its own code (exit 1)."""
    for name in ("binary.cwql", "latin1.cwql", "syntax.py", "deep.json", "bad.yaml", "cookie.py",
                 "bad.json"):
        (tmp_path / name).write_bytes(CASES[name])
    r = lint(tmp_path, "--output-format", "json")
    assert r.returncode == 1
    found = {(i["filename"], i["code"]): i for i in json.loads(r.stdout)}
    assert set(found) == {("binary.cwql", "F001"), ("latin1.cwql", "F001"), ("cookie.py", "F001"),
                          ("syntax.py", "F002"), ("deep.json", "F002"), ("bad.yaml", "F002"),
                          ("bad.json", "F002")}
    assert found[("binary.cwql", "F001")]["message"] == (
        "cannot read the file: a binary file (it holds NUL bytes)")
    assert found[("latin1.cwql", "F001")]["message"].startswith("cannot read the file: not valid UTF-8")
    assert found[("syntax.py", "F002")]["message"].startswith(
        "cannot read the file as Python: line 1: invalid syntax")
    assert found[("syntax.py", "F002")]["location"] == {"row": 1, "column": 7}
    assert found[("bad.json", "F002")]["location"] == {"row": 1, "column": 22}
    assert found[("bad.yaml", "F002")]["message"].startswith("cannot read the file as YAML")
    text = lint(tmp_path)
    assert "All checks passed" not in text.stdout
    assert "binary.cwql:1:1: F001 error: cannot read the file: a binary file" in text.stdout
    # Ignored like any code: then the file is still said to be unchecked, on stderr.
    ignored = lint(tmp_path, "--ignore", "F")
    assert ignored.returncode == 0
    assert "cwql: binary.cwql: not checked: cannot read the file: a binary file" in ignored.stderr


def test_five_megabytes(tmp_path: Path) -> None:
    (tmp_path / "one-line.cwql").write_text("a=1 and " * (5 * MB // 8) + "a=1\n", encoding="utf-8")
    (tmp_path / "big.json").write_text('{"childConditions": "' + "x" * 5 * MB + '"}',
                                       encoding="utf-8")
    (tmp_path / "big.py").write_text("import cwql\nx = '" + "y" * 5 * MB + "'\n"
                                     "f(conditions='a == 1')\n", encoding="utf-8")
    many = "".join(f'f(conditions="status/id = {i} and summary like \'x{i}\'")  # {"-" * 220}\n'
                   for i in range(5_000))
    (tmp_path / "many.py").write_text("import cwql\n" + many * 4, encoding="utf-8")
    assert (tmp_path / "many.py").stat().st_size > 5 * MB
    r = lint(tmp_path, "--statistics")
    assert r.returncode == 1
    rows = {line.split()[1]: int(line.split()[0]) for line in r.stdout.splitlines()}
    assert rows["E019"] == 2  # the one-line file and the JSON value: too long to parse
    assert rows["E009"] == 1
    assert rows["V001"] == 20_000


def test_max_file_size(tmp_path: Path) -> None:
    (tmp_path / "q.cwql").write_text("a == 1\n" * 1000, encoding="utf-8")
    r = lint(tmp_path, "--config", "max-file-size = 1000")
    assert r.returncode == 1
    assert "q.cwql:1:1: F001 error: cannot read the file: larger than max-file-size" in r.stdout


def test_yaml_bombs_and_anchors(tmp_path: Path) -> None:
    laughs = ['a0: &a0 ["conditions", {conditions: "a == 1"}]']
    laughs += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 60)]
    (tmp_path / "bomb.yaml").write_text("\n".join(laughs) + "\n", encoding="utf-8")
    (tmp_path / "wide.yaml").write_text(
        "x: [" + ", ".join(["{conditions: 'a=1'}"] * 110_000) + "]\n", encoding="utf-8")
    r = lint(tmp_path, "--select", "E009,F", "--config", 'generic-keys = "everywhere"')
    assert r.stdout.count(": E009 ") == 1  # the shared node is linted once
    assert "wide.yaml:1:" in r.stdout
    assert "F002 error: cannot read the file as YAML: more than 200,000 nodes" in r.stdout
    # The work is bounded by counting it: each node is walked at most once per kind it is
    # reached as (six at most), never once per path through the aliases (4**59 of them).
    import yaml

    from cwql.lint._sources import yamlfile

    bomb = (tmp_path / "bomb.yaml").read_text(encoding="utf-8")
    composed = yaml.compose(bomb)
    nodes: set[int] = set()
    stack = [composed]
    while stack:
        node = stack.pop()
        if id(node) in nodes:
            continue
        nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack += [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    extraction = yamlfile.read(bomb, None, True)
    assert 0 < extraction.work <= 6 * len(nodes)
    assert len(nodes) < 400


def test_yaml_without_pyyaml(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "yaml.py").write_text("raise ImportError('no yaml here')\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    (work / "q.yaml").write_text("conditions: a == 1\n", encoding="utf-8")
    (work / "q.cwql").write_text("a == 1\n", encoding="utf-8")
    r = lint(work, env={"PYTHONPATH": str(shadow)})
    assert r.returncode == 1
    assert ("q.yaml:1:1: F001 error: cannot read the file: YAML needs PyYAML: pip install "
            "'cwql[yaml]'") in r.stdout.splitlines()
    assert "q.cwql:1:3: E009" in r.stdout


def test_symlink_loops_and_unreadable_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "q.cwql").write_text("a = 1\n", encoding="utf-8")
    (tmp_path / "dangling.cwql").symlink_to(tmp_path / "nowhere.cwql")
    r = lint(tmp_path)
    assert r.returncode == 0
    assert "cwql: dangling.cwql: skipped: a symlink to nothing" in r.stderr.splitlines()


def test_hostile_gitignore_patterns(tmp_path: Path) -> None:
    # Each pattern took exponential (or high-polynomial) time as a backtracking regex on
    # the paths below. The bound is not timed: test_lint_globs.py checks that a compiled
    # segment has one star the engine can return into; here the answers on real paths.
    (tmp_path / ".gitignore").write_text(
        "**/" * 12 + "x.cwql\n"
        + "*a" * 14 + "*b.cwql\n"
        + "**/d/" * 7 + "**/e/\n", encoding="utf-8")
    deep = tmp_path.joinpath(*["d"] * 40)
    deep.mkdir(parents=True)
    (deep / "e").mkdir()
    for folder, name in ((deep, "x.cwql"), (deep, "y.cwql"), (tmp_path, "a" * 200 + "b.cwql"),
                         (tmp_path, "a" * 200 + ".cwql"), (deep / "e", "z.cwql")):
        (folder / name).write_text("a == 1\n", encoding="utf-8")
    r = lint(tmp_path, "--output-format", "json")
    import json

    linted = sorted(Path(item["filename"]).name for item in json.loads(r.stdout))
    assert linted == sorted(["y.cwql", "a" * 200 + ".cwql"])


def test_a_folder_that_cannot_be_listed_is_a_finding(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """No false green: os.walk skips a folder it cannot list unless told; the walk reports it
    as an F001 finding (exit 1), as ruff reports E902, and the rest is still linted."""
    from cwql.lint._config import Config
    from cwql.lint._engine import Linter
    from cwql.lint._files import discover
    from cwql.lint._runner import Runner

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "q.cwql").write_text("a == 1\n", encoding="utf-8")
    (tmp_path / "open.cwql").write_text("a = 1\n", encoding="utf-8")
    locked = str(tmp_path / "locked")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:  # os.walk lists each folder with os.scandir
        if os.path.realpath(path) == os.path.realpath(locked):  # type: ignore[type-var]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[type-var]
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    config = Config(root=tmp_path)
    targets, _ = discover(["."], config)
    assert sorted(t.relative for t in targets) == ["locked", "open.cwql"]
    runner = Runner(config, Linter(config.enabled()))
    [result] = [runner.load(t) for t in targets if t.relative == "locked"]
    assert not isinstance(result, str)
    assert [(f.code, f.message) for f in result.findings] == [  # type: ignore[union-attr]
        ("F001", "cannot read the file: a folder cwql cannot list (Permission denied)")]
    # Through the command, where the machine lets a folder be locked (not as root).
    if os.geteuid() != 0:
        monkeypatch.undo()
        os.chmod(locked, 0)
        try:
            r = lint(tmp_path)
        finally:
            os.chmod(locked, 0o755)
        assert r.returncode == 1
        assert "locked:1:1: F001 error: cannot read the file: a folder cwql cannot list" in r.stdout
