"""The linter: rules over parsed queries, found in ``.cwql``, Python, YAML and JSON files.

Most users run it as ``cwql lint``; from Python, :func:`check` lints one query::

    >>> from cwql.lint import check
    >>> [(f.code, f.diagnostic.column) for f in check('summary like "printer"')]
    [('V001', 14)]

Everything else in this package is internal except the names in ``__all__``.
Those load on first use (PEP 562), so importing a light module of this
package (the CLI's ``--kind`` choices come from ``cwql.lint.kinds``) loads
neither the rules nor the parser.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Context, Edit, Family, Finding, Fix, Problem, Rule, Settings
    from .rules import FAMILIES, RULES

__all__ = [
    "FAMILIES",
    "RULES",
    "Context",
    "Edit",
    "Family",
    "Finding",
    "Fix",
    "Problem",
    "Rule",
    "Settings",
    "check",
]


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
    Raises :class:`~cwql.lint.config.ConfigError` (a :class:`~cwql.CWQLError`
    and a ValueError) for an unknown kind or a selector that matches no rule.
    """
    from .config import ConfigError, check_selectors
    from .config import select as choose
    from .engine import Linter
    from .kinds import KINDS

    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    chosen = None if select is None else check_selectors(select, "select")
    enabled = choose(chosen, (), check_selectors(ignore, "ignore"))
    linter = Linter(enabled, settings, schema, verify_fixes=True)
    return linter.lint_query(text, kind, endpoint).findings


def __getattr__(name: str) -> Any:
    if name in ("FAMILIES", "RULES"):
        module = "rules"
    elif name in __all__:
        module = "model"
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
