"""Run conditions locally: a condition compiled once into functions, then called per record.

The semantics are the model in :mod:`cwql._semantics` (LANGUAGE.md §6;
docs/evaluator.md states each rule with an example):

- strings compare through ``_semantics.text_key`` (without case or trailing
  spaces); ``like`` and ``contains`` match per character without case, read
  and run by :mod:`cwql._patterns` (linear time);
- a missing or ``null`` field matches ``= null`` only; every other comparison
  with it is false, negated operators included (SQL's three-valued logic; the
  language has no standalone ``not``, so "unknown" can be treated as false);
- a record value is coerced to the type of the literal it meets (numbers
  written as strings compare as numbers, ISO 8601 strings as instants); a
  value that cannot be coerced does not match, negated operators included;
- field names match case-insensitively, and ``lastUpdated``, ``dateEntered``,
  ``enteredBy``, ``updatedBy`` fall back to ``_info/...`` (and back).

Compiling folds the tree once (``syntax.fold``). Each predicate becomes one
function that reads the field and tests it: a copy of one of the templates
below (plain functions in this file, so tracebacks show their real lines),
given the predicate's constants as its globals. Calling the result does no
dispatch on node types and raises no exception for a missing field.
"""

from __future__ import annotations

import builtins
import functools
import operator
import types
from collections.abc import Callable, Mapping
from itertools import product
from typing import Any, NamedTuple, TypeAlias

from . import _semantics as model
from ._parser import parse
from ._patterns import ANY, Item, fold, matcher, never_matches, parse_contains, parse_like
from ._spec import ConditionKind, parameter
from .errors import CWQLTypeError
from .syntax import (
    And,
    Boolean,
    Expr,
    Literal,
    Node,
    Null,
    Number,
    Op,
    Or,
    Path,
    Predicate,
    String,
    check_predicate,
    walk,
)
from .syntax import fold as fold_tree

__all__ = ["Record", "RecordPredicate", "compile_predicate", "evaluate", "getter"]

#: What the evaluator reads: a JSON object as Python holds it.
Record: TypeAlias = Mapping[str, Any]
#: A compiled condition: record in, ``True`` when it matches.
RecordPredicate: TypeAlias = Callable[[Record], bool]

_Get: TypeAlias = Callable[[Any], Any]
_Template: TypeAlias = Callable[[Any], bool]


class _Missing:
    """The marker for "no such key"; its ``get`` answers itself, so a chain of reads needs no test."""

    __slots__ = ()

    def get(self, key: object, default: object = None) -> object:
        return default

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()

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
    :class:`~cwql.CWQLTypeError` for something that is not a condition; the
    function raises :class:`~cwql.CWQLTypeError` for a record that is not a
    mapping. It never changes the record (a ``defaultdict`` gains no key).
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


class _Part(NamedTuple):
    """A compiled node; for a predicate, also its template, globals and family, to copy."""

    fn: RecordPredicate
    template: _Template | None = None
    names: dict[str, Any] | None = None
    family: str = ""


def _compile(expr: Expr) -> RecordPredicate:
    """One function per node, built bottom-up by the tree's own fold (no recursion)."""

    def build(node: Node, parts: tuple[_Part, ...]) -> _Part:
        if isinstance(node, Predicate):
            template, names, family = _predicate(node)
            return _Part(_instance(template, names), template, names, family)
        if isinstance(node, And | Or):
            return _Part(_connect(parts, isinstance(node, And)))
        raise CWQLTypeError(f"not a condition node: {type(node).__name__}")

    return fold_tree(expr, build, leaves=(Predicate,)).fn


def _connect(parts: tuple[_Part, ...], conjunction: bool) -> RecordPredicate:
    """``and``/``or`` of the parts, short-circuiting left to right.

    For a few operands ending in a predicate, that predicate's template is
    copied with the rest as its guard (``_before``), which saves a call per
    record; the guard's answer ``_stop`` (false for ``and``) is final.
    """
    pair = _text_pair(parts, conjunction)
    if pair is not None:
        return pair
    last = parts[-1]
    if 2 <= len(parts) <= 4 and last.template is not None and last.names is not None:
        guard = parts[0].fn if len(parts) == 2 else _connect(parts[:-1], conjunction)
        return _instance(last.template, {**last.names, "_before": guard, "_stop": not conjunction})
    fns = tuple(part.fn for part in parts)
    return _all(fns) if conjunction else _any(fns)


