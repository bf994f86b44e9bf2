"""The ``rule`` decorator, and helpers the family modules share."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Hashable

from ... import _semantics as model
from ..._codes import CODES
from ..._codes import FAMILIES as ALL_FAMILIES
from ..._literals import quote_string
from ..._spec import CONDITION_KINDS
from ...syntax import Boolean, DateTime, Literal, Node, Null, Number, String
from .._model import Check, Context, Rule

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing's cost for it
if TYPE_CHECKING:
    from decimal import Decimal

__all__ = [
    "FAMILIES", "comparable", "instant", "literal_key", "literal_type", "message", "requote", "rule",
    "source", "span",
]

#: The families the linter reports, in the order the docs list them.
FAMILIES = tuple(f for f in ALL_FAMILIES if f.linted)


def rule(
    code: str,
    *,
    kinds: frozenset[str] = frozenset(CONDITION_KINDS),
    visits: tuple[type[Node], ...] = (),
) -> Callable[[Check], Rule]:
    """Make the decorated check the :class:`Rule` of ``code``, whose documentation is the registry's.

    ``kinds`` are the parameters it applies to (the three condition
    parameters unless given), ``visits`` the node classes it is called with.
    """
    entry = CODES[code]

    def make(check: Check) -> Rule:
        return Rule(entry, kinds, visits, check)

    return make


def message(code: str, **values: object) -> str:
    """The message of ``code``, its registry template filled in with ``values``."""
    return CODES[code].format(**values)


def span(node: Node) -> tuple[int, int]:
    """The node's span; nodes from the parser always have one."""
    assert node.span is not None
    return node.span


def source(ctx: Context, node: Node) -> str:
    """The node's text as written."""
    start, end = span(node)
    return ctx.text[start:end]


def requote(ctx: Context, node: String, value: str) -> str:
    """``value`` as a string literal in the quotes ``node`` was written with, where it can be."""
    quote = source(ctx, node)[0]
    if quote not in value and "\\" not in value:
        return f"{quote}{value}{quote}"
    return quote_string(value)


def literal_key(value: Literal) -> Hashable:
    """What makes two literals the same value (``1`` and ``1.0`` are; ``"a"`` and ``"A"`` are not)."""
    if isinstance(value, Number):
        from decimal import Decimal  # only queries with numbers to compare load it

        return ("number", Decimal(value.text).normalize())
    if isinstance(value, String):
        return ("string", value.value)
    if isinstance(value, DateTime):
        # ``value`` holds six fractional digits; .NET writes seven.
        return ("datetime", value.value, value.fraction[6:7].rstrip("0"))
    if isinstance(value, Boolean):
        return ("boolean", value.value)
    assert isinstance(value, Null)
    return ("null",)


def literal_type(value: Literal) -> str:
    return {Number: "number", String: "string", DateTime: "datetime", Boolean: "boolean",
            Null: "null"}[type(value)]


def instant(value: DateTime) -> tuple[_dt.datetime, int] | None:
    """The instant a datetime literal stands for, or None for a naive time (its zone is unknown).

    As LANGUAGE.md section 6 models the server: a date is midnight UTC. The
    second item is the seventh fractional digit, which ``value`` cannot hold.
    """
    at = model.instant(value)
    return None if at is None else (at, int(value.fraction[6:7] or 0))


def comparable(value: Literal) -> tuple[str, Decimal | tuple[_dt.datetime, int]] | None:
    """``(type, value)`` for range reasoning, or None for values with no safe order.

    Only values of one type are compared: numbers, or instants (a date is
    midnight UTC; naive times are left out, their zone is unknown).
    """
    if isinstance(value, Number):
        from decimal import Decimal

        return ("number", Decimal(value.text))
    if isinstance(value, DateTime):
        at = instant(value)
        return None if at is None else ("instant", at)
    return None
