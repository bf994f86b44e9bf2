"""Garbage in: a finding or a clean skip with a message, never a traceback or a hang.

Every case runs the real command with a timeout; a hang fails the test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


def test_skips_are_explained(tmp_path: Path) -> None:
    for name in ("binary.cwql", "latin1.cwql", "syntax.py", "deep.json", "bad.yaml"):
        (tmp_path / name).write_bytes(CASES[name])
    r = lint(tmp_path)
    assert r.returncode == 0
    notices = r.stderr.splitlines()
    assert "cwql: binary.cwql: skipped: a binary file (it holds NUL bytes)" in notices
    assert any(n.startswith("cwql: latin1.cwql: skipped: not valid UTF-8") for n in notices)
    assert any(n.startswith("cwql: syntax.py: skipped: not valid Python (line 1") for n in notices)
    assert any(n.startswith("cwql: deep.json: skipped:") for n in notices)
    assert any(n.startswith("cwql: bad.yaml: skipped: not valid YAML") for n in notices)


def test_five_megabytes(tmp_path: Path) -> None:
    (tmp_path / "one-line.cwql").write_text("a=1 and " * (5 * MB // 8) + "a=1\n", encoding="utf-8")
    (tmp_path / "big.json").write_text('{"conditions": "' + "x" * 5 * MB + '"}', encoding="utf-8")
    (tmp_path / "big.py").write_text("x = '" + "y" * 5 * MB + "'\nf(conditions='a == 1')\n",
                                     encoding="utf-8")
    many = "".join(f'f(conditions="status/id = {i} and summary like \'x{i}\'")  # {"-" * 220}\n'
                   for i in range(5_000))
    (tmp_path / "many.py").write_text(many * 4, encoding="utf-8")
    assert (tmp_path / "many.py").stat().st_size > 5 * MB
    started = time.monotonic()
    r = lint(tmp_path, "--statistics")
    assert time.monotonic() - started < 90
    assert r.returncode == 1
    rows = {line.split()[1]: int(line.split()[0]) for line in r.stdout.splitlines()}
    assert rows["E019"] == 2  # the one-line file and the JSON value: too long to parse
    assert rows["E009"] == 1
    assert rows["V001"] == 20_000


def test_max_file_size(tmp_path: Path) -> None:
    (tmp_path / "q.cwql").write_text("a == 1\n" * 1000, encoding="utf-8")
    r = lint(tmp_path, "--config", "max-file-size = 1000")
    assert r.returncode == 0
    assert "q.cwql: skipped: larger than max-file-size" in r.stderr


def test_yaml_bombs_and_anchors(tmp_path: Path) -> None:
    laughs = ['a0: &a0 ["conditions", {conditions: "a == 1"}]']
    laughs += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 60)]
    (tmp_path / "bomb.yaml").write_text("\n".join(laughs) + "\n", encoding="utf-8")
    (tmp_path / "wide.yaml").write_text(
        "x: [" + ", ".join(["{conditions: 'a=1'}"] * 110_000) + "]\n", encoding="utf-8")
    started = time.monotonic()
    r = lint(tmp_path, "--select", "E009")
    assert time.monotonic() - started < 60
    assert r.stdout.count("E009") == 1  # the shared node is linted once
    assert "wide.yaml: skipped: more than 200,000 YAML nodes" in r.stderr


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
    assert "cwql: q.yaml: skipped: YAML needs PyYAML: pip install 'cwql[yaml]'" in r.stderr.splitlines()
    assert "q.cwql:1:3: E009" in r.stdout


def test_symlink_loops_and_unreadable_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "q.cwql").write_text("a = 1\n", encoding="utf-8")
    (tmp_path / "dangling.cwql").symlink_to(tmp_path / "nowhere.cwql")
    r = lint(tmp_path)
    assert r.returncode == 0


def test_hostile_gitignore_patterns(tmp_path: Path) -> None:
    # Each pattern took exponential (or high-polynomial) time as a backtracking
    # regex on the paths below; the command's timeout turns a hang into a failure.
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
