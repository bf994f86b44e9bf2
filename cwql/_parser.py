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
import operator
import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NoReturn

from . import _tables
from ._lexer import KIND, TOKEN, WORDS, strings_and_parentheses
from ._literals import LiteralError, read_datetime, read_string
from ._printer import to_text
from ._record import Record
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
from .errors import CWQLTypeError, Diagnostic, ParseError, UsageError, diagnostics_at
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


class Limits(Record):
    """Bounds on the work one parse may do; hostile input fails fast at these.

    ``max_length`` counts characters; ``max_depth`` bounds nested parentheses;
    ``max_nodes`` bounds the nodes of the tree (predicates, connectives, paths
    and values), for the code that consumes it; the parse itself is already
    bounded by ``max_length``, and takes time linear in it.
    """

    __slots__ = ("max_depth", "max_length", "max_nodes")
    max_length: int
    max_depth: int
    max_nodes: int

    def __init__(
        self,
        max_length: int = MAX_LENGTH,
        max_depth: int = MAX_DEPTH,
        max_nodes: int = MAX_NODES,
    ) -> None:
        _set = object.__setattr__
        _set(self, "max_length", max_length)
        _set(self, "max_depth", max_depth)
        _set(self, "max_nodes", max_nodes)
        self.__post_init__()

    def __post_init__(self) -> None:
        for name in ("max_length", "max_depth", "max_nodes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"Limits.{name} must be a positive int, not {value!r}")


DEFAULT_LIMITS = Limits()


# ---- building the AST --------------------------------------------------------
#
# One builder per rule alias of the grammar. The values of the rule's symbols
# are on top of the parser's value stack: for a terminal, the regex match of
# its token (its text is ``m[k]`` and its offsets ``m.span(k)`` for the token's
# kind ``k``), for a rule, what that rule's builder left. A builder replaces
# them with the one value it makes, in place (no slices: these run once per
# reduction and are most of a parse's time). For the same reason they avoid
# helper calls: spans are made with ``tuple.__new__`` directly, and nodes the
# grammar has checked already are made without their constructors' checks.

Match = re.Match[str]
_tuple_new = tuple.__new__
_new_path: Callable[[str, Span], Path] = Path._unchecked
_new_number: Callable[[str, Span], Number] = Number._unchecked
_new_string: Callable[[str, Span], String] = String._unchecked
_new_predicate: Callable[[Path, Op, Any, Span], Predicate] = Predicate._unchecked

_PATH = KIND["PATH"]
_OP = KIND["OP"]
_STRING = KIND["STRING"]
_NUMBER = KIND["NUMBER"]
_DATETIME = KIND["DATETIME"]
_LPAR = KIND["LPAR"]
_TRUE = KIND["TRUE"]
_NULL = KIND["NULL"]
_ASC = KIND["ASC"]
_DESC = KIND["DESC"]
_CMP_OPS = {"=": Op.EQ, "!=": Op.NE, "<": Op.LT, "<=": Op.LE, ">": Op.GT, ">=": Op.GE}
_PLACEHOLDER_DATE = _dt.date(1, 1, 1)

# Literal errors (a bad date, `< null`) do not stop the parse: they are
# collected here, per parse, so a single pass reports all of them. Only a
# parse that fails sets this: the first problem a parse meets without it
# raises _Retry, and _run parses again, collecting (see _run).
_problems: ContextVar[list[_Problem]] = ContextVar("cwql_problems")
#: A literal problem: (code, message, start, end, hint); a Diagnostic once the lines are counted.
_Problem = tuple[str, str, int, int, "str | None"]


class _Retry(Exception):
    """A builder found a problem on the fast path, where nothing collects them."""


def _report(code: str, message: str, start: int, end: int, hint: str | None) -> None:
    found = _problems.get(None)
    if found is None:
        raise _Retry
    found.append((code, message, start, end, hint))


def _report_datetime(m: Match, e: LiteralError) -> None:
    start = m.start(_DATETIME)
    _report(e.code, e.message, start + e.start, start + e.end, e.hint)


def _report_null_op(op: Match, null: Match) -> None:
    start, end = null.span(_PATH)
    _report("E016", f"`null` cannot be compared with `{op[_OP]}`", start, end,
            "null only goes with `=` and `!=`")


def _string(m: Match) -> String:
    return _new_string(read_string(m[_STRING]), _tuple_new(Span, m.span(_STRING)))


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


_height = operator.attrgetter("height")


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


def _root(values: list[Any]) -> None:
    """conditions: or_expr"""
    values[-1] = _final(values[-1])


def _chain_start(values: list[Any]) -> None:
    """X_chain: X CONNECTIVE X"""
    second = values.pop()
    del values[-1]
    values[-1] = [values[-1], second]


def _chain_add(values: list[Any]) -> None:
    """X_chain: X_chain CONNECTIVE X"""
    item = values.pop()
    del values[-1]
    values[-1].append(item)


def _and(values: list[Any]) -> None:
    """and_expr: and_chain"""
    values[-1] = _connective(And, values[-1])


def _or(values: list[Any]) -> None:
    """or_expr: or_chain"""
    values[-1] = _connective(Or, values[-1])


def _group(values: list[Any]) -> None:
    """atom: LPAR or_expr RPAR"""
    close = values.pop()
    inner = values.pop()
    span = _tuple_new(Span, (values[-1].start(_LPAR), close.end()))
    kind = type(inner)
    if kind is _Group:
        inner.parenthesized = True
        inner.span = span
    elif kind is And or kind is Or:
        inner = _Group(kind, [inner], inner.height, span, parenthesized=True)
    values[-1] = inner


def _compare(values: list[Any]) -> None:
    """atom: PATH OP value"""
    value = values.pop()
    op = values.pop()
    path = values[-1]
    where = path.span(_PATH)
    comparison = _CMP_OPS[op[_OP]]
    literal = _LITERALS[value.lastindex](value)
    if type(literal) is Null and comparison is not Op.EQ and comparison is not Op.NE:
        _report_null_op(op, value)
    values[-1] = _new_predicate(_new_path(path[_PATH], _tuple_new(Span, where)), comparison, literal,
                                _tuple_new(Span, (where[0], value.end())))


def _text_match(op: Op, size: int) -> Callable[[list[Any]], None]:
    def build(values: list[Any]) -> None:
        """atom: PATH [NOT] CONTAINS|LIKE STRING"""
        value = values.pop()
        del values[2 - size:]
        path = values[-1]
        where = path.span(_PATH)
        values[-1] = _new_predicate(_new_path(path[_PATH], _tuple_new(Span, where)), op,
                                    _string(value), _tuple_new(Span, (where[0], value.end())))

    return build


def _membership(op: Op, size: int) -> Callable[[list[Any]], None]:
    def build(values: list[Any]) -> None:
        """atom: PATH [NOT] IN LPAR values RPAR"""
        close = values.pop()
        members = values.pop()
        del values[3 - size:]
        path = values[-1]
        where = path.span(_PATH)
        values[-1] = _new_predicate(_new_path(path[_PATH], _tuple_new(Span, where)), op,
                                    tuple(members), _tuple_new(Span, (where[0], close.end())))

    return build


def _values_start(values: list[Any]) -> None:
    """values: value"""
    value = values[-1]
    values[-1] = [_LITERALS[value.lastindex](value)]


def _values_add(values: list[Any]) -> None:
    """values: values COMMA value"""
    value = values.pop()
    del values[-1]
    values[-1].append(_LITERALS[value.lastindex](value))


def _list_start(values: list[Any]) -> None:
    """X_list: X"""
    values[-1] = [values[-1]]


def _sort_key(values: list[Any]) -> None:
    """sort_key: PATH [ASC|DESC]"""
    last = values[-1]
    if last.lastindex == _PATH and WORDS.get(last[_PATH]) in (_ASC, _DESC):
        path = values.pop(-2)
        descending = WORDS[last[_PATH]] == _DESC
    else:
        path, descending = last, False
    where = path.span(_PATH)
    values[-1] = SortKey(_new_path(path[_PATH], _tuple_new(Span, where)), descending,
                         span=_tuple_new(Span, (where[0], last.end())))


def _order_by(values: list[Any]) -> None:
    """order_by: sort_keys"""
    keys = values[-1]
    values[-1] = OrderBy(tuple(keys), span=_tuple_new(Span, (keys[0].span[0], keys[-1].span[1])))


def _fields(values: list[Any]) -> None:
    """fields: field_list"""
    paths = values[-1]
    values[-1] = Fields(
        tuple(_new_path(m[_PATH], _tuple_new(Span, m.span(_PATH))) for m in paths),
        span=_tuple_new(Span, (paths[0].start(_PATH), paths[-1].end())),
    )


#: The builder of each rule alias in the grammar, by rule size where one alias
#: covers rules of different sizes; None leaves the one value as it is.
BUILDERS: dict[str, Callable[[list[Any]], None] | None] = {
    "root": _root,
    "first": None,
    "chain_start": _chain_start,
    "chain_add": _chain_add,
    "and_": _and,
    "or_": _or,
    "group": _group,
    "compare": _compare,
    "contains": _text_match(Op.CONTAINS, 3),
    "not_contains": _text_match(Op.NOT_CONTAINS, 4),
    "like": _text_match(Op.LIKE, 3),
    "not_like": _text_match(Op.NOT_LIKE, 4),
    "in_": _membership(Op.IN, 5),
    "not_in": _membership(Op.NOT_IN, 6),
    "values_start": _values_start,
    "values_add": _values_add,
    "list_start": _list_start,
    "list_add": _chain_add,
    "sort_key": _sort_key,
    "order_by": _order_by,
    "fields": _fields,
}


# ---- the driver -----------------------------------------------------------------

_ACTIONS = _tables.ACTIONS


def _rule(name: str, lhs: int, size: int) -> tuple[Callable[[list[Any]], None] | None, dict[int, int], int]:
    # (builder, the state a reduction goes to from each state it can uncover,
    # and where the rule's states start on the state stack, counted from the end
    # and not counting the current one: 0 for a rule of one symbol.)
    goto = {state: row[lhs] for state, row in enumerate(_tables.GOTO) if lhs in row}
    return BUILDERS[name], goto, 1 - size


_RULES = tuple(_rule(name, lhs, size) for name, lhs, size in _tables.RULES)
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
    (the rule's builder replaces the values it covers with one), then shift. The
    state stack and the value stack are plain lists, and the parse never
    recurses, however deeply the text nests.
    """
    actions, rules, words, path, accept = _ACTIONS, _RULES, WORDS, _PATH, _ACCEPT
    state: int = _tables.START[start]
    states: list[int] = []  # the states under the current one
    values: list[Any] = []
    push_state, push_value = states.append, values.append
    for m in TOKEN.finditer(text):
        kind = m.lastindex
        if kind == path:
            kind = words.get(m[kind], kind)
        while True:
            try:
                action = actions[state][kind]  # type: ignore[index]
            except KeyError:
                raise _Stuck(m, state, values) from None
            if action >= 0:  # shift
                push_state(state)
                push_value(m)
                state = action
                break
            if action == accept:
                return values[0]
            build, goto, cut = rules[~action]
            if build is not None:
                build(values)  # replaces the rule's values with one
            if cut:
                state = goto[states[cut - 1]]
                del states[cut:]
            else:
                state = goto[states[-1]]
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
    if kind != "conditions":
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
    if not text or text.isspace():
        raise _fail(text, "E018", _EMPTY[start], 0, len(text), None)
    if text.count("(") > limits.max_depth:
        _check_depth(text, limits.max_depth)
    try:
        node: Node = _drive(text, start)
    except (_Stuck, _Retry, ParseError) as first:
        _fail_with_diagnostics(text, start, first)
    if len(text) > limits.max_nodes:
        _check_nodes(text, node, limits.max_nodes)
    return node


def _fail_with_diagnostics(text: str, start: str, first: Exception) -> NoReturn:
    """Raise one :class:`ParseError` with every problem of a parse that stopped at ``first``.

    A literal error (``first`` is :class:`_Retry`) stops the fast parse at
    once; the text is parsed again, collecting every literal error, to wherever
    that parse ends. A syntax error or a tree too tall stops it with no literal
    error before it (it would have stopped there first), so only the literals it
    left unreduced remain to be checked. At a syntax error, Lark parses the text
    and :mod:`cwql._diagnose` explains where it stopped.
    """
    problems: list[_Problem] = []
    token = _problems.set(problems)
    try:
        if type(first) is _Retry:
            try:
                _drive(text, start)
            except (_Stuck, ParseError) as e:
                first = e
        if type(first) is _Stuck:
            _check_unreduced(first.values)
    finally:
        _problems.reset(token)
    found = diagnostics_at(text, problems)
    if isinstance(first, ParseError):  # a node refused while the tree was built: and/or too deep
        found.append(Diagnostic.at(text, first.code, first.diagnostics[0].message, 0, len(text)))
    elif type(first) is _Stuck:
        # Only a failed parse needs Lark: it parses the text again, and what it
        # expected where it stopped is what the explanation starts from.
        from ._diagnose import explain
        from ._lark import lark_error

        found.append(explain(text, lark_error(text, start), start))
    assert found, "a parse that stopped has something to report"
    raise ParseError(text, found)


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

