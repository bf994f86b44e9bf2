"""Longer property campaigns: ``python fuzz/run.py [--scale N] [MODULE ...] [pytest args]``.

Runs the property tests of the modules listed in ``MODULES`` (each sizes its
examples with ``tests.conftest.examples``) with N times as many examples as
the normal suite (default 100). Name test modules to run only those
(``python fuzz/run.py --scale 20 tests/test_http_paging.py``: the paging
campaign); add ``--hypothesis-show-statistics`` to see how many cases each
property ran. Failures are shrunk and saved in the hypothesis database like
any other.

For coverage-guided fuzzing of the parser, see fuzz/atheris_parse.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = [
    "tests/test_properties.py",
    "tests/test_grammar.py",
    "tests/test_dsl_properties.py",
    "tests/test_lint_sources.py",  # the linter's readers, fixes and fmt
    # the validator: scope never widens, no spelling of a denied field, one invisible-character
    # rule, plain words for end users
    "tests/test_validate.py",
    "tests/test_policy_fields.py",
    "tests/test_invisible.py",
    "tests/test_end_user.py",
    "tests/test_http_paging.py",  # paging under inserts, removals and faults; splitting
    "tests/test_http_responses.py",  # only CWQLError leaves the executor, whatever the server says
    "tests/test_fake_hostile.py",  # the fake answers any request below 500
    # what a condition means (fuzz/semantics.py runs these on their own, on both cores)
    "tests/test_oracle.py",  # evaluate and to_sql in SQLite agree
    "tests/test_patterns.py",  # like matching stays within (|pattern|+1) x (|text|+1) steps
]


def main() -> int:
    args = sys.argv[1:]
    scale = "100"
    if args[:1] == ["--scale"]:
        scale, args = args[1], args[2:]
    env = dict(os.environ, CWQL_FUZZ_SCALE=scale)
    named = [a for a in args if a.startswith("tests/")]
    modules = named or MODULES
    args = [a for a in args if a not in named]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *modules, *args]
    print(" ".join(command), f"(CWQL_FUZZ_SCALE={scale})")
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
