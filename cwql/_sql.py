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

import re
from collections.abc import Callable, Mapping
from typing import Any

from ._parser import parse
from ._patterns import ANY, ONE, CharClass, Item, contains_text, parse_like
from ._semantics import model_instant
from .errors import CWQLTypeError, UsageError
from .syntax import (
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
    check_predicate,
)

__all__ = ["to_sql"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TEXT = "typeof({c}) = 'text'"
_NUMBER = "typeof({c}) IN ('integer', 'real')"
_BOOLEAN = "typeof({c}) = 'integer'"
# The evaluator only reads strings that start like an ISO date as datetimes;
# julianday() would also take 'now' or a bare number.
_DATE = "typeof({c}) = 'text' AND {c} GLOB '[0-9][0-9][0-9][0-9]-*'"
_SYMBOLS = {Op.EQ: "=", Op.NE: "!=", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}


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
    ('(typeof("status/name") = \\'text\\' AND "status/name" = ? COLLATE NOCASE) AND (typeof("budgetHours") IN (\\'integer\\', \\'real\\') AND "budgetHours" > ?)', ['Open', 2.5])
    """
    if not _IDENT.fullmatch(collation):
        raise UsageError(f"collation must be a plain SQL name, not {collation!r}")
    if isinstance(expr, str):
        expr = parse(expr)
    if not isinstance(expr, Expr):
        raise CWQLTypeError(f"to_sql takes a condition or its text, not {type(expr).__name__}")
    column = _column_function(columns)
    done: dict[int, tuple[str, list[Any]]] = {}
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if isinstance(node, Predicate):
            done[id(node)] = _predicate(node, column(node.path.name), collation)
        elif isinstance(node, (And, Or)):
            if not expanded:
                stack.append((node, True))
                stack.extend((child, False) for child in node.operands)
                continue
            joiner = " AND " if isinstance(node, And) else " OR "
            parts: list[str] = []
            params: list[Any] = []
            for child in node.operands:
                text, values = done[id(child)]  # not popped: a subtree may be shared
                # Every predicate is already parenthesised; groups get their own.
                parts.append(f"({text})" if isinstance(child, (And, Or)) else text)
                params.extend(values)
            done[id(node)] = (joiner.join(parts), params)
        else:
            raise CWQLTypeError(f"not a condition node: {type(node).__name__}")
    return done[id(expr)]


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
    if op in (Op.CONTAINS, Op.NOT_CONTAINS, Op.LIKE, Op.NOT_LIKE):
        return _match(op, value.value, c)  # type: ignore[attr-defined]
    sym = _SYMBOLS[op]
    if cls is String:
        return f"({_TEXT.format(c=c)} AND {c} {sym} ? COLLATE {collation})", [value.value]  # type: ignore[attr-defined]
    if cls is Number:
        return f"({_NUMBER.format(c=c)} AND {c} {sym} ?)", [value.scalar]  # type: ignore[attr-defined]
    if cls is Boolean:
        return f"({_BOOLEAN.format(c=c)} AND {c} {sym} ?)", [int(value.value)]  # type: ignore[attr-defined]
    if cls is DateTime:
        return (
            f"({_DATE.format(c=c)} AND julianday({c}) {sym} julianday(?))",
            [_instant(value)],  # type: ignore[arg-type]
        )
    raise CWQLTypeError(f"cannot compare with {cls.__name__}")


def _instant(lit: DateTime) -> str:
    # SQLite's date functions read an offset or a Z, and count milliseconds.
    return model_instant(lit).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _match(op: Op, pattern: str, c: str) -> tuple[str, list[Any]]:
    negate = "NOT " if op in (Op.NOT_CONTAINS, Op.NOT_LIKE) else ""
    if op in (Op.CONTAINS, Op.NOT_CONTAINS):
        param = "%" + _escape_like(contains_text(pattern)) + "%"
        return f"({_TEXT.format(c=c)} AND {c} {negate}LIKE ? ESCAPE '\\')", [param]
    items = parse_like(pattern)
    if any(isinstance(item, CharClass) for item in items):
        # LIKE has no character classes; GLOB has, but is case-sensitive,
        # so both sides are lowered (SQLite's lower() folds ASCII only).
        glob = _glob(parse_like(pattern.lower()))
        if glob is None:  # a class that matches nothing: so does the pattern
            return f"({_TEXT.format(c=c)} AND {1 if negate else 0})", []
        return f"({_TEXT.format(c=c)} AND lower({c}) {negate}GLOB ?)", [glob]
    return f"({_TEXT.format(c=c)} AND {c} {negate}LIKE ? ESCAPE '\\')", [_like(items)]


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


def _glob(items: list[Item]) -> str | None:
    """A GLOB pattern, or ``None`` when a class in it can match no character."""
    out: list[str] = []
    for item in items:
        if item is ANY:
            out.append("*")
        elif item is ONE:
            out.append("?")
        elif isinstance(item, CharClass):
            body = _glob_class(item)
            if body is None:
                return None
            out.append(body)
        else:
            assert isinstance(item, str)
            out.append("".join(f"[{ch}]" if ch in "*?[" else ch for ch in item))
    return "".join(out)


def _glob_class(cc: CharClass) -> str | None:
    # GLOB reads "]" as literal only first, "-" only last, "^" as negation only first.
    ranges = [(low, high) for low, high in cc.ranges if low <= high]
    if any("]" in pair or "-" in pair or "^" in pair for pair in ranges):
        raise UsageError("to_sql cannot translate a like range that starts or ends with ] - or ^")
    chars = set(cc.chars)
    if not chars and not ranges:
        return "?" if cc.negated else None
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
            groups.setdefault(cls, []).append(lit.value)  # type: ignore[attr-defined]
        elif cls is Number:
            groups.setdefault(cls, []).append(lit.scalar)  # type: ignore[attr-defined]
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
            parts.append(f"({_TEXT.format(c=c)} AND {c} COLLATE {collation} {keyword} ({marks}))")
        elif cls is Number:
            parts.append(f"({_NUMBER.format(c=c)} AND {c} {keyword} ({marks}))")
        elif cls is Boolean:
            parts.append(f"({_BOOLEAN.format(c=c)} AND {c} {keyword} ({marks}))")
        else:
            marks = ", ".join(["julianday(?)"] * len(members))
            parts.append(f"({_DATE.format(c=c)} AND julianday({c}) {keyword} ({marks}))")
        params.extend(members)
    joined = (" OR " if op is Op.IN else " AND ").join(parts)
    return (joined if len(parts) == 1 else f"({joined})"), params