def _text_pair(parts: tuple[_Part, ...], conjunction: bool) -> RecordPredicate | None:
    """Two ``like``/``contains`` tests of one field (``summary contains "a" or summary like "b*"``)
    as one function that reads and lowers the value once; None for anything else."""
    if len(parts) != 2 or any(p.family not in ("pattern", "contains") or p.names is None for p in parts):
        return None
    first, second = (dict(p.names or {}) for p in parts)
    if first["_node"].path != second["_node"].path:
        return None
    for names in (first, second):
        if "_op" not in names:  # the contains template tests `_x in text` itself
            names.update(_op=operator.contains, _neg=False)
    depth = len(first["_node"].path.segments)
    template = _two_patterns_1 if depth == 1 else _two_patterns_2 if depth == 2 else _two_patterns_n
    return _instance(template, {
        **first, "_stop": not conjunction, "_op2": second["_op"], "_x2": second["_x"], "_neg2": second["_neg"],
    })


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
    """A function reading the path ``name`` from a record; ``None`` when it is not there."""
    # partial with positional arguments only: a keyword would cost a dict per call.
    return functools.partial(_lookup_path, tuple(name.split("/")))


def _lookup_path(segments: tuple[str, ...], record: Any) -> Any:
    return _lookup(record, segments)


def _lookup_one(name: str, lowered: str, record: Any) -> Any:
    """:func:`_lookup` for a one-segment path that ``get`` did not find: one call, no exception."""
    if type(record) is not dict and not isinstance(record, Mapping):
        raise CWQLTypeError(f"a record is a mapping (a dict), not {type(record).__name__}")
    keys = _KEY_MAPS.get(tuple(record))
    if keys is None:
        keys = _keys_by_lower(record)
    key = keys.get(lowered)
    if key is not None:
        return record.get(key)
    if lowered in INFO_FIELDS:
        value = _walk(record, ("_info", name))
        return None if value is _MISSING else value
    return None


def _lookup(record: Any, segments: tuple[str, ...]) -> Any:
    """The value at ``segments``, or None: exact spelling, then any case, then ``_info``.

    Reads with ``get`` (never ``[]``), so a ``defaultdict`` gains no key and a
    ``Counter`` does not answer 0 for a missing field.
    """
    if type(record) is not dict and not isinstance(record, Mapping):
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
        if type(value) is not dict and not isinstance(value, Mapping):
            return _MISSING
        found = value.get(segment, _MISSING)
        if found is _MISSING:
            key = _keys_by_lower(value).get(segment.lower())
            if key is None:
                return _MISSING
            found = value.get(key, _MISSING)
        value = found
    return value


# Field names are case-insensitive on the server. Records of one endpoint
# share a few key sets, so the lowered-key map is cached per key set. (A tuple
# of the keys is the cheapest way found to name a key set: comparing the keys
# view with a set costs as much, a loop over the keys more.)
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


# ---- predicates: the templates ------------------------------------------------------
#
# A predicate is a copy of one of these functions, made with the predicate's
# own globals (types.FunctionType(template.__code__, names)): the field's
# keys (_k0, _k1), the path reader for the rest (_slow), the operator (_op)
# and the literal's value (_x), and so on. The names they read are listed in
# _Test.names. Plain code, so a traceback points at a real line of this file.
#
# The read, the same in every template of one depth: get (on a dict no
# exception, no ABC check, and a defaultdict or Counter answers as a dict
# does); a missing key, another spelling, an _info fallback, a value that is
# not an object halfway down, or a record that is not a mapping goes to _slow.
# The two commonest tests, string equality and contains, are written out;
# the rest call the operator (_op), a C function. `v.rstrip(" ").casefold()`
# is _semantics.text_key written in place, as a call per record would cost
# more than the test; test_equality_and_in_lists_are_text_key holds them equal.
#
# _TEMPLATES[family] = (one segment, two segments, any other depth).

# Placeholders for the names above: a predicate's globals replace them all.
_k0: Any = None
_k1: Any = None
_op: Any = None
_x: Any = None
_neg: Any = None
_slow: Any = None
_coerce: Any = None
_test: Any = None
_before: Any = None
_stop: Any = None
_op2: Any = None
_x2: Any = None
_neg2: Any = None


def _text_1(r: Any) -> bool:
    # A string comparison (=, !=, <, ...): both sides as text_key.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:  # not a mapping: _slow says so
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and _op(_x, v.rstrip(" ").casefold())


def _text_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and _op(_x, v.rstrip(" ").casefold())


def _text_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    return isinstance(v, str) and _op(_x, v.rstrip(" ").casefold())


def _text_eq_1(r: Any) -> bool:
    # String equality, the commonest test: text_key(v) == text_key(literal).
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and v.rstrip(" ").casefold() == _x


def _text_eq_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and v.rstrip(" ").casefold() == _x


