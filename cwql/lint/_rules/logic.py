"""Operators and logic: precedence, repeats, contradictions, operators a parameter does not list."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from ... import _semantics as model
from ...syntax import And, Boolean, DateTime, Literal, Null, Op, Or, Predicate, String
from .._model import Context, Edit, Fix, Problem, Rule
from .base import comparable, instant, literal_key, message, rule, source, span

__all__ = ["RULES"]

# Pairs compared per field in one `and` group; bounds the quadratic check on
# generated queries that repeat a field thousands of times.
_MAX_PER_FIELD = 64


@rule("L001", visits=(Or,))
def mixed_and_or(node: Or, ctx: Context) -> Iterator[Problem]:
    for operand in node.operands:
        if isinstance(operand, And) and not operand.parenthesized:
            start, end = span(operand)
            yield Problem(
                start, end, message("L001"),
                hint="add parentheses around the `and` group you mean",
                fix=Fix("Parenthesise the `and` group", (Edit(start, start, "("), Edit(end, end, ")")),
                        "unsafe"),
            )


def _key(node: Predicate) -> object:
    value = node.value
    values = tuple(literal_key(v) for v in value) if isinstance(value, tuple) else literal_key(value)
    return (node.path.name.lower(), node.op, values)


@rule("L002", visits=(And, Or))
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
        yield Problem(start, end, message("L002", condition=operand, connective=word),
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


@rule("L003", visits=(And,))
def contradiction(node: And, ctx: Context) -> Iterator[Problem]:
    fields: dict[str, list[Predicate]] = {}
    for operand in node.operands:
        if isinstance(operand, Predicate):
            fields.setdefault(operand.path.name.lower(), []).append(operand)
    for preds in fields.values():
        for a, b in itertools.combinations(preds[:_MAX_PER_FIELD], 2):
            if _contradict(a, b):
                start, end = span(b)
                yield Problem(start, end, message("L003", first=a, second=b),
                              hint="did you mean `or`?", related=(span(a),))
                break


@rule("L004", visits=(Predicate,))
def ordering_on_boolean(node: Predicate, ctx: Context) -> Iterator[Problem]:
    if node.op.is_ordering and isinstance(node.value, Boolean):
        start, end = span(node)
        yield Problem(start, end, message("L004", operator=node.op.value),
                      hint="compare with `=` or `!=`")


def _expand(node: Predicate, ctx: Context) -> str:
    assert isinstance(node.value, tuple)
    path = node.path.name
    equal, word = ("=", " or ") if node.op is Op.IN else ("!=", " and ")
    parts = [f"{path}{equal}{source(ctx, v)}" for v in node.value]
    text = word.join(parts)
    whole = span(node) == (len(ctx.text) - len(ctx.text.lstrip()), len(ctx.text.rstrip()))
    return text if len(parts) == 1 or whole else f"({text})"


@rule("L005", kinds=frozenset({"childConditions", "customFieldConditions"}), visits=(Predicate,))
def in_not_documented(node: Predicate, ctx: Context) -> Iterator[Problem]:
    if node.op is Op.IN or node.op is Op.NOT_IN:
        start, end = span(node)
        rewrite = "or" if node.op is Op.IN else "and"
        yield Problem(
            start, end, message("L005", operator=node.op.value, kind=ctx.kind),
            hint=f"write each value as its own condition, joined with `{rewrite}`",
            fix=Fix(f"Write the values joined with `{rewrite}`", (Edit(start, end, _expand(node, ctx)),)),
        )


@rule("L006", kinds=frozenset({"customFieldConditions"}), visits=(Predicate,))
def custom_field_path(node: Predicate, ctx: Context) -> Iterator[Problem]:
    if node.path.name.lower() not in ("caption", "value"):
        start, end = span(node.path)
        yield Problem(start, end, message("L006", path=node.path.name),
                      hint="customFieldConditions filters on caption (the field's name) and value")


def _custom_field(node: object) -> str | None:
    """The custom-field column a ``customFields/...`` predicate tests (``value``), or None."""
    if isinstance(node, Predicate):
        head, _, rest = node.path.name.partition("/")
        if head.lower() == "customfields" and rest:
            return rest
    return None


def _custom_group(node: Predicate, ctx: Context) -> tuple[Predicate, ...]:
    """The custom-field tests of the ``and`` group ``node`` is in (just ``node`` outside one)."""
    for other in ctx.nodes:
        if isinstance(other, And) and any(o is node for o in other.operands):
            return tuple(o for o in other.operands
                         if isinstance(o, Predicate) and _custom_field(o) is not None)
    return (node,)


def _as_custom_field_conditions(group: tuple[Predicate, ...], ctx: Context) -> str:
    """The group rewritten for customFieldConditions, and the CF() that builds it where one does."""
    parts = [f"{_custom_field(p)}{ctx.text[span(p.path)[1]:span(p)[1]]}" for p in group]
    captions = [p for p in group if (_custom_field(p) or "").lower() == "caption"]
    values = [p for p in group if (_custom_field(p) or "").lower() == "value"]
    if not captions:
        parts.insert(0, 'caption="<the custom field\'s name>"')
    rewritten = " and ".join(parts)
    if len(captions) == 1 and len(values) == 1 and len(group) == 2 \
            and captions[0].op is Op.EQ and values[0].op is Op.EQ \
            and isinstance(captions[0].value, String) and not isinstance(values[0].value, tuple):
        return f"{rewritten} (with cwql: CF({captions[0].value}) == {values[0].value})"
    return f"{rewritten} (with cwql: CF(name) and a comparison)"


@rule("L007", kinds=frozenset({"conditions"}), visits=(Predicate,))
def custom_field_in_conditions(node: Predicate, ctx: Context) -> Iterator[Problem]:
    if _custom_field(node) is None:
        return
    group = _custom_group(node, ctx)
    if group[0] is not node:
        return  # one finding for the group, at its first test
    start, end = span(node.path)
    yield Problem(start, end, message("L007", path=node.path.name),
                  hint=f"send it as customFieldConditions: {_as_custom_field_conditions(group, ctx)}",
                  related=tuple(span(p.path) for p in group[1:]))


RULES: tuple[Rule, ...] = (
    mixed_and_or, duplicate_condition, contradiction, ordering_on_boolean, in_not_documented,
    custom_field_path, custom_field_in_conditions,
)
