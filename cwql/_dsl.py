"""Building conditions in Python: ``F``, ``CF``, and Python values turned into literals.

``F.status.id == 1`` builds the same :class:`~cwql.syntax.Predicate` that
``cwql.parse("status/id=1")`` returns. Every operator converts its value
through :func:`to_literal`, the one place where a Python value becomes a
literal, so the rules below hold everywhere:

- ``str``: written in the quote it does not contain. A value whose text would
  need an escape (both quote characters; a backslash before a quote, before a
  backslash or at the end) raises :class:`~cwql.UnsafeValueError`: how the
  server reads escapes is unverified (LANGUAGE.md §2.6), and a misread escape
  ends the string early. :func:`allow_escapes` opts one value in. A value
  holding an invisible or control character (``cwql._invisible``, the rule the
  validator applies) raises it too; :func:`allow_control_characters` opts in.
- ``int``, ``float`` (finite, never in exponent notation), ``Decimal``;
  ``bool`` as ``true``/``false`` (never ``1``); ``None`` as ``null``, with
  ``==``/``!=`` only.
- ``date`` as ``[YYYY-MM-DD]``, standing for the whole UTC day: ``== d`` is
  ``>= [d] and < [d+1]``, ``<= d`` is ``< [d+1]`` and so on
  (``_semantics.day_range``); an aware ``datetime`` in UTC, as the instant
  it is; a naive one is refused (give it a time zone).
- An ``Enum`` member by its value; a literal node as it is.
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import keyword
import math
import numbers
import operator
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NoReturn

from ._invisible import describe, find_invisible
from ._literals import needs_escape
from ._patterns import literal_contains
from ._semantics import day_range, model_instant
from ._spec import KEYWORDS, MAX_DIGITS, SEGMENT, digit_count
from .errors import CWQLTypeError, InvalidValueError, ParseError, UnsafeValueError
from .syntax import (
    And,
    Boolean,
    DateTime,
    Expr,
    Literal,
    Null,
    Number,
    Op,
    Path,
    Predicate,
    SortKey,
    String,
)

__all__ = ["CF", "F", "Field", "allow_control_characters", "allow_escapes", "to_literal"]

_SEGMENT = re.compile(SEGMENT, re.ASCII)

# Longer numbers are refused rather than written: formatting Decimal("1e999999999")
# would build a gigabyte of digits, and no field holds such a number.


# ---- values ------------------------------------------------------------------


class AllowedString:
    """A string the caller lets cwql write despite a refusal: escapes, invisible characters.

    Made by :func:`allow_escapes` and :func:`allow_control_characters` (either
    wraps the other's result to allow both); accepted wherever a value is.
    """

    __slots__ = ("control_characters", "escapes", "value")
    value: str
    escapes: bool
    control_characters: bool

    def __init__(self, value: str, *, escapes: bool = False, control_characters: bool = False) -> None:
        if not isinstance(value, str):
            raise CWQLTypeError(f"AllowedString takes a str, not {type(value).__name__}")
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "escapes", escapes)
        object.__setattr__(self, "control_characters", control_characters)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("AllowedString is immutable")

    def __repr__(self) -> str:
        shown = repr(self.value)
        if self.control_characters:
            shown = f"cwql.allow_control_characters({shown})"
        return f"cwql.allow_escapes({shown})" if self.escapes else shown

    def __eq__(self, other: object) -> bool:
        return type(other) is AllowedString and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((AllowedString, *self._key()))

    def _key(self) -> tuple[str, bool, bool]:
        return self.value, self.escapes, self.control_characters

    def __reduce__(self) -> tuple[object, ...]:
        return (_allowed, self._key())


def _allowed(value: str, escapes: bool, control_characters: bool) -> AllowedString:
    return AllowedString(value, escapes=escapes, control_characters=control_characters)


def _allow(function: str, value: str | AllowedString, **flag: bool) -> AllowedString:
    if isinstance(value, AllowedString):
        flags = {"escapes": value.escapes, "control_characters": value.control_characters, **flag}
        return AllowedString(value.value, **flags)
    if not isinstance(value, str):
        raise CWQLTypeError(f"{function}() takes a str, not {type(value).__name__}")
    return AllowedString(value, **flag)


def allow_escapes(value: str | AllowedString) -> AllowedString:
    """Let cwql write ``value`` with backslash escapes if it needs them.

    Only for a value that holds both quote characters, or a backslash before a
    quote, before a backslash or at the end. The server's reading of ``\\"``,
    ``\\'`` and ``\\\\`` is unverified (LANGUAGE.md §2.6): opt in only when the
    value is trusted or your server is known to read them.
    """
    return _allow("allow_escapes", value, escapes=True)


def allow_control_characters(value: str | AllowedString) -> AllowedString:
    """Let cwql write ``value`` although it holds invisible or control characters.

    By default a string holding one (a NUL, a zero-width space, a bidi override,
    a soft hyphen, a tag character; the rule is ``cwql._invisible``'s, which
    :func:`cwql.validate` applies as P007) raises :class:`~cwql.UnsafeValueError`:
    such a value rarely matches what it looks like. The same opt-in as
    ``Policy(allow_control_characters=True)``. Tabs and line breaks need none.
    """
    return _allow("allow_control_characters", value, control_characters=True)


def to_literal(
    value: object, *, allow_escapes: bool = False, allow_control_characters: bool = False
) -> Literal:
    """``value`` as a literal node, by the rules in this module's docstring.

    Raises :class:`~cwql.CWQLTypeError` for a type the language has no literal
    for, :class:`~cwql.InvalidValueError` for a value it cannot hold and
    :class:`~cwql.UnsafeValueError` for a string it cannot write safely (one
    that needs an escape, unless ``allow_escapes``; one that holds an invisible
    or control character, unless ``allow_control_characters``).
    """
    # The common exact types first: this runs once per value of every condition.
    cls = type(value)
    if cls is str:
        return _string(value, allow_escapes, allow_control_characters)  # type: ignore[arg-type]
    if cls is int:
        return Number(_int_text(value))  # type: ignore[arg-type]
    if isinstance(value, AllowedString):
        return _string(value.value, value.escapes, value.control_characters)
    if isinstance(value, Literal):
        return value  # a node is the language already: the caller built it on purpose
    if isinstance(value, enum.Enum):
        value = value.value
        if isinstance(value, (enum.Enum, Literal, AllowedString)):
            raise CWQLTypeError(f"an Enum member's value must be a plain value, not {type(value).__name__}")
    if value is None:
        return Null()
    if isinstance(value, bool):  # before int: True is an int in Python, not here
        return Boolean(value)
    if isinstance(value, str):
        return _string(value, allow_escapes, allow_control_characters)
    if isinstance(value, int):
        return Number(_int_text(value))
    if isinstance(value, float):
        return Number(_float_text(value))
    if isinstance(value, Decimal):
        return Number(_decimal_text(value))
    if isinstance(value, _dt.datetime):  # before date: a datetime is a date
        return _datetime(value)
    if isinstance(value, _dt.date):
        return DateTime(value)
    if isinstance(value, numbers.Integral):  # numpy's integers and the like
        return Number(_int_text(operator.index(value)))
    raise CWQLTypeError(_unsupported(value))


def _unsupported(value: object) -> str:
    kind = f"{type(value).__module__}.{type(value).__qualname__}".removeprefix("builtins.")
    if isinstance(value, _Comparable):
        return (
            f"cannot compare with {value!r}: the language compares a field with a value, "
            "never with another field"
        )
    if isinstance(value, Expr):
        return "a condition is not a value: combine conditions with &, | and ~"
    if isinstance(value, (list, tuple, set, frozenset, range)):
        return f"a {kind} is not a value: for a list of values use .in_([...])"
    if isinstance(value, _dt.time):
        return "a datetime.time is not a value: the language has dates and date-times only"
    return (
        f"the language has no literal for {kind}: use str, int, float, Decimal, bool, None, "
        "date, an aware datetime or an Enum"
    )


def _string(value: str, allow_escapes: bool, allow_control_characters: bool = False) -> String:
    _check_string(value, allow_escapes, allow_control_characters)
    return String(value)


def _check_string(value: str, allow_escapes: bool, allow_control_characters: bool) -> None:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as e:
            raise UnsafeValueError(
                f"the string {_preview(value)} holds a lone surrogate "
                f"(U+{ord(value[e.start]):04X} at offset {e.start}), which cannot be sent as "
                "UTF-8; decode the text it came from with errors='replace'"
            ) from None
    if not allow_control_characters:
        bad = find_invisible(value)
        if bad is not None:
            raise UnsafeValueError(
                f"the string {_preview(value)} holds the invisible or control character "
                f"{describe(value[bad])} at offset {bad}: a value holding one rarely matches what "
                "it looks like. Remove it; if the value is trusted and meant to hold it, pass "
                "cwql.allow_control_characters(value)"
            )
    if allow_escapes or not needs_escape(value):
        return
    if '"' in value and "'" in value:
        why = "holds both \" and ', so one of them would need a backslash escape"
    else:
        why = "has a backslash before a quote, before a backslash or at the end, which would need doubling"
    raise UnsafeValueError(
        f"the string {_preview(value)} {why}. How the server reads escapes is unverified, "
        "and a misread one ends the string early. If the value is trusted, or your server is "
        "known to read backslash escapes, pass cwql.allow_escapes(value)"
    )


def _preview(value: str) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:50] + "..." + shown[-7:]


def _digits_checked(text: str, shown: str) -> str:
    if digit_count(text) > MAX_DIGITS:
        raise InvalidValueError(
            f"{shown} is too long to write: the server's numbers hold at most {MAX_DIGITS} digits "
            "(a long identifier or code is a string)"
        )
    return text


def _int_text(value: int) -> str:
    if value.bit_length() > MAX_DIGITS * 4:  # far past MAX_DIGITS: do not even write it out
        raise InvalidValueError(f"an int of {value.bit_length()} bits is too long to write")
    return _digits_checked(str(value), f"the int {value}")


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        raise InvalidValueError(
            f"{value!r} is not a number the language can write: the server takes digits, a "
            "decimal point and a minus sign only; test for the case before building the condition"
        )
    # repr is the shortest text that reads back as the same float; Decimal
    # then writes it without an exponent (1e+16 becomes 10000000000000000).
    return _digits_checked(format(Decimal(float.__repr__(value)), "f"), f"the float {value!r}")


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise InvalidValueError(
            f"Decimal({str(value)!r}) is not a number the language can write: the server takes "
            "digits, a decimal point and a minus sign only"
        )
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if abs(value.adjusted()) > MAX_DIGITS or exponent < -MAX_DIGITS:
        raise InvalidValueError(f"Decimal({str(value)!r}) is too long to write without an exponent")
    return _digits_checked(format(value, "f"), f"Decimal({str(value)!r})")


def _datetime(value: _dt.datetime) -> DateTime:
    if value.utcoffset() is None:
        raise InvalidValueError(
            f"datetime {value.isoformat()} is naive: the server's time zone for it is unknown. "
            "Give it a time zone: value.replace(tzinfo=ZoneInfo('America/Chicago')), or "
            "datetime.UTC if it is UTC (to send a naive time as written, pass "
            "cwql.syntax.DateTime(value))"
        )
    try:
        return DateTime(value)
    except ValueError as e:
        raise InvalidValueError(str(e)) from None


# ---- what each operator takes ------------------------------------------------


def _comparison_value(op: Op, value: object) -> Literal:
    literal = to_literal(value)
    if op.is_ordering and isinstance(literal, Boolean) and not isinstance(value, Boolean):
        # The language would take it (a lint finding); from Python it is
        # almost always a bool standing in for 0 or 1.
        raise CWQLTypeError(
            f"`{op.value}` cannot take a bool: booleans only go with == and != "
            "(True is not 1 here)"
        )
    return literal


def _text_value(method: str, value: object, *, literal_text: bool) -> Literal:
    """The string operand of contains/like; ``literal_text`` brackets the pattern characters."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return _string(literal_contains(value) if literal_text else value, False)
    if isinstance(value, AllowedString):
        text = literal_contains(value.value) if literal_text else value.value
        return _string(text, value.escapes, value.control_characters)
    # Anything else is refused by the predicate (E025), as `x contains 5` is in text.
    return to_literal(value)


def _identity_value(method: str, value: object, field: object) -> Literal:
    if value is None:
        return Null()
    if isinstance(value, bool):
        return Boolean(value)
    if isinstance(value, (Null, Boolean)):
        return value
    equal = "==" if method == "is_" else "!="
    raise CWQLTypeError(
        f".{method}() takes None, True or False (it writes = null, = true, = false); "
        f"to compare with {value!r} write {field!r} {equal} value"
    )


def _affix_value(method: str, text: object, shape: str) -> Literal:
    """A ``like`` pattern of ``text`` taken literally, placed into ``shape`` (``"{}*"``)."""
    if isinstance(text, enum.Enum):
        text = text.value
    if isinstance(text, AllowedString):
        return _string(shape.format(literal_contains(text.value)), text.escapes, text.control_characters)
    if not isinstance(text, str):
        raise CWQLTypeError(
            f".{method}() takes a str, not {type(text).__name__}; to match a number's text pass str(value)"
        )
    return _string(shape.format(literal_contains(text)), False)


def _member_values(method: str, values: object) -> tuple[tuple[Literal, ...], bool]:
    """The values as literals, and whether one of them was a ``date`` (a whole day)."""
    if isinstance(values, (str, bytes, bytearray)):
        raise CWQLTypeError(
            f".{method}() takes a collection of values, not a {type(values).__name__} "
            f"(which would be split into characters): write .{method}([value]) or use =="
        )
    if isinstance(values, (Mapping, _Comparable, Expr, Literal)) or not isinstance(values, Iterable):
        raise CWQLTypeError(
            f".{method}() takes a collection of values (a list, tuple, set or other iterable), "
            f"not {type(values).__name__}"
        )
    # An empty collection is refused by the predicate (E007), as `x in ()` is in text.
    seen: set[Literal] = set()
    out: list[Literal] = []
    day = False
    for value in values:
        literal = to_literal(value)  # None is refused by the predicate (E016), as in text
        day = day or _is_day(value)
        if literal not in seen:  # a repeat adds nothing but URL length
            seen.add(literal)
            out.append(literal)
    if isinstance(values, (set, frozenset)):
        out.sort(key=_sort_key)  # a set's order changes between runs; the text must not
    return tuple(out), day


def _sort_key(literal: Literal) -> tuple[int, object]:
    if isinstance(literal, Number):
        return (0, Decimal(literal.text))
    if isinstance(literal, String):
        return (1, literal.value)
    if isinstance(literal, DateTime):
        return (2, (literal.value.isoformat(), literal.fraction))
    assert isinstance(literal, Boolean)
    return (3, literal.value)


def _check_range(low: Literal, high: Literal) -> None:
    if isinstance(low, Number) and isinstance(high, Number):
        wrong = Decimal(low.text) > Decimal(high.text)
    elif isinstance(low, DateTime) and isinstance(high, DateTime) and (
        low.is_date == high.is_date and low.is_naive == high.is_naive
    ):
        wrong = low.value > high.value
    elif isinstance(low, DateTime) and isinstance(high, DateTime) and not (low.is_naive or high.is_naive):
        # A date and an instant: the date's day starts at midnight UTC (low) or runs to the
        # next midnight (high), as the DSL writes it.
        start = model_instant(low)
        end = model_instant(high) + (_dt.timedelta(days=1) if high.is_date else _dt.timedelta())
        wrong = start >= end if high.is_date else start > end
    else:
        return
    if wrong:
        raise InvalidValueError(
            f"between({low}, {high}) can never match: the low end is above the high end; "
            "are they swapped?"
        )


# ---- fields --------------------------------------------------------------------

# What to write in Python instead, by the code of the mistake the predicate refuses.
_PYTHON_HINTS = {
    "E007": "leave the condition out (or skip the request) when the collection is empty",
    "E016": "a list never matches null and only == and != take None: write "
            "F.x.in_([...]) | F.x.is_null(), or F.x.is_null()",
    "E025": "contains() and like() take a str; to match a number's text pass str(value)",
}


def _predicate(path: Path, op: Op, value: Literal | tuple[Literal, ...]) -> Predicate:
    """The predicate, or the node's own ParseError with the Python spelling as its hint.

    The node refuses what the language cannot say, with the code the parser
    gives the same mistake in text; only the advice differs from Python.
    """
    try:
        return Predicate(path, op, value)
    except ParseError as e:
        hint = _PYTHON_HINTS.get(e.code)
        if hint is None:
            raise
        first = e.diagnostics[0]
        raise ParseError(e.text, [first.replace(hint=hint), *e.diagnostics[1:]]) from None


def _whole_days(node: Predicate) -> Expr:
    """``node`` with its dates covering their whole UTC days (``_semantics.day_range``)."""
    rewritten = day_range(node)
    return node if rewritten is None else rewritten


def _is_day(value: object) -> bool:
    """Whether a Python value is a date (not a datetime): it stands for the whole UTC day."""
    if isinstance(value, enum.Enum):
        value = value.value
    return isinstance(value, _dt.date) and not isinstance(value, _dt.datetime)


class _Comparable:
    """The operators shared by :class:`Field` and :class:`CF`.

    A subclass says which path the operators test (``_cwql_target``) and how a
    test becomes a condition (``_cwql_wrap``).
    """

    __slots__ = ()

    def _cwql_target(self) -> Path:
        raise NotImplementedError

    def _cwql_wrap(self, *tests: Expr) -> Expr:
        raise NotImplementedError

    def _cwql_test(self, op: Op, value: Literal | tuple[Literal, ...], *, day: bool = False) -> Expr:
        """The condition ``path op value``; with ``day``, each date covers its whole UTC day."""
        node = _predicate(self._cwql_target(), op, value)
        return self._cwql_wrap(_whole_days(node) if day else node)

    # -- comparisons

    def __eq__(self, other: object) -> Expr:  # type: ignore[override]
        return self._cwql_test(Op.EQ, _comparison_value(Op.EQ, other), day=_is_day(other))

    def __ne__(self, other: object) -> Expr:  # type: ignore[override]
        return self._cwql_test(Op.NE, _comparison_value(Op.NE, other), day=_is_day(other))

    def __lt__(self, other: object) -> Expr:
        return self._cwql_test(Op.LT, _comparison_value(Op.LT, other), day=_is_day(other))

    def __le__(self, other: object) -> Expr:
        return self._cwql_test(Op.LE, _comparison_value(Op.LE, other), day=_is_day(other))

    def __gt__(self, other: object) -> Expr:
        return self._cwql_test(Op.GT, _comparison_value(Op.GT, other), day=_is_day(other))

    def __ge__(self, other: object) -> Expr:
        return self._cwql_test(Op.GE, _comparison_value(Op.GE, other), day=_is_day(other))

    # == builds a condition, so a field cannot be a dict key or set member.
    __hash__ = None  # type: ignore[assignment]

    # -- what operators cannot say

    def in_(self, values: Iterable[object]) -> Expr:
        """``path in (v1,v2,...)``: equal to one of ``values`` (at least one; repeats dropped).

        A ``date`` among them stands for its whole UTC day: the list becomes
        ``in`` for the other values, or a range for each day.
        """
        literals, day = _member_values("in_", values)
        return self._cwql_test(Op.IN, literals, day=day)

    def not_in(self, values: Iterable[object]) -> Expr:
        """``path not in (v1,v2,...)``; a ``date`` among them excludes its whole UTC day."""
        literals, day = _member_values("not_in", values)
        return self._cwql_test(Op.NOT_IN, literals, day=day)

    def contains(self, text: str) -> Expr:
        """``path contains "text"``: ``text`` appears in the value, taken literally.

        ``[``, ``%``, ``_`` and ``*`` are written ``[[]``, ``[%]``, ``[_]``, ``[*]``
        (the official guide's escape), so they are never wildcards.
        """
        return self._cwql_test(Op.CONTAINS, _text_value("contains", text, literal_text=True))

    def not_contains(self, text: str) -> Expr:
        """``path not contains "text"``."""
        return self._cwql_test(
            Op.NOT_CONTAINS, _text_value("not_contains", text, literal_text=True)
        )

    def like(self, pattern: str) -> Expr:
        """``path like "pattern"``: ``*`` (or ``%``) is any run of characters, ``_`` one.

        The pattern is written as given: escape a literal ``[`` yourself as ``[[]``.
        """
        return self._cwql_test(Op.LIKE, _text_value("like", pattern, literal_text=False))

    def not_like(self, pattern: str) -> Expr:
        """``path not like "pattern"``."""
        return self._cwql_test(Op.NOT_LIKE, _text_value("not_like", pattern, literal_text=False))

    def is_null(self) -> Expr:
        """``path = null``; the same as ``== None``."""
        return self._cwql_test(Op.EQ, Null())

    def is_not_null(self) -> Expr:
        """``path != null``; the same as ``!= None``."""
        return self._cwql_test(Op.NE, Null())

    def is_(self, value: bool | None) -> Expr:
        """``path = null``, ``path = true`` or ``path = false``, for ``None``, ``True``, ``False``.

        The spelling linters accept for ``== None`` and ``== False`` (ruff E711,
        E712), as in SQLAlchemy. Any other value raises
        :class:`~cwql.CWQLTypeError`: compare it with ``==``.
        """
        return self._cwql_test(Op.EQ, _identity_value("is_", value, self))

    def is_not(self, value: bool | None) -> Expr:
        """``path != null``, ``path != true`` or ``path != false``.

        A null field matches neither ``path = true`` nor ``path != true``
        (SQL's three-valued logic), so ``is_not(True)`` is not ``is_false()``.
        """
        return self._cwql_test(Op.NE, _identity_value("is_not", value, self))

    def is_true(self) -> Expr:
        """``path = true``."""
        return self._cwql_test(Op.EQ, Boolean(True))

    def is_false(self) -> Expr:
        """``path = false``."""
        return self._cwql_test(Op.EQ, Boolean(False))

    def startswith(self, prefix: str) -> Expr:
        """``path like "prefix*"``, the prefix taken literally.

        Every character the pattern would read as a wildcard or a bracket
        (``[``, ``%``, ``_``, ``*``) is written in brackets, so user text is
        never a pattern: ``startswith("50%")`` is ``like "50[%]*"``.
        """
        return self._cwql_test(Op.LIKE, _affix_value("startswith", prefix, "{}*"))

    def endswith(self, suffix: str) -> Expr:
        """``path like "*suffix"``, the suffix taken literally (see :meth:`startswith`)."""
        return self._cwql_test(Op.LIKE, _affix_value("endswith", suffix, "*{}"))

    def between(self, low: object, high: object) -> Expr:
        """``path >= low and path <= high``, both ends included.

        A ``date`` at the high end includes its whole UTC day:
        ``between(date(2024, 1, 1), date(2024, 3, 31))`` is
        ``path>=[2024-01-01] and path<[2024-04-01]``.
        """
        low_literal = _comparison_value(Op.GE, low)
        high_literal = _comparison_value(Op.LE, high)
        _check_range(low_literal, high_literal)
        target = self._cwql_target()
        high_node = _predicate(target, Op.LE, high_literal)
        high_test = _whole_days(high_node) if _is_day(high) else high_node
        return self._cwql_wrap(_predicate(target, Op.GE, low_literal), high_test)

    # -- guards: fail loudly where Python would quietly do something else

    def __bool__(self) -> NoReturn:
        raise CWQLTypeError(
            f"{self!r} is a field and has no truth value: compare it ({self!r} == value, "
            f"{self!r}.is_not_null()) and combine comparisons with &, | and ~"
        )

    def __cwql_misuse__(self, where: str) -> str:
        # How cwql.syntax words the error when a field is used where a condition belongs.
        return (
            f"{self!r} is a field, not a condition, so it cannot be used with {where}. "
            "`&` and `|` bind tighter than `==`: `F.a == 1 & F.b == 2` means "
            "`F.a == (1 & F.b) == 2`. Put parentheses around each comparison: "
            "(F.a == 1) & (F.b == 2)"
        )

    def __and__(self, other: object) -> NoReturn:
        raise CWQLTypeError(self.__cwql_misuse__("`&`"))

    __rand__ = __and__

    def __or__(self, other: object) -> NoReturn:
        raise CWQLTypeError(self.__cwql_misuse__("`|`"))

    __ror__ = __or__

    def __invert__(self) -> NoReturn:
        raise CWQLTypeError(self.__cwql_misuse__("`~`"))

    def __iter__(self) -> NoReturn:
        raise CWQLTypeError(f"{self!r} is not iterable: a field is not a collection")

    def __contains__(self, item: object) -> NoReturn:
        raise CWQLTypeError(
            f"`value in {self!r}` is not a condition: write {self!r}.contains(text) for a "
            f"substring, or {self!r}.in_([...]) for one of several values"
        )

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{self!r} is immutable; to compare it use ==")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{self!r} is immutable")

    def __copy__(self) -> _Comparable:
        return self

    def __deepcopy__(self, memo: object) -> _Comparable:
        return self


