"""Text to AST: the grammar's LALR(1) tables, run by cwql's own driver.

``grammar/cwql.lark`` is the single source of truth for what parses. Lark
analyses it once, when the tables are generated (``grammar/build_tables.py``
writes :mod:`cwql._tables`; a test fails while they and the grammar
disagree). Here a small loop runs those tables over the tokens of
:mod:`cwql._lexer`, and each reduction calls one builder below, so the AST is
made directly, with no parse tree and no Token objects. Lark itself is only
imported when a parse fails: it parses the same text again, and
:mod:`cwql._diagnose` explains where it stopped.

Every step is linear in the text: the driver, the lexer (possessive and
bounded patterns), the limits checks, and the flattening of nested groups of
one connective (``a or (b or (c or ...))``), whose operands are gathered once
at the end instead of being copied at every level.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from . import _tables
from ._lexer import KIND, TOKEN, WORDS, strings_and_parentheses
from ._literals import LiteralError, read_datetime, read_string
from ._printer import to_text
from ._spec import (
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_HEIGHT,
    MAX_LENGTH,
    MAX_NODES,
    ConditionKind,
    digit_count,
    parameter,
)
from .errors import CWQLTypeError, Diagnostic, ParseError, UsageError
from .syntax import (
    And,
    Boolean,
    DateTime,
    Expr,
    Fields,
    Literal,
    Node,
    Null,
    Number,
    Op,
    Or,
    OrderBy,
    Path,
    Predicate,
    SortKey,
    Span,
    String,
    refuse_height,
    walk,
)

__all__ = [
    "DEFAULT_LIMITS", "Limits", "normalize", "parse", "parse_fields", "parse_kind", "parse_order_by",
]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work one parse may do; hostile input fails fast at these.

    ``max_length`` counts characters; ``max_depth`` bounds nested parentheses;
    ``max_nodes`` bounds the nodes of the tree (predicates, connectives, paths
    and values), for the code that consumes it; the parse itself is already
    bounded by ``max_length``, and takes time linear in it.
    """

    max_length: int = MAX_LENGTH
    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES

    def __post_init__(self) -> None:
        for name in ("max_length", "max_depth", "max_nodes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"Limits.{name} must be a positive int, not {value!r}")


DEFAULT_LIMITS = Limits()


# ---- building the AST --------------------------------------------------------
#
# One builder per rule alias of the grammar. A builder gets the values of the
# rule's symbols, as Lark's callbacks do: for a terminal, the regex match of
# its token (its text is ``m[k]`` and its offsets ``m.span(k)`` for the
# token's kind ``k``), and for a rule, what that rule's builder returned. These
# run once per reduction and are most of a parse's time, so they avoid helper
# calls: spans are made with ``tuple.__new__`` directly, and nodes the grammar
# has checked already are made without the checks of their constructors.

Match = re.Match[str]
_tuple_new = tuple.__new__
_new_path: Callable[[str, Span], Path] = Path._unchecked
_new_number: Callable[[str, Span], Number] = Number._unchecked
_new_predicate: Callable[[Path, Op, Any, Span], Predicate] = Predicate._unchecked

_PATH = KIND["PATH"]
_OP = KIND["OP"]
_STRING = KIND["STRING"]
_NUMBER = KIND["NUMBER"]
_DATETIME = KIND["DATETIME"]
_LPAR = KIND["LPAR"]
_TRUE = KIND["TRUE"]
_NULL = KIND["NULL"]
_DESC = KIND["DESC"]
_CMP_OPS = {"=": Op.EQ, "!=": Op.NE, "<": Op.LT, "<=": Op.LE, ">": Op.GT, ">=": Op.GE}
_PLACEHOLDER_DATE = _dt.date(1, 1, 1)

# Literal errors (a bad date, `< null`) do not stop the parse: they are
# collected here, per parse, so a single pass reports all of them.
_problems: ContextVar[tuple[str, list[Diagnostic]]] = ContextVar("cwql_problems")


def _report(code: str, message: str, start: int, end: int, hint: str | None) -> None:
    text, found = _problems.get()
    found.append(Diagnostic.at(text, code, message, start, end, hint=hint))


def _report_datetime(m: Match, e: LiteralError) -> None:
    start = m.start(_DATETIME)
    _report(e.code, e.message, start + e.start, start + e.end, e.hint)


def _report_null_op(op: Match, null: Match) -> None:
    start, end = null.span(_PATH)
    _report("E016", f"`null` cannot be compared with `{op[_OP]}`", start, end,
            "null only goes with `=` and `!=`")


def _string(m: Match) -> String:
    return String(read_string(m[_STRING]), span=_tuple_new(Span, m.span(_STRING)))


def _number(m: Match) -> Number:
    text: str = m[_NUMBER]
    if len(text) > MAX_DIGITS and digit_count(text) > MAX_DIGITS:
        start, end = m.span(_NUMBER)
        _report("E017", f"`{text[:24]}...` has {digit_count(text)} digits; the server's numbers hold "
                f"at most {MAX_DIGITS}", start, end,
                "a long identifier or code is a string: put it in quotes")
    return _new_number(text, _tuple_new(Span, m.span(_NUMBER)))


def _datetime(m: Match) -> DateTime:
    try:
        value, fraction = read_datetime(m[_DATETIME])
    except LiteralError as e:
        _report_datetime(m, e)
        value, fraction = _PLACEHOLDER_DATE, ""
    return DateTime(value, fraction, span=_tuple_new(Span, m.span(_DATETIME)))


def _word(m: Match) -> Literal:
    # `true`, `false` or `null`: keywords, so their tokens matched as a PATH.
    span = _tuple_new(Span, m.span(_PATH))
    kind = WORDS[m[_PATH]]
    if kind == _NULL:
        return Null(span=span)
    return Boolean(kind == _TRUE, span=span)


#: The builder of a value, by the group its token matched.
_LITERALS: dict[int, Callable[[Match], Literal]] = {
    _STRING: _string, _NUMBER: _number, _DATETIME: _datetime, _PATH: _word,
}


class _Group:
    """An ``and`` or ``or`` still being built, whose operands may join a parent's.

    ``a or (b or (c or ...))`` is one flat ``Or``; building each level's node
    and then copying its operands into the next would cost time quadratic in
    the depth. So a group that a parent of its own kind may absorb stays a
    ``_Group`` (its ``items`` hold nodes and ``_Group``s of the same kind) until
    something else needs it, and :meth:`node` gathers every operand once.
    """

    __slots__ = ("cls", "height", "items", "parenthesized", "span")

    def __init__(self, cls: type[And | Or], items: list[Any], height: int, span: Span,
                 parenthesized: bool = False) -> None:
        self.cls = cls
        self.items = items
        self.height = height
        self.span = span
        self.parenthesized = parenthesized

    def node(self) -> And | Or:
        cls = self.cls
        flat: list[Expr] = []
        pending = [iter(self.items)]
        while pending:
            for item in pending[-1]:
                if type(item) is _Group:  # of this kind: its items join in its place
                    pending.append(iter(item.items))
                    break
                if type(item) is cls:  # a node of this kind (a parenthesised group)
                    flat.extend(item.operands)
                else:
                    flat.append(item)
            else:
                pending.pop()
        return cls._unchecked(tuple(flat), self.parenthesized, self.height, self.span)  # type: ignore[return-value]


def _height(operand: Any) -> int:
    return operand.height  # type: ignore[no-any-return]


def _connective(cls: type[And | Or], ops: list[Any]) -> Expr | _Group:
    span = _tuple_new(Span, (ops[0].span[0], ops[-1].span[1]))
    if _Group not in map(type, ops):
        # The common case: no group to absorb, so the operands are final.
        height = max(map(_height, ops))
        if height >= MAX_HEIGHT:
            refuse_height()
        return cls._unchecked(tuple(ops), False, height + 1, span)
    absorbs = False
    height = 0
    for i, op in enumerate(ops):
        if type(op) is _Group:
            if op.cls is cls:
                absorbs = True
                below = op.height - 1  # its operands join this node
            else:  # it stays one operand: it is final now
                ops[i] = op = op.node()
                below = op.height
        else:
            below = op.height
        if below > height:
            height = below
    if height >= MAX_HEIGHT:
        refuse_height()
    if absorbs:
        return _Group(cls, ops, height + 1, span)
    return cls._unchecked(tuple(ops), False, height + 1, span)


def _final(value: Any) -> Any:
    return value.node() if type(value) is _Group else value


def _root(c: list[Any]) -> Expr:
    return _final(c[0])  # type: ignore[no-any-return]


def _chain_start(c: list[Any]) -> list[Any]:
    return [c[0], c[2]]


def _chain_add(c: list[Any]) -> list[Any]:
    chain: list[Any] = c[0]
    chain.append(c[2])
    return chain


def _and(c: list[Any]) -> Expr | _Group:
    return _connective(And, c[0])


def _or(c: list[Any]) -> Expr | _Group:
    return _connective(Or, c[0])


def _group(c: list[Any]) -> Any:
    inner = c[1]
    kind = type(inner)
    if kind is _Group:
        inner.parenthesized = True
        inner.span = _tuple_new(Span, (c[0].start(_LPAR), c[2].end()))
    elif kind is And or kind is Or:
        inner = _Group(kind, [inner], inner.height, _tuple_new(Span, (c[0].start(_LPAR), c[2].end())),
                       parenthesized=True)
    return inner


def _compare(c: list[Any]) -> Predicate:
    path, op, value = c
    start, end = path.span(_PATH)
    operator = _CMP_OPS[op[_OP]]
    literal = _LITERALS[value.lastindex](value)
    if type(literal) is Null and operator is not Op.EQ and operator is not Op.NE:
        _report_null_op(op, value)
    return _new_predicate(_new_path(path[_PATH], _tuple_new(Span, (start, end))), operator, literal,
                          _tuple_new(Span, (start, value.end())))


def _text_match(op: Op) -> Callable[[list[Any]], Predicate]:
    def build(c: list[Any]) -> Predicate:
        path, value = c[0], c[-1]
        start, end = path.span(_PATH)
        return _new_predicate(_new_path(path[_PATH], _tuple_new(Span, (start, end))), op,
                              _string(value), _tuple_new(Span, (start, value.end())))

    return build


def _membership(op: Op) -> Callable[[list[Any]], Predicate]:
    def build(c: list[Any]) -> Predicate:
        path = c[0]
        start, end = path.span(_PATH)
        return _new_predicate(_new_path(path[_PATH], _tuple_new(Span, (start, end))), op,
                              tuple(c[-2]), _tuple_new(Span, (start, c[-1].end())))

    return build


def _values_start(c: list[Any]) -> list[Literal]:
    value = c[0]
    return [_LITERALS[value.lastindex](value)]


def _values_add(c: list[Any]) -> list[Literal]:
    values: list[Literal] = c[0]
    value = c[2]
    values.append(_LITERALS[value.lastindex](value))
    return values


def _list_start(c: list[Any]) -> list[Any]:
    return [c[0]]


def _list_add(c: list[Any]) -> list[Any]:
    items: list[Any] = c[0]
    items.append(c[2])
    return items


def _sort_key(c: list[Any]) -> SortKey:
    path, last = c[0], c[-1]
    start, end = path.span(_PATH)
    return SortKey(
        _new_path(path[_PATH], _tuple_new(Span, (start, end))),
        len(c) == 2 and WORDS[last[_PATH]] == _DESC,
        span=_tuple_new(Span, (start, last.end())),
    )


def _order_by(c: list[Any]) -> OrderBy:
    keys = c[0]
    return OrderBy(tuple(keys), span=_tuple_new(Span, (keys[0].span[0], keys[-1].span[1])))


def _fields(c: list[Any]) -> Fields:
    paths = c[0]
    return Fields(
        tuple(_new_path(m[_PATH], _tuple_new(Span, m.span(_PATH))) for m in paths),
        span=_tuple_new(Span, (paths[0].start(_PATH), paths[-1].end())),
    )


#: The builder of each rule alias in the grammar; None passes the one value on.
BUILDERS: dict[str, Callable[[list[Any]], Any] | None] = {
    "root": _root,
    "first": None,
    "chain_start": _chain_start,
    "chain_add": _chain_add,
    "and_": _and,
    "or_": _or,
    "group": _group,
    "compare": _compare,
    "contains": _text_match(Op.CONTAINS),
    "not_contains": _text_match(Op.NOT_CONTAINS),
    "like": _text_match(Op.LIKE),
    "not_like": _text_match(Op.NOT_LIKE),
    "in_": _membership(Op.IN),
    "not_in": _membership(Op.NOT_IN),
    "values_start": _values_start,
    "values_add": _values_add,
    "list_start": _list_start,
    "list_add": _list_add,
    "sort_key": _sort_key,
    "order_by": _order_by,
    "fields": _fields,
}


# ---- the driver -----------------------------------------------------------------

_ACTIONS = _tables.ACTIONS
_GOTO = _tables.GOTO
#: Per rule: how many values it takes, the nonterminal it makes, and its builder.
_RULES: tuple[tuple[int, int, Callable[[list[Any]], Any] | None], ...] = tuple(
    (size, lhs, BUILDERS[name]) for name, lhs, size in _tables.RULES
)
_ACCEPT = ~len(_RULES)


class _Stuck(Exception):
    """The driver met a token its tables have no action for: a syntax error.

    Internal: :func:`_run` reports it. ``values`` is the value stack at that
    point, for the literals the parse had not reduced yet.
    """

    def __init__(self, token: Match, state: int, values: list[Any]) -> None:
        super().__init__(token.start(token.lastindex))  # type: ignore[arg-type]
        self.token = token
        self.state = state
        self.values = values


def _drive(text: str, start: str) -> Any:
    """Parse ``text`` from the start symbol ``start``; raises :class:`_Stuck` at a syntax error.

    The textbook LALR(1) loop: for each token, reduce while the tables say so
    (calling the rule's builder on the values it covers), then shift. The
    state stack and the value stack are plain lists, and the parse never
    recurses, however deeply the text nests.
    """
    actions, goto, rules, words = _ACTIONS, _GOTO, _RULES, WORDS
    state: int = _tables.START[start]
    states: list[int] = []  # the states under the current one
    values: list[Any] = []
    for m in TOKEN.finditer(text):
        kind = m.lastindex
        if kind == _PATH:
            kind = words.get(m[kind], kind)
        while True:
            try:
                action = actions[state][kind]  # type: ignore[index]
            except KeyError:
                raise _Stuck(m, state, values) from None
            if action >= 0:  # shift
                states.append(state)
                values.append(m)
                state = action
                break
            if action == _ACCEPT:
                return values[0]
            size, lhs, build = rules[~action]
            if size == 1:
                if build is not None:
                    values[-1] = build(values[-1:])
                state = goto[states[-1]][lhs]
            else:
                values[-size:] = [build(values[-size:])]  # type: ignore[misc]
                below = states[-size]
                del states[1 - size:]
                state = goto[below][lhs]
    raise AssertionError("the token pattern always ends with $END")  # pragma: no cover


def _check_unreduced(values: list[Any]) -> None:
    """Check the literals a syntax error left on the value stack, unreduced.

    Literals are checked when their rule is reduced; a syntax error right
    after one (``d=[2024-02-30] x=1``) stops the parse first, so they are
    checked here, and every literal error before the stop is reported.
    """
    previous: Any = None
    for item in values:
        if type(item) is re.Match:
            if item.lastindex == _DATETIME:
                try:
                    read_datetime(item[_DATETIME])
                except LiteralError as e:
                    _report_datetime(item, e)
            elif (
                item.lastindex == _PATH and WORDS.get(item[_PATH]) == _NULL
                and type(previous) is re.Match and previous.lastindex == _OP
                and previous[_OP] not in ("=", "!=")
            ):
                _report_null_op(previous, item)
        previous = item


# ---- entry points ------------------------------------------------------------


def parse(text: str, kind: ConditionKind = "conditions", *, limits: Limits = DEFAULT_LIMITS) -> Expr:
    """Parse a ``conditions``, ``childConditions`` or ``customFieldConditions`` value.

    All three share one grammar; ``kind`` says which parameter the text is for
    (the linter and validator apply rules per kind). Raises :class:`ParseError`,
    and :class:`~cwql.UsageError` for an unknown ``kind``.
    """
    parameter(kind, conditions_only=True)
    return _run(text, "conditions", limits)  # type: ignore[return-value]


def parse_order_by(text: str, *, limits: Limits = DEFAULT_LIMITS) -> OrderBy:
    """Parse an ``orderBy`` value: ``path [asc|desc]``, keys separated by commas."""
    return _run(text, "order_by", limits)  # type: ignore[return-value]


def parse_fields(text: str, *, limits: Limits = DEFAULT_LIMITS) -> Fields:
    """Parse a ``fields`` value: comma-separated paths."""
    return _run(text, "fields", limits)  # type: ignore[return-value]


def parse_kind(text: str, kind: str, *, limits: Limits = DEFAULT_LIMITS) -> Node:
    """Parse ``text`` as the value of the parameter ``kind`` (any of ``cwql._spec.ALL_KINDS``).

    Raises :class:`ParseError`, and :class:`~cwql.UsageError` for an unknown ``kind``.
    """
    return _run(text, parameter(kind).start, limits)


def normalize(text: str, kind: str = "conditions") -> str:
    """Parse ``text`` and print it canonically.

    ``kind`` is a condition parameter (``conditions``, ``childConditions``,
    ``customFieldConditions``) or ``orderBy`` or ``fields``.
    """
    return to_text(parse_kind(text, kind))


def _run(text: str, start: str, limits: Limits) -> Node:
    if not isinstance(text, str):
        raise CWQLTypeError(f"cwql parses str, not {type(text).__name__}")
    if len(text) > limits.max_length:
        raise _fail(
            text, "E019",
            f"text is {len(text):,} characters long; the limit is {limits.max_length:,}",
            limits.max_length, len(text),
            "split the query, or raise Limits(max_length=...) if the text is trusted",
        )
    if not text.strip():
        raise _fail(text, "E018", _EMPTY[start], 0, len(text), None)
    if text.count("(") > limits.max_depth:
        _check_depth(text, limits.max_depth)

    found: list[Diagnostic] = []
    stuck: _Stuck | None = None
    token = _problems.set((text, found))
    try:
        node: Node = _drive(text, start)
    except _Stuck as e:
        stuck = e
        _check_unreduced(e.values)
    except ParseError as e:  # a node refused while the tree was built: and/or nested too deep
        found.append(Diagnostic.at(text, e.code, e.diagnostics[0].message, 0, len(text)))
    finally:
        _problems.reset(token)
    if stuck is not None:
        found.sort(key=lambda d: d.start)
        # Only a failed parse needs Lark: it reparses the text, and what it
        # expected where it stopped is what the explanation starts from.
        from ._diagnose import explain
        from ._lark import lark_error

        found.append(explain(text, lark_error(text, start), start))
    if found:
        raise ParseError(text, found)
    if len(text) > limits.max_nodes:
        _check_nodes(text, node, limits.max_nodes)
    return node


_EMPTY = {
    "conditions": "empty condition: there is nothing to parse",
    "order_by": "empty orderBy: name a field to sort by",
    "fields": "empty fields list: name at least one field",
}


def _fail(
    text: str, code: str, message: str, start: int, end: int, hint: str | None
) -> ParseError:
    return ParseError(text, [Diagnostic.at(text, code, message, start, end, hint=hint)])


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse parentheses nested deeper than ``max_depth``, in one scan (strings skipped)."""
    depth = 0
    for m in strings_and_parentheses().finditer(text):
        bracket = m.group()
        if bracket == "(":
            depth += 1
            if depth > max_depth:
                raise _fail(
                    text, "E020",
                    f"parentheses nest deeper than {max_depth} levels",
                    m.start(), m.end(),
                    "flatten the groups, or raise Limits(max_depth=...) if the text is trusted",
                )
        elif bracket == ")" and depth:
            depth -= 1


def _check_nodes(text: str, node: Node, max_nodes: int) -> None:
    count = 0
    for count, _ in enumerate(walk(node), 1):
        if count > max_nodes:
            raise _fail(
                text, "E021",
                f"the query has more than {max_nodes:,} conditions and values",
                0, len(text),
                "split the query, or raise Limits(max_nodes=...) if the text is trusted",
            )

