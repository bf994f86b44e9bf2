"""Properties of the Python DSL, checked with hypothesis.

Built conditions print as text that parses back to them; no string value can
escape its literal; ``~`` is a true complement (in a world without nulls) that
the parser accepts; the DSL and the parser build the same trees.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from hypothesis import example, given
from hypothesis import strategies as st

import cwql
from cwql import CF, F
from cwql._invisible import find_invisible
from cwql._literals import quote_string
from cwql._patterns import contains_text, literal_contains
from cwql.syntax import (
    And,
    Boolean,
    DateTime,
    Expr,
    Literal,
    Null,
    Number,
    Op,
    Or,
    Predicate,
    String,
    walk,
)

from .conftest import examples
from .strategies import dsl_conditions, expressions

KINDS = st.sampled_from(cwql.CONDITION_KINDS)


@examples(300)
@given(dsl_conditions, KINDS)
def test_built_conditions_parse_back_equal(cond: Expr, kind: cwql._parser.Kind) -> None:
    text = str(cond)
    assert cwql.parse(text, kind) == cond
    assert cwql.normalize(text, kind) == text


# ---- no injection ----------------------------------------------------------------

# Every character that has ever broken a hand-built query string, often, plus
# the rest of Unicode, lone surrogates included.
HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"'\\%&#+[]=() \x00\n\r\t\x7f?/;,*_")),
        st.characters(blacklist_categories=()),
    ),
    max_size=30,
)


def _needs_escape(value: str) -> bool:
    return quote_string(value)[1:-1] != value


def _invisible(value: str) -> bool:
    return find_invisible(value) is not None


def _has_surrogate(value: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def _sole_comparison(text: str) -> Predicate:
    tree = cwql.parse(text)
    assert isinstance(tree, Predicate), text
    assert tree.path.name == "x"
    return tree


@examples(1000)
@given(HOSTILE)
@example("a'b\"c")
@example("x\\")
@example('" or id > "0')
@example("' or 1=1 or x='")
@example("\ud800")
@example("50%&page=2#")
def test_no_string_value_escapes_its_literal(value: str) -> None:
    try:
        cond = F.x == value
    except cwql.UnsafeValueError:
        assert _needs_escape(value) or _has_surrogate(value) or _invisible(value)
        return
    assert not _needs_escape(value)
    assert not _invisible(value)
    text = str(cond)
    tree = _sole_comparison(text)
    assert tree.op is Op.EQ
    assert tree.value == String(value)
    query = cwql.Query(cond).to_query_string()
    name, _, encoded = query.partition("=")
    assert name == "conditions"
    # One parameter: nothing in the value survived as a separator.
    assert not set("&=#+ ?") & set(encoded)
    assert cwql.decode(encoded) == text


@examples(500)
@given(HOSTILE)
def test_escapes_when_allowed_still_round_trip(value: str) -> None:
    try:
        cond = F.x != cwql.allow_escapes(cwql.allow_control_characters(value))
    except cwql.UnsafeValueError:
        assert _has_surrogate(value)
        return
    tree = _sole_comparison(str(cond))
    assert tree.op is Op.NE
    assert tree.value == String(value)


@examples(500)
@given(HOSTILE, st.sampled_from(["contains", "not_contains"]))
def test_contains_takes_its_text_literally(value: str, method: str) -> None:
    try:
        cond = getattr(F.x, method)(value)
    except cwql.UnsafeValueError:
        assert _needs_escape(literal_contains(value)) or _has_surrogate(value) or _invisible(value)
        return
    tree = _sole_comparison(str(cond))
    assert tree.value == String(literal_contains(value))
    # What the model searches for is exactly the text given, wildcard characters included.
    assert contains_text(tree.value.value) == value  # type: ignore[union-attr]


@examples(300)
@given(HOSTILE)
def test_custom_field_captions_cannot_escape_either(caption: str) -> None:
    try:
        cond = CF(caption) == 1
    except (cwql.UnsafeValueError, cwql.InvalidValueError):
        assert (_needs_escape(caption) or _has_surrogate(caption) or _invisible(caption)
                or not caption.strip())
        return
    tree = cwql.parse(str(cond), "customFieldConditions")
    assert tree == And((Predicate(cwql.syntax.Path("caption"), Op.EQ, String(caption)),
                        Predicate(cwql.syntax.Path("value"), Op.EQ, Number("1"))))


# ---- negation -------------------------------------------------------------------------

STANDALONE_NOT = re.compile(r"\bnot\b(?!\s+(?:in|contains|like)\b)", re.IGNORECASE)


def _without_strings(text: str) -> str:
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', text)


@examples(300)
@given(st.one_of(expressions, dsl_conditions))
def test_negation_prints_as_text_the_parser_accepts(cond: Expr) -> None:
    negated = ~cond
    text = str(negated)
    assert cwql.parse(text) == negated  # the parser refuses a standalone not (E011)
    assert STANDALONE_NOT.search(_without_strings(text)) is None, text
    assert ~negated == cond
    assert negated.height == cond.height


# A two-valued model (every field has a value): there, ~c must hold exactly
# where c does not. Ops are defined from = and < only; the rest by the table.


def _key(literal: Literal) -> tuple[str, object]:
    if isinstance(literal, Number):
        return ("number", Decimal(literal.text))
    if isinstance(literal, String):
        return ("string", literal.value.casefold())
    if isinstance(literal, DateTime):
        return ("datetime", (literal.value.isoformat(), literal.fraction))
    if isinstance(literal, Boolean):
        return ("boolean", literal.value)
    return ("null", None)


def _less(a: Literal, b: Literal) -> bool:
    ka, kb = _key(a), _key(b)
    try:
        return ka[0] == kb[0] and ka[1] < kb[1]  # type: ignore[operator]
    except (TypeError, InvalidOperation):
        return False


def _like(value: Literal, pattern: str) -> bool:
    if not isinstance(value, String):
        return False
    regex = "".join(
        ".*" if c in "*%" else "." if c == "_" else re.escape(c) for c in pattern.casefold()
    )
    return re.fullmatch(regex, value.value.casefold(), re.DOTALL) is not None


def _holds(pred: Predicate, record: dict[str, Literal]) -> bool:
    value = record[pred.path.name]
    op, operand = pred.op, pred.value
    positive = op if op in (Op.EQ, Op.LT, Op.GT, Op.CONTAINS, Op.LIKE, Op.IN) else op.negated
    if positive is Op.EQ:
        result = _key(value) == _key(operand)  # type: ignore[arg-type]
    elif positive is Op.LT:
        result = _less(value, operand)  # type: ignore[arg-type]
    elif positive is Op.GT:
        result = _less(operand, value)  # type: ignore[arg-type]
    elif positive is Op.CONTAINS:
        result = isinstance(value, String) and operand.value.casefold() in value.value.casefold()  # type: ignore[union-attr]
    elif positive is Op.LIKE:
        result = _like(value, operand.value)  # type: ignore[union-attr]
    else:
        result = any(_key(value) == _key(v) for v in operand)  # type: ignore[union-attr]
    return result if positive is op else not result


def evaluate(cond: Expr, record: dict[str, Literal]) -> bool:
    results: dict[int, bool] = {}
    for node in reversed(list(walk(cond))):
        if isinstance(node, Predicate):
            results[id(node)] = _holds(node, record)
        elif isinstance(node, And):
            results[id(node)] = all(results[id(o)] for o in node.operands)
        elif isinstance(node, Or):
            results[id(node)] = any(results[id(o)] for o in node.operands)
    return results[id(cond)]


@examples(300)
@given(st.data())
def test_negation_is_the_complement_when_no_field_is_null(data: st.DataObject) -> None:
    cond = data.draw(st.one_of(expressions, dsl_conditions))
    preds = [n for n in walk(cond) if isinstance(n, Predicate)]
    pool = [v for p in preds for v in (p.value if isinstance(p.value, tuple) else (p.value,))
            if not isinstance(v, Null)] or [Number("0")]
    record = {p.path.name: data.draw(st.sampled_from(pool)) for p in preds}
    assert evaluate(~cond, record) is (not evaluate(cond, record))


# ---- the DSL builds what the parser builds -------------------------------------------


def _rebuild(node: Expr) -> Expr:
    """The same condition written with F, all_of and any_of."""
    if isinstance(node, And):
        return cwql.all_of(*(_rebuild(o) for o in node.operands))
    if isinstance(node, Or):
        return cwql.any_of(*(_rebuild(o) for o in node.operands))
    assert isinstance(node, Predicate)
    field = F[node.path.name]
    value = node.value
    op = node.op
    if isinstance(value, Null):
        return field.is_null() if op is Op.EQ else field.is_not_null()
    if op in (Op.IN, Op.NOT_IN):
        return field.in_(value) if op is Op.IN else field.not_in(value)  # type: ignore[arg-type]
    method = {
        Op.EQ: field.__eq__, Op.NE: field.__ne__, Op.LT: field.__lt__, Op.LE: field.__le__,
        Op.GT: field.__gt__, Op.GE: field.__ge__, Op.CONTAINS: field.contains,
        Op.NOT_CONTAINS: field.not_contains, Op.LIKE: field.like, Op.NOT_LIKE: field.not_like,
    }[op]
    return method(value)  # type: ignore[no-any-return]


def _without_repeats(node: Expr) -> Expr:
    """``node`` with repeated in-list values dropped, as the DSL does."""
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_without_repeats(o) for o in node.operands))
    assert isinstance(node, Predicate)
    if isinstance(node.value, tuple):
        return Predicate(node.path, node.op, tuple(dict.fromkeys(node.value)))
    return node


@examples(300)
@given(expressions)
def test_dsl_builds_the_trees_the_parser_builds(tree: Expr) -> None:
    parsed = cwql.parse(str(tree))
    assert _rebuild(parsed) == _without_repeats(tree)
