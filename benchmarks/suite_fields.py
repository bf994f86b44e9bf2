"""Typed fields (cwql.fields): import cost, size of the generated package, cost per condition.

Imports run as subprocesses with compiled bytecode (as an installed package
has it), best of N, against ``python -c pass`` and against importing what
building any query needs (``cwql.Query``), measured in the same run. Building
a condition through a typed field is compared with building it through ``F``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import best_of, table

import cwql
from cwql import F

PACKAGE = Path(cwql.__file__).parent / "fields"


def _environment(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def _best(code: str, repeat: int, env: dict[str, str]) -> float:
    argv = [sys.executable, "-c", code]
    subprocess.run(argv, env=env, capture_output=True, check=True)  # warm up: writes bytecode
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def run(quick: bool) -> None:
    from cwql.fields import Ticket

    files = sorted(PACKAGE.glob("*.py"))
    size = sum(p.stat().st_size for p in files)
    lines = sum(p.read_text().count("\n") for p in files)
    cache = Path(tempfile.mkdtemp(prefix="cwql-fields-bench-"))
    try:
        env = _environment(cache)
        n = 3 if quick else 15
        t_bare = _best("pass", n, env)
        t_query = _best("import cwql; cwql.Query", n, env)
        t_package = _best("import cwql.fields", n, env)
        t_ticket = _best("from cwql.fields import Ticket; Ticket.status.name", n, env)
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    repeat = 3 if quick else 7
    number = 500 if quick else 5000
    t_f = best_of(lambda: F.status.name == "New", repeat=repeat, number=number)
    t_typed = best_of(lambda: Ticket.status.name == "New", repeat=repeat, number=number)

    def ms(t: float) -> str:
        return f"{t * 1e3:6.1f} ms   {t / t_bare:4.1f}x python -c pass"

    table([
        ("generated package", f"{len(files)} files, {lines:,} lines, {size / 1024:,.0f} KiB of source"),
        ("python -c pass", ms(t_bare)),
        ("import cwql; cwql.Query", ms(t_query)),
        ("import cwql.fields", f"{ms(t_package)}   {(t_package - t_query) * 1e3:+.1f} ms over Query"),
        ("from cwql.fields import Ticket", f"{ms(t_ticket)}   {(t_ticket - t_query) * 1e3:+.1f} ms over Query"),
        ("F.status.name == 'New'", f"{t_f * 1e6:6.1f} us"),
        ("Ticket.status.name == 'New'", f"{t_typed * 1e6:6.1f} us   {t_typed / t_f:4.1f}x F"),
    ])
