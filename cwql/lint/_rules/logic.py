"""Operators and logic: precedence, repeats, contradictions, operators a parameter does not list."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ... import _semantics as model
from ...syntax import And, Boolean, DateTime, Literal, Null, Op, Or, Predicate, String
from .._model import Context, Edit, Fix, Problem, Rule
from .base import LOGIC, comparable, instant, literal_key, rule, source, span

__all__ = ["RULES"]

# Pairs compared per field in one `and` group; bounds the quadratic check on
# generated queries that repeat a field thousands of times.
_MAX_PER_FIELD = 64


@rule(
    "L001", "mixed-and-or", LOGIC, "warning",
    "`and` and `or` mixed without parentheses.",
    what="""An `and` group directly inside an `or` without parentheses: `a=1 or b=2 and c=3`.""",
    why="""ConnectWise does not document whether `and` binds tighter than `or`. cwql reads it the
    SQL way, `a=1 or (b=2 and c=3)`; if the server reads it left to right the query returns
    different records. Parentheses make the meaning explicit whichever way the server goes.""",
    example="status/id=1 or status/id=2 and board/id=3",
    fix="status/id=1 or (status/id=2 and board/id=3)",
    fixable="unsafe",
    visits=(Or,),
)
def mixed_and_or(node: Or, ctx: Context) -> Iterator[Problem]:
    for operand in node.operands:
        if isinstance(operand, And) and not operand.parenthesized:
            start, end = span(operand)
            yield Problem(
                start, end, "`and` inside `or` without parentheses: the server's precedence is not documented",
                hint="add parentheses around the `and` group you mean",
                fix=Fix("Parenthesise the `and` group", (Edit(start, start, "("), Edit(end, end, ")")),
                        "unsafe"),
            )


def _key(node: Predicate) -> object:
    value = node.value
    values = tuple(literal_key(v) for v in value) if isinstance(value, tuple) else literal_key(value)
    return (node.path.name.lower(), node.op, values)


@rule(
    "L002", "duplicate-condition", LOGIC, "warning",
    "The same condition twice in one `and` or `or` group.",
    what="""A condition repeated among the operands of one `and` or `or`.""",
    why="""The repeat adds nothing but length; it is usually a copy-and-paste slip where a
    different field or value was meant.""",
    example="status/id=1 and board/id=2 and status/id=1",
    fix="status/id=1 and board/id=2",
    fixable="safe",
    visits=(And, Or),
)
def duplicate_condition(node: And | Or, ctx: Context) -> Iterator[Problem]:
    seen: dict[object, Predicate] = {}
    word = "and" if isinstance(node, And) else "or"
    operands = node.operands
    for i, operand in enumerate(operands):
        if not isinstance(operand, Predicate):
            continue
        key = _key(operand)
        first = seen.setdefault(key, operand)
        if first is operand:
            continue
        start, end = span(operand)
        before = span(operands[i - 1])[1]
        # Only when nothing but the connective stands between the two (no parentheses).
        fix = None
        if ctx.text[before:start].strip().lower() == word:
            fix = Fix("Remove the repeated condition", (Edit(before, end, ""),))
        yield Problem(start, end, f"`{operand}` repeats a condition earlier in the same `{word}`",
                      fix=fix, related=(span(first),))


def _same(a: Literal, b: Literal) -> bool | None:
    """Whether two literals are the same value to the server; None when that is unknown.

    The server is modelled as LANGUAGE.md section 6 has it: SQL Server's default
    collation compares strings case-insensitively, and `=` ignores trailing
    spaces; datetimes compare as instants, a date at midnight UTC. A naive time
    is the same as another naive time written alike (one zone, whichever it
    is), and unknown against anything else.
    """
    if isinstance(a, DateTime) and isinstance(b, DateTime):
        x, y = instant(a), instant(b)
        if x is None and y is None:
            return literal_key(a) == literal_key(b)
        if x is None or y is None:
            return None
        return x == y
    if type(a) is not type(b):
        return None
    if isinstance(a, String) and isinstance(b, String):
        return model.text_key(a.value) == model.text_key(b.value)
    return literal_key(a) == literal_key(b)


def _interval(node: Predicate) -> tuple[str, Any, Any, bool, bool] | None:
    """``(type, low, high, low_open, high_open)`` for a range or equality, None otherwise."""
    if isinstance(node.value, tuple):
        return None
    found = comparable(node.value)
    if found is None:
        return None
    kind, v = found
    op = node.op
    if op is Op.EQ:
        return kind, v, v, False, False
    if op is Op.GT or op is Op.GE:
        return kind, v, None, op is Op.GT, False
    if op is Op.LT or op is Op.LE:
        return kind, None, v, False, op is Op.LT
    return None


def _disjoint(a: Predicate, b: Predicate) -> bool:
    x, y = _interval(a), _interval(b)
    if x is None or y is None or x[0] != y[0]:
        return False
    lows = [(v, o) for v, o in ((x[1], x[3]), (y[1], y[3])) if v is not None]
    highs = [(v, o) for v, o in ((x[2], x[4]), (y[2], y[4])) if v is not None]
    if not lows or not highs:
        return False
    low, low_open = max(lows, key=lambda t: (t[0], t[1]))
    high, high_open = min(highs, key=lambda t: (t[0], not t[1]))
    return bool(low > high or (low == high and (low_open or high_open)))


def _contradict(a: Predicate, b: Predicate) -> bool:
    va, vb = a.value, b.value
    for p, q in ((a, b), (b, a)):
        if p.op is Op.EQ and isinstance(p.value, Null):
            # A null field matches only `= null`; every other test on it is false.
            return not (q.op is Op.EQ and isinstance(q.value, Null))
    if isinstance(va, tuple) or isinstance(vb, tuple):
        for p, q in ((a, b), (b, a)):
            if p.op is Op.EQ and isinstance(q.value, tuple) and not isinstance(p.value, tuple):
                found = [_same(p.value, v) for v in q.value]
                if None in found:
                    return False
                if q.op is Op.IN and not any(found):
                    return True
                if q.op is Op.NOT_IN and any(found):
                    return True
        return False
    if isinstance(va, Null) or isinstance(vb, Null):
        return False
    same = _same(va, vb)
    if same is None:
        return False
    if a.op is Op.EQ and b.op is Op.EQ:
        return not same
    if {a.op, b.op} == {Op.EQ, Op.NE}:
        return same
    return _disjoint(a, b)


@rule(
    "L003", "contradiction", LOGIC, "error",
    "Conditions joined by `and` that can never all hold.",
    what="""Two conditions on the same field, joined by `and`, that no value satisfies together:
    `x=1 and x=2`, `x=null and x!=null`, `x>5 and x<3`, `x=1 and x not in (1,2)`. Values compare
    as SQL Server compares them: strings without regard to case or trailing spaces (`"a"`,
    `"A"` and `"a "` are one value), datetimes as instants with a date at midnight UTC. A
    time without a zone is compared only with another such time.""",
    why="""The query can only return nothing. That is never what was meant: usually `or` was
    intended, or one of the values is wrong.""",
    example="status/id=1 and status/id=2",
    fix="status/id=1 or status/id=2",
    visits=(And,),
)
def contradiction(node: And, ctx: Context) -> Iterator[Problem]:
    fields: dict[str, list[Predicate]] = {}
    for operand in node.operands:
        if isinstance(operand, Predicate):
            fields.setdefault(operand.path.name.lower(), []).append(operand)
    for preds in fields.values():
        for a, b in itertools.combinations(preds[:_MAX_PER_FIELD], 2):
            if _contradict(a, b):
                start, end = span(b)
                yield Problem(start, end, f"`{a}` and `{b}` cannot both hold: this never matches",
                              hint="did you mean `or`?", related=(span(a),))
                break


@rule(
    "L004", "ordering-on-boolean", LOGIC, "error",
    "`<`, `<=`, `>` or `>=` with a boolean.",
    what="""An ordering operator with `true` or `false`: `closedFlag > false`. (With `null` it
    is a syntax error, E016.)""",
    why="""Booleans take `=` and `!=` only; the server's own message says so, and an ordering
    on a boolean is refused or meaningless.""",
    example="closedFlag > false",
    fix="closedFlag=true",
    visits=(Predicate,),
)
def ordering_on_boolean(node: Predicate, ctx: Context) -> Iterator[Problem]:
    if node.op.is_ordering and isinstance(node.value, Boolean):
        start, end = span(node)
        yield Problem(start, end, f"`{node.op.value}` on a boolean: booleans take `=` and `!=`",
                      hint="compare with `=` or `!=`")


def _expand(node: Predicate, ctx: Context) -> str:
    assert isinstance(node.value, tuple)
    path = node.path.name
    equal, word = ("=", " or ") if node.op is Op.IN else ("!=", " and ")
    parts = [f"{path}{equal}{source(ctx, v)}" for v in node.value]
    text = word.join(parts)
    whole = span(node) == (len(ctx.text) - len(ctx.text.lstrip()), len(ctx.text.rstrip()))
    return text if len(parts) == 1 or whole else f"({text})"


@rule(
    "L005", "in-not-documented", LOGIC, "warning",
    "`in` or `not in` in childConditions or customFieldConditions.",
    what="""An in-list in `childConditions` or `customFieldConditions`.""",
    why="""ConnectWise's guide lists the operators for these parameters without `in`; nobody
    has shown that the server accepts it there. The same test written with `or` (or `and` for
    `not in`) is documented.""",
    example='communicationItems/value in ("a@example.com", "b@example.com")',
    fix='communicationItems/value="a@example.com" or communicationItems/value="b@example.com"',
    fixable="safe",
    kinds=frozenset({"childConditions", "customFieldConditions"}),
    example_kind="childConditions",
    visits=(Predicate,),
)
def in_not_documented(node: Predicate, ctx: Context) -> Iterator[Problem]:
    if node.op is Op.IN or node.op is Op.NOT_IN:
        start, end = span(node)
        rewrite = "or" if node.op is Op.IN else "and"
        yield Problem(
            start, end, f"`{node.op.value}` is not documented for {ctx.kind}",
            hint=f"write each value as its own condition, joined with `{rewrite}`",
            fix=Fix(f"Write the values joined with `{rewrite}`", (Edit(start, end, _expand(node, ctx)),)),
        )


@rule(
    "L006", "custom-field-path", LOGIC, "warning",
    "customFieldConditions on a field other than `caption` or `value`.",
    what="""A condition in `customFieldConditions` on anything but `caption` and `value`.""",
    why="""customFieldConditions filters the custom fields of a record through two pseudo-fields,
    `caption` (the custom field's name) and `value`. Other names are not documented there.""",
    example='caption="Region" and name="West"',
    fix='caption="Region" and value="West"',
    kinds=frozenset({"customFieldConditions"}),
    example_kind="customFieldConditions",
    visits=(Predicate,),
)
def custom_field_path(node: Predicate, ctx: Context) -> Iterator[Problem]:
    if node.path.name.lower() not in ("caption", "value"):
        start, end = span(node.path)
        yield Problem(start, end, f"`{node.path.name}` is not `caption` or `value`",
                      hint="customFieldConditions filters on caption (the field's name) and value")


RULES: tuple[Rule, ...] = (
    mixed_and_or, duplicate_condition, contradiction, ordering_on_boolean, in_not_documented,
    custom_field_path,
)
