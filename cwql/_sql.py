"""Conditions as a SQLite ``WHERE`` clause over flattened records.

For users who mirror PSA data into SQLite, and for cwql's own tests, where it
is an independent oracle for the evaluator: the same semantics, written with
SQL's own machinery (``COLLATE NOCASE``, ``LIKE ... ESCAPE``, ``IS NULL``,
three-valued logic) instead of Python closures.

The contract (docs/evaluator.md, "SQL"): one column per field path; strings
as TEXT, numbers as INTEGER or REAL (a column with NUMERIC affinity turns
numbers written as text into numbers on insert), booleans as INTEGER 0/1,
datetimes as ISO 8601 TEXT. Every comparison checks the column's storage
class first, so a value of another type never matches, as in the evaluator.
Values always travel as parameters, never inside the SQL text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from ._parser import parse
from ._patterns import ANY, ONE, CharClass, Item, fold, never_matches, parse_contains, parse_like
from ._semantics import model_instant
from .errors import CWQLTypeError, UsageError
from .syntax import (
    And,
    Boolean,
    DateTime,
    Expr,
    Literal,
    Node,
    Null,
    Number,
    Op,
    Or,
    Predicate,
    String,
    check_predicate,
)
from .syntax import fold as fold_tree

__all__ = ["to_sql"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TEXT = "typeof({c}) = 'text'"
_NUMBER = "typeof({c}) IN ('integer', 'real')"
# Booleans are stored as 0/1; other integers are numbers, not booleans.
_BOOLEAN = "typeof({c}) = 'integer' AND {c} IN (0, 1)"
_SYMBOLS = {Op.EQ: "=", Op.NE: "!=", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}
# SQLite binds integers of 64 bits; a longer literal travels as a REAL, which
# still orders correctly against every integer a column can hold.
_INT64 = range(-(2**63), 2**63)


def _shapes() -> str:
    """Every shape of _semantics.DATETIME_FORM with its digits written as 9, as a SQL list."""
    times = ["99:99", "99:99:99", *("99:99:99." + "9" * k for k in range(1, 8))]
    shapes = ["9999-99-99"] + [
        f"9999-99-99{sep}{time}{zone}"
        for sep in "T " for time in times for zone in ("", "Z", "+99:99", "-99:99")
    ]
    return ", ".join(f"'{shape}'" for shape in shapes)


_SHAPES = _shapes()


@functools.lru_cache(maxsize=256)
def _datetime_check(c: str) -> str:
    """SQL true when the column holds a datetime as _semantics.as_instant reads one.

    The text's shape (each digit replaced by 9) is one of DATETIME_FORM's; the
    date is on the calendar (SQLite's date() would roll 2024-02-30 over to
    March); the hour is below 24 and the year above 0; julianday() refuses
    minutes and seconds past 59 and offsets past 14 hours, as the model does.
    """
    shape = c
    for digit in "012345678":
        shape = f"replace({shape}, '{digit}', '9')"
    return (
        f"typeof({c}) = 'text' AND {shape} IN ({_SHAPES}) "
        f"AND date(substr({c}, 1, 10), '+0 days') = substr({c}, 1, 10) "
        f"AND substr({c}, 12, 2) < '24' AND substr({c}, 1, 4) != '0000'"
    )


def to_sql(
    expr: Expr | str,
    *,
    columns: Mapping[str, str] | Callable[[str], str] | None = None,
    collation: str = "NOCASE",
) -> tuple[str, list[Any]]:
    """Translate a ``conditions`` expression to ``(where_clause, parameters)`` for ``sqlite3``.

    ``columns`` maps a field path (as written in the condition) to a SQL column
    expression; by default a path is its own quoted column name
    (``status/name`` becomes ``"status/name"``). ``collation`` names the
    collating sequence for string comparisons. Placeholders are ``?``.

    >>> to_sql('status/name = "Open" and budgetHours > 2.5')
    ('(typeof("status/name") = \\'text\\' AND rtrim("status/name", \\' \\') = ? COLLATE NOCASE) AND (typeof("budgetHours") IN (\\'integer\\', \\'real\\') AND "budgetHours" > ?)', ['Open', 2.5])
    """
    if not _IDENT.fullmatch(collation):
        raise UsageError(f"collation must be a plain SQL name, not {collation!r}")
    if isinstance(expr, str):
        expr = parse(expr)
    if not isinstance(expr, Expr):
        raise CWQLTypeError(f"to_sql takes a condition or its text, not {type(expr).__name__}")
    column = _column_function(columns)

    def build(node: Node, parts: tuple[tuple[str, list[Any], bool], ...]) -> tuple[str, list[Any], bool]:
        """``(sql, parameters, is_group)`` for one node, from its children's."""
        if isinstance(node, Predicate):
            text, params = _predicate(node, column(node.path.name), collation)
            return text, params, False
        if not isinstance(node, (And, Or)):
            raise CWQLTypeError(f"not a condition node: {type(node).__name__}")
        joiner = " AND " if isinstance(node, And) else " OR "
        # Every predicate is already parenthesised; groups get their own.
        texts = [f"({text})" if group else text for text, _, group in parts]
        return joiner.join(texts), [p for _, params, _ in parts for p in params], True

    text, params, _ = fold_tree(expr, build, leaves=(Predicate,))
    return text, params


