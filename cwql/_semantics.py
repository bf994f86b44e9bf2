"""What the Manage server is modelled to do with a condition (LANGUAGE.md §6), in one place.

The server runs filters as SQL Server queries with its default collation
(``SQL_Latin1_General_CP1_CI_AS``: case-insensitive, accent-sensitive).
Everything in cwql that reasons about what a condition *means* rather than how
it is written (the evaluator, ``to_sql``, the fake PSA through the evaluator,
the linter's logic rules, the DSL, the executor's splitting of long lists)
reads that meaning here. docs/language.md ("What a condition means") states
each rule for users.

- **Strings** are equal when their :func:`text_key` is: without regard to
  case (Unicode case folding, so ``ß`` is ``ss``, as SQL Server's Unicode
  comparison has it) and to trailing spaces (SQL Server pads the shorter
  string with spaces before ``=``, ``<`` and the rest, ANSI SQL-92).
  ``like`` and ``contains`` do not pad and match character by character,
  without case (``str.lower``), in :mod:`cwql._patterns`.
- **Numbers** are compared as Python reads a JSON number; a string written
  as a number is one.
- **Datetimes** are instants: a date literal is midnight UTC (:func:`instant`),
  a naive time is read as UTC (:func:`model_instant`). A record string is a
  datetime only in the ISO 8601 form the API writes (:data:`DATETIME_FORM`).
  A *date in Python* given to the DSL stands for the whole UTC day
  (:func:`day_range`).
- **Booleans** are ``true`` and ``false`` only, never ``0``/``1``.
- A value of another type, or one that cannot be read as the literal's type,
  does not compare: every operator is false on it, negated ones included.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

from ._spec import MAX_DIGITS, digit_count
from .syntax import And, Boolean, DateTime, Expr, Literal, Number, Op, Or, Predicate, String

__all__ = [
    "DATETIME_FORM",
    "as_boolean",
    "as_instant",
    "as_number",
    "as_text_key",
    "comparand",
    "day_range",
    "instant",
    "model_instant",
    "text_key",
]

_UTC = _dt.UTC


# ---- strings ------------------------------------------------------------------------


def text_key(value: str) -> str:
    """What two strings share when the server's collation finds them equal.

    ``"Open"``, ``"OPEN "`` and ``"open"`` have one key; so do ``"Straße"``
    and ``"strasse"``. Equality, ordering, ``in`` lists and anything that
    merges or deduplicates string values (the executor's splitting of long
    lists, the linter's contradictions) compare through this. Stable: the
    executor relies on its name and signature.
    """
    return value.rstrip(" ").casefold()


def as_text_key(v: Any) -> str | None:
    """A record value as a :func:`text_key`, or None when it is not a string (a number is not text)."""
    return text_key(v) if isinstance(v, str) else None


# ---- numbers ------------------------------------------------------------------------

_NUMERIC = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def as_number(v: Any) -> Any:
    """A record value as an int or float, or None. Booleans are not numbers.

    Strings in the language's own number form count (``"2.50"``, ``"-3"``);
    past the server's digit limit (MAX_DIGITS) nothing does.
    """
    t = type(v)
    if t is int or t is float:
        return v
    if t is str:
        if len(v) <= MAX_DIGITS + 2 and _NUMERIC.fullmatch(v) and digit_count(v) <= MAX_DIGITS:
            return float(v) if "." in v else int(v)
        return None
    if t is bool:
        return None
    if _is_decimal(t):
        return float(v) if v.is_finite() else None
    if isinstance(v, int | float) and not isinstance(v, bool):  # subclasses (numpy registers as these)
        return v
    return None


def _is_decimal(t: type) -> bool:
    """Whether ``t`` is decimal.Decimal or a subclass, told by its classes' names: importing
    decimal to ask would cost every start-up, and asking sys.modules would miss a Decimal
    whose module was unloaded (C or pure-Python implementation alike)."""
    return any(c.__name__ == "Decimal" and c.__module__ in _DECIMAL_MODULES for c in t.__mro__)


_DECIMAL_MODULES = frozenset({"decimal", "_decimal", "_pydecimal"})


# ---- datetimes ------------------------------------------------------------------------

#: The ISO 8601 forms a record string must have to be read as a datetime: a
#: date, or a date, ``T`` or a space, and a time to the minute or second with
#: up to seven fractional digits, then ``Z``, an offset ``+HH:MM``/``-HH:MM``
#: of at most 14 hours (every real one) or nothing (naive: read as UTC).
#: Other ISO forms (``2024-W01-1``,
#: ``20240101``, a lower-case ``t``/``z``, ``+0200``) are not, and neither are
#: dates off the calendar (``2024-02-30``) or times off the clock (``24:00``).
DATETIME_FORM = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,7})?)?(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?)?"
)

_fromisoformat = _dt.datetime.fromisoformat


def as_instant(v: Any) -> _dt.datetime | None:
    """A record value as an aware datetime, or None.

    Strings in :data:`DATETIME_FORM` (a date is midnight UTC, a naive time is
    UTC), ``datetime`` objects (naive: UTC) and ``date`` objects (midnight UTC).
    """
    if type(v) is str:
        # The form the API writes, checked by position (the characters at 4, 7, 10,
        # 13, 16 and 19): no regular expression on the common path. fromisoformat
        # then checks the digits and calendar. (Without position 7, a week date
        # such as 2024-W01-1T00:00:00Z got through.)
        if len(v) == 20 and v[4::3] == "--T::Z":
            try:
                return _fromisoformat(v)
            except ValueError:
                return None
        if DATETIME_FORM.fullmatch(v) is None:
            return None
        try:
            value = _fromisoformat(v)
        except ValueError:
            return None
    elif isinstance(v, _dt.datetime):
        value = v
    elif isinstance(v, _dt.date):
        return _dt.datetime(v.year, v.month, v.day, tzinfo=_UTC)
    else:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=_UTC)


def instant(literal: DateTime) -> _dt.datetime | None:
    """The instant a datetime literal stands for: a date is midnight UTC.

    None for a naive time, whose zone on the server is unknown; see
    :func:`model_instant` for what the evaluator assumes for it.
    """
    value = literal.value
    if not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    return None if value.tzinfo is None else value


def model_instant(literal: DateTime) -> _dt.datetime:
    """The instant the evaluator and ``to_sql`` compare with: a naive time is read as UTC."""
    at = instant(literal)
    if at is not None:
        return at
    naive = literal.value
    assert isinstance(naive, _dt.datetime)  # only a naive time has no instant
    return naive.replace(tzinfo=_UTC)


# ---- booleans ------------------------------------------------------------------------


def as_boolean(v: Any) -> bool | None:
    """A record value as a bool, or None: only ``true`` and ``false`` are booleans (not 0 or 1)."""
    return v if type(v) is bool else None


# ---- a literal and what meets it ------------------------------------------------------


def comparand(literal: Literal) -> tuple[Callable[[Any], Any], Any]:
    """How the model compares a record value ``v`` with ``literal``: ``(coerce, value)``.

    ``v`` meets the literal under ``=``, ``<``... when ``coerce(v)`` is not
    None and the operator holds between ``coerce(v)`` and ``value``.
    Raises ``TypeError`` for ``null``, which only ``= null`` / ``!= null`` take.
    """
    cls = type(literal)
    if cls is String:
        return as_text_key, text_key(literal.value)  # type: ignore[attr-defined]
    if cls is Number:
        return as_number, literal.scalar  # type: ignore[attr-defined]
    if cls is DateTime:
        return as_instant, model_instant(literal)  # type: ignore[arg-type]
    if cls is Boolean:
        return as_boolean, literal.value  # type: ignore[attr-defined]
    raise TypeError(f"{cls.__name__} has no value to compare with")


# ---- a date's day -----------------------------------------------------------------------

_LAST_INSTANT = DateTime(_dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=_UTC), "9999999")


def _day_bounds(day: _dt.date) -> tuple[DateTime, tuple[Op, DateTime]]:
    """The day's first instant, and how to say "before the day is over": ``< next`` or ``<= last``."""
    if day == _dt.date.max:
        return DateTime(day), (Op.LE, _LAST_INSTANT)
    return DateTime(day), (Op.LT, DateTime(day + _dt.timedelta(days=1)))


def _within(path: Any, day: _dt.date) -> Expr:
    start, (before, end) = _day_bounds(day)
    return And((Predicate(path, Op.GE, start), Predicate(path, before, end)))


def _outside(path: Any, day: _dt.date) -> Expr:
    start, (before, end) = _day_bounds(day)
    return Or((Predicate(path, Op.LT, start), Predicate(path, before.negated, end)))


def day_range(node: Predicate) -> Expr | None:
    """``node`` with each date literal standing for its whole UTC day, or None if that changes nothing.

    A bracketed date is midnight UTC (:func:`instant`), so on a datetime field
    ``x = [2024-03-31]`` matches only midnight and ``x <= [2024-03-31]`` stops
    there. The whole-day meaning, at each operator:

    ======================  ==========================================================
    ``x = [d]``             ``x >= [d] and x < [d+1]``
    ``x != [d]``            ``x < [d] or x >= [d+1]``
    ``x <= [d]``            ``x < [d+1]``
    ``x > [d]``             ``x >= [d+1]``
    ``x < [d]``, ``>=``     unchanged (None): midnight already is the day's edge
    ``x in (..., [d])``     the other values' ``in``, or each day's range
    ``x not in (.., [d])``  the other values' ``not in``, and outside each day
    ======================  ==========================================================

    The DSL builds these from Python ``date`` values; the linter offers them
    as the fix for ``= [date]`` and ``<= [date]`` on datetime fields. On a
    field that holds dates only, both readings select the same records.
    """
    path, op, value = node.path, node.op, node.value
    if isinstance(value, tuple):
        if op not in (Op.IN, Op.NOT_IN):
            return None
        days = [v.value for v in value if isinstance(v, DateTime) and v.is_date]
        if not days:
            return None
        rest = tuple(v for v in value if not (isinstance(v, DateTime) and v.is_date))
        parts: list[Expr] = [Predicate(path, op, rest)] if rest else []
        if op is Op.IN:
            return Or((*parts, *(_within(path, d) for d in days))) if len(parts) + len(days) > 1 \
                else _within(path, days[0])
        return And((*parts, *(_outside(path, d) for d in days))) if len(parts) + len(days) > 1 \
            else _outside(path, days[0])
    if not (isinstance(value, DateTime) and value.is_date):
        return None
    day = value.value
    _, (before, end) = _day_bounds(day)
    if op is Op.EQ:
        return _within(path, day)
    if op is Op.NE:
        return _outside(path, day)
    if op is Op.LE:
        return Predicate(path, before, end)
    if op is Op.GT:
        return Predicate(path, before.negated, end)
    return None
