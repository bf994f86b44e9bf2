"""The AST: immutable nodes that every part of cwql reads, and the ways to traverse them.

Each node class declares its fields once (``_fields``, the ones equality,
hashing, ``repr``, pickling and :func:`as_data` use) and which of them hold
child nodes (``_children``). :func:`children`, :func:`walk`, :func:`fold` and
:func:`transform` are derived from those declarations, so every consumer (the
printer, the evaluator, ``to_sql``, negation, the linter, the executor's
splitting of long lists, the validator's scoping) traverses trees the same
way, iteratively: a tree's height is capped at :data:`MAX_HEIGHT`, and no
traversal recurses on it.

Equality and hashing are structural and ignore where a node came from (its
:class:`Span`), so a parsed condition equals the same condition built in
Python. ``str(node)`` is the canonical text.

Connectives are n-ary and flat: ``And`` never holds an ``And`` and ``Or``
never holds an ``Or``; constructing one that would flattens it.

Conditions combine with ``&``, ``|`` and ``~``, parsed or built alike;
:data:`EMPTY` is the condition with no terms. Negation is pushed down to the
operators the language has (LANGUAGE.md §2.5: there is no standalone
``not``): ``=``/``!=``, ``<``/``>=``, ``in``/``not in``, ``contains``/``not
contains`` and ``like``/``not like`` swap, and De Morgan turns ``and`` into
``or``. A negated comparison is the SQL one, so a record whose field is null
matches neither ``x=1`` nor ``~(x=1)``.

A node refuses, when it is made, what the language cannot say, with the same
:class:`~cwql.ParseError` code that ``cwql.parse`` reports for that mistake
in text (``Path("a.b")`` and ``parse("a.b=1")`` both give E022).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Callable, Iterator
from itertools import repeat
from typing import Any, ClassVar, NamedTuple, NoReturn, TypeAlias, TypeVar

from . import _lazy
from ._spec import KEYWORDS, MAX_DIGITS, MAX_HEIGHT, NUMBER, PATH, digit_count
from .errors import CWQLTypeError, ParseError, UsageError

__all__ = [
    "EMPTY",
    "MAX_HEIGHT",
    "And",
    "Boolean",
    "Condition",
    "DateTime",
    "Empty",
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
    "children",
    "fold",
    "transform",
    "walk",
]

_UTC = _dt.UTC
_set = object.__setattr__

_PATH_RE = re.compile(PATH, re.ASCII)
_NUMBER_RE = re.compile(NUMBER, re.ASCII)


class Span(NamedTuple):
    """Where a node came from: code-point offsets into the text, ``end`` exclusive."""

    start: int
    end: int


def _refuse(code: str, message: str, text: str, start: int = 0, end: int | None = None,
            hint: str | None = None) -> NoReturn:
    """Raise the :class:`ParseError` that the parser reports for the same mistake in text."""
    raise ParseError.at(text, code, message, start, end, hint=hint)


# ---- the printer hook --------------------------------------------------------------
#
# Printing is a layer above the nodes (cwql._printer reads literals' quoting
# and date formats), so the nodes cannot import it. The printer installs
# itself here when it is imported; until then, the first ``str(node)`` asks
# cwql/__init__.py to import it (through cwql._lazy.load_printer), so
# ``import cwql`` need not load the printer, nor the nodes.

_to_text: Callable[[Node], str] | None = None


def _install_printer(to_text: Callable[[Node], str]) -> None:
    global _to_text
    _to_text = to_text


def _text(node: Node) -> str:
    if _to_text is None:
        _lazy.load_printer()
        assert _to_text is not None, "cwql._printer installs itself when imported"
    return _to_text(node)


# ---- nodes -----------------------------------------------------------------------


class Node:
    """Base of every AST node.

    ``_fields`` names the fields that make a node what it is, in order: they
    are compared, hashed, shown, pickled and turned into data. ``_children``
    names those that hold nodes (a node, or a tuple of nodes). ``span`` is
    where the node came from, and never compared.
    """

    __slots__ = ("span",)
    span: Span | None

    _fields: ClassVar[tuple[str, ...]] = ()
    _children: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((self.__class__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"

    def __str__(self) -> str:
        return _text(self)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} nodes are immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} nodes are immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self._values(), self.span))

    def __copy__(self) -> Node:
        return self

    def __deepcopy__(self, memo: object) -> Node:
        return self


def _rebuild(cls: type[_N], values: tuple[Any, ...], span: Span | None) -> _N:
    return cls(*values, span=span)  # type: ignore[call-arg]


_N = TypeVar("_N", bound=Node)


# ---- paths and literals ------------------------------------------------------


class Path(Node):
    """A field path as written: ``status/id``, ``_info/lastUpdated``.

    Raises :class:`~cwql.ParseError` E022 for a name that is not a path
    (``status.id``, ``a//b``, non-ASCII letters) and E030 for a keyword alone.
    """

    __slots__ = ("name",)
    _fields = ("name",)
    name: str

    def __init__(self, name: str, *, span: Span | None = None) -> None:
        if _PATH_RE.fullmatch(name if isinstance(name, str) else "") is None or name.lower() in KEYWORDS:
            _bad_path(name)
        _set_name(self, name)
        _set_span(self, span)

    @classmethod
    def _unchecked(cls, name: str, span: Span | None) -> Path:
        # For the parser, whose grammar has checked the name already.
        self = _new(cls)
        _set_name(self, name)
        _set_span(self, span)
        return self

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.name.split("/"))


def _bad_path(name: object) -> NoReturn:
    if not isinstance(name, str):
        raise CWQLTypeError(f"a field path is a str such as 'status/id', not {type(name).__name__}")
    if name.lower() in KEYWORDS:
        _refuse("E030", f"`{name}` is a keyword, not a field name", name, 0, len(name),
                "a keyword is only a field name as part of a longer path, such as status/name")
    m = _PATH_RE.match(name)
    at = m.end() if m is not None else 0
    if at == len(name) or name[at] == "/":
        at = max(0, min(at, len(name) - 1))
        message = "a field path cannot be empty, start or end with `/` or have an empty segment"
    else:
        message = f"unexpected {name[at]!r} in a field path"
    hint = "write ASCII letters, digits and _ joined by /, such as status/id"
    if "." in name:
        hint = "paths use /, not .: write " + name.replace(".", "/")
    _refuse("E022", message, name, at, at + 1, hint)


class Literal(Node):
    """Base of the value nodes."""

    __slots__ = ()


class String(Literal):
    """A string value (``value`` is the text after escapes are read)."""

    __slots__ = ("value",)
    _fields = ("value",)
    value: str

    def __init__(self, value: str, *, span: Span | None = None) -> None:
        if not isinstance(value, str):
            raise CWQLTypeError(f"String takes a str, not {type(value).__name__}")
        _set_string(self, value)
        _set_span(self, span)

    @classmethod
    def _unchecked(cls, value: str, span: Span | None) -> String:
        self = _new(cls)
        _set_string(self, value)
        _set_span(self, span)
        return self


class Number(Literal):
    """A number, keeping its digits as written (``2.50`` stays ``2.50``).

    Raises :class:`~cwql.ParseError` E017 for text the server does not read
    as a number (an exponent, a ``+``, more than 38 digits).
    """

    __slots__ = ("text",)
    _fields = ("text",)
    text: str

    def __init__(self, text: str, *, span: Span | None = None) -> None:
        if not isinstance(text, str):
            raise CWQLTypeError(f"Number takes the number's text as a str, not {type(text).__name__}")
        if _NUMBER_RE.fullmatch(text) is None or digit_count(text) > MAX_DIGITS:
            _refuse("E017", f"{text[:40]!r} is not a number the language can hold", text, 0, len(text),
                    f"digits, an optional point and leading minus, at most {MAX_DIGITS} digits")
        _set_text(self, text)
        _set_span(self, span)

    @classmethod
    def _unchecked(cls, text: str, span: Span | None) -> Number:
        self = _new(cls)
        _set_text(self, text)
        _set_span(self, span)
        return self

    @property
    def value(self) -> Any:
        """The number as ``int`` when it has no decimal point, else as ``Decimal``."""
        if "." in self.text:
            from decimal import Decimal

            return Decimal(self.text)
        return int(self.text)

    @property
    def scalar(self) -> int | float:
        """The number as Python reads a JSON number: an ``int``, or a ``float`` with a point.

        Records arrive as JSON, so this is what comparisons with them use.
        """
        return float(self.text) if "." in self.text else int(self.text)


class Boolean(Literal):
    __slots__ = ("value",)
    _fields = ("value",)
    value: bool

    def __init__(self, value: bool, *, span: Span | None = None) -> None:
        if not isinstance(value, bool):
            raise CWQLTypeError(f"Boolean takes a bool, not {type(value).__name__}")
        _set(self, "value", value)
        _set(self, "span", span)


class Null(Literal):
    __slots__ = ()

    def __init__(self, *, span: Span | None = None) -> None:
        _set(self, "span", span)


class DateTime(Literal):
    """A bracketed date or date-time.

    ``value`` is a ``datetime.date`` for a date, else a ``datetime.datetime``:
    aware ones are converted to UTC, naive ones are kept naive (the server's
    time zone for them is unknown). ``fraction`` holds the fractional-second
    digits as written (up to 7, as .NET writes them); ``value.microsecond``
    holds the first six.
    """

    __slots__ = ("fraction", "value")
    _fields = ("value", "fraction")
    value: _dt.date
    fraction: str

    def __init__(self, value: _dt.date, fraction: str = "", *, span: Span | None = None) -> None:
        if not isinstance(value, _dt.date):
            raise CWQLTypeError(
                f"DateTime takes a datetime.date or datetime.datetime, not {type(value).__name__}; "
                "to read text such as '2024-01-01' use cwql.parse"
            )
        if not isinstance(fraction, str):
            raise CWQLTypeError(f"DateTime's fraction is a str of digits, not {type(fraction).__name__}")
        if not isinstance(value, _dt.datetime):
            if fraction:
                raise UsageError("a date has no fractional seconds")
        else:
            if value.tzinfo is not None and value.tzinfo is not _UTC:
                try:
                    value = value.astimezone(_UTC)
                except (OverflowError, ValueError):
                    raise UsageError(f"{value.isoformat()} is outside years 0001-9999 in UTC") from None
            if not fraction:
                if value.microsecond:
                    fraction = f"{value.microsecond:06d}".rstrip("0")
            elif not (fraction.isascii() and fraction.isdigit() and len(fraction) <= 7):
                raise UsageError(f"fraction must be 1-7 digits, not {fraction!r}")
            elif int(fraction[:6].ljust(6, "0")) != value.microsecond:
                raise UsageError(f"fraction .{fraction} disagrees with microsecond {value.microsecond}")
        _set(self, "value", value)
        _set(self, "fraction", fraction)
        _set(self, "span", span)

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, _dt.datetime)

    @property
    def is_naive(self) -> bool:
        return isinstance(self.value, _dt.datetime) and self.value.tzinfo is None


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

    # Members are singletons compared by identity, so identity hashing agrees
    # with equality; Enum's own __hash__ is Python code, and nodes, printers
    # and evaluators look operators up in sets and dicts all the time.
    __hash__ = object.__hash__

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

    @property
    def is_membership(self) -> bool:
        """``in`` and ``not in``, whose operand is a list."""
        return self is Op.IN or self is Op.NOT_IN

    @property
    def is_text(self) -> bool:
        """``contains``, ``like`` and their negations, whose operand is a string pattern."""
        return self in _TEXT


_NEGATED = {
    Op.EQ: Op.NE, Op.NE: Op.EQ,
    Op.LT: Op.GE, Op.GE: Op.LT, Op.GT: Op.LE, Op.LE: Op.GT,
    Op.CONTAINS: Op.NOT_CONTAINS, Op.NOT_CONTAINS: Op.CONTAINS,
    Op.LIKE: Op.NOT_LIKE, Op.NOT_LIKE: Op.LIKE,
    Op.IN: Op.NOT_IN, Op.NOT_IN: Op.IN,
}
_SYMBOLIC = frozenset({Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE})
_ORDERING = frozenset({Op.LT, Op.LE, Op.GT, Op.GE})
_TEXT = frozenset({Op.CONTAINS, Op.NOT_CONTAINS, Op.LIKE, Op.NOT_LIKE})


class Expr(Node):
    """Base of condition expressions: :class:`Predicate`, :class:`And`, :class:`Or`.

    ``a & b``, ``a | b`` and ``~a`` combine conditions (see the module
    docstring). A condition has no truth value: ``bool()`` raises, which
    catches ``a and b``, ``1 < F.x < 5`` and ``if cond:``.
    """

    __slots__ = ()

    #: Nesting height: 0 for a predicate, 1 + the tallest operand for a connective.
    #: (A class attribute, not a property: the parser reads it for every operand.)
    height: int = 0

    def __and__(self, other: Condition) -> Expr:
        return conjoin(self, other)  # type: ignore[return-value]

    def __rand__(self, other: object) -> Expr:
        return conjoin(other, self)  # type: ignore[return-value]

    def __or__(self, other: Expr) -> Expr:
        return disjoin(self, other)

    def __ror__(self, other: object) -> Expr:
        return disjoin(other, self)

    def __invert__(self) -> Expr:
        return negate(self)

    def __bool__(self) -> NoReturn:
        raise CWQLTypeError(NO_TRUTH_VALUE)


class Predicate(Expr):
    """``path op value``. ``value`` is a tuple of literals for ``in``/``not in``.

    Raises :class:`~cwql.ParseError` for what the grammar refuses in text:
    ``null`` with an operator other than ``=``/``!=`` or in a list (E016), a
    ``contains``/``like`` value that is not a string (E025), an empty list
    (E007); :class:`~cwql.CWQLTypeError` for operands of the wrong kind.
    """

    __slots__ = ("op", "path", "value")
    _fields = ("path", "op", "value")
    _children = ("path", "value")
    path: Path
    op: Op
    value: Operand

    def __init__(self, path: Path, op: Op, value: Operand, *, span: Span | None = None) -> None:
        if not isinstance(path, Path) or not isinstance(op, Op):
            raise CWQLTypeError(
                f"a predicate takes a Path and an Op, not {type(path).__name__} and {type(op).__name__}"
            )
        _set_path(self, path)
        _set_op(self, op)
        _set_value(self, value)
        _set_span(self, span)
        check_predicate(self)

    @classmethod
    def _unchecked(cls, path: Path, op: Op, value: Operand, span: Span | None) -> Predicate:
        self = _new(cls)
        _set_path(self, path)
        _set_op(self, op)
        _set_value(self, value)
        _set_span(self, span)
        return self


def check_predicate(node: Predicate) -> None:
    """Refuse a predicate the grammar could not have produced.

    Every :class:`Predicate` is checked when it is made; the consumers that
    run a tree (the evaluator, the SQL translation) call this again, for
    trees that bypassed the constructor. Raises :class:`~cwql.ParseError`
    (E007, E016, E017, E025) or :class:`~cwql.CWQLTypeError`.
    """
    op, value = node.op, node.value
    if isinstance(value, tuple):
        if not op.is_membership:
            raise CWQLTypeError(f"`{op.value}` takes one value, not a list; a list goes with in / not in")
        if not value:
            _refuse("E007", f"`{node.path.name} {op.value} ()` has no values; the language needs at "
                    "least one", f"{node.path.name} {op.value} ()",
                    hint="leave the condition out (or skip the request) when the list is empty")
        for member in value:
            if not isinstance(member, Literal):
                raise CWQLTypeError(f"`{op.value}` lists hold values, not {type(member).__name__}")
            if type(member) is Null:
                _refuse_null(node, "null cannot be in a list: a list never matches null",
                             "write x in (...) or x = null")
        values: tuple[Literal, ...] = value
    elif op.is_membership:
        raise CWQLTypeError(f"`{op.value}` takes a tuple of values")
    elif not isinstance(value, Literal):
        raise CWQLTypeError(f"cannot compare with {type(value).__name__}: a predicate's value is a literal node")
    elif op.is_text and type(value) is not String:
        text = f"{node.path.name} {op.value} {_text(value)}"
        _refuse("E025", f"`{op.value}` takes a string, not {type(value).__name__}", text,
                len(text) - len(_text(value)), len(text), f'write {node.path.name} {op.value} "..."')
    elif type(value) is Null and op is not Op.EQ and op is not Op.NE:
        _refuse_null(node, f"`null` cannot be compared with `{op.value}`", "null only goes with = and !=")
    else:
        values = (value,)
    for member in values:
        # (A number has at least as many characters as digits: most skip the count.)
        if type(member) is Number and len(member.text) > MAX_DIGITS and digit_count(member.text) > MAX_DIGITS:
            _refuse("E017", f"{member.text[:20]}... has more than {MAX_DIGITS} digits", member.text,
                    0, len(member.text), "a long identifier or code is a string: put it in quotes")


def _refuse_null(node: Predicate, message: str, hint: str) -> NoReturn:
    text = f"{node.path.name} {node.op.value} null" if not node.op.is_membership else (
        f"{node.path.name} {node.op.value} (null)")
    at = text.index("null")
    _refuse("E016", message, text, at, at + 4, hint)


class _Connective(Expr):
    __slots__ = ("height", "operands", "parenthesized")
    _fields = ("operands",)
    _children = ("operands",)
    operands: tuple[Expr, ...]
    #: Whether the source wrapped this group in parentheses (the linter asks; never compared).
    parenthesized: bool
    height: int

    def __init__(
        self, operands: tuple[Expr, ...], *, parenthesized: bool = False, span: Span | None = None
    ) -> None:
        cls = type(self)
        if not isinstance(operands, tuple | list):
            raise CWQLTypeError(f"{cls.__name__} takes a tuple of conditions, not {type(operands).__name__}")
        flat: list[Expr] = []
        height = 0
        for operand in operands:
            if type(operand) is cls:
                # Its operands join this node, so they, not it, set the height.
                flat.extend(operand.operands)
                below = operand.height - 1
            elif isinstance(operand, Expr):
                flat.append(operand)
                below = operand.height
            else:
                raise CWQLTypeError(f"{cls.__name__} takes condition nodes, not {type(operand).__name__}")
            if below > height:
                height = below
        if len(flat) < 2:
            raise UsageError(f"{cls.__name__} needs at least two operands")
        if height >= MAX_HEIGHT:
            refuse_height()
        _set_operands(self, tuple(flat))
        _set_parenthesized(self, parenthesized)
        _set_height(self, height + 1)
        _set_span(self, span)

    @classmethod
    def _unchecked(
        cls, operands: tuple[Expr, ...], parenthesized: bool, height: int, span: Span | None
    ) -> _Connective:
        # For the parser, which has flattened the operands and measured the height.
        self = _new(cls)
        _set_operands(self, operands)
        _set_parenthesized(self, parenthesized)
        _set_height(self, height)
        _set_span(self, span)
        return self


def refuse_height() -> NoReturn:
    """Raise the E020 :class:`~cwql.ParseError` for a tree taller than :data:`MAX_HEIGHT`."""
    _refuse("E020", f"conditions nest deeper than {MAX_HEIGHT} alternating and/or groups", "",
            hint="flatten the groups")


class And(_Connective):
    """All operands hold."""

    __slots__ = ()


class Or(_Connective):
    """At least one operand holds."""

    __slots__ = ()


# ---- orderBy and fields ------------------------------------------------------


class SortKey(Node):
    __slots__ = ("descending", "path")
    _fields = ("path", "descending")
    _children = ("path",)
    path: Path
    descending: bool

    def __init__(self, path: Path, descending: bool = False, *, span: Span | None = None) -> None:
        if not isinstance(path, Path) or not isinstance(descending, bool):
            raise CWQLTypeError("SortKey takes a Path and a bool")
        _set(self, "path", path)
        _set(self, "descending", descending)
        _set(self, "span", span)


def _node_tuple(items: object, cls: str, node: str) -> tuple[Any, ...]:
    """``items`` as a tuple; anything but a tuple or list is the caller's type error."""
    if not isinstance(items, tuple | list):
        raise CWQLTypeError(f"{cls} takes a non-empty tuple of {node} nodes, not {type(items).__name__}")
    return tuple(items)


class OrderBy(Node):
    """The ``orderBy`` parameter: one or more sort keys."""

    __slots__ = ("keys",)
    _fields = ("keys",)
    _children = ("keys",)
    keys: tuple[SortKey, ...]

    def __init__(self, keys: tuple[SortKey, ...], *, span: Span | None = None) -> None:
        keys = _node_tuple(keys, "OrderBy", "SortKey")
        if not keys or not all(isinstance(k, SortKey) for k in keys):
            raise CWQLTypeError("OrderBy takes a non-empty tuple of SortKey nodes")
        _set(self, "keys", keys)
        _set(self, "span", span)


class Fields(Node):
    """The ``fields`` parameter: the paths to return."""

    __slots__ = ("paths",)
    _fields = ("paths",)
    _children = ("paths",)
    paths: tuple[Path, ...]

    def __init__(self, paths: tuple[Path, ...], *, span: Span | None = None) -> None:
        paths = _node_tuple(paths, "Fields", "Path")
        if not paths or not all(isinstance(p, Path) for p in paths):
            raise CWQLTypeError("Fields takes a non-empty tuple of Path nodes")
        _set(self, "paths", paths)
        _set(self, "span", span)


# Node construction for the parser sets slots through their descriptors: a
# little faster than ``object.__setattr__``, which looks the name up first.
_new = object.__new__
_set_span = Node.__dict__["span"].__set__
_set_name = Path.__dict__["name"].__set__
_set_text = Number.__dict__["text"].__set__
_set_string = String.__dict__["value"].__set__
_set_operands = _Connective.__dict__["operands"].__set__
_set_parenthesized = _Connective.__dict__["parenthesized"].__set__
_set_height = _Connective.__dict__["height"].__set__
_set_path = Predicate.__dict__["path"].__set__
_set_op = Predicate.__dict__["op"].__set__
_set_value = Predicate.__dict__["value"].__set__


# ---- traversal ---------------------------------------------------------------


def children(node: Node) -> tuple[Node, ...]:
    """The child nodes of ``node``, in source order (from its class's ``_children``)."""
    names = node._children
    if not names:
        return ()
    if len(names) == 1:  # one field: its tuple is the answer, or its node alone
        value = getattr(node, names[0])
        return value if type(value) is tuple else (value,)
    found: list[Node] = []
    for name in names:
        value = getattr(node, name)
        if isinstance(value, tuple):
            found.extend(value)
        else:
            found.append(value)
    return tuple(found)


def walk(node: Node) -> Iterator[Node]:
    """Every node under ``node`` (itself included), in source order, without recursion."""
    stack: list[Node] = [node]
    pop, extend = stack.pop, stack.extend
    while stack:
        current = pop()
        yield current
        if current._children:
            extend(reversed(children(current)))


_R = TypeVar("_R")


def fold(
    node: Node,
    fn: Callable[[Node, tuple[_R, ...]], _R],
    *,
    leaves: tuple[type[Node], ...] = (),
) -> _R:
    """Combine a tree bottom-up: ``fn(node, results of its children)``, post-order, iteratively.

    Nodes of the ``leaves`` types are not entered: ``fn`` gets ``()`` for
    them (``leaves=(Predicate,)`` folds over the and/or structure only).
    """
    results: list[_R] = []
    # Each entry: a node, and its children once they have been pushed (None before).
    stack: list[tuple[Node, tuple[Node, ...] | None]] = [(node, None)]
    pop, push, extend, append = stack.pop, stack.append, stack.extend, results.append
    while stack:
        current, kids = pop()
        if kids is None:
            kids = () if isinstance(current, leaves) else children(current)
            if kids:
                push((current, kids))
                extend(zip(reversed(kids), repeat(None)))
                continue
            append(fn(current, ()))
        else:
            count = len(kids)
            done = tuple(results[-count:])
            del results[-count:]
            append(fn(current, done))
    return results[0]


def transform(
    node: Node,
    fn: Callable[[Node], Node],
    *,
    leaves: tuple[type[Node], ...] = (),
) -> Node:
    """A new tree: each node rebuilt from its transformed children, then passed to ``fn``.

    Post-order, iteratively; ``fn`` returns the node to use in its place (the
    node itself to keep it). Unchanged subtrees are shared, not copied, and
    connectives flatten as usual when ``fn`` returns one of their own kind.
    """

    def rebuild(current: Node, kids: tuple[Node, ...]) -> Node:
        if kids and any(new is not old for new, old in zip(kids, children(current), strict=True)):
            current = _with_children(current, kids)
        return fn(current)

    return fold(node, rebuild, leaves=leaves)


def _with_children(node: Node, kids: tuple[Node, ...]) -> Node:
    """``node`` with its children replaced by ``kids`` (in :func:`children` order)."""
    values: dict[str, Any] = {name: getattr(node, name) for name in node._fields}
    at = 0
    for name in node._children:
        old = values[name]
        if isinstance(old, tuple):
            values[name] = tuple(kids[at:at + len(old)])
            at += len(old)
        else:
            values[name] = kids[at]
            at += 1
    if isinstance(node, _Connective):
        return type(node)(values["operands"], parenthesized=node.parenthesized, span=node.span)
    return type(node)(**values, span=node.span)  # type: ignore[call-arg]


# ---- combining conditions --------------------------------------------------------

NO_TRUTH_VALUE = (
    "a cwql condition has no truth value, so Python's `and`, `or`, `not`, `if`, `in` and "
    "chained comparisons (`1 < F.x < 5`) cannot use it. Combine conditions with `&` (and), "
    "`|` (or) and `~` (not), with parentheses around each comparison: "
    "(F.a == 1) & ((F.b > 2) | ~(F.c == 3)); for a range write F.x.between(low, high), "
    "for a list F.x.in_([...])"
)


class Empty:
    """The type of :data:`EMPTY`, the condition with no terms.

    It matches every record and produces no parameter. ``EMPTY & c`` is ``c``;
    ``EMPTY | c`` and ``~EMPTY`` raise, because an ``or`` with "everything" is
    "everything" (almost always a bug when collecting alternatives) and "nothing"
    cannot be written in the language. It is not an :class:`Expr`, so it can
    never sit inside an ``And`` or ``Or``, and ``cwql.parse`` never returns it.
    """

    __slots__ = ()
    _instance: ClassVar[Empty | None] = None

    def __new__(cls) -> Empty:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __and__(self, other: Condition) -> Condition:
        return conjoin(self, other)

    def __rand__(self, other: object) -> Condition:
        return conjoin(other, self)

    def __or__(self, other: Condition) -> NoReturn:
        disjoin(self, other)
        raise AssertionError("unreachable")  # pragma: no cover

    def __ror__(self, other: object) -> NoReturn:
        disjoin(other, self)
        raise AssertionError("unreachable")  # pragma: no cover

    def __invert__(self) -> NoReturn:
        raise CWQLTypeError(
            "~cwql.EMPTY would match no record, and the language has no way to say that; "
            "skip the request instead"
        )

    def __bool__(self) -> NoReturn:
        raise CWQLTypeError(NO_TRUTH_VALUE + "; to test for the empty condition use `cond is cwql.EMPTY`")

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "cwql.EMPTY"

    def __reduce__(self) -> str:
        return "EMPTY"


#: The empty condition: the identity of ``&``; a Query sends no parameter for it.
EMPTY = Empty()

#: What a condition parameter holds: a tree, or the empty condition.
Condition: TypeAlias = Expr | Empty


def _conjunct(value: object) -> object:
    """A validated filter (anything with ``__cwql_expr__``) joins ``&`` as its tree.

    Only ``&`` and ``all_of`` take it: ANDing a user's validated filter under
    the application's condition is the safe use, and ``|`` would widen the
    application's scope, so ``|`` keeps refusing it.
    """
    convert = getattr(type(value), "__cwql_expr__", None)
    return convert(value) if convert is not None else value


def require_condition(value: object, where: str) -> None:
    """Raise :class:`~cwql.CWQLTypeError` unless ``value`` is a condition or :data:`EMPTY`."""
    if not isinstance(value, Expr | Empty):
        raise CWQLTypeError(not_a_condition(value, where))


def not_a_condition(value: object, where: str) -> str:
    """Why ``value`` cannot be used with ``where`` (an operator or function name).

    An object whose type defines ``__cwql_misuse__(where)`` (the DSL's fields)
    words its own explanation.
    """
    misuse = getattr(type(value), "__cwql_misuse__", None)
    if misuse is not None:
        return str(misuse(value, where))
    kind = type(value).__name__
    if isinstance(value, bool):
        return (
            f"{where} got a bool, not a condition: a Python test such as `F.x is None` "
            "(always False) or `x in list` was evaluated. Use F.x.is_null(), F.x.in_([...])"
        )
    if isinstance(value, str):
        return f"{where} got a str, not a condition: parse text first with cwql.parse(text)"
    if isinstance(value, list | tuple | set | frozenset) or hasattr(value, "__next__"):
        return (
            f"{where} got a {kind}, not a condition: pass conditions as separate "
            "arguments, all_of(*conditions)"
        )
    return f"{where} takes conditions, not {kind}"


def conjoin(left: object, right: object) -> Condition:
    """``left & right``: both hold. :data:`EMPTY` is the identity."""
    left, right = _conjunct(left), _conjunct(right)
    require_condition(left, "`&`")
    require_condition(right, "`&`")
    if isinstance(left, Empty):
        return right  # type: ignore[return-value]
    if isinstance(right, Empty):
        return left  # type: ignore[return-value]
    return And((left, right))  # type: ignore[arg-type]


EMPTY_OR = (
    "cwql.EMPTY | condition would match every record, dropping the condition. To build an "
    "`or` of several conditions collect them and use cwql.any_of(*conditions)"
)


def disjoin(left: object, right: object) -> Expr:
    """``left | right``: at least one holds. :data:`EMPTY` is refused."""
    require_condition(left, "`|`")
    require_condition(right, "`|`")
    if isinstance(left, Empty) or isinstance(right, Empty):
        raise CWQLTypeError(EMPTY_OR)
    return Or((left, right))  # type: ignore[arg-type]


def negate(expr: object) -> Expr:
    """``~expr``: every operator negated and ``and``/``or`` swapped (see the module docstring)."""
    if isinstance(expr, Empty):
        expr.__invert__()  # raises, with the reason
    require_condition(expr, "`~`")

    def flip(node: Node, operands: tuple[Expr, ...]) -> Expr:
        if isinstance(node, Predicate):
            return Predicate(node.path, node.op.negated, node.value)
        return (Or if type(node) is And else And)(operands)

    return fold(expr, flip, leaves=(Predicate,))  # type: ignore[arg-type]


# ---- plain data --------------------------------------------------------------


def as_data(node: Node) -> Any:
    """``node`` as JSON-ready data: dicts with a ``type`` key, lists, str, bool.

    Each of the node's fields becomes a key; spans are included as
    ``[start, end]`` when known. Built without recursion.
    """

    def one(current: Node, kids: tuple[Any, ...]) -> Any:
        data: dict[str, Any] = {"type": type(current).__name__}
        done = iter(kids)
        for name in current._fields:
            value = getattr(current, name)
            if name in current._children:
                data[name] = [next(done) for _ in value] if isinstance(value, tuple) else next(done)
            elif isinstance(value, Op):
                data[name] = value.value
            elif isinstance(value, _dt.date):
                data[name] = value.isoformat()
            else:
                data[name] = value
        if current.span is not None:
            data["span"] = list(current.span)
        return data

    return fold(node, one)
