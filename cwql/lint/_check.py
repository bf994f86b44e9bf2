"""``cwql.lint.check``: lint one query from Python."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._spec import parameter
from ._config import check_selectors
from ._config import select as choose
from ._engine import Linter
from ._model import Finding, Settings

__all__ = ["check"]


def check(
    text: str,
    kind: str = "conditions",
    *,
    endpoint: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] = (),
    schema: Any = None,
    settings: Settings | None = None,
) -> list[Finding]:
    """Lint one query; findings are ordered by position, offsets are into ``text``.

    ``select`` and ``ignore`` take codes or code prefixes as in the config
    (default: the rules that are on by default). A fix's edits apply to ``text``.
    ``kind`` is the parameter the query is for: ``conditions``, ``childConditions``,
    ``customFieldConditions``, ``orderBy`` or ``fields``.
    Raises :class:`~cwql.UsageError` for an unknown kind and
    :class:`~cwql.ConfigurationError` for a selector that matches no rule.
    """
    parameter(kind)
    chosen = None if select is None else check_selectors(select, "select")
    enabled = choose(chosen, (), check_selectors(ignore, "ignore"))
    linter = Linter(enabled, settings, schema, verify_fixes=True)
    return linter.lint_query(text, kind, endpoint).findings
