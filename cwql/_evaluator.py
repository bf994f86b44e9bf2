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
given the predicate's constants as its globals; an ``and``/``or`` of a few
predicates becomes one function made of their templates' lines (``_fuse``).
Calling the result does no dispatch on node types and raises no exception
for a missing field.
"""

from __future__ import annotations

import builtins
import datetime
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
    DateTime,
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

    Two text tests of one field read it once (``_text_pair``); 2 to 4
    predicates become one function (``_fuse``). Otherwise, for a few operands
    ending in a predicate, that predicate's template is copied with the rest
    as its guard (``_before``), which saves a call per record; the guard's
    answer ``_stop`` (false for ``and``) is final.
    """
    pair = _text_pair(parts, conjunction)
    if pair is not None:
        return pair
    fused = _fuse(parts, conjunction)
    if fused is not None:
        return fused
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


# ---- fusing a few predicates into one function ---------------------------------
#
# `a and b` as two functions costs a Python call per record more than one
# function does. So for 2 to 4 predicates joined by one connective, _fuse
# builds one function out of their templates' own syntax trees, parsed from
# this file's lines: each operand's body in turn (without its `_before`
# test), its placeholders renamed apart (`_x` of the first operand is `_x_0`),
# and each `return E` of an operand but the last made `if not (E): return
# False` (for `and`; `if E: return True` for `or`), the code after an `if`
# that returns moved into its `else`, so the next operand's body follows.
# The nodes keep their line numbers and the code is compiled with this file's
# name, so a traceback still shows a real line of this file; values stay
# globals, never code, so one code object serves every predicate made of the
# same templates (_fused_code). Where this file's source cannot be read, the
# operands are chained as before.

#: The templates' placeholders: the names a predicate's globals give values.
_PLACEHOLDERS = frozenset({
    "_k0", "_k1", "_op", "_x", "_neg", "_slow", "_coerce", "_test", "_before", "_stop",
    "_op2", "_x2", "_neg2", "_fromisoformat", "_plain0", "_plain1",
})


@functools.cache
def _template_tree(name: str) -> Any:
    """The syntax tree of the template ``name``, with its lines in this file; None without the source."""
    import ast
    import linecache

    template = _TEMPLATE_NAMES.get(name)
    if template is None:
        return None
    first = template.__code__.co_firstlineno
    lines = linecache.getlines(template.__code__.co_filename)[first - 1:]
    if not lines or not lines[0].startswith("def "):
        return None
    end = next((at for at, line in enumerate(lines) if at and line[:1] not in ("", " ", "\n", "#")), len(lines))
    try:
        tree = ast.parse("".join(lines[:end]))
    except (SyntaxError, ValueError):
        return None
    ast.increment_lineno(tree, first - 1)
    found = tree.body[0] if len(tree.body) == 1 else None
    return found if isinstance(found, ast.FunctionDef) and found.name == name else None


def _fuse(parts: tuple[_Part, ...], conjunction: bool) -> RecordPredicate | None:
    """The parts as one function (see above), or None when they are not 2 to 4 predicates."""
    if not 2 <= len(parts) <= 4 or any(p.template is None or p.names is None for p in parts):
        return None
    code = _fused_code(tuple(p.template.__name__ for p in parts), conjunction)  # type: ignore[union-attr]
    if code is None:
        return None
    names: dict[str, Any] = {"__builtins__": builtins, "_MISSING": _MISSING}
    for i, part in enumerate(parts):
        own = part.names or {}
        names.update({f"{k}_{i}": v for k, v in own.items() if k in _PLACEHOLDERS})
        names[f"_node_{i}"] = own.get("_node")  # not read by the code, as in _predicate
    return types.FunctionType(code, names, code.co_name)


