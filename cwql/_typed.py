"""Typed fields: the pieces that the generated classes of :mod:`cwql.fields` are made of.

``cwql schema codegen`` writes one class per model of a Manage schema. Each
attribute of a class is a descriptor from this module, so ``Ticket.status.name``
is a :class:`StringField` for the path ``status/name``, ``Ticket.company`` a
typed sub-object and ``Ticket.id`` an :class:`IntegerField`.

A typed field takes only the Python values its schema type allows (``int`` for
an integer, ``date``/``datetime`` for a datetime, ``bool`` for a boolean, one of
the listed strings for an enum) and raises :class:`~cwql.CWQLTypeError` for any
other; then it builds its condition with the untyped DSL (``F``), so a typed
condition is the very tree ``F`` builds and everything downstream (printing,
encoding, linting, evaluation) is unchanged.

For type checkers the comparison operators are overloaded: a value of the
field's type gives an :class:`~cwql.syntax.Expr`; any other value selects an
overload marked ``@deprecated`` whose result is :class:`InvalidComparison`.
mypy tries the right operand's ``__eq__`` when the left one refuses a value, and
``str.__eq__`` takes any object, so without that overload ``Ticket.id == "x"``
would type-check as ``bool``. With it, enabling mypy's ``deprecated`` error code
flags the comparison itself, and its ``InvalidComparison`` result is refused
wherever a condition is expected either way. Ordering operators need no such
overload: ``str`` has no ``__gt__`` for a field, so ``Ticket.dateEntered >= 5``
is an error as it stands.
"""

from __future__ import annotations

import datetime as _dt
import numbers
import sys
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import fields as _dataclass_fields
from decimal import Decimal
from importlib import import_module
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    NoReturn,
    TypeVar,
    get_args,
    get_origin,
    overload,
)

from . import _lazy
from ._dsl import CF, AllowedString, Field
from ._query import Query
from .errors import CWQLTypeError, QueryError, SchemaError
from .syntax import Condition, Expr, Fields, OrderBy, Path, Predicate, SortKey, walk

if TYPE_CHECKING:
    from typing_extensions import deprecated

    from ._query import FieldInput, SortInput
else:
    def deprecated(message: str) -> Callable[[Any], Any]:
        # Only the type checker reads the mark; at run time the overloads are discarded.
        return lambda function: function

__all__ = [
    "RUNTIME",
    "AnyField",
    "Attr",
    "BooleanField",
    "BoundQuery",
    "CustomFields",
    "CustomFieldsAttr",
    "DateStringField",
    "DateTimeField",
    "EndpointModel",
    "EnumField",
    "IntegerField",
    "InvalidComparison",
    "Model",
    "NumberField",
    "Ref",
    "StringField",
    "TypedField",
    "models_package",
]

#: The version of this module's interface that generated code is written against.
#: A package generated for another version refuses to import, asking to be regenerated.
RUNTIME = 1

#: Python values the language has literals for (what an untyped ``object``/``any`` field takes).
Value = str | int | float | Decimal | bool | _dt.date | AllowedString

_V = TypeVar("_V")
_L = TypeVar("_L", bound=str)
_F = TypeVar("_F", bound="TypedField[Any]")
_M = TypeVar("_M", bound="Model")

# The messages of the @deprecated overloads below are written out in each: mypy reads
# the message only from a string literal, and ignores the mark otherwise.


class InvalidComparison:
    """What the type checker says a comparison with a value of the wrong type gives.

    Never made: at run time such a comparison raises :class:`~cwql.CWQLTypeError`.
    Its only job is to be refused where a condition is expected, so that the
    mistake is a type error even when mypy's ``deprecated`` code is off.
    """

    __slots__ = ()

    def __init__(self) -> None:
        raise CWQLTypeError("InvalidComparison is a marker for type checkers, never made")


def _close(word: str, candidates: Iterable[str]) -> list[str]:
    import difflib  # only the error path needs it, and it is slow to import

    by_fold = {c.casefold(): c for c in candidates}
    return [by_fold[c] for c in difflib.get_close_matches(word.casefold(), list(by_fold), n=3, cutoff=0.6)]


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = _close(word, candidates)
    return f"; did you mean {' or '.join(close)}?" if close else ""


# ---- fields ---------------------------------------------------------------------------


