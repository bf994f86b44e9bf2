"""Run conditions locally: a condition compiled once into closures, then called per record.

The semantics are a *model* of what the Manage server does (LANGUAGE.md §6;
docs/evaluator.md states each rule with an example):

- strings compare case-insensitively (both sides through ``str.lower``; for
  the few characters that lower into two, ``_`` in a ``like`` counts the
  lowered text);
- a missing or ``null`` field matches ``= null`` only; every other comparison
  with it is false, negated operators included (SQL's three-valued logic; the
  language has no standalone ``not``, so "unknown" can be treated as false);
- a record value is coerced to the type of the literal it meets: numbers
  written as strings compare as numbers, ISO 8601 strings as instants; a value
  that cannot be coerced does not match (again, negated operators included);
- datetimes compare as instants: a date is midnight UTC, a naive time is UTC;
- field names match case-insensitively, and ``lastUpdated``, ``dateEntered``,
  ``enteredBy``, ``updatedBy`` fall back to ``_info/...`` (and back).

Compiling walks the tree once, without recursion, and builds each predicate's
closure specialised for its operator and literal type, so calling the result
does no dispatch on node types.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from itertools import product
from typing import Any, TypeAlias

from ._parser import parse
from ._patterns import ANY, parse_like, to_regex
from ._patterns import contains_text as _contains_text
from ._semantics import model_instant
from ._spec import MAX_DIGITS, ConditionKind, digit_count, parameter
from .errors import CWQLTypeError
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

__all__ = ["Record", "RecordPredicate", "compile_predicate", "evaluate", "getter"]

#: What the evaluator reads: a JSON object as Python holds it.
Record: TypeAlias = Mapping[str, Any]
#: A compiled condition: record in, ``True`` when it matches.
RecordPredicate: TypeAlias = Callable[[Record], bool]

_Get: TypeAlias = Callable[[Any], Any]

_UTC = _dt.UTC
_MISSING: Any = object()

#: ``_info`` keys the official examples filter on at the top level (LANGUAGE.md §2.13).
INFO_FIELDS = frozenset({"lastupdated", "dateentered", "enteredby", "updatedby"})


# ---- public entry points ------------------------------------------------------


def compile_predicate(expr: Expr | str, kind: ConditionKind = "conditions") -> RecordPredicate:
    """Compile a condition once into a function ``record -> bool``.

    ``expr`` is a tree or the text of a condition. ``kind`` says which
    parameter it is: ``conditions`` tests the record; ``childConditions``
    tests the members of the arrays its paths name (``communicationItems/value``:
    some member of ``communicationItems`` has a matching ``value``);
    ``customFieldConditions`` tests the rows of ``customFields`` (``caption``,
    ``value``). Compiled functions are cached, so calling this again with the
    same condition is cheap. Raises :class:`~cwql.ParseError` for bad text and
    :class:`~cwql.CWQLTypeError` for something that is not a condition.
    """
    parameter(kind, conditions_only=True)
    if isinstance(expr, str):
        return _compile_text(expr, kind)
    if not isinstance(expr, Expr):
        raise CWQLTypeError(f"compile_predicate takes a condition or its text, not {type(expr).__name__}")
    return _compile_tree(expr, kind)


def evaluate(expr: Expr | str, record: Record, kind: ConditionKind = "conditions") -> bool:
    """Whether ``record`` matches the condition (see :func:`compile_predicate`)."""
    return compile_predicate(expr, kind)(record)


@functools.lru_cache(maxsize=256)
def _compile_text(text: str, kind: ConditionKind) -> RecordPredicate:
    return _compile_tree(parse(text, kind), kind)


@functools.lru_cache(maxsize=256)
def _compile_tree(expr: Expr, kind: ConditionKind) -> RecordPredicate:
    if kind == "childConditions":
        return _child_conditions(expr)
    if kind == "customFieldConditions":
        return _custom_field_conditions(expr)
    return _compile(expr)


# ---- the tree -----------------------------------------------------------------


def _compile(expr: Expr) -> RecordPredicate:
    """Closures built bottom-up from an explicit post-order walk (no recursion)."""
    done: dict[int, RecordPredicate] = {}
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if isinstance(node, Predicate):
            done[id(node)] = _predicate(node)
        elif isinstance(node, (And, Or)):
            if not expanded:
                stack.append((node, True))
                stack.extend((child, False) for child in node.operands)
                continue
            fns = tuple(done[id(child)] for child in node.operands)
            done[id(node)] = _all(fns) if isinstance(node, And) else _any(fns)
        else:
            raise CWQLTypeError(f"not a condition node: {type(node).__name__}")
    return done[id(expr)]


def _all(fns: tuple[RecordPredicate, ...]) -> RecordPredicate:
    if len(fns) == 2:
        a, b = fns
        return lambda r: a(r) and b(r)
    if len(fns) == 3:
        a, b, c = fns
        return lambda r: a(r) and b(r) and c(r)

    def all_of(r: Record) -> bool:
        for fn in fns:  # noqa: SIM110 - a loop costs less than a generator per record
            if not fn(r):
                return False
        return True

    return all_of


def _any(fns: tuple[RecordPredicate, ...]) -> RecordPredicate:
    if len(fns) == 2:
        a, b = fns
        return lambda r: a(r) or b(r)
    if len(fns) == 3:
        a, b, c = fns
        return lambda r: a(r) or b(r) or c(r)

    def any_of(r: Record) -> bool:
        for fn in fns:  # noqa: SIM110 - as above
            if fn(r):
                return True
        return False

    return any_of


# ---- childConditions and customFieldConditions --------------------------------


def _child_conditions(expr: Expr) -> RecordPredicate:
    """Some member of the named array satisfies the whole condition.

    A path's first segment names the array, the rest a field of the member
    (none: the member itself, for arrays of plain values such as
    ``integratorTags``). The condition is tested against one member of each
    array it names at a time; with several arrays, against every combination
    (SQL's join), so the cost is the product of their lengths.
    """
    from .syntax import Path, walk

    arrays: dict[str, list[str]] = {}  # lowered name -> spellings used
    for node in walk(expr):
        if isinstance(node, Path):
            head = node.segments[0]
            spellings = arrays.setdefault(head.lower(), [])
            if head not in spellings:
                spellings.append(head)
    inner = _compile(expr)
    getters = [(getter(spellings[0]), spellings) for spellings in arrays.values()]

    if len(getters) == 1:
        (get, names), = getters
        if len(names) == 1:
            name = names[0]

            def one_array(r: Record) -> bool:
                members = get(r)
                if not isinstance(members, list | tuple):
                    return False
                for member in members:  # noqa: SIM110 - as above
                    if inner({name: member}):
                        return True
                return False

            return one_array

    def many(r: Record) -> bool:
        pools = []
        for get, _names in getters:
            members = get(r)
            if not isinstance(members, list | tuple):
                return False
            pools.append(members)
        for combination in product(*pools):
            binding = {
                name: member
                for (_get, names), member in zip(getters, combination, strict=True)
                for name in names
            }
            if inner(binding):
                return True
        return False

    return many


def _custom_field_conditions(expr: Expr) -> RecordPredicate:
    """Some row of ``customFields`` satisfies the condition (paths are row fields)."""
    inner = _compile(expr)
    get = getter("customFields")

    def custom_fields(r: Record) -> bool:
        rows = get(r)
        if not isinstance(rows, list | tuple):
            return False
        return any(inner(row) for row in rows if isinstance(row, Mapping))

    return custom_fields


# ---- paths ----------------------------------------------------------------------


def getter(name: str) -> _Get:
    """A function reading ``name`` from a record; ``None`` when it is not there.

    The exact spelling is tried first, as plain subscripts inside ``try``
    (free when it works); anything else goes to :func:`_lookup`.
    """
    segments = tuple(name.split("/"))
    slow = functools.partial(_lookup, segments=segments)
    errors = (KeyError, TypeError, IndexError)
    if len(segments) == 1:
        (a,) = segments

        def get1(r: Any) -> Any:
            try:
                return r[a]
            except errors:
                return slow(r)

        return get1
    if len(segments) == 2:
        a, b = segments

        def get2(r: Any) -> Any:
            try:
                return r[a][b]
            except errors:
                return slow(r)

        return get2
    if len(segments) == 3:
        a, b, c = segments

        def get3(r: Any) -> Any:
            try:
                return r[a][b][c]
            except errors:
                return slow(r)

        return get3
    return slow


def _lookup(record: Any, segments: tuple[str, ...]) -> Any:
    if not isinstance(record, Mapping):
        raise CWQLTypeError(f"a record is a mapping (a dict), not {type(record).__name__}")
    value = _walk(record, segments)
    if value is not _MISSING:
        return value
    head = segments[0].lower()
    if len(segments) == 1 and head in INFO_FIELDS:
        value = _walk(record, ("_info", segments[0]))
    elif len(segments) == 2 and head == "_info" and segments[1].lower() in INFO_FIELDS:
        value = _walk(record, segments[1:])
    return None if value is _MISSING else value


def _walk(value: Any, segments: tuple[str, ...]) -> Any:
    for segment in segments:
        if not isinstance(value, Mapping):
            return _MISSING
        found = value.get(segment, _MISSING)
        if found is _MISSING:
            key = _keys_by_lower(value).get(segment.lower())
            if key is None:
                return _MISSING
            found = value[key]
        value = found
    return value


# Field names are case-insensitive on the server. Records of one endpoint
# share a few key sets, so the lowered-key map is cached per key set.
_KEY_MAPS: dict[tuple[Any, ...], dict[str, str]] = {}


def _keys_by_lower(mapping: Mapping[Any, Any]) -> dict[str, str]:
    keys = tuple(mapping)
    found = _KEY_MAPS.get(keys)
    if found is None:
        found = {}
        for key in keys:
            if isinstance(key, str):
                found.setdefault(key.lower(), key)
        if len(_KEY_MAPS) >= 512:
            _KEY_MAPS.clear()
        _KEY_MAPS[keys] = found
    return found


# ---- coercion: a record value as the literal's type -------------------------------

_NUMERIC = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _as_number(v: Any) -> Any:
    """``v`` as an int or float, or ``None``. Booleans are not numbers."""
    t = type(v)
    if t is int or t is float:
        return v
    if t is str:
        # Past MAX_DIGITS the server's decimals (and Python's int()) give up too.
        if len(v) <= MAX_DIGITS + 2 and _NUMERIC.fullmatch(v) and digit_count(v) <= MAX_DIGITS:
            return float(v) if "." in v else int(v)
        return None
    if t is bool:
        return None
    if isinstance(v, Decimal):
        return float(v) if v.is_finite() else None
    if isinstance(v, int | float):  # subclasses (numpy scalars register as these)
        return v
    return None


def _as_instant(v: Any) -> _dt.datetime | None:
    """``v`` as an aware datetime, or ``None``: a date is midnight UTC, naive means UTC."""
    if isinstance(v, str):
        if len(v) < 10 or v[4] != "-":
            return None
        try:
            value = _dt.datetime.fromisoformat(v)
        except ValueError:
            return None
    elif isinstance(v, _dt.datetime):
        value = v
    elif isinstance(v, _dt.date):
        return _dt.datetime(v.year, v.month, v.day, tzinfo=_UTC)
    else:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=_UTC)


# ---- predicates ------------------------------------------------------------------
#
# Each predicate becomes one function that reads the field and tests it, so a
# record costs one call per predicate. The function is generated from fixed
# source fragments (operators from _SYMBOLS, names below); every value from
# the condition (field names, literals, patterns) reaches it through the
# namespace, never through the source text.

_SYMBOLS = {Op.EQ: "==", Op.NE: "!=", Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}
_ERRORS = (KeyError, TypeError, IndexError)
# Longer paths read through _lookup only: a subscript chain as long as the
# path would make the generated source as deep as the user's input.
_MAX_INLINE_SEGMENTS = 8


class _Code:
    """The test half of a predicate: statements over ``v``, and the names they use."""

    __slots__ = ("body", "names")

    def __init__(self, body: str, **names: Any) -> None:
        self.body = body
        self.names = names


def _predicate(node: Predicate) -> RecordPredicate:
    code = _test(node)
    segments = tuple(node.path.name.split("/"))
    names: dict[str, Any] = {
        "_errors": _ERRORS, "_slow": functools.partial(_lookup, segments=segments), **code.names,
    }
    if len(segments) <= _MAX_INLINE_SEGMENTS:
        keys = "".join(f"[_k{i}]" for i in range(len(segments)))
        names.update((f"_k{i}", segment) for i, segment in enumerate(segments))
        read = f"    try:\n        v = r{keys}\n    except _errors:\n        v = _slow(r)\n"
    else:
        read = "    v = _slow(r)\n"
    body = "".join(f"    {line}\n" for line in code.body.splitlines())
    exec(f"def _p(r):\n{read}{body}", names)  # noqa: S102 - fixed fragments; values travel in names
    fn: RecordPredicate = names["_p"]
    return fn


def _test(node: Predicate) -> _Code:
    """The test on the field's value, specialised per operator and literal type."""
    check_predicate(node)
    op, value = node.op, node.value
    if isinstance(value, tuple):
        return _membership(op, value)
    if type(value) is Null:
        return _Code("return v is None" if op is Op.EQ else "return v is not None")
    if op in (Op.CONTAINS, Op.NOT_CONTAINS, Op.LIKE, Op.NOT_LIKE):
        return _match(op, value.value)  # type: ignore[attr-defined]
    return _compare(op, value)


def _compare(op: Op, lit: Literal) -> _Code:
    sym = _SYMBOLS[op]
    cls = type(lit)
    if cls is String:
        return _Code(f"return isinstance(v, str) and v.lower() {sym} _s", _s=lit.value.lower())  # type: ignore[attr-defined]
    if cls is Number:
        # Values that already are numbers skip coercion.
        return _Code(
            "t = type(v)\n"
            "if t is int or t is float:\n"
            f"    return v {sym} _n\n"
            "x = _coerce(v)\n"
            f"return x is not None and x {sym} _n",
            _n=lit.scalar, _coerce=_as_number,  # type: ignore[attr-defined]
        )
    if cls is DateTime:
        return _Code(
            f"x = _coerce(v)\nreturn x is not None and x {sym} _n",
            _n=model_instant(lit), _coerce=_as_instant,  # type: ignore[arg-type]
        )
    if cls is Boolean:
        if op is Op.EQ:
            return _Code("return v is _b", _b=lit.value)  # type: ignore[attr-defined]
        return _Code(f"return type(v) is bool and v {sym} _b", _b=lit.value)  # type: ignore[attr-defined]
    raise CWQLTypeError(f"cannot compare with {cls.__name__}")


def _match(op: Op, pattern: str) -> _Code:
    negate = "not " if op in (Op.NOT_CONTAINS, Op.NOT_LIKE) else ""
    if op in (Op.CONTAINS, Op.NOT_CONTAINS):
        return _Code(f"return isinstance(v, str) and _s {negate}in v.lower()", _s=_contains_text(pattern).lower())
    items = parse_like(pattern.lower())
    # The shapes people write most are plain string tests; the rest is a regex.
    test: str
    names: dict[str, Any] = {}
    if not items:
        test = 'v == ""'
    elif len(items) == 1 and isinstance(items[0], str):
        test, names["_s"] = "v.lower() == _s", items[0]
    elif items == [ANY]:
        test = "True"
    elif len(items) == 2 and items[1] is ANY and isinstance(items[0], str):
        test, names["_s"] = "v.lower().startswith(_s)", items[0]
    elif len(items) == 2 and items[0] is ANY and isinstance(items[1], str):
        test, names["_s"] = "v.lower().endswith(_s)", items[1]
    elif len(items) == 3 and items[0] is ANY and items[2] is ANY and isinstance(items[1], str):
        test, names["_s"] = "_s in v.lower()", items[1]
    else:
        test, names["_fullmatch"] = "_fullmatch(v.lower()) is not None", re.compile(to_regex(items), re.DOTALL).fullmatch
    return _Code(f"return isinstance(v, str) and {negate}({test})", **names)


def _membership(op: Op, values: tuple[Literal, ...]) -> _Code:
    """``in``: equal to some value; ``not in``: comparable with, and unequal to, every one.

    Values are grouped by type; each group is a set of the coerced literals.
    """
    strings: set[str] = set()
    numbers: set[int | float] = set()
    instants: set[_dt.datetime] = set()
    booleans: set[bool] = set()
    for lit in values:
        cls = type(lit)
        if cls is String:
            strings.add(lit.value.lower())  # type: ignore[attr-defined]
        elif cls is Number:
            numbers.add(lit.scalar)  # type: ignore[attr-defined]
        elif cls is DateTime:
            instants.add(model_instant(lit))  # type: ignore[arg-type]
        elif cls is Boolean:
            booleans.add(lit.value)  # type: ignore[attr-defined]
    groups: list[tuple[Callable[[Any], Any], set[Any]]] = []
    if strings:
        groups.append((_lower_or_none, strings))
    if numbers:
        groups.append((_as_number, numbers))
    if instants:
        groups.append((_as_instant, instants))
    if booleans:
        groups.append((_bool_or_none, booleans))

    if op is Op.IN and len(groups) == 1:
        if strings:
            return _Code("return isinstance(v, str) and v.lower() in _set", _set=strings)
        if numbers:
            return _Code(
                "t = type(v)\n"
                "if t is int or t is float:\n"
                "    return v in _set\n"
                "x = _coerce(v)\n"
                "return x is not None and x in _set",
                _set=numbers, _coerce=_as_number,
            )
    if op is Op.IN:
        def in_any(v: Any) -> bool:
            for coerce, members in groups:
                x = coerce(v)
                if x is not None and x in members:
                    return True
            return False
        return _Code("return _test(v)", _test=in_any)

    def not_in(v: Any) -> bool:
        for coerce, members in groups:
            x = coerce(v)
            if x is None or x in members:
                return False
        return True
    return _Code("return _test(v)", _test=not_in)


def _lower_or_none(v: Any) -> str | None:
    return v.lower() if isinstance(v, str) else None


def _bool_or_none(v: Any) -> bool | None:
    return v if type(v) is bool else None
