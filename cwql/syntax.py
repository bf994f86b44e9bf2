"""The AST: immutable nodes that every part of cwql reads.

Nodes are frozen, slotted dataclasses. Equality and hashing are structural and
ignore where a node came from (its :class:`Span`), so a parsed condition equals
the same condition built in Python. ``str(node)`` is the canonical text.

Connectives are n-ary and flat: ``And`` never holds an ``And`` and ``Or``
never holds an ``Or``; constructing one that would flattens it. Their nesting
height is capped at :data:`MAX_HEIGHT`, so the recursive ``==``, ``hash`` and
``repr`` that dataclasses generate stay far from Python's recursion limit;
everything cwql itself does with a tree (printing, walking) is iterative.
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn, TypeAlias, TypeVar

from .errors import ConditionError, CWQLTypeError, NestingError, UsageError
from .literals import MAX_DIGITS, digit_count

if TYPE_CHECKING:
    from .combine import Empty

__all__ = [
    "MAX_HEIGHT",
    "And",
    "Boolean",
    "DateTime",
    "Expr",
    "Fields",
    "Literal",
    "Node",
    "Null",
    "Number",
    "Op",
    "Operand",
    "Or",
    "OrderBy",
    "Path",
    "Predicate",
    "SortKey",
    "Span",
    "String",
    "as_data",
    "check_predicate",
    "walk",
]

_UTC = _dt.UTC
# What the grammar's PATH and NUMBER terminals match, for nodes built in Python.
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: The language's keywords (the grammar's string terminals; a test keeps the two equal).
KEYWORDS = frozenset({"and", "or", "not", "in", "contains", "like", "true", "false", "null", "asc", "desc"})

#: The deepest nesting of alternating ``and``/``or`` groups a tree may have.
MAX_HEIGHT = 100


_N = TypeVar("_N")


def _fast_init(cls: type[_N]) -> type[_N]:
    """Replace a frozen dataclass's ``__init__`` with one that sets slots directly.

    A frozen dataclass assigns each field through ``object.__setattr__``, which
    looks the attribute up on the type every time; calling each slot's own
    descriptor is about twice as fast, and the parser builds several nodes per
    condition. Signature, defaults and ``__post_init__`` stay exactly as the
    dataclass declares them (a test compares the two).

    It also gives the class ``_unchecked``: the same construction without
    ``__post_init__``'s checks, for the parser, whose nodes the grammar has
    already checked. Nothing else may use it.
    """
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    namespace: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        setter = f"_set_{f.name}"
        namespace[setter] = getattr(cls, f.name).__set__
        if f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
        if not f.init:
            body.append(f"{setter}(self, _default_{f.name})")
            continue
        param = f.name if f.default is MISSING else f"{f.name}=_default_{f.name}"
        (keyword if f.kw_only else positional).append(param)
        body.append(f"{setter}(self, {f.name})")
    params = ", ".join([*positional, *(["*", *keyword] if keyword else [])])
    checks = ["self.__post_init__()"] if hasattr(cls, "__post_init__") else []
    namespace["_new"], namespace["_cls"] = object.__new__, cls
    source = (
        f"def __init__(self, {params}):\n    " + "\n    ".join([*body, *checks] or ["pass"])
        + f"\ndef _unchecked({params}):\n    self = _new(_cls)\n    "
        + "\n    ".join([*body, "return self"])
    )
    exec(source, namespace)  # noqa: S102 - the source is built from field names only
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    cls._unchecked = staticmethod(namespace["_unchecked"])  # type: ignore[attr-defined]
    return cls


class Span(NamedTuple):
    """Where a node came from: code-point offsets into the text, ``end`` exclusive."""

    start: int
    end: int


@_fast_init
@dataclass(frozen=True, slots=True)
class Node:
    """Base of every AST node."""

    span: Span | None = field(default=None, compare=False, repr=False, kw_only=True)

    def __str__(self) -> str:
        from .printer import to_text  # the printer imports this module

        return to_text(self)


# ---- paths and literals ------------------------------------------------------


@_fast_init
@dataclass(frozen=True, slots=True)
class Path(Node):
    """A field path as written: ``status/id``, ``_info/lastUpdated``."""

    name: str

    def __post_init__(self) -> None:
        name = self.name
        if not isinstance(name, str) or not _PATH.fullmatch(name) or name.lower() in KEYWORDS:
            raise ConditionError(
                f"{name!r} is not a field path: segments of letters, digits and _ (not starting "
                "with a digit) joined by /, and not a keyword"
            )

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.name.split("/"))


@_fast_init
@dataclass(frozen=True, slots=True)
class Literal(Node):
    """Base of the value nodes."""


@_fast_init
@dataclass(frozen=True, slots=True)
class String(Literal):
    """A string value (``value`` is the text after escapes are read)."""

    value: str


@_fast_init
@dataclass(frozen=True, slots=True)
class Number(Literal):
    """A number, keeping its digits as written (``2.50`` stays ``2.50``)."""

    text: str

    def __post_init__(self) -> None:
        text = self.text
        if not isinstance(text, str) or not _NUMBER.fullmatch(text) or digit_count(text) > MAX_DIGITS:
            raise ConditionError(
                f"{text!r} is not a number the language can hold: digits, an optional point and "
                f"leading minus, at most {MAX_DIGITS} digits"
            )

    @property
    def value(self) -> int | Decimal:
        """The number as ``int`` when it has no decimal point, else as ``Decimal``."""
        return Decimal(self.text) if "." in self.text else int(self.text)

    @property
    def scalar(self) -> int | float:
        """The number as Python reads a JSON number: an ``int``, or a ``float`` with a point.

        Records arrive as JSON, so this is what comparisons with them use.
        """
        value = self.value
        return value if isinstance(value, int) else float(value)


@_fast_init
@dataclass(frozen=True, slots=True)
class Boolean(Literal):
    value: bool


@_fast_init
@dataclass(frozen=True, slots=True)
class Null(Literal):
    pass


@_fast_init
@dataclass(frozen=True, slots=True)
class DateTime(Literal):
    """A bracketed date or date-time.

    ``value`` is a ``datetime.date`` for a date, else a ``datetime.datetime``:
    aware ones are converted to UTC, naive ones are kept naive (the server's
    time zone for them is unknown). ``fraction`` holds the fractional-second
    digits as written (up to 7, as .NET writes them); ``value.microsecond``
    holds the first six.
    """

    value: _dt.date
    fraction: str = ""

    def __post_init__(self) -> None:
        value, fraction = self.value, self.fraction
        if not isinstance(value, _dt.datetime):
            if fraction:
                raise UsageError("a date has no fractional seconds")
            return
        if value.tzinfo is not None and value.tzinfo is not _UTC:
            try:
                value = value.astimezone(_UTC)
            except OverflowError:
                raise UsageError(f"{value.isoformat()} is outside years 0001-9999 in UTC") from None
            object.__setattr__(self, "value", value)
        if not fraction:
            if value.microsecond:
                object.__setattr__(self, "fraction", f"{value.microsecond:06d}".rstrip("0"))
        elif not (fraction.isascii() and fraction.isdigit() and len(fraction) <= 7):
            raise UsageError(f"fraction must be 1-7 digits, not {fraction!r}")
        elif int(fraction[:6].ljust(6, "0")) != value.microsecond:
            raise UsageError(f"fraction .{fraction} disagrees with microsecond {value.microsecond}")

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, _dt.datetime)

    @property
    def is_naive(self) -> bool:
        return isinstance(self.value, _dt.datetime) and self.value.tzinfo is None

    @property
    def instant(self) -> _dt.datetime | None:
        """The instant this literal stands for: a date is midnight UTC (LANGUAGE.md §6).

        None for a naive time, whose zone on the server is unknown; each
        consumer decides what to assume for it.
        """
        value = self.value
        if not isinstance(value, _dt.datetime):
            return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
        return None if value.tzinfo is None else value


Operand: TypeAlias = Literal | tuple[Literal, ...]


# ---- expressions -----------------------------------------------------------


class Op(enum.Enum):
    """A predicate's operator; ``value`` is its canonical spelling."""

    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    CONTAINS = "contains"
    NOT_CONTAINS = "not contains"
    LIKE = "like"
    NOT_LIKE = "not like"
    IN = "in"
    NOT_IN = "not in"

    @property
    def negated(self) -> Op:
        """The operator that matches exactly what this one does not (nulls aside)."""
        return _NEGATED[self]

    @property
    def is_symbolic(self) -> bool:
        return self in _SYMBOLIC

    @property
    def is_ordering(self) -> bool:
        return self in _ORDERING