class TypedField(Generic[_V]):
    """A field of a known type: the operators of ``F`` that its type allows, for its values only.

    Made by the attributes of the generated classes, never directly. ``str()``
    is the path (``status/name``); :attr:`path` the :class:`~cwql.syntax.Path`.
    """

    __slots__ = ("_cwql_field", "_cwql_shown")
    _cwql_field: Field
    _cwql_shown: str
    #: What the field holds, for error messages.
    _cwql_holds: ClassVar[str] = "values"

    def __init__(self, path: Path, shown: str) -> None:
        object.__setattr__(self, "_cwql_field", Field(path))
        object.__setattr__(self, "_cwql_shown", shown)

    # -- what a value must be

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        raise NotImplementedError

    def _cwql_value(self, value: object, *, null: bool = False) -> object:
        """``value`` if the field takes it (``None`` only where ``null``); else CWQLTypeError."""
        if (value is None and null) or self._cwql_accepts(value):
            return value
        if value is None:  # where null is not a value: the DSL's own error says why
            return value
        raise CWQLTypeError(
            f"{self._cwql_shown} holds {self._cwql_holds}; {_shown_value(value)} is not one of them"
            f"{self._cwql_hint(value)}"
        )

    def _cwql_hint(self, value: object) -> str:
        return ""

    def _cwql_values(self, values: object) -> object:
        if isinstance(values, Collection) and not isinstance(values, (str, bytes, bytearray, Mapping)):
            for value in values:
                self._cwql_value(value)
            return values  # the collection itself: the DSL sorts a set, as F does
        if isinstance(values, Iterable) and not isinstance(values, (str, bytes, bytearray, Mapping)):
            items = list(values)  # an iterator is read once
            for value in items:
                self._cwql_value(value)
            return items
        return values  # not a collection: F's method says why

    # -- the path

    @property
    def path(self) -> Path:
        """The field's path, as a node."""
        return self._cwql_field._cwql_target()

    def __str__(self) -> str:
        return self.path.name

    def __repr__(self) -> str:
        return self._cwql_shown

    def asc(self) -> SortKey:
        """Sort by this field, ascending (for ``order_by``)."""
        return self._cwql_field.asc()

    def desc(self) -> SortKey:
        """Sort by this field, descending."""
        return self._cwql_field.desc()

    # -- equality: a value of the field's type, or None for null

    @overload  # type: ignore[override]
    def __eq__(self, other: _V | None) -> Expr: ...
    @overload
    @deprecated(
        "this value's type is not the field's: compare the field with a value of its type (cwql raises CWQLTypeError here at run time)"
    )
    def __eq__(self, other: object) -> InvalidComparison: ...
    def __eq__(self, other: object) -> Expr | InvalidComparison:
        return self._cwql_field == self._cwql_value(other, null=True)

    @overload  # type: ignore[override]
    def __ne__(self, other: _V | None) -> Expr: ...
    @overload
    @deprecated(
        "this value's type is not the field's: compare the field with a value of its type (cwql raises CWQLTypeError here at run time)"
    )
    def __ne__(self, other: object) -> InvalidComparison: ...
    def __ne__(self, other: object) -> Expr | InvalidComparison:
        return self._cwql_field != self._cwql_value(other, null=True)

    __hash__ = None  # type: ignore[assignment]  # == builds a condition

    def is_null(self) -> Expr:
        """``path = null``; the same as ``== None``."""
        return self._cwql_field.is_null()

    def is_not_null(self) -> Expr:
        """``path != null``; the same as ``!= None``."""
        return self._cwql_field.is_not_null()

    def in_(self, values: Iterable[_V]) -> Expr:
        """``path in (v1,v2,...)``: equal to one of ``values``."""
        return self._cwql_field.in_(self._cwql_values(values))  # type: ignore[arg-type]

    def not_in(self, values: Iterable[_V]) -> Expr:
        """``path not in (v1,v2,...)``."""
        return self._cwql_field.not_in(self._cwql_values(values))  # type: ignore[arg-type]

    # -- what Python would quietly do otherwise. Hidden from type checkers on
    # purpose: to them a field has no `&`, so `Ticket.a == 1 & Ticket.b == 2`
    # (which Python reads as `Ticket.a == (1 & Ticket.b) == 2`) is a type error.

    if not TYPE_CHECKING:

        def __bool__(self) -> NoReturn:
            raise CWQLTypeError(
                f"{self!r} is a field and has no truth value: compare it ({self!r} == value, "
                f"{self!r}.is_not_null()) and combine comparisons with &, | and ~"
            )

        def __cwql_misuse__(self, where: str) -> str:
            return self._cwql_field.__cwql_misuse__(where).replace(repr(self._cwql_field), repr(self))

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

        def __lt__(self, other: object) -> NoReturn:
            # Fields whose values do not order (_Ordered defines these for those that do).
            raise CWQLTypeError(
                f"{self!r} holds {self._cwql_holds}, which do not order: compare with == or != "
                "(the server refuses <, <=, > and >= on such a field)"
            )

        __le__ = __gt__ = __ge__ = __lt__

        def __contains__(self, item: object) -> NoReturn:
            raise CWQLTypeError(
                f"`value in {self!r}` is not a condition: write {self!r}.in_([...]) for one of "
                "several values"
            )

        def __getattr__(self, name: str) -> NoReturn:
            if name.startswith(("__", "_cwql_")):
                raise AttributeError(name)
            if callable(getattr(Field, name, None)):  # an operator of F this type does not have
                raise AttributeError(
                    f"{self!r} holds {self._cwql_holds}, which have no {name}(): the server "
                    "refuses it on such a field (write it as F[...] to send it anyway)"
                )
            raise AttributeError(
                f"{self!r} is a field of its own and has no field {name!r}; only references "
                "(such as Ticket.company) have fields"
            )

        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{self!r} is immutable; to compare it use ==")

        def __delattr__(self, name: str) -> NoReturn:
            raise AttributeError(f"{self!r} is immutable")

        def __copy__(self) -> TypedField[_V]:
            return self

        def __deepcopy__(self, memo: object) -> TypedField[_V]:
            return self

        def __reduce__(self) -> tuple[object, ...]:
            return (_restore_field, (type(self), self.path.name, self._cwql_shown, self._cwql_extra()))

    def _cwql_extra(self) -> tuple[str, ...]:
        return ()


