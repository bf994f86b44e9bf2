"""The syntax family: one rule per parser error code, made from ``cwql.errors.ERROR_CODES``.

The parser reports these; the engine turns its diagnostics into findings. The
codes, names, summaries, examples and fixes are the registry's own, so the
linter and the error-codes page cannot drift apart.
"""

from __future__ import annotations

from ...errors import ERROR_CODES
from .._model import Rule
from .base import SYNTAX

__all__ = ["RULES"]

_WHY = (
    "The server cannot read the query and answers 400 Bad Request, with a message that does not "
    "say where the problem is."
)
_LIMITS_WHY = (
    "cwql bounds the work one query may cost; a query this large is almost always generated, "
    "and the server's URL limit would refuse it anyway."
)

RULES: tuple[Rule, ...] = tuple(
    Rule(
        code=c.code,
        name=c.name,
        family=SYNTAX,
        severity="error",
        summary=c.summary,
        what=c.summary,
        why=_LIMITS_WHY if c.kind == "limits" else _WHY,
        example=c.example,
        fix=c.fix,
        example_kind="conditions" if c.kind == "limits" else c.kind,
    )
    for c in ERROR_CODES.values()
)
