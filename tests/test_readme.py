"""The README's commands stay true: the main job and the query check run as written."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def commands() -> list[list[str]]:
    found = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if line.startswith(".venv/bin/cwql "):
                found.append(shlex.split(line.split("  #")[0])[1:])
    return found


def test_set_up_and_test_commands_are_the_ones_ci_runs() -> None:
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'" in README
    assert ".venv/bin/pip install --quiet -e '.[dev]'" in ci
    assert ".venv/bin/python -m pytest" in README
    assert ".venv/bin/python -m pytest" in ci


def test_the_main_job_runs_without_credentials() -> None:
    main = next(c for c in commands() if c[0] == "get")
    assert "--demo" in main
    # No CONNECTWISE_* variables: the demo needs none.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTWISE_")}
    r = subprocess.run([sys.executable, "-m", "cwql", *main], capture_output=True, text=True,
                       timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows
    assert all("printer" in row["summary"].lower() for row in rows)
    assert all(set(row) <= {"id", "summary", "status"} for row in rows)