def _text_eq_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    return isinstance(v, str) and v.rstrip(" ").casefold() == _x


def _number_1(r: Any) -> bool:
    # A number comparison or membership: JSON numbers directly, the rest coerced.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:  # not a mapping: _slow says so
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    t = type(v)
    if t is int or t is float:
        return _op(_x, v)  # type: ignore[no-any-return]
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _number_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    t = type(v)
    if t is int or t is float:
        return _op(_x, v)  # type: ignore[no-any-return]
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _number_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    t = type(v)
    if t is int or t is float:
        return _op(_x, v)  # type: ignore[no-any-return]
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _coerced_1(r: Any) -> bool:
    # Any other comparison: the record value as the literal's type, then the operator.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:  # not a mapping: _slow says so
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _coerced_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _coerced_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _same_1(r: Any) -> bool:
    # = null, != null, = true, = false: identity with _x, or its absence (_neg).
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:  # not a mapping: _slow says so
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    return (v is _x) is not _neg


def _same_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    return (v is _x) is not _neg


def _same_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    return (_slow(r) is _x) is not _neg


def _pattern_1(r: Any) -> bool:
    # like and contains: the lowered text against the pattern (_op), negated by _neg.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:  # not a mapping: _slow says so
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and _op(v.lower(), _x) is not _neg


def _pattern_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and _op(v.lower(), _x) is not _neg


def _pattern_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    return isinstance(v, str) and _op(v.lower(), _x) is not _neg


def _contains_1(r: Any) -> bool:
    # contains with plain text, the commonest pattern: a substring of the lowered value.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and _x in v.lower()


def _contains_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    return isinstance(v, str) and _x in v.lower()


def _contains_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    return isinstance(v, str) and _x in v.lower()


def _two_patterns_1(r: Any) -> bool:
    # Two like/contains tests of one field, joined by and (_stop False) or or (True).
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    if not isinstance(v, str):
        return False
    t = v.lower()
    if (_op(t, _x) is not _neg) is _stop:
        return _stop
    return _op2(t, _x2) is not _neg2


def _two_patterns_2(r: Any) -> bool:
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    if not isinstance(v, str):
        return False
    t = v.lower()
    if (_op(t, _x) is not _neg) is _stop:
        return _stop
    return _op2(t, _x2) is not _neg2


def _two_patterns_n(r: Any) -> bool:
    v = _slow(r)
    if not isinstance(v, str):
        return False
    t = v.lower()
    if (_op(t, _x) is not _neg) is _stop:
        return _stop
    return _op2(t, _x2) is not _neg2


def _other_1(r: Any) -> bool:
    # Everything else (mixed in-lists, not in): a test function on the value.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:  # not a mapping: _slow says so
        v = _MISSING
    if v is _MISSING:
        v = _slow(r)
    return _test(v)  # type: ignore[no-any-return]


def _other_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0, _MISSING)
    except AttributeError:
        v = _MISSING
    v = v.get(_k1, _MISSING) if type(v) is dict else _MISSING
    if v is _MISSING:
        v = _slow(r)
    return _test(v)  # type: ignore[no-any-return]


def _other_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    return _test(_slow(r))  # type: ignore[no-any-return]


_TEMPLATES: dict[str, tuple[_Template, _Template, _Template]] = {
    "text": (_text_1, _text_2, _text_n),
    "text_eq": (_text_eq_1, _text_eq_2, _text_eq_n),
    "contains": (_contains_1, _contains_2, _contains_n),
    "number": (_number_1, _number_2, _number_n),
    "coerced": (_coerced_1, _coerced_2, _coerced_n),
    "same": (_same_1, _same_2, _same_n),
    "pattern": (_pattern_1, _pattern_2, _pattern_n),
    "other": (_other_1, _other_2, _other_n),
}


class _Test:
    """The test half of a predicate: a template family and the globals it reads."""

    __slots__ = ("family", "names")

    def __init__(self, family: str, **names: Any) -> None:
        self.family = family
        self.names = names


def _predicate(node: Predicate) -> tuple[_Template, dict[str, Any], str]:
    """The template for ``node``, the globals its copy reads, and the template's family."""
    test = _test_for(node)
    segments = tuple(node.path.name.split("/"))
    one, two, other = _TEMPLATES[test.family]
    template = one if len(segments) == 1 else two if len(segments) == 2 else other
    names: dict[str, Any] = {
        "__builtins__": builtins, "_MISSING": _MISSING, "_before": None, "_stop": None,
        "_slow": functools.partial(_lookup_one, segments[0], segments[0].lower())
        if len(segments) == 1 else functools.partial(_lookup_path, segments),
        "_k0": segments[0], "_k1": segments[1] if len(segments) > 1 else None,
        "_node": node,  # not read by the code: there for whoever inspects the function
        **test.names,
    }
    return template, names, test.family


