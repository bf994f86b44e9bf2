"""Longer campaigns for what a condition means: ``python fuzz/semantics.py [--scale N] [pytest args]``.

Runs the semantic property tests with N times their CI examples (default 20)
and prints, per property, how many cases hypothesis ran:

- ``tests/test_oracle.py``: the evaluator and SQLite running ``to_sql`` agree
  on every generated condition and record (issue 11);
- ``tests/test_patterns.py``: ``like`` matching stays within
  (|pattern|+1) x (|text|+1) character comparisons; the DSL's literal text is
  found literally; ``contains`` and ``like`` read brackets alike;
- ``tests/test_evaluate.py``: string equality and in-lists are ``text_key``
  (what the executor's splitting merges by); any tree compiles;
- ``tests/test_evaluate_fast.py``: the compiled predicate's fast paths (reads,
  fused ``and``/``or``, the API's datetime form) answer as the general reader;
- ``tests/test_dsl_semantics.py``: a Python ``date`` compares as its UTC day.

Failures are shrunk and saved in the hypothesis database like any other.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "tests/test_oracle.py",
    "tests/test_patterns.py",
    "tests/test_evaluate.py",
    "tests/test_evaluate_fast.py",
    "tests/test_dsl_semantics.py",
]


def main() -> int:
    args = sys.argv[1:]
    scale = "20"
    if args[:1] == ["--scale"]:
        scale, args = args[1], args[2:]
    env = dict(os.environ, CWQL_FUZZ_SCALE=scale)
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "auto",
        "--hypothesis-show-statistics", *MODULES, *args,
    ]
    print(" ".join(command), f"(CWQL_FUZZ_SCALE={scale})")
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
