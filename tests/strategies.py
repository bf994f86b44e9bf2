"""Hypothesis strategies for cwql: random trees, and random surface forms of them.

``fuzz/`` reuses these for longer campaigns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from cwql._invisible import find_invisible
from cwql._literals import quote_string
from cwql._spec import KEYWORDS, MAX_DIGITS, digit_count
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
    Path,
    Predicate,
    String,
)

IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True)

paths = st.lists(IDENT, min_size=1, max_size=3).map("/".join).filter(
    lambda p: p.lower() not in KEYWORDS
).map(Path)

strings = st.text(max_size=20).map(String)
numbers = st.from_regex(r"-?(?:[0-9]{1,6}(?:\.[0-9]{0,4})?|\.[0-9]{1,4})", fullmatch=True).map(Number)
booleans = st.booleans().map(Boolean)


@st.composite
def datetimes(draw: st.DrawFn) -> DateTime:
    kind = draw(st.sampled_from(["date", "utc", "naive"]))
    day = draw(st.dates(min_value=dt.date(1, 1, 2), max_value=dt.date(9999, 12, 30)))
    if kind == "date":
        return DateTime(day)
    t = draw(st.times())
    digits = draw(st.integers(0, 7))
    if digits == 0:
        t = t.replace(microsecond=0)
        fraction = ""
    else:
        fraction = draw(st.from_regex(rf"[0-9]{{{digits}}}", fullmatch=True))
        t = t.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    tz = dt.UTC if kind == "utc" else None
    return DateTime(dt.datetime.combine(day, t, tzinfo=tz), fraction)


values = st.one_of(strings, numbers, booleans, datetimes())


@st.composite
def predicates(draw: st.DrawFn) -> Predicate:
    path = draw(paths)
    op = draw(st.sampled_from(list(Op)))
    value: Literal | tuple[Literal, ...]
    if op in (Op.IN, Op.NOT_IN):
        value = tuple(draw(st.lists(values, min_size=1, max_size=4)))
    elif op in (Op.CONTAINS, Op.NOT_CONTAINS, Op.LIKE, Op.NOT_LIKE):
        value = draw(strings)
    elif op in (Op.EQ, Op.NE):
        value = draw(st.one_of(values, st.just(Null())))
    else:
        value = draw(values)
    return Predicate(path, op, value)


def _combine(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    lists = st.lists(children, min_size=2, max_size=4)
    return st.one_of(lists.map(lambda ops: And(tuple(ops))), lists.map(lambda ops: Or(tuple(ops))))


expressions: st.SearchStrategy[Expr] = st.recursive(predicates(), _combine, max_leaves=12)


# ---- surface forms -----------------------------------------------------------------

def _spaces(draw: st.DrawFn, required: bool) -> str:
    return draw(st.sampled_from([" ", "  ", "\t", "\n", " \n "] + ([] if required else [""])))


def _case(draw: st.DrawFn, word: str) -> str:
    return draw(st.sampled_from([word, word.upper(), word.capitalize()]))


def _messy_string(draw: st.DrawFn, value: str) -> str:
    """Any spelling of ``value`` the grammar reads back as ``value``."""
    quote = draw(st.sampled_from(['"', "'"]))
    doubled = draw(st.booleans())
    out = [quote]
    for c in value:
        if c == quote:
            out.append(quote + quote if doubled else "\\" + quote)
        elif c == "\\":
            out.append("\\\\")
        else:
            out.append(c)
    out.append(quote)
    return "".join(out)


def _messy_value(draw: st.DrawFn, value: Literal) -> str:
    if isinstance(value, String):
        return _messy_string(draw, value.value)
    if isinstance(value, Boolean):
        return _case(draw, "true" if value.value else "false")
    if isinstance(value, Null):
        return _case(draw, "null")
    if isinstance(value, DateTime) and not value.is_date and not value.is_naive:
        # The same instant in some other offset.
        offset = draw(st.integers(-14 * 60, 14 * 60))
        v = value.value
        try:
            local = v.astimezone(dt.timezone(dt.timedelta(minutes=offset)))
        except OverflowError:
            return str(value)
        if not 1 <= local.year <= 9999:
            return str(value)
        frac = "." + value.fraction if value.fraction else ""
        sign = "-" if offset < 0 else "+"
        hh, mm = divmod(abs(offset), 60)
        stamp = (
            f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
            f"T{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
        )
        return f"[{stamp}{frac}{sign}{hh:02d}:{mm:02d}]"
    return str(value)


@st.composite
def messy_text(draw: st.DrawFn, node: Expr) -> str:
    """Print ``node`` with random spacing, keyword case, quoting and redundant parentheses."""
    if isinstance(node, Predicate):
        op = node.op
        if isinstance(node.value, tuple):
            sep = "," + _spaces(draw, False)
            body = sep.join(_messy_value(draw, v) for v in node.value)
            words = " ".join(_case(draw, w) for w in op.value.split())
            text = f"{node.path.name} {words}{_spaces(draw, False)}({body})"
        elif op.is_symbolic:
            text = (
                f"{node.path.name}{_spaces(draw, False)}{op.value}"
                f"{_spaces(draw, False)}{_messy_value(draw, node.value)}"
            )
        else:
            words = _spaces(draw, True).join(_case(draw, w) for w in op.value.split())
            text = f"{node.path.name}{_spaces(draw, True)}{words}{_spaces(draw, True)}{_messy_value(draw, node.value)}"
    else:
        joiner = "and" if isinstance(node, And) else "or"
        parts = []
        for child in node.operands:
            inner = draw(messy_text(child))
            if isinstance(child, (And, Or)) and (isinstance(child, Or) or isinstance(node, Or)):
                # needed (or inside and), or cwql's house style (and inside or)
                inner = f"({inner})" if isinstance(child, Or) or draw(st.booleans()) else inner
            parts.append(inner)
        text = (_spaces(draw, True) + _case(draw, joiner) + _spaces(draw, True)).join(parts)
    if draw(st.integers(0, 4)) == 0:
        text = f"({_spaces(draw, False)}{text}{_spaces(draw, False)})"
    return text


def canonical_string(value: str) -> str:
    return quote_string(value)


# ---- the Python DSL ----------------------------------------------------------------

# Python values the DSL takes, drawn so that every one converts (no naive
# datetimes, nothing that overflows UTC, no string that needs an escape).
_offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
aware_datetimes = st.datetimes(
    min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31), timezones=_offsets
)
safe_text = st.text(max_size=20).filter(
    lambda s: quote_string(s)[1:-1] == s and find_invisible(s) is None
)
orderable_values = st.one_of(
    st.integers(-(10**15), 10**15),
    # Floats whose exact decimal form fits the server's 38 digits (others are refused: test_dsl.py).
    st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: digit_count(format(Decimal(repr(f)), "f")) <= MAX_DIGITS
    ),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12).filter(
        lambda d: d.as_tuple().exponent >= -MAX_DIGITS and digit_count(format(d, "f")) <= MAX_DIGITS  # type: ignore[operator]
    ),
    st.dates(),
    aware_datetimes,
    safe_text,
)
python_values = st.one_of(orderable_values, st.booleans())


@st.composite
def dsl_predicates(draw: st.DrawFn) -> Expr:
    from cwql import F

    field = F[draw(paths).name]
    method = draw(st.sampled_from([
        "==", "!=", "<", "<=", ">", ">=", "in_", "not_in", "contains", "not_contains",
        "like", "not_like", "is_null", "is_not_null", "between",
    ]))
    if method in ("==", "!="):
        value = draw(st.one_of(python_values, st.none()))
        return (field == value) if method == "==" else (field != value)
    if method in ("<", "<=", ">", ">="):
        value = draw(orderable_values)
        return {
            "<": field.__lt__, "<=": field.__le__, ">": field.__gt__, ">=": field.__ge__,
        }[method](value)
    if method in ("in_", "not_in"):
        return getattr(field, method)(draw(st.lists(python_values, min_size=1, max_size=4)))
    if method in ("contains", "not_contains", "like", "not_like"):
        return getattr(field, method)(draw(safe_text))
    if method == "between":
        low, high = sorted(draw(st.lists(st.integers(-1000, 1000), min_size=2, max_size=2)))
        return field.between(low, high)
    return getattr(field, method)()


def _dsl_combine(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(lambda p: p[0] & p[1]),
        pairs.map(lambda p: p[0] | p[1]),
        children.map(lambda c: ~c),
    )


dsl_conditions: st.SearchStrategy[Expr] = st.recursive(dsl_predicates(), _dsl_combine, max_leaves=10)
