"""Linting a project, and the cold start of ``cwql check`` and ``import cwql``.

A generated tree of 1,000 files (.cwql, Python, JSON, YAML) holding 10,000
queries is linted by one ``cwql lint`` process: queries per second, start-up
included, as a user or CI sees it (an absolute figure: this machine's). The cold
starts of ``cwql check 'a=1'`` and ``import cwql`` are measured against ``python
-c pass`` in the same rounds (:func:`timing.interleave`), so their ratios hold on
any machine. All run as subprocesses (CPU time of the child), with compiled
bytecode as an installed package has it (even where PYTHONDONTWRITEBYTECODE is
set), and with the interpreter running this script: the venv's, or pass
``--python`` to ``run.py`` for one with the wheel installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import Figure, command, interleave, table

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


def _imports(python: str, argv: list[str]) -> set[str]:
    """Top-level modules a command imports, from ``-X importtime``."""
    r = subprocess.run([python, "-X", "importtime", *argv], capture_output=True, text=True,
                       check=False)
    return {line.split("|")[-1].strip().split(".")[0] for line in r.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def startup_figures(quick: bool, python: str = sys.executable,
                    cwql: list[str] | None = None, errors: bool = False) -> dict[str, Figure]:
    """``cwql check 'a=1'`` and ``import cwql`` against ``python -c pass``, as subprocesses.

    ``cwql`` is the command to run (default: ``python -m cwql``). With
    ``errors``, also ``cwql parse 'a =='``, whose failure loads Lark to explain
    it: from Lark's cache of the grammar, and with no cache.
    """
    root = Path(tempfile.mkdtemp(prefix="cwql-startup-bench-"))
    command_line = cwql or [python, "-m", "cwql"]
    try:
        env = _environment(root / "pycache")
        env["CWQL_CACHE_DIR"] = str(root / "cache")
        subjects = {
            "cwql check 'a=1'": command([*command_line, "check", "a=1"], env),
            "import cwql": command([python, "-c", "import cwql"], env),
        }
        if errors:
            subjects["cwql parse 'a ==', Lark from its cache"] = command(
                [*command_line, "parse", "a =="], env)
            subjects["cwql parse 'a ==', no cache"] = command(
                [*command_line, "parse", "a =="], {**env, "CWQL_CACHE_DIR": ""})
        return interleave(command([python, "-c", "pass"], env), subjects, rounds=5 if quick else 30)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def lint_figure(quick: bool, python: str = sys.executable) -> tuple[int, Figure]:
    """(queries, timings) of one ``cwql lint`` process over the generated tree, start-up included."""
    root = Path(tempfile.mkdtemp(prefix="cwql-lint-bench-"))
    try:
        queries = make_tree(root / "tree")
        env = _environment(root / "pycache")
        lint = [python, "-m", "cwql", "lint", "--isolated", "--exit-zero", "-q", "-o", os.devnull,
                str(root / "tree")]
        figure = interleave(command([python, "-c", "pass"], env), {"lint": command(lint, env)},
                            rounds=1 if quick else 9)["lint"]
        return queries, figure
    finally:
        shutil.rmtree(root, ignore_errors=True)


def rate(queries: int, figure: Figure) -> str:
    """Queries per second, median of the rounds, and the rounds' spread; and the time as a ratio.

    Queries per second is this machine's, under this load; the time of the run
    in ``python -c pass`` units, measured in the same rounds, is the figure that
    travels (divide a quiet machine's ``python -c pass`` into it to estimate
    that machine's rate).
    """
    # A higher ratio to the floor is a lower rate: the spread's ends swap.
    per_round = figure.seconds / figure.ratio
    return (f"{queries / figure.seconds:8,.0f} queries/s "
            f"({queries / (figure.high * per_round):,.0f}-{queries / (figure.low * per_round):,.0f}), "
            f"{figure.ratio:,.0f}x python -c pass ({figure.low:,.0f}-{figure.high:,.0f})")


HEAVY = {"lark", "httpx", "yaml", "difflib", "logging", "pickle", "argparse", "dataclasses",
         "tomllib", "inspect"}


def run(quick: bool, python: str = sys.executable) -> None:
    queries, lint = lint_figure(quick)  # this interpreter: it has PyYAML for the .yaml files
    startup = startup_figures(quick, python, errors=True)
    check = startup["cwql check 'a=1'"]
    rows = [
        ("tree", f"{FILES:,} files (.cwql, .py, .json, .yaml), {queries:,} queries"),
        ("cwql lint, one process", f"{lint.seconds:6.2f} s   {rate(queries, lint)}"),
        ("python -c pass", f"{check.floor_seconds * 1e3:6.1f} ms"),
    ]
    for name, figure in startup.items():
        rows.append((name, f"{figure.seconds * 1e3:6.1f} ms   {figure.shown()} python -c pass"))
    for label, argv in (("check", ["-m", "cwql", "check", "a=1"]), ("import cwql", ["-c", "import cwql"]),
                        ("--version", ["-m", "cwql", "--version"])):
        heavy = _imports(python, argv) & HEAVY
        rows.append((f"heavy imports: {label}", ", ".join(sorted(heavy)) or "none"))
    table(rows)