def _restore_field(kind: type[TypedField[Any]], path: str, shown: str, extra: tuple[str, ...]) -> TypedField[Any]:
    if extra:
        return EnumField._cwql_make(Path(path), shown, extra)
    return kind(Path(path), shown)


def _shown_value(value: object) -> str:
    kind = type(value).__name__
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:50] + "..." + shown[-7:]
    return f"the {kind} {shown}"


class _Ordered(TypedField[_V]):
    """A field whose values order: ``<``, ``<=``, ``>``, ``>=`` and :meth:`between`."""

    __slots__ = ()

    def __lt__(self, other: _V) -> Expr:
        return self._cwql_field < self._cwql_value(other)

    def __le__(self, other: _V) -> Expr:
        return self._cwql_field <= self._cwql_value(other)

    def __gt__(self, other: _V) -> Expr:
        return self._cwql_field > self._cwql_value(other)

    def __ge__(self, other: _V) -> Expr:
        return self._cwql_field >= self._cwql_value(other)

    def between(self, low: _V, high: _V) -> Expr:
        """``path >= low and path <= high``, both ends included."""
        return self._cwql_field.between(self._cwql_value(low), self._cwql_value(high))


class _Text:
    """``contains`` and ``like``, for fields that hold text."""

    __slots__ = ()
    _cwql_field: Field

    def contains(self, text: str | AllowedString) -> Expr:
        """``path contains "text"``: ``text`` appears in the value, taken literally."""
        return self._cwql_field.contains(_text(self, text))  # type: ignore[arg-type]

    def not_contains(self, text: str | AllowedString) -> Expr:
        """``path not contains "text"``."""
        return self._cwql_field.not_contains(_text(self, text))  # type: ignore[arg-type]

    def like(self, pattern: str | AllowedString) -> Expr:
        """``path like "pattern"``: ``*`` (or ``%``) is any run of characters, ``_`` one."""
        return self._cwql_field.like(_text(self, pattern))  # type: ignore[arg-type]

    def not_like(self, pattern: str | AllowedString) -> Expr:
        """``path not like "pattern"``."""
        return self._cwql_field.not_like(_text(self, pattern))  # type: ignore[arg-type]

    def startswith(self, prefix: str | AllowedString) -> Expr:
        """``path like "prefix*"``, the prefix taken literally."""
        return self._cwql_field.startswith(_text(self, prefix))  # type: ignore[arg-type]

    def endswith(self, suffix: str | AllowedString) -> Expr:
        """``path like "*suffix"``, the suffix taken literally."""
        return self._cwql_field.endswith(_text(self, suffix))  # type: ignore[arg-type]


def _text(field: object, text: object) -> object:
    if isinstance(text, (str, AllowedString)):
        return text
    raise CWQLTypeError(
        f"{field!r}: contains() and like() take a str, not {type(text).__name__}; "
        "to match a number's text pass str(value)"
    )


def _is_int(value: object) -> bool:
    return type(value) is int or (isinstance(value, numbers.Integral) and not isinstance(value, bool))


class IntegerField(_Ordered[int]):
    """A field of whole numbers (the schema's ``integer``): takes ``int``."""

    __slots__ = ()
    _cwql_holds = "whole numbers (int)"

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        return _is_int(value)

    def _cwql_hint(self, value: object) -> str:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return f": write {value.strip()} without quotes"
        if isinstance(value, float) and value.is_integer():
            return f": write {int(value)}"
        return ""


class NumberField(_Ordered[float | Decimal]):
    """A field of numbers (the schema's ``number``): takes ``int``, ``float`` or ``Decimal``."""

    __slots__ = ()
    _cwql_holds = "numbers (int, float or Decimal)"

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        return isinstance(value, (float, Decimal)) or _is_int(value)


class BooleanField(TypedField[bool]):
    """A true/false field (the schema's ``boolean``): takes ``bool``."""

    __slots__ = ()
    _cwql_holds = "true or false (bool)"

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        return isinstance(value, bool)

    def is_(self, value: bool | None) -> Expr:
        """``path = true``, ``path = false`` or ``path = null``: ``== True`` in the spelling linters accept (ruff E712)."""
        return self._cwql_field.is_(value)

    def is_not(self, value: bool | None) -> Expr:
        """``path != true``, ``path != false`` or ``path != null`` (a null field matches neither ``= true`` nor ``!= true``)."""
        return self._cwql_field.is_not(value)

    def is_true(self) -> Expr:
        """``path = true``."""
        return self._cwql_field.is_true()

    def is_false(self) -> Expr:
        """``path = false``."""
        return self._cwql_field.is_false()

    def _cwql_hint(self, value: object) -> str:
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return f": write {value.strip().lower() == 'true'}"
        if value in (0, 1):
            return ": write True or False"
        return ""