@functools.lru_cache(maxsize=512)
def _fused_code(templates: tuple[str, ...], conjunction: bool) -> types.CodeType | None:
    """The code of the templates fused (it depends on their names only: values are globals)."""
    import ast
    import copy

    trees = [_template_tree(name) for name in templates]
    if None in trees:
        return None
    body: list[ast.stmt] = []
    for i, found in enumerate(trees):
        tree = copy.deepcopy(found)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in _PLACEHOLDERS:
                node.id = f"{node.id}_{i}"
        guard, *statements = tree.body
        if not (isinstance(guard, ast.If) and "_before" in ast.dump(guard.test)):
            return None
        moved = statements if i == len(templates) - 1 else _returns_to_next(statements, conjunction)
        if moved is None:
            return None
        body.extend(moved)
    first = trees[0]
    arguments = copy.deepcopy(first.args)
    for argument in arguments.args:
        argument.annotation = None  # not evaluated, whatever the compile flags
    function = ast.FunctionDef(
        name=("_and" if conjunction else "_or") + "".join(templates),
        args=arguments, body=body, decorator_list=[], returns=None, type_comment=None,
    )
    ast.copy_location(function, first)
    module = ast.Module(body=[function], type_ignores=[])
    ast.fix_missing_locations(module)
    code = compile(module, __file__, "exec", dont_inherit=True)
    fused = next(c for c in code.co_consts if isinstance(c, types.CodeType))
    return fused


def _returns_to_next(statements: list[Any], conjunction: bool) -> list[Any] | None:
    """``statements`` with each ``return E`` made "answer now, or go on to the next operand"."""
    import ast

    out: list[Any] = []
    for at, statement in enumerate(statements):
        if isinstance(statement, ast.Return):
            if statement.value is None:
                return None
            answer = ast.copy_location(ast.Return(ast.Constant(not conjunction)), statement)
            test = ast.UnaryOp(ast.Not(), statement.value) if conjunction else statement.value
            out.append(ast.copy_location(ast.If(test, [answer], []), statement))
            return out  # what follows a return never runs
        if isinstance(statement, ast.If) and not statement.orelse and statement.body \
                and isinstance(statement.body[-1], ast.Return):
            inner = _returns_to_next(statement.body, conjunction)
            rest = _returns_to_next(statements[at + 1:], conjunction)
            if inner is None or rest is None:
                return None
            out.append(ast.copy_location(ast.If(statement.test, inner, rest), statement))
            return out
        if any(isinstance(node, ast.Return) for node in ast.walk(statement)):
            return None  # a return this cannot move: leave the operands chained
        out.append(statement)
    return out


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


def _miss_one(plain: set[Any], name: str, lowered: str, record: Any) -> Any:
    """A one-segment template's ``_slow``: :func:`_lookup_one`, then learn the record's plain keys.

    The template comes here for a record that is not a ``dict`` whatever its ``get`` answered
    ``None`` for, so the exact spelling is read first (a ``None`` there is the value)."""
    if type(record) is not dict and isinstance(record, Mapping):
        value = record.get(name, _MISSING)
        if value is not _MISSING:
            return value
    value = _lookup_one(name, lowered, record)
    if type(record) is dict:
        _learn(plain, lowered, record)
    return value


def _miss_two(plain0: set[Any], plain1: set[Any], lowered0: str, lowered1: str,
              segments: tuple[str, ...], record: Any) -> Any:
    """A two-segment template's ``_slow``: :func:`_lookup`, then learn the plain keys at both levels."""
    value = _lookup(record, segments)
    if type(record) is dict:
        _learn(plain0, lowered0, record)
        head = record.get(segments[0])
        if type(head) is dict:
            _learn(plain1, lowered1, head)
    return value


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


# A template that misses a field's exact spelling must still find it in any
# case (and a top-level `lastUpdated` in `_info`). Looking for that costs a pass
# over the record's keys; the cheapest pass found is `plain.issuperset(record)`:
# `plain` holds keys already seen that can never be read as the field (the
# slow path learns them), so when every key of the record is one of them, the
# field is missing, without copying or lowering a key. One set per lowered
# field name, shared by every predicate that reads it; bounded, and cleared
# when full (it is only a cache: an unknown key means the slow path).
_PLAIN: dict[str, set[Any]] = {}
_PLAIN_LIMIT = 4096


def _plain_keys(lowered: str) -> set[Any]:
    """The set of keys known never to be read as the field ``lowered`` (shared, see above)."""
    found = _PLAIN.get(lowered)
    if found is None:
        if len(_PLAIN) >= 1024:
            _PLAIN.clear()  # the predicates holding the old sets keep them
        found = _PLAIN[lowered] = set()
    return found


