"""The rule families, the ``rule`` decorator, and helpers the family modules share."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Hashable
from decimal import Decimal

from ... import _semantics as model
from ..._literals import quote_string
from ..._spec import CONDITION_KINDS
from ...syntax import Boolean, DateTime, Literal, Node, Null, Number, String
from .._model import Applicability, Check, Context, Family, Rule, Severity

__all__ = [
    "FAMILIES", "comparable", "instant", "literal_key", "literal_type", "requote", "rule", "source",
    "span",
]

SYNTAX = Family(
    "E", "syntax", "Syntax",
    "The query does not parse, so the server answers 400. These are the parser's own error "
    "codes; each finding's hint says what to write instead.",
)
VALUES = Family(
    "V", "values", "Literals and values",
    "Values that parse but do not mean what they seem: patterns without wildcards, naive "
    "datetimes, odd in-lists, escapes the server is not known to read.",
)
LOGIC = Family(
    "L", "logic", "Operators and logic",
    "Conditions that parse but match nothing, or rely on behaviour the server does not "
    "document: precedence, contradictions, operators a parameter does not list.",
)
STYLE = Family(
    "C", "style", "Style",
    "Canonical spelling: lower-case keywords, no redundant parts. Every style rule has a safe fix.",
)
WIRE = Family(
    "W", "wire", "Wire and length",
    "What happens to the query on its way to the server: URL length, forms the server is not "
    "known to accept.",
)
SCHEMA = Family(
    "S", "schema", "Schema",
    "Fields checked against the Manage schema of the query's endpoint: unknown fields (with "
    "did-you-mean), references compared without a sub-field, values of the wrong type, paths "
    "into arrays. They run only when the endpoint is known (a directive, the config or "
    "--endpoint), against the bundled Manage 2025.1 schema or the one `schema` names.",
)
META = Family(
    "M", "meta", "Suppressions and directives",
    "The linter's own comments: `# cwql: noqa` that suppresses nothing, directives it cannot read.",
)

#: Every family, in the order the docs list them.
FAMILIES = (SYNTAX, VALUES, LOGIC, STYLE, WIRE, SCHEMA, META)

#: What most rules apply to: the three parameters that hold a condition.


def rule(
    code: str,
    name: str,
    family: Family,
    severity: Severity,
    summary: str,
    *,
    what: str,
    why: str,
    example: str,
    fix: str,
    fixable: Applicability | None = None,
    kinds: frozenset[str] = frozenset(CONDITION_KINDS),
    default: bool = True,
    example_kind: str = "conditions",
    visits: tuple[type[Node], ...] = (),
) -> Callable[[Check], Rule]:
    """Make a :class:`Rule` of the decorated check, its documentation beside it."""
    if not code.startswith(family.letter):
        raise ValueError(f"{code} does not belong to family {family.letter}")

    def make(check: Check) -> Rule:
        return Rule(
            code, name, family, severity, summary, " ".join(what.split()),
            " ".join(why.split()), example, fix, fixable, kinds, default, example_kind,
            visits, check,
        )

    return make


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
        return ("number", Decimal(value.text))
    if isinstance(value, DateTime):
        at = instant(value)
        return None if at is None else ("instant", at)
    return None