class StringField(_Ordered[str | AllowedString], _Text):
    """A text field (the schema's ``string``): takes ``str`` (or ``cwql.allow_escapes(...)``)."""

    __slots__ = ()
    _cwql_holds = "text (str)"

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        return isinstance(value, (str, AllowedString))

    def _cwql_hint(self, value: object) -> str:
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return f": write the text {str(value)!r}"
        return ""


class DateStringField(_Ordered[str | AllowedString | _dt.date], _Text):
    """A date field that the spec types as text (``Ticket.closedDate``): takes ``str``, ``date``, ``datetime``."""

    __slots__ = ()
    _cwql_holds = "dates written as text (str, date or datetime)"

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        return isinstance(value, (str, AllowedString, _dt.date))


class DateTimeField(_Ordered[_dt.date]):
    """A datetime field (the schema's ``datetime``): takes ``date`` or an aware ``datetime``."""

    __slots__ = ()
    _cwql_holds = "datetimes (date or datetime)"

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        return isinstance(value, _dt.date)

    def _cwql_hint(self, value: object) -> str:
        if isinstance(value, str):
            return ": pass a datetime.date or an aware datetime.datetime"
        return ""


class AnyField(_Ordered[Value], _Text):
    """A field the schema cannot type (``object``, ``any``): takes any value the language has."""

    __slots__ = ()
    _cwql_holds = "values of any type"

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        return True  # the DSL refuses what the language cannot hold


class EnumField(TypedField[_L], _Text):
    """A text field with a fixed set of values (an enum of the spec): takes one of them.

    The values are spelled as the schema spells them. The server compares text
    without regard to letter case, but a typed field takes the schema's
    spelling only, as the type checker does: a value in another case gets an
    error naming the right spelling.
    """

    __slots__ = ("_cwql_members",)
    _cwql_members: tuple[str, ...]

    @classmethod
    def _cwql_make(cls, path: Path, shown: str, members: tuple[str, ...]) -> EnumField[Any]:
        field = cls(path, shown)
        object.__setattr__(field, "_cwql_members", members)
        return field

    def _cwql_extra(self) -> tuple[str, ...]:
        return self._cwql_members

    @property
    def members(self) -> tuple[str, ...]:
        """The values the field takes, as the schema spells them."""
        return self._cwql_members

    @classmethod
    def _cwql_accepts(cls, value: object) -> bool:
        raise AssertionError("EnumField checks values against its own members")

    def _cwql_value(self, value: object, *, null: bool = False) -> object:
        if (value is None and null) or (isinstance(value, str) and value in self._cwql_members):
            return value
        if value is None:
            return value
        members = self._cwql_members
        listed = ", ".join(members[:12]) + (", ..." if len(members) > 12 else "")
        if not isinstance(value, str):
            raise CWQLTypeError(f"{self._cwql_shown} takes one of {listed}; {_shown_value(value)} is not text")
        same = [m for m in members if m.casefold() == value.casefold()]
        if same:
            raise CWQLTypeError(
                f"{self._cwql_shown}: {value!r} is spelled {same[0]!r} in the schema; write {same[0]!r}"
            )
        raise CWQLTypeError(
            f"{self._cwql_shown} takes one of {listed}; {value!r} is none of them"
            f"{_did_you_mean(value, members)}"
        )


# ---- custom fields ------------------------------------------------------------------------


class CustomFields:
    """A record's custom fields, for ``custom_field_conditions``: ``Ticket.customFields["Region"]``.

    ``Ticket.customFields["Region"] == "West"`` is ``CF("Region") == "West"``.
    """

    __slots__ = ("_cwql_shown",)
    _cwql_shown: str

    def __init__(self, shown: str) -> None:
        object.__setattr__(self, "_cwql_shown", shown)

    def __getitem__(self, caption: str | AllowedString) -> CF:
        return CF(caption)

    def __repr__(self) -> str:
        return self._cwql_shown

    if not TYPE_CHECKING:

        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{self!r} is immutable")

        def __getattr__(self, name: str) -> NoReturn:
            if name.startswith(("__", "_cwql_")):
                raise AttributeError(name)
            raise AttributeError(
                f"{self!r} holds custom fields by caption: write {self!r}[{name!r}] for "
                "customFieldConditions"
            )


# ---- descriptors: the attributes of the generated classes --------------------------------


class _Attribute:
    """What every attribute of a model knows: its Python name, the API's name, array or not."""

    __slots__ = ("_roots", "array", "attribute", "name")
    attribute: str
    name: str
    array: bool
    _roots: dict[type, object]

    def __init__(self, name: str | None, array: bool) -> None:
        self.name = name or ""
        self.array = array
        self._roots = {}

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute
        if not self.name:
            self.name = attribute

    def _cwql_get(self, obj: Model | None, owner: type | None) -> Any:
        """The field or sub-object at this attribute of ``obj`` (of the class ``owner`` if None).

        Made once per place and kept (the parent holds it): they are immutable, and
        the same few paths recur in every query a program builds.
        """
        if obj is None:
            assert owner is not None
            made = self._roots.get(owner)
            if made is None:
                made = self._roots[owner] = self._cwql_make(Path(self.name), f"{owner.__name__}.{self.attribute}")
            return made
        cache = obj._cwql_made
        made = cache.get(self.attribute)
        if made is None:
            path = Path(f"{obj._cwql_path.name}/{self.name}")
            made = cache[self.attribute] = self._cwql_make(path, f"{obj._cwql_shown}.{self.attribute}")
        return made

    def _cwql_make(self, path: Path, shown: str) -> object:
        raise NotImplementedError

    def _cwql_model(self) -> type[Model] | None:
        """The model the attribute leads into (None for a field of its own)."""
        return None


