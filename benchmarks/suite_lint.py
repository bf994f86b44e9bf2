"""Linting a project, and the cold start of ``cwql check``.

A generated tree of 1,000 files (.cwql, Python, JSON, YAML) holding 10,000
queries is linted by one ``cwql lint`` process: queries per second, start-up
included, as a user or CI sees it. The cold start of ``cwql check 'a=1'`` is
measured against ``python -c pass`` in the same run, so the ratio holds on
any machine. Both run as subprocesses, best of N, with compiled bytecode as
an installed package has it (even where PYTHONDONTWRITEBYTECODE is set).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import table

CORPUS = [
    line for line in (Path(__file__).parent / "corpus.txt").read_text().splitlines()
    if line and not line.startswith("#")
]
FILES = 1_000
PER_FILE = 10


def _queries(n: int, start: int) -> list[str]:
    # The corpus, varied so that no two files are alike; a few carry findings.
    out = []
    for i in range(start, start + n):
        q = CORPUS[i % len(CORPUS)]
        out.append(q if i % 7 else q.replace(" and ", " AND ", 1))
    return out


def make_tree(root: Path) -> int:
    """Write FILES files with PER_FILE queries each; returns the number of queries."""
    root.mkdir()
    count = 0
    for i in range(FILES):
        folder = root / f"pkg{i // 100:02d}"
        folder.mkdir(exist_ok=True)
        queries = _queries(PER_FILE, count)
        count += len(queries)
        kind = i % 10
        if kind < 4:
            (folder / f"q{i}.cwql").write_text("# generated\n" + "\n".join(queries) + "\n")
        elif kind < 8:
            lines = ["import cwql", "", "def run(client):"]
            lines += [f"    client.get('/service/tickets', params={{'conditions': {q!r}}})"
                      for q in queries]
            (folder / f"m{i}.py").write_text("\n".join(lines) + "\n")
        elif kind < 9:
            data = {"jobs": [{"name": f"job{j}", "conditions": q} for j, q in enumerate(queries)]}
            (folder / f"c{i}.json").write_text(json.dumps(data, indent=2))
        else:
            body = "jobs:\n" + "".join(f"  - name: job{j}\n    conditions: {json.dumps(q)}\n"
                                       for j, q in enumerate(queries))
            (folder / f"c{i}.yaml").write_text(body)
    return count


def _environment(cache: Path) -> dict[str, str]:
    """As an installed package runs: with compiled bytecode (kept out of the source tree)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _best(argv: list[str], repeat: int, env: dict[str, str]) -> float:
    subprocess.run(argv, env=env, capture_output=True, check=False)  # warm up: writes bytecode
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        best = min(best, time.perf_counter() - started)
    return best


def _imports(argv: list[str]) -> set[str]:
    """Top-level modules a command imports, from ``-X importtime``."""
    r = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True,
                       check=False)
    return {line.split("|")[-1].strip().split(".")[0] for line in r.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def run(quick: bool) -> None:
    python = sys.executable
    root = Path(tempfile.mkdtemp(prefix="cwql-lint-bench-"))
    try:
        queries = make_tree(root / "tree")
        env = _environment(root / "pycache")
        lint = [python, "-m", "cwql", "lint", "--isolated", "--exit-zero", "-q", "-o", "/dev/null",
                str(root / "tree")]
        t_lint = _best(lint, 1 if quick else 3, env)
        check = [python, "-m", "cwql", "check", "a=1"]
        bare = [python, "-c", "pass"]
        n = 3 if quick else 15
        t_check = _best(check, n, env)
        t_bare = _best(bare, n, env)
        heavy = _imports(["-m", "cwql", "check", "a=1"]) & {"httpx", "yaml", "difflib"}
        table([
            ("tree", f"{FILES:,} files (.cwql, .py, .json, .yaml), {queries:,} queries"),
            ("cwql lint, one process", f"{t_lint:6.2f} s   {queries / t_lint:8,.0f} queries/s"),
            ("python -c pass", f"{t_bare * 1e3:6.1f} ms"),
            ("cwql check 'a=1'", f"{t_check * 1e3:6.1f} ms   {t_check / t_bare:5.1f}x python -c pass"),
            ("heavy imports in check", ", ".join(sorted(heavy)) or "none (no httpx, yaml, difflib)"),
        ])
    finally:
        shutil.rmtree(root, ignore_errors=True)
