"""Run cwql's benchmarks: ``python benchmarks/run.py [SUITE ...] [--quick] [--python PATH]``.

Each suite prints a table; ``targets`` prints issue 15's table of targets.
Ratios are measured in one run, floor and subject interleaved in every round
(``timing.interleave``), so they hold on any machine; absolute times and rates
are this machine's.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

SUITES = ["targets", "parse", "dsl", "fields", "schema", "lint", "evaluate", "fake", "http"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("suites", nargs="*", choices=[*SUITES, []], help="default: all")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for CI smoke runs)")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter for the start-up figures of the targets and lint "
                        "suites, e.g. of a venv with the wheel installed (default: this one)")
    args = parser.parse_args()
    for name in args.suites or SUITES:
        module = importlib.import_module(f"suite_{name}")
        print(f"== {name} ==")
        if "python" in inspect.signature(module.run).parameters:
            module.run(quick=args.quick, python=args.python)
        else:
            module.run(quick=args.quick)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