def _column_function(columns: Mapping[str, str] | Callable[[str], str] | None) -> Callable[[str], str]:
    if columns is None:
        return lambda path: '"' + path.replace('"', '""') + '"'
    if callable(columns):
        return columns
    by_lower = {key.lower(): value for key, value in columns.items()}

    def lookup(path: str) -> str:
        found = columns.get(path) or by_lower.get(path.lower())
        if found is None:
            raise UsageError(f"no column given for the field {path!r}")
        return found

    return lookup


def _predicate(node: Predicate, c: str, collation: str) -> tuple[str, list[Any]]:
    check_predicate(node)
    op, value = node.op, node.value
    if isinstance(value, tuple):
        return _membership(op, value, c, collation)
    cls = type(value)
    if cls is Null:
        return (f"{c} IS NULL", []) if op is Op.EQ else (f"{c} IS NOT NULL", [])
    if op.is_text:
        return _match(op, value.value, c)  # type: ignore[attr-defined]
    sym = _SYMBOLS[op]
    if cls is String:
        # _semantics.text_key: without case, and without trailing spaces on either side.
        return (
            f"({_TEXT.format(c=c)} AND rtrim({c}, ' ') {sym} ? COLLATE {collation})",
            [value.value.rstrip(" ")],  # type: ignore[attr-defined]
        )
    if cls is Number:
        return f"({_NUMBER.format(c=c)} AND {c} {sym} ?)", [_number(value)]  # type: ignore[arg-type]
    if cls is Boolean:
        return f"({_BOOLEAN.format(c=c)} AND {c} {sym} ?)", [int(value.value)]  # type: ignore[attr-defined]
    if cls is DateTime:
        return f"({_datetime_check(c)} AND julianday({c}) {sym} julianday(?))", [_instant(value)]  # type: ignore[arg-type]
    raise CWQLTypeError(f"cannot compare with {cls.__name__}")


def _number(literal: Number) -> int | float:
    value = literal.scalar
    return value if isinstance(value, float) or value in _INT64 else float(value)


def _instant(literal: DateTime) -> str:
    # SQLite's date functions read an offset, and count milliseconds.
    return model_instant(literal).isoformat(timespec="microseconds")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _match(op: Op, pattern: str, c: str) -> tuple[str, list[Any]]:
    """``like`` and ``contains``, read by cwql._patterns: a ``LIKE``, or a ``GLOB`` for classes."""
    negate = op is Op.NOT_CONTAINS or op is Op.NOT_LIKE
    if op is Op.CONTAINS or op is Op.NOT_CONTAINS:
        items = [ANY, *parse_contains(pattern), ANY]
    else:
        items = parse_like(pattern)
    if never_matches(items):
        return f"({_TEXT.format(c=c)} AND {1 if negate else 0})", []
    word = "NOT " if negate else ""
    if any(isinstance(item, CharClass) for item in items):
        # LIKE has no character classes; GLOB has, but is case-sensitive,
        # so both sides are lowered (SQLite's lower() folds ASCII only).
        glob = _glob(fold(items, str.lower))
        return f"({_TEXT.format(c=c)} AND lower({c}) {word}GLOB ?)", [glob]
    return f"({_TEXT.format(c=c)} AND {c} {word}LIKE ? ESCAPE '\\')", [_like(items)]


