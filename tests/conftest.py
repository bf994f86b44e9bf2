"""Shared test configuration.

Property tests size their runs with :func:`examples`, so ``fuzz/run.py`` can
scale every campaign with ``CWQL_FUZZ_SCALE`` without editing the tests.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SCALE = int(os.environ.get("CWQL_FUZZ_SCALE", "1"))

settings.register_profile(
    "cwql", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("cwql")


def examples(n: int) -> settings:
    """Hypothesis settings for ``n`` examples, times the fuzz scale."""
    return settings(max_examples=n * SCALE)

# Lark's grammar analysis is cached between runs in the user's cache folder
# (cwql._parser._cache_file); the tests, and the subprocesses they start, keep
# theirs in a folder of their own.
if "CWQL_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["CWQL_CACHE_DIR"] = tempfile.mkdtemp(prefix="cwql-test-cache-")