class Attr(_Attribute, Generic[_F]):
    """A field of a scalar type: ``id = Attr(IntegerField)``.

    ``kind`` is the field class, or ``EnumField[Literal["A", "B"]]`` for an enum
    (the values are read from the ``Literal``, so they are written once).
    ``name`` is the API's name where the Python one differs (a keyword);
    ``array`` marks an array of such values (for ``childConditions``).
    """

    __slots__ = ("kind", "members")
    kind: type[_F]
    members: tuple[str, ...]

    def __init__(self, kind: type[_F], *, name: str | None = None, array: bool = False) -> None:
        super().__init__(name, array)
        origin = get_origin(kind)
        if origin is not None:  # EnumField[Literal[...]]
            (literal,) = get_args(kind)
            self.kind = origin
            self.members = tuple(get_args(literal))
        else:
            self.kind = kind
            self.members = ()

    def __get__(self, obj: Model | None, owner: type[Model] | None = None) -> _F:
        return self._cwql_get(obj, owner)  # type: ignore[no-any-return]

    def _cwql_make(self, path: Path, shown: str) -> object:
        if self.members:
            return EnumField._cwql_make(path, shown, self.members)
        return self.kind(path, shown)


class Ref(_Attribute, Generic[_M]):
    """A reference to (or a copy of) another model: ``company: Ref[CompanyReference] = Ref("CompanyReference")``.

    The model is named, and found in the generated package on first use, so a
    class imports only itself. ``array`` marks an array of such records.
    """

    __slots__ = ("_owner", "_target", "target")
    target: str
    _target: type[_M] | None
    _owner: type | None

    def __init__(self, target: str | type[_M], *, name: str | None = None, array: bool = False) -> None:
        super().__init__(name, array)
        if isinstance(target, str):
            self.target, self._target = target, None
        else:
            self.target, self._target = target.__name__, target
        self._owner = None

    def __set_name__(self, owner: type, attribute: str) -> None:
        super().__set_name__(owner, attribute)
        self._owner = owner

    def _cwql_model(self) -> type[_M]:
        found = self._target
        if found is None:
            assert self._owner is not None, "a Ref is used as a class attribute"
            module = self._owner.__module__
            found = sys.modules[module].__dict__.get(self.target)
            if found is None:
                found = getattr(import_module(module.rpartition(".")[0]), self.target)
            self._target = found
        return found

    def __get__(self, obj: Model | None, owner: type[Model] | None = None) -> _M:
        return self._cwql_get(obj, owner)  # type: ignore[no-any-return]

    def _cwql_make(self, path: Path, shown: str) -> object:
        return self._cwql_model()(path, shown)


class CustomFieldsAttr(_Attribute):
    """``customFields``: the record's custom fields, by caption (see :class:`CustomFields`)."""

    __slots__ = ()

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__(name, True)

    def __get__(self, obj: Model | None, owner: type[Model] | None = None) -> CustomFields:
        return self._cwql_get(obj, owner)  # type: ignore[no-any-return]

    def _cwql_make(self, path: Path, shown: str) -> object:
        return CustomFields(shown)


# ---- models -------------------------------------------------------------------------------