def _like(items: list[Item]) -> str:
    out: list[str] = []
    for item in items:
        if item is ANY:
            out.append("%")
        elif item is ONE:
            out.append("_")
        else:
            assert isinstance(item, str)
            out.append(_escape_like(item))
    return "".join(out)


def _glob(items: list[Item]) -> str:
    """A GLOB pattern (the caller has ruled out classes that match nothing)."""
    out: list[str] = []
    for item in items:
        if item is ANY:
            out.append("*")
        elif item is ONE:
            out.append("?")
        elif isinstance(item, CharClass):
            out.append(_glob_class(item))
        else:
            assert isinstance(item, str)
            out.append("".join(f"[{ch}]" if ch in "*?[" else ch for ch in item))
    return "".join(out)


def _glob_class(cc: CharClass) -> str:
    # GLOB reads "]" as literal only first, "-" only last, "^" as negation only first.
    ranges = [(low, high) for low, high in cc.ranges if low <= high]
    if any("]" in pair or "-" in pair or "^" in pair for pair in ranges):
        raise UsageError("to_sql cannot translate a like range that starts or ends with ] - or ^")
    chars = set(cc.chars)
    if not chars and not ranges:
        assert cc.negated  # an empty class that is not negated matches nothing
        return "?"
    body = "".join(
        [
            "]" if "]" in chars else "",
            *sorted(chars - {"]", "-", "^"}),
            *(f"{low}-{high}" for low, high in ranges),
            "^" if "^" in chars else "",
            "-" if "-" in chars else "",
        ]
    )
    if body == "^":
        return "[^^]" if cc.negated else "^"
    if body == "^-":  # a leading "-" is literal too, and "^" is safe after it
        body = "-^"
    return "[" + ("^" if cc.negated else "") + body + "]"


def _membership(
    op: Op, values: tuple[Literal, ...], c: str, collation: str
) -> tuple[str, list[Any]]:
    groups: dict[type, list[Any]] = {}
    for lit in values:
        cls = type(lit)
        if cls is String:
            groups.setdefault(cls, []).append(lit.value.rstrip(" "))  # type: ignore[attr-defined]
        elif cls is Number:
            groups.setdefault(cls, []).append(_number(lit))  # type: ignore[arg-type]
        elif cls is Boolean:
            groups.setdefault(cls, []).append(int(lit.value))  # type: ignore[attr-defined]
        elif cls is DateTime:
            groups.setdefault(cls, []).append(_instant(lit))  # type: ignore[arg-type]
    keyword = "IN" if op is Op.IN else "NOT IN"
    parts: list[str] = []
    params: list[Any] = []
    for cls, members in groups.items():
        marks = ", ".join("?" * len(members))
        if cls is String:
            parts.append(f"({_TEXT.format(c=c)} AND rtrim({c}, ' ') COLLATE {collation} {keyword} ({marks}))")
        elif cls is Number:
            parts.append(f"({_NUMBER.format(c=c)} AND {c} {keyword} ({marks}))")
        elif cls is Boolean:
            parts.append(f"({_BOOLEAN.format(c=c)} AND {c} {keyword} ({marks}))")
        else:
            marks = ", ".join(["julianday(?)"] * len(members))
            parts.append(f"({_datetime_check(c)} AND julianday({c}) {keyword} ({marks}))")
        params.extend(members)
    joined = (" OR " if op is Op.IN else " AND ").join(parts)
    return (joined if len(parts) == 1 else f"({joined})"), params
