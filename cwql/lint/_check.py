"""``cwql.lint.check``: lint one query from Python."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._spec import parameter
from ..errors import CWQLTypeError
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
    Raises :class:`~cwql.CWQLTypeError` for a ``text`` that is not a str (or an
    argument of another wrong type), :class:`~cwql.UsageError` for an unknown
    kind and :class:`~cwql.ConfigurationError` for a selector that matches no rule.
    """
    if not isinstance(text, str):
        raise CWQLTypeError(f"cwql.lint.check lints str, not {type(text).__name__}")
    if endpoint is not None and not isinstance(endpoint, str):
        raise CWQLTypeError(f"endpoint must be a str such as '/service/tickets', not "
                            f"{type(endpoint).__name__}")
    if settings is not None and not isinstance(settings, Settings):
        raise CWQLTypeError(f"settings must be a cwql.lint.Settings, not {type(settings).__name__}")
    parameter(kind)
    # One code given as a str is one selector, not a list of letters.
    select = (select,) if isinstance(select, str) else select
    ignore = (ignore,) if isinstance(ignore, str) else ignore
    try:
        chosen = None if select is None else check_selectors(select, "select")
        enabled = choose(chosen, (), check_selectors(ignore, "ignore"))
    except TypeError:
        raise CWQLTypeError("select and ignore take lists of rule codes or prefixes") from None
    linter = Linter(enabled, settings, schema, verify_fixes=True)
    return linter.lint_query(text, kind, endpoint).findings