_METHODS = [*sorted(name for name in vars(_Comparable) if not name.startswith("_")), "asc", "desc"]


class Field(_Comparable):
    """A field path to compare: ``F.status.id``, ``F["status/id"]``.

    Attribute access and ``[...]`` extend the path. Made by :data:`F`; not
    hashable (``==`` builds a condition) and not iterable.
    """

    __slots__ = ("__path",)
    __path: Path

    def __init__(self, path: Path) -> None:
        object.__setattr__(self, "_Field__path", path)

    def _cwql_target(self) -> Path:
        return self.__path

    def _cwql_wrap(self, *tests: Expr) -> Expr:
        return tests[0] if len(tests) == 1 else And(tests)

    def asc(self) -> SortKey:
        """Sort by this field, ascending (for ``orderBy``)."""
        return SortKey(self.__path)

    def desc(self) -> SortKey:
        """Sort by this field, descending."""
        return SortKey(self.__path, True)

    def __getattr__(self, name: str) -> Field:
        if name.startswith("_Field__"):  # the slot itself, before it is set
            raise AttributeError(name)
        return _child(self.__path.name, name)

    def __getitem__(self, path: str) -> Field:
        if not isinstance(path, str):
            raise CWQLTypeError(f"a field path is a str such as 'id/name', not {type(path).__name__}")
        return Field(Path(f"{self.__path.name}/{path}"))

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        name = self.__path.name
        method = name.rpartition("/")[2]
        # Names people bring from pandas and SQLAlchemy, then the closest method.
        hint = {
            "isin": "; write .in_([...])",
            "is_in": "; write .in_([...])",
            "notin": "; write .not_in([...])",
            "isnull": "; write .is_null()",
            "notnull": "; write .is_not_null()",
        }.get(method.lower(), "")
        if not hint:
            import difflib  # only this error needs it, and it is slow to import

            close = difflib.get_close_matches(method, _METHODS, n=1)
            hint = f"; did you mean .{close[0]}()?" if close else ""
        raise CWQLTypeError(
            f"{self!r} is a field path, not a method: fields have "
            f"{', '.join('.' + m + '()' for m in _METHODS)}{hint}"
        )

    def __str__(self) -> str:
        return self.__path.name

    def __repr__(self) -> str:
        segments = self.__path.segments
        if all(_attribute_safe(s) for s in segments):
            return "F." + ".".join(segments)
        return f"F[{self.__path.name!r}]"

    def __reduce__(self) -> tuple[object, ...]:
        return (_field, (self.__path.name,))


