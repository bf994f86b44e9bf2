"""Run cwql's benchmarks: ``python benchmarks/run.py [SUITE ...] [--quick]``.

Each suite prints a table. Ratios are measured in one run, against a floor
measured in the same run, so they hold on any machine; absolute microseconds
are this machine's.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

SUITES = ["parse", "dsl", "fields", "schema", "lint", "evaluate", "fake", "http"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("suites", nargs="*", choices=[*SUITES, []], help="default: all")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (for CI smoke runs)")
    args = parser.parse_args()
    for name in args.suites or SUITES:
        module = importlib.import_module(f"suite_{name}")
        print(f"== {name} ==")
        module.run(quick=args.quick)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