class _ModelMeta(type):
    """Model classes: an unknown attribute gets did-you-mean, and attributes are read-only."""

    if not TYPE_CHECKING:  # to type checkers an unknown attribute simply does not exist

        def __getattr__(cls, name: str) -> NoReturn:
            if name.startswith(("__", "_cwql_")):
                raise AttributeError(name)
            raise _no_field(cls, cls.__name__, name)

        def __setattr__(cls, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{cls.__name__}'s fields are read-only")


def _no_field(model: type[Model], shown: str, name: str) -> AttributeError:
    attributes = _attributes(model)
    found = attributes.get(name.casefold())
    if found is not None and found.attribute != name:
        return AttributeError(f"{shown} has no field {name!r}: it is spelled {found.attribute}")
    return AttributeError(f"{shown} has no field {name!r}{_did_you_mean(name, [a.attribute for a in attributes.values()])}")


def _attributes(model: type) -> dict[str, _Attribute]:
    """The attributes of ``model`` (its bases' included) by case-folded API name."""
    cached = model.__dict__.get("_cwql_attributes")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    found: dict[str, _Attribute] = {}
    for klass in reversed(model.__mro__):
        for value in vars(klass).values():
            if isinstance(value, _Attribute):
                found[value.name.casefold()] = value
    type.__setattr__(model, "_cwql_attributes", found)
    return found


class Model(metaclass=_ModelMeta):
    """A model of the schema: its fields are attributes, its references typed sub-objects.

    As a class (``Ticket``) it is the root of paths; reached through a
    reference (``Ticket.company``) it is an instance that carries the path so
    far. A reference as a whole compares only with ``None``.
    """

    __slots__ = ("_cwql_made", "_cwql_path", "_cwql_shown")
    _cwql_path: Path
    _cwql_shown: str
    _cwql_made: dict[str, object]

    def __init__(self, path: Path, shown: str) -> None:
        object.__setattr__(self, "_cwql_path", path)
        object.__setattr__(self, "_cwql_shown", shown)
        object.__setattr__(self, "_cwql_made", {})

    def __str__(self) -> str:
        return self._cwql_path.name

    def __repr__(self) -> str:
        return self._cwql_shown

    @overload  # type: ignore[override]
    def __eq__(self, other: None) -> Expr: ...
    @overload
    @deprecated(
        "a reference compares as a whole only with None: compare one of its fields, such as .id or .name (cwql raises CWQLTypeError here at run time)"
    )
    def __eq__(self, other: object) -> InvalidComparison: ...
    def __eq__(self, other: object) -> Expr | InvalidComparison:
        self._cwql_whole(other)
        return Field(self._cwql_path).is_null()

    @overload  # type: ignore[override]
    def __ne__(self, other: None) -> Expr: ...
    @overload
    @deprecated(
        "a reference compares as a whole only with None: compare one of its fields, such as .id or .name (cwql raises CWQLTypeError here at run time)"
    )
    def __ne__(self, other: object) -> InvalidComparison: ...
    def __ne__(self, other: object) -> Expr | InvalidComparison:
        self._cwql_whole(other)
        return Field(self._cwql_path).is_not_null()

    __hash__ = None  # type: ignore[assignment]

    def _cwql_whole(self, other: object) -> None:
        if other is not None:
            fields = [a.attribute for a in _attributes(type(self)).values() if a.name in ("id", "name", "identifier")]
            hint = " or ".join(f"{self!r}.{f}" for f in fields) or "one of its fields"
            raise CWQLTypeError(
                f"{self!r} is a reference to {type(self).__name__}; compare {hint} with "
                f"{_shown_value(other)}, or the reference itself only with None"
            )

    def is_null(self) -> Expr:
        """``path = null``: the record has no such reference."""
        return Field(self._cwql_path).is_null()

    def is_not_null(self) -> Expr:
        """``path != null``."""
        return Field(self._cwql_path).is_not_null()

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> NoReturn:
            if name.startswith(("__", "_cwql_")):
                raise AttributeError(name)
            raise _no_field(type(self), self._cwql_shown, name)

        def __setattr__(self, name: str, value: object) -> NoReturn:
            raise AttributeError(f"{self!r} is immutable")

        def __delattr__(self, name: str) -> NoReturn:
            raise AttributeError(f"{self!r} is immutable")

        def __bool__(self) -> NoReturn:
            raise CWQLTypeError(
                f"{self!r} is a reference and has no truth value: compare one of its fields, "
                f"or write {self!r}.is_not_null()"
            )

        def __iter__(self) -> NoReturn:
            raise CWQLTypeError(f"{self!r} is not iterable")

        def __lt__(self, other: object) -> NoReturn:
            raise CWQLTypeError(f"{self!r} is a reference and does not order: compare one of its fields")

        __le__ = __gt__ = __ge__ = __lt__

        def __copy__(self) -> Model:
            return self

        def __deepcopy__(self, memo: object) -> Model:
            return self

        def __reduce__(self) -> tuple[object, ...]:
            return (type(self), (self._cwql_path, self._cwql_shown))


class EndpointModel(Model):
    """A model that a list endpoint returns: :meth:`query` binds a query to the endpoint.

    The generated class sets ``_cwql_endpoints`` (every list endpoint that
    returns the model, path templates kept) and ``_cwql_endpoint`` (the one
    :meth:`query` uses by default, or None when there is no single obvious one).
    """

    __slots__ = ()
    _cwql_endpoint: ClassVar[str | None] = None
    _cwql_endpoints: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def query(
        cls,
        conditions: Condition | str | None = None,
        *,
        child_conditions: Condition | str | None = None,
        custom_field_conditions: Condition | str | None = None,
        order_by: SortInput | TypedField[Any] | Model | Iterable[SortInput | TypedField[Any] | Model] | None = None,
        fields: FieldInput | TypedField[Any] | Model | Iterable[FieldInput | TypedField[Any] | Model] | None = None,
        page: int | None = None,
        page_size: int | None = None,
        page_id: int | None = None,
        endpoint: str | None = None,
    ) -> BoundQuery:
        """A :class:`BoundQuery` of this model's list endpoint; the arguments are :class:`~cwql.Query`'s.

        ``order_by`` and ``fields`` also take typed fields (``Ticket.id``).
        ``endpoint`` picks another endpoint that returns the model, or fills a
        template (``/company/companies/5/tracks``); the default is the
        model's own collection. Raises :class:`~cwql.QueryError` for an
        endpoint that does not return the model, a path the model does not
        have, a condition that goes into an array outside
        ``child_conditions`` (the server refuses it, LANGUAGE.md §5), and
        everything :class:`~cwql.Query` raises.
        """
        plain = Query(
            conditions,
            child_conditions=child_conditions,
            custom_field_conditions=custom_field_conditions,
            order_by=_sort_input(order_by),
            fields=_field_input(fields),
            page=page,
            page_size=page_size,
            page_id=page_id,
        )
        return BoundQuery._cwql_bind(cls, _endpoint(cls, endpoint), plain)


def _endpoint(model: type[EndpointModel], given: str | None) -> str:
    known = model._cwql_endpoints
    if given is None:
        if model._cwql_endpoint is None:
            raise QueryError(
                f"{model.__name__} has no single endpoint of its own: pass endpoint= one of "
                f"{', '.join(known)} (with its {{...}} parts filled in)"
            )
        return model._cwql_endpoint
    if not isinstance(given, str):
        raise CWQLTypeError(f"endpoint takes a path such as {known[0]!r}, not {type(given).__name__}")
    path = "/" + given.strip().strip("/")
    if "{" in path or "}" in path:
        raise QueryError(f"fill in the {{...}} parts of {given!r}, such as /company/contacts/5/tracks")
    segments = path.split("/")
    for template in known:
        parts = template.split("/")
        if len(parts) == len(segments) and all(
            (p.startswith("{") and p.endswith("}") and s) or p.casefold() == s.casefold()
            for p, s in zip(parts, segments, strict=True)
        ):
            return path
    raise QueryError(
        f"{given!r} is not an endpoint that returns {model.__name__}; those are {', '.join(known)}"
        + (" (fill in the {...} parts)" if any("{" in k for k in known) else "")
    )


def _typed_path(item: object) -> Path | None:
    if isinstance(item, TypedField):
        return item.path
    if isinstance(item, Model):
        return item._cwql_path
    return None


def _sort_input(value: object) -> Any:
    if value is None or isinstance(value, (str, OrderBy)):
        return value
    items = list(value) if isinstance(value, Iterable) and not isinstance(value, (TypedField, Model)) else [value]
    return [SortKey(path) if (path := _typed_path(item)) is not None else item for item in items]


def _field_input(value: object) -> Any:
    if value is None or isinstance(value, (str, Fields)):
        return value
    items = list(value) if isinstance(value, Iterable) and not isinstance(value, (TypedField, Model)) else [value]
    return [path if (path := _typed_path(item)) is not None else item for item in items]


# ---- bound queries --------------------------------------------------------------------------

_QUERY_FIELDS = tuple(f.name for f in _dataclass_fields(Query))


class BoundQuery(Query):
    """A :class:`~cwql.Query` that knows its endpoint and model: ``Ticket.query(...)``.

    It is a Query in every way (``params()``, ``to_query_string()``, the
    builders, which keep the binding), plus :attr:`endpoint` and :attr:`model`,
    so the executor needs no path: ``client.iter(Ticket.query(...))``.
    :meth:`url` and :meth:`url_length` take the path as optional.
    """

    __slots__ = ("endpoint", "model")
    #: The list endpoint's path, such as ``/service/tickets``.
    endpoint: str
    #: The generated class of the records the endpoint returns.
    model: type[EndpointModel]

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise CWQLTypeError("a BoundQuery is made by a model's query(): Ticket.query(...)")

    @classmethod
    def _cwql_bind(cls, model: type[EndpointModel], endpoint: str, plain: Query) -> BoundQuery:
        _check_paths(model, plain)
        bound = object.__new__(cls)
        for name in _QUERY_FIELDS:
            object.__setattr__(bound, name, getattr(plain, name))
        object.__setattr__(bound, "endpoint", endpoint)
        object.__setattr__(bound, "model", model)
        return bound

    def replace(self, **changes: Any) -> BoundQuery:
        """A copy with some arguments changed, bound to the same endpoint."""
        if "order_by" in changes:
            changes["order_by"] = _sort_input(changes["order_by"])
        if "fields" in changes:
            changes["fields"] = _field_input(changes["fields"])
        return BoundQuery._cwql_bind(self.model, self.endpoint, Query.replace(self, **changes))

    def where(self, *conditions: Condition | str) -> BoundQuery:
        """A copy with each condition ANDed onto :attr:`conditions`."""
        result = super().where(*conditions)
        assert isinstance(result, BoundQuery)
        return result

    def order_by(self, *keys: SortInput | TypedField[Any] | Model) -> BoundQuery:
        """A copy sorted by ``keys`` (typed fields too); no keys removes the ordering."""
        return self.replace(order_by=keys or None)

    def fields(self, *paths: FieldInput | TypedField[Any] | Model) -> BoundQuery:
        """A copy that returns only ``paths`` (typed fields too); no paths removes the list."""
        return self.replace(fields=paths or None)

    def url(self, base_url: str, path: str | None = None) -> str:
        """The full request URL on :attr:`endpoint` (or ``path``)."""
        return super().url(base_url, self.endpoint if path is None else path)

    def url_length(self, base_url: str, path: str | None = None, *, paging: str | None = None) -> int:
        """:meth:`Query.url_length <cwql.Query.url_length>` on :attr:`endpoint` (or ``path``)."""
        return super().url_length(base_url, self.endpoint if path is None else path, paging=paging)

    def unbound(self) -> Query:
        """The same parameters as a plain :class:`~cwql.Query`."""
        return Query.replace(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BoundQuery):
            return NotImplemented
        return (
            self.endpoint == other.endpoint and self.model is other.model
            and all(getattr(self, n) == getattr(other, n) for n in _QUERY_FIELDS)
        )

    def __hash__(self) -> int:
        return hash((self.endpoint, *(getattr(self, n) for n in _QUERY_FIELDS)))

    def __repr__(self) -> str:
        inner = super().__repr__()[len("Query("):-1]
        if self.endpoint != self.model._cwql_endpoint:
            inner = f"{inner}, endpoint={self.endpoint!r}" if inner else f"endpoint={self.endpoint!r}"
        return f"{self.model.__name__}.query({inner})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebind, (self.model, self.endpoint, self.unbound()))


def _rebind(model: type[EndpointModel], endpoint: str, plain: Query) -> BoundQuery:
    return BoundQuery._cwql_bind(model, endpoint, plain)


# ---- what a bound query checks ----------------------------------------------------------------


def _check_paths(model: type[EndpointModel], query: Query) -> None:
    """Refuse paths ``model`` lacks, and conditions on the wrong side of an array.

    The server answers an unknown field, or an array path in ``conditions``,
    with 400 "<path> is not a recognized name" (LANGUAGE.md §5), and
    ``childConditions`` filter array members only. The generated classes know
    which attributes are arrays, so a bound query says so before sending.
    """
    for parameter, condition, arrays in (
        ("conditions", query.conditions, False),
        ("child_conditions", query.child_conditions, True),
    ):
        if isinstance(condition, Expr):
            for node in walk(condition):
                if isinstance(node, Predicate):
                    _check_path(model, node.path.name, parameter, arrays)
    if isinstance(query.custom_field_conditions, Expr) and not any(
        isinstance(a, CustomFieldsAttr) for a in _attributes(model).values()
    ):
        raise QueryError(f"{model.__name__} records have no custom fields: custom_field_conditions cannot apply")
    if query.ordering is not None:
        for key in query.ordering.keys:
            _check_path(model, key.path.name, "order_by", False)
    if query.selected_fields is not None:
        for path in query.selected_fields.paths:
            _check_path(model, path.name, "fields", None)


def _check_path(model: type[Model], path: str, parameter: str, arrays: bool | None) -> None:
    """``arrays``: True if the path must go into an array, False if it must not, None if either."""
    current: type[Model] | None = model
    last: _Attribute | None = None
    through: str | None = None
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if current is None:
            if isinstance(last, CustomFieldsAttr):
                break  # the members of customFields are not typed here
            raise QueryError(
                f"{model.__name__}.query(): `{path}` goes on past `{'/'.join(segments[:i])}`, "
                "which has no fields"
            )
        found = _attributes(current).get(segment.casefold())
        if found is None:
            hint = _did_you_mean(segment, [a.name for a in _attributes(current).values()])
            where = model.__name__ if i == 0 else f"{'/'.join(segments[:i])} ({current.__name__})"
            raise QueryError(f"{model.__name__}.query(): `{path}`: {where} has no field {segment!r}{hint}")
        if found.array and through is None:
            through = "/".join(segments[: i + 1])
        current, last = found._cwql_model(), found
    if arrays is False and through is not None:
        advice = (
            "sort by a field that is not in an array" if parameter == "order_by"
            else "filter its members with child_conditions="
        )
        raise QueryError(
            f"{model.__name__}.query(): `{path}` goes into the array `{through}`, which {parameter} "
            f"cannot look inside (the server answers 400); {advice}"
        )
    if arrays is True and through is None:
        listed = [a.attribute for a in _attributes(model).values() if a.array]
        raise QueryError(
            f"{model.__name__}.query(): `{path}` does not go into an array: child_conditions filter "
            f"the members of {', '.join(listed) or 'array fields (this model has none)'}; "
            "pass it in conditions"
        )


# ---- the generated package ----------------------------------------------------------------------


def models_package(
    package: str, table: Mapping[str, str], *, runtime: int
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for a generated package: each model imported on first use.

    ``table`` maps each model name to the module (in ``package``) that defines
    it. Raises :class:`~cwql.SchemaError` when the package was generated for
    another version of this runtime.
    """
    if runtime != RUNTIME:
        raise SchemaError(
            f"{package} was generated for version {runtime} of cwql's typed fields; this cwql has "
            f"version {RUNTIME}: regenerate it with `cwql schema codegen SCHEMA -o DIR`"
        )
    by_module: dict[str, list[str]] = {}
    for name, module in table.items():
        by_module.setdefault(module, []).append(name)
    load, _, _ = _lazy.attach(package, by_module)
    public = sorted(table)

    def __getattr__(name: str) -> Any:
        if name in table or name.startswith("__"):
            return load(name)
        raise AttributeError(f"module {package!r} has no model {name!r}{_did_you_mean(name, table)}")

    def __dir__() -> list[str]:
        return list(public)

    return __getattr__, __dir__, public