def _learn(plain: set[Any], lowered: str, mapping: dict[Any, Any]) -> None:
    """Add the keys of ``mapping`` that can never be read as the field ``lowered`` to ``plain``:
    any key but a spelling of it (``_walk`` lowers keys with ``str.lower``) or, for a top-level
    ``lastUpdated`` and the like, ``_info``."""
    info = lowered in INFO_FIELDS
    for key in mapping:
        if key in plain:
            continue
        if isinstance(key, str):
            spelled = key.lower()
            if spelled == lowered or (info and spelled == "_info"):
                continue
        if len(plain) >= _PLAIN_LIMIT:
            plain.clear()
        plain.add(key)


# ---- predicates: the templates ------------------------------------------------------
#
# A predicate is a copy of one of these functions, made with the predicate's
# own globals (types.FunctionType(template.__code__, names)): the field's
# keys (_k0, _k1), the path reader for the rest (_slow), the operator (_op)
# and the literal's value (_x), and so on. The names they read are listed in
# _Test.names. Plain code, so a traceback points at a real line of this file.
#
# The read, the same in every template of one depth: get(name), so on a dict
# no exception, no ABC check, and a defaultdict or Counter answers as a dict
# does. Only a None needs more: a dict holding the exact key holds null; a
# dict whose keys are all known plain (_plain0, see _PLAIN) lacks the field;
# anything else (another spelling, an _info fallback, a value that is not an
# object halfway down, a record that is not a dict) goes to _slow, which
# reads the exact spelling first. `_info/...` paths use the _n templates.
# The commonest tests are written out (string equality, contains, identity
# with null or a boolean, the API's datetime form); the rest call the
# operator (_op), a C function. `v.rstrip(" ").casefold()` is
# _semantics.text_key written in place, as a call per record would cost more
# than the test; test_equality_and_in_lists_are_text_key holds them equal, and
# test_instant_templates_are_as_instant the datetime form and as_instant.
#
# _TEMPLATES[family] = (one segment, two segments, any other depth).

# Placeholders for the names above: a predicate's globals replace them all.
_k0: Any = None
_k1: Any = None
_plain0: Any = None
_plain1: Any = None
_op: Any = None
_x: Any = None
_neg: Any = None
_slow: Any = None
_coerce: Any = None
_test: Any = None
_before: Any = None
_stop: Any = None
_op2: Any = None
_fromisoformat: Any = None
_x2: Any = None
_neg2: Any = None


def _text_1(r: Any) -> bool:
    # A string comparison (=, !=, <, ...): both sides as text_key.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    return isinstance(v, str) and _op(_x, v.rstrip(" ").casefold())


def _text_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
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
        v = r.get(_k0)
    except AttributeError:
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    return isinstance(v, str) and v.rstrip(" ").casefold() == _x


def _text_eq_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
        v = _slow(r)
    return isinstance(v, str) and v.rstrip(" ").casefold() == _x


def _text_eq_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    return isinstance(v, str) and v.rstrip(" ").casefold() == _x


def _number_1(r: Any) -> bool:
    # A number comparison: JSON numbers directly, the rest coerced.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
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
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
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


def _number_in_1(r: Any) -> bool:
    # Membership in a set of numbers, the commonest `in`: as _number_1, `in` written out.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    t = type(v)
    if t is int or t is float:
        return v in _x
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and v in _x


def _number_in_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
        v = _slow(r)
    t = type(v)
    if t is int or t is float:
        return v in _x
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and v in _x


def _number_in_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    t = type(v)
    if t is int or t is float:
        return v in _x
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and v in _x


def _coerced_1(r: Any) -> bool:
    # Any other comparison: the record value as the literal's type, then the operator.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _coerced_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
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


def _instant_1(r: Any) -> bool:
    # A datetime comparison: the form the API writes read in place (as_instant's first
    # branch, which test_instant_templates_are_as_instant holds equal), the rest by _coerce.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    if type(v) is str and len(v) == 20 and v[4::3] == "--T::Z":
        try:
            v = _fromisoformat(v)
        except ValueError:
            v = None  # no return here: _fuse moves only returns outside a try
        return v is not None and _op(_x, v)
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _instant_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
        v = _slow(r)
    if type(v) is str and len(v) == 20 and v[4::3] == "--T::Z":
        try:
            v = _fromisoformat(v)
        except ValueError:
            v = None  # no return here: _fuse moves only returns outside a try
        return v is not None and _op(_x, v)
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _instant_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    v = _slow(r)
    if type(v) is str and len(v) == 20 and v[4::3] == "--T::Z":
        try:
            v = _fromisoformat(v)
        except ValueError:
            v = None  # no return here: _fuse moves only returns outside a try
        return v is not None and _op(_x, v)
    if v is None:
        return False
    v = _coerce(v)
    return v is not None and _op(_x, v)