def _instance(template: _Template, names: dict[str, Any]) -> RecordPredicate:
    """A copy of ``template`` that reads ``names`` as its globals (plain code, real line numbers)."""
    return types.FunctionType(template.__code__, names, template.__name__)


# The templates call _op(literal's value, record value): each operator mirrored,
# so that membership is operator.contains(members, value), all C functions.
_MIRRORED = {
    Op.EQ: operator.eq, Op.NE: operator.ne, Op.LT: operator.gt, Op.LE: operator.ge,
    Op.GT: operator.lt, Op.GE: operator.le,
}


def _test_for(node: Predicate) -> _Test:
    """The test on the field's value, by operator and literal type."""
    check_predicate(node)
    op, value = node.op, node.value
    if isinstance(value, tuple):
        return _membership(op, value)
    if type(value) is Null:
        return _Test("same", _x=None, _neg=op is Op.NE)
    if op.is_text:
        return _match(op, value.value)  # type: ignore[attr-defined]
    return _compare(op, value)


def _compare(op: Op, literal: Literal) -> _Test:
    coerce, x = model.comparand(literal)
    cls = type(literal)
    if cls is String:
        if op is Op.EQ:
            return _Test("text_eq", _x=x)
        return _Test("text", _op=_MIRRORED[op], _x=x)
    if cls is Number:
        return _Test("number", _op=_MIRRORED[op], _x=x, _coerce=coerce)
    if cls is Boolean and op is Op.EQ:
        return _Test("same", _x=x, _neg=False)
    return _Test("coerced", _op=_MIRRORED[op], _x=x, _coerce=coerce)


def _never(text: str, _: object) -> bool:
    return False


def _always(text: str, _: object) -> bool:
    return True


def _match(op: Op, pattern: str) -> _Test:
    """``like`` and ``contains`` as an operator on the lowered text: str methods where they do."""
    negate = op is Op.NOT_CONTAINS or op is Op.NOT_LIKE
    if op is Op.CONTAINS or op is Op.NOT_CONTAINS:
        inner = fold(parse_contains(pattern), str.lower)
        items: list[Item] = [ANY, *inner, ANY] if inner else [ANY]
    else:
        items = fold(parse_like(pattern), str.lower)
    test: Callable[[str, Any], bool]
    x: Any = None
    if never_matches(items):
        test = _never
    elif items == [ANY]:
        test = _always
    elif not items:
        test, x = operator.eq, ""
    elif len(items) == 1 and isinstance(items[0], str):
        test, x = operator.eq, items[0]
    elif len(items) == 2 and isinstance(items[0], str) and items[1] is ANY:
        test, x = str.startswith, items[0]
    elif len(items) == 2 and items[0] is ANY and isinstance(items[1], str):
        test, x = str.endswith, items[1]
    elif len(items) == 3 and items[0] is ANY and items[2] is ANY and isinstance(items[1], str):
        if not negate:
            return _Test("contains", _x=items[1])
        test, x = operator.contains, items[1]
    else:
        whole = matcher(items)

        def test(text: str, _: object) -> bool:
            return whole(text)

    return _Test("pattern", _op=test, _x=x, _neg=negate)


def _membership(op: Op, values: tuple[Literal, ...]) -> _Test:
    """``in``: equal to some value; ``not in``: comparable with, and unequal to, every one.

    Values are grouped by type; each group is a set of the literals' model values.
    """
    groups: dict[type, tuple[Callable[[Any], Any], set[Any]]] = {}
    for literal in values:
        coerce, x = model.comparand(literal)
        groups.setdefault(type(literal), (coerce, set()))[1].add(x)
    if op is Op.IN and len(groups) == 1:
        (cls, (coerce, members)), = groups.items()
        if cls is String:
            return _Test("text", _op=operator.contains, _x=members)
        if cls is Number:
            return _Test("number", _op=operator.contains, _x=members, _coerce=coerce)
        return _Test("coerced", _op=operator.contains, _x=members, _coerce=coerce)
    pools = tuple(groups.values())
    if op is Op.IN:
        def in_any(v: Any) -> bool:
            for coerce, members in pools:
                x = coerce(v)
                if x is not None and x in members:
                    return True
            return False
        return _Test("other", _test=in_any)

    def not_in(v: Any) -> bool:
        for coerce, members in pools:
            x = coerce(v)
            if x is None or x in members:
                return False
        return True
    return _Test("other", _test=not_in)

