"""Run cwql's benchmarks: ``python benchmarks/run.py [SUITE ...] [--quick] [--python PATH] [--markdown FILE]``.

Each suite prints a table; ``targets`` prints issue 15's table of targets.
Ratios are measured in one run, floor and subject interleaved in every round
(``timing.interleave``), so they hold on any machine; absolute times and rates
are this machine's. ``--markdown docs/performance.md`` also writes this run's
output into that page, between its ``<!-- run.py: begin -->`` and
``<!-- run.py: end -->`` markers, so the page's figures all come from one run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import inspect
import io
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

SUITES = ["targets", "parse", "dsl", "fields", "schema", "lint", "evaluate", "fake", "http"]


BEGIN, END = "<!-- run.py: begin -->", "<!-- run.py: end -->"


class _Tee(io.StringIO):
    """Prints through, and keeps a copy."""

    def write(self, text: str) -> int:
        sys.__stdout__.write(text)  # type: ignore[union-attr]
        sys.__stdout__.flush()  # type: ignore[union-attr]
        return super().write(text)


def _load() -> str:
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"


def _markdown(page: Path, argv: list[str], sections: list[tuple[str, str, str, str]],
              started: dt.datetime) -> None:
    """Replace the run's part of ``page`` with this run's output, suite by suite."""
    text = page.read_text(encoding="utf-8")
    head, found, rest = text.partition(BEGIN)
    _, found_end, tail = rest.partition(END)
    if not (found and found_end):
        raise SystemExit(f"{page}: no {BEGIN} ... {END} markers to write between")
    lines = [
        BEGIN,
        "",
        f"Measured by `python benchmarks/run.py {' '.join(argv)}`".rstrip() + f" on {started:%Y-%m-%d %H:%M} UTC:",
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, shared with other work (the load average is given before and "
        "after each suite).",
        "",
    ]
    for name, before, after, output in sections:
        lines += [f"### {name}", "", f"{before} before, {after} after.", "", "```text",
                  output.rstrip("\n"), "```", ""]
    page.write_text(head + "\n".join(lines) + END + tail, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("suites", nargs="*", choices=[*SUITES, []], help="default: all")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for CI smoke runs)")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter for the start-up figures of the targets and lint "
                        "suites, e.g. of a venv with the wheel installed (default: this one)")
    parser.add_argument("--markdown", type=Path, metavar="FILE",
                        help="also write this run's output into FILE, between its markers")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    sections = []
    for name in args.suites or SUITES:
        module = importlib.import_module(f"suite_{name}")
        print(f"== {name} ==")
        before = _load()
        out = _Tee()
        with contextlib.redirect_stdout(out):
            if "python" in inspect.signature(module.run).parameters:
                module.run(quick=args.quick, python=args.python)
            else:
                module.run(quick=args.quick)
        sections.append((name, before, _load(), out.getvalue()))
        print()
    if args.markdown:
        argv = [a for a in sys.argv[1:] if a != "--markdown" and a != str(args.markdown)]
        _markdown(args.markdown, argv, sections, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