def _same_1(r: Any) -> bool:
    # = null, = true, = false: identity with _x.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    return v is _x


def _same_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
        v = _slow(r)
    return v is _x


def _same_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    return _slow(r) is _x


def _not_same_1(r: Any) -> bool:
    # != null: not identical to _x.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    return v is not _x


def _not_same_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
        v = _slow(r)
    return v is not _x


def _not_same_n(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    return _slow(r) is not _x


def _pattern_1(r: Any) -> bool:
    # like and contains: the lowered text against the pattern (_op), negated by _neg.
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    return isinstance(v, str) and _op(v.lower(), _x) is not _neg


def _pattern_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
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
        v = r.get(_k0)
    except AttributeError:
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    return isinstance(v, str) and _x in v.lower()


def _contains_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
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
        v = r.get(_k0)
    except AttributeError:
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    if not isinstance(v, str):
        return False
    t = v.lower()
    if (_op(t, _x) is not _neg) is _stop:
        return _stop
    return _op2(t, _x2) is not _neg2


def _two_patterns_2(r: Any) -> bool:
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
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
        v = r.get(_k0)
    except AttributeError:  # not a mapping: _slow says so
        v = None
    if v is None and (type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r))):
        v = _slow(r)
    return _test(v)  # type: ignore[no-any-return]


def _other_2(r: Any) -> bool:
    if _before is not None and _before(r) is _stop:
        return _stop  # type: ignore[no-any-return]
    try:
        v = r.get(_k0)
    except AttributeError:
        v = None
    if type(v) is dict:
        w = v.get(_k1)
        v = w if w is not None or _k1 in v or _plain1.issuperset(v) else _slow(r)
    elif v is None:
        if type(r) is not dict or (_k0 not in r and not _plain0.issuperset(r)):
            v = _slow(r)
    else:
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
    "number_in": (_number_in_1, _number_in_2, _number_in_n),
    "coerced": (_coerced_1, _coerced_2, _coerced_n),
    "instant": (_instant_1, _instant_2, _instant_n),
    "same": (_same_1, _same_2, _same_n),
    "not_same": (_not_same_1, _not_same_2, _not_same_n),
    "pattern": (_pattern_1, _pattern_2, _pattern_n),
    "other": (_other_1, _other_2, _other_n),
}


#: The templates by name, for _fuse to find their lines.
_TEMPLATE_NAMES: dict[str, _Template] = {t.__name__: t for family in _TEMPLATES.values() for t in family}


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
    lowered = tuple(segment.lower() for segment in segments)
    one, two, other = _TEMPLATES[test.family]
    # `_info/x` falls back to a top-level `x`: the general reader's business.
    template = one if len(segments) == 1 else two if len(segments) == 2 and lowered[0] != "_info" else other
    plain = tuple(_plain_keys(name) for name in lowered[:2])
    if len(segments) == 1:
        slow: Any = functools.partial(_miss_one, plain[0], segments[0], lowered[0])
    elif template is two:
        slow = functools.partial(_miss_two, plain[0], plain[1], lowered[0], lowered[1], segments)
    else:
        slow = functools.partial(_lookup_path, segments)
    names: dict[str, Any] = {
        "__builtins__": builtins, "_MISSING": _MISSING, "_before": None, "_stop": None, "_slow": slow,
        "_k0": segments[0], "_k1": segments[1] if len(segments) > 1 else None,
        "_plain0": plain[0], "_plain1": plain[1] if len(plain) > 1 else None,
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
        return _Test("not_same" if op is Op.NE else "same", _x=None)
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
    if cls is DateTime:
        return _Test("instant", _op=_MIRRORED[op], _x=x, _coerce=coerce,
                     _fromisoformat=datetime.datetime.fromisoformat)
    if cls is Boolean and op is Op.EQ:
        return _Test("same", _x=x)
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
            return _Test("number_in", _x=members, _coerce=coerce)
        if cls is DateTime:
            return _Test("instant", _op=operator.contains, _x=members, _coerce=coerce,
                         _fromisoformat=datetime.datetime.fromisoformat)
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