_NEGATED = {
    Op.EQ: Op.NE, Op.NE: Op.EQ,
    Op.LT: Op.GE, Op.GE: Op.LT, Op.GT: Op.LE, Op.LE: Op.GT,
    Op.CONTAINS: Op.NOT_CONTAINS, Op.NOT_CONTAINS: Op.CONTAINS,
    Op.LIKE: Op.NOT_LIKE, Op.NOT_LIKE: Op.LIKE,
    Op.IN: Op.NOT_IN, Op.NOT_IN: Op.IN,
}
_SYMBOLIC = frozenset({Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE})
_ORDERING = frozenset({Op.LT, Op.LE, Op.GT, Op.GE})


@_fast_init
@dataclass(frozen=True, slots=True)
class Expr(Node):
    """Base of condition expressions: :class:`Predicate`, :class:`And`, :class:`Or`.

    ``a & b``, ``a | b`` and ``~a`` combine conditions, parsed or built alike
    (see :mod:`cwql.combine`). A condition has no truth value: ``bool()``
    raises, which catches ``a and b``, ``1 < F.x < 5`` and ``if cond:``.
    """

    @property
    def height(self) -> int:
        """Nesting height: 0 for a predicate, 1 + the tallest operand for a connective."""
        return 0

    # The combining logic lives in cwql.combine (imported at the end of this
    # module, which it needs): parsed and built conditions share it.

    def __and__(self, other: Expr | Empty) -> Expr:
        return _combine.conjoin(self, other)  # type: ignore[return-value]

    def __rand__(self, other: object) -> Expr:
        return _combine.conjoin(other, self)  # type: ignore[return-value]

    def __or__(self, other: Expr) -> Expr:
        return _combine.disjoin(self, other)

    def __ror__(self, other: object) -> Expr:
        return _combine.disjoin(other, self)

    def __invert__(self) -> Expr:
        return _combine.negate(self)

    def __bool__(self) -> NoReturn:
        raise CWQLTypeError(_combine.NO_TRUTH_VALUE)