def _field(path: str) -> Field:
    return F[path]


# Fields are immutable, so one object per path can serve every lookup; the
# same few paths recur in every query a program builds.
@functools.lru_cache(maxsize=4096)
def _child(parent: str, name: str) -> Field:
    segment = _attribute_segment(name, not parent)
    return Field(Path(f"{parent}/{segment}" if parent else segment))


def _attribute_safe(segment: str) -> bool:
    return (
        segment.isidentifier()
        and not keyword.iskeyword(segment)
        and segment not in _METHODS
        and not _is_dunder(segment)
        and not segment.startswith("_cwql_")
    )


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _attribute_segment(name: str, top: bool) -> str:
    # Dunder lookups are Python's protocols (copy, pickle, numpy, IPython probe
    # them); answering them with a field would break those tools silently.
    if _is_dunder(name):
        raise AttributeError(name)
    if _SEGMENT.fullmatch(name) is None:
        raise AttributeError(
            f"{name!r} is not a field name: names are ASCII letters, digits and _, "
            "not starting with a digit"
        )
    if top and name.lower() in KEYWORDS:
        raise AttributeError(
            f"{name!r} is a keyword of the language and cannot be a field on its own"
        )
    return name


class _FieldRoot:
    """``F``: the root of every field path."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Field:
        return _child("", name)

    def __getitem__(self, path: str) -> Field:
        return Field(Path(path))

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        raise CWQLTypeError("F is not callable: write F.status.id or F['status/id']")

    def __iter__(self) -> NoReturn:
        raise CWQLTypeError("F is not iterable")

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("F is immutable")

    def __repr__(self) -> str:
        return "F"

    def __reduce__(self) -> str:
        return "F"


#: The root of field paths: ``F.status.id``, ``F["status/id"]``, ``F._info.lastUpdated``.
F = _FieldRoot()


_CAPTION = Path("caption")
_VALUE = Path("value")


class CF(_Comparable):
    """A custom field by its caption, for ``customFieldConditions``.

    ``CF("Region") == "West"`` is ``caption="Region" and value="West"``: every
    operator tests ``value`` and keeps ``caption`` equal, so ``CF("Region") !=
    "West"`` is ``caption="Region" and value!="West"``.
    """

    __slots__ = ("__caption",)
    __caption: Predicate

    def __init__(self, caption: str | AllowedString | String) -> None:
        literal = to_literal(caption)
        if not isinstance(literal, String):
            raise CWQLTypeError(f"CF() takes a custom field's caption as a str, not {type(caption).__name__}")
        if not literal.value.strip():
            raise InvalidValueError("CF() needs a caption; it is empty")
        object.__setattr__(self, "_CF__caption", Predicate(_CAPTION, Op.EQ, literal))

    def _cwql_target(self) -> Path:
        return _VALUE

    def _cwql_wrap(self, *tests: Expr) -> Expr:
        return And((self.__caption, *tests))

    def __repr__(self) -> str:
        return f"CF({self.__caption.value.value!r})"  # type: ignore[union-attr]

    def __reduce__(self) -> tuple[object, ...]:
        return (CF, (self.__caption.value,))

