"""Coverage-guided fuzzing of the parser with atheris.

    pip install atheris
    python fuzz/atheris_parse.py -atheris_runs=200000 fuzz/corpus

The property tests generate structured input; atheris instead mutates bytes
towards new branches, which is what reaches the corners of the error
explainer (cwql/diagnose.py). The only exception allowed out of cwql is
CWQLError.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports():
    import cwql


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    for kind in ("conditions", "orderBy", "fields"):
        try:
            printed = cwql.normalize(text, kind)
        except cwql.CWQLError:
            continue
        # What parses must print canonically and idempotently.
        assert cwql.normalize(printed, kind) == printed, (text, printed)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