@_fast_init
@dataclass(frozen=True, slots=True)
class Predicate(Expr):
    """``path op value``. ``value`` is a tuple of literals for ``in``/``not in``."""

    path: Path
    op: Op
    value: Operand

    def __post_init__(self) -> None:
        if not isinstance(self.path, Path) or not isinstance(self.op, Op):
            raise ConditionError(
                f"a predicate takes a Path and an Op, not {type(self.path).__name__} and "
                f"{type(self.op).__name__}"
            )
        check_predicate(self)


@_fast_init
@dataclass(frozen=True, slots=True)
class _Connective(Expr):
    operands: tuple[Expr, ...]
    #: Whether the source wrapped this group in parentheses (the linter asks).
    parenthesized: bool = field(default=False, compare=False, repr=False, kw_only=True)
    height: int = field(default=0, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        cls = type(self)
        flat: list[Expr] = []
        height = 0
        for operand in self.operands:
            if type(operand) is cls:
                # Its operands join this node, so they, not it, set the height.
                flat.extend(operand.operands)
                below = operand.height - 1
            elif isinstance(operand, Expr):
                flat.append(operand)
                below = operand.height
            else:
                raise CWQLTypeError(
                    f"{cls.__name__} takes condition nodes, not {type(operand).__name__}"
                )
            if below > height:
                height = below
        if len(flat) < 2:
            raise UsageError(f"{cls.__name__} needs at least two operands")
        if height >= MAX_HEIGHT:
            raise NestingError(
                f"conditions nest deeper than {MAX_HEIGHT} alternating and/or groups"
            )
        object.__setattr__(self, "operands", tuple(flat))
        object.__setattr__(self, "height", height + 1)


@_fast_init
@dataclass(frozen=True, slots=True)
class And(_Connective):
    """All operands hold."""


@_fast_init
@dataclass(frozen=True, slots=True)
class Or(_Connective):
    """At least one operand holds."""


def check_predicate(node: Predicate) -> None:
    """Refuse a predicate the grammar could not have produced.

    Trees built in Python can say things the language cannot (``< null``,
    ``contains`` a number, an empty ``in`` list); the consumers that run a
    tree (the evaluator, the SQL translation) call this first. Raises
    :class:`~cwql.ConditionError`.
    """
    op, value = node.op, node.value
    if isinstance(value, tuple):
        if op not in (Op.IN, Op.NOT_IN):
            raise ConditionError(f"`{op.value}` takes one value, not a list")
        if not value:
            raise ConditionError(f"`{op.value}` needs at least one value")
        for member in value:
            if type(member) is Null:
                raise ConditionError(f"null cannot be in an `{op.value}` list; use = null or != null")
            if not isinstance(member, Literal):
                raise ConditionError(f"`{op.value}` lists hold values, not {type(member).__name__}")
        values: tuple[Literal, ...] = value
    elif op in (Op.IN, Op.NOT_IN):
        raise ConditionError(f"`{op.value}` takes a list of values")
    elif type(value) is Null and op is not Op.EQ and op is not Op.NE:
        raise ConditionError(f"null cannot be compared with `{op.value}`; use = null or != null")
    elif op in (Op.CONTAINS, Op.NOT_CONTAINS, Op.LIKE, Op.NOT_LIKE) and type(value) is not String:
        raise ConditionError(f"`{op.value}` takes a string, not {type(value).__name__}")
    elif not isinstance(value, Literal):
        raise ConditionError(f"cannot compare with {type(value).__name__}")
    else:
        values = (value,)
    for member in values:
        if type(member) is Number and digit_count(member.text) > MAX_DIGITS:
            raise ConditionError(f"{member.text[:20]}... has more than {MAX_DIGITS} digits")


# ---- orderBy and fields ------------------------------------------------------


@_fast_init
@dataclass(frozen=True, slots=True)
class SortKey(Node):
    path: Path
    descending: bool = False


@_fast_init
@dataclass(frozen=True, slots=True)
class OrderBy(Node):
    """The ``orderBy`` parameter: one or more sort keys."""

    keys: tuple[SortKey, ...]


@_fast_init
@dataclass(frozen=True, slots=True)
class Fields(Node):
    """The ``fields`` parameter: the paths to return."""

    paths: tuple[Path, ...]


# ---- walking ---------------------------------------------------------------


def walk(node: Node) -> Iterator[Node]:
    """Every node under ``node`` (itself included), in source order, without recursion."""
    stack: list[Node] = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        current = pop()
        yield current
        if isinstance(current, Predicate):
            value = current.value
            if isinstance(value, tuple):
                extend(reversed(value))
            else:
                stack.append(value)
            stack.append(current.path)
        elif isinstance(current, _Connective):
            extend(reversed(current.operands))
        elif isinstance(current, OrderBy):
            extend(reversed(current.keys))
        elif isinstance(current, SortKey):
            stack.append(current.path)
        elif isinstance(current, Fields):
            extend(reversed(current.paths))


# ---- plain data --------------------------------------------------------------


def as_data(node: Node) -> Any:
    """``node`` as JSON-ready data: dicts with a ``type`` key, lists, str, bool.

    Spans are included as ``[start, end]`` when known. Built without recursion.
    """
    # Post-order over an explicit stack: a node's children are converted
    # before the node itself, and their results are taken from ``done``.
    done: dict[int, Any] = {}
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        current, expanded = stack.pop()
        children = _children(current)
        if not expanded and children:
            stack.append((current, True))
            stack.extend((child, False) for child in children)
            continue
        done[id(current)] = _as_data_one(current, done)
    return done[id(node)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, Predicate):
        value = node.value
        return [node.path, *value] if isinstance(value, tuple) else [node.path, value]
    if isinstance(node, _Connective):
        return list(node.operands)
    if isinstance(node, OrderBy):
        return list(node.keys)
    if isinstance(node, SortKey):
        return [node.path]
    if isinstance(node, Fields):
        return list(node.paths)
    return []


def _as_data_one(node: Node, done: dict[int, Any]) -> Any:
    data: dict[str, Any] = {"type": type(node).__name__}
    if isinstance(node, Path):
        data["name"] = node.name
    elif isinstance(node, String):
        data["value"] = node.value
    elif isinstance(node, Number):
        data["text"] = node.text
    elif isinstance(node, Boolean):
        data["value"] = node.value
    elif isinstance(node, DateTime):
        data["value"] = node.value.isoformat()
        data["fraction"] = node.fraction
    elif isinstance(node, Predicate):
        data["path"] = done[id(node.path)]
        data["op"] = node.op.value
        value = node.value
        data["value"] = (
            [done[id(v)] for v in value] if isinstance(value, tuple) else done[id(value)]
        )
    elif isinstance(node, _Connective):
        data["operands"] = [done[id(o)] for o in node.operands]
    elif isinstance(node, SortKey):
        data["path"] = done[id(node.path)]
        data["descending"] = node.descending
    elif isinstance(node, OrderBy):
        data["keys"] = [done[id(k)] for k in node.keys]
    elif isinstance(node, Fields):
        data["paths"] = [done[id(p)] for p in node.paths]
    if node.span is not None:
        data["span"] = list(node.span)
    return data


# Last, because cwql.combine builds And, Or and Predicate nodes: whichever of
# the two modules is imported first, each finds the other's names at call time.
from . import combine as _combine  # noqa: E402
