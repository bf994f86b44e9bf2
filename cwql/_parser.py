"""Text to AST: the grammar in ``grammar/cwql.lark``, driven by Lark's LALR parser.

The grammar is the single source of truth for what parses. Lark builds the AST
directly through :class:`_Builder` (its ``transformer=`` hook), so no parse
tree is ever made. Limits are checked before the parse where that is cheap and
after it only for inputs long enough to need it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import importlib.resources
import os
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path as _FsPath
from typing import Any, cast

from lark import Lark, Token
from lark.exceptions import UnexpectedInput

from ._lexer import GrammarLexer
from ._literals import LiteralError, read_datetime, read_string
from ._printer import to_text
from ._spec import (
    MAX_DEPTH,
    MAX_DIGITS,
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
    bounded by ``max_length``.
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


# ---- the grammar -------------------------------------------------------------


def _grammar_text() -> str:
    # Installed wheels carry the grammar inside the package; a source checkout
    # keeps it in the top-level grammar/ folder.
    packaged = importlib.resources.files("cwql").joinpath("grammar/cwql.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (_FsPath(__file__).resolve().parent.parent / "grammar" / "cwql.lark").read_text(
        encoding="utf-8"
    )


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps its analysis of the grammar between runs, or False for nowhere.

    Building the LALR tables costs more than everything else at start-up, so
    they are kept in the user's cache folder (``$XDG_CACHE_HOME/cwql``, or
    ``CWQL_CACHE_DIR``; set it empty to keep nothing). The file name carries
    the grammar's and Lark's versions, so installs never overwrite each
    other's; Lark checks the content again before it trusts it, and rebuilds
    and rewrites a stale or broken file. Not the shared temporary folder: a
    file another user could plant there would be unpickled.
    """
    root = os.environ.get("CWQL_CACHE_DIR")
    if root == "":
        return False
    if root is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "cwql")
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        return False
    import lark

    key = hashlib.sha256(f"{grammar}\0{lark.__version__}".encode()).hexdigest()[:16]
    return os.path.join(root, f"grammar-{key}.lark-cache")


@functools.cache
def _lark() -> Lark:
    grammar = _grammar_text()
    return Lark(
        grammar,
        parser="lalr",
        lexer=GrammarLexer,
        start=["conditions", "order_by", "fields"],
        transformer=_Builder(),
        maybe_placeholders=False,
        cache=_cache_file(grammar),
    )


@functools.cache
def _lexer() -> GrammarLexer:
    # A second instance for the error path, which re-reads the tokens.
    return GrammarLexer(_lark().lexer_conf)


# ---- building the AST --------------------------------------------------------

# The callbacks below run once per reduction and are the only cwql code on the
# parse's hot path, so they avoid helper calls: spans are made with
# ``tuple.__new__`` directly and tokens are read through ``.value`` (a plain
# str; hashing and comparing a Token goes through Python-level methods).
_tuple_new = tuple.__new__
# The grammar has checked these already: build them without the checks
# constructors make for trees built in Python.
_new_path: Callable[..., Path] = Path._unchecked
_new_number: Callable[..., Number] = Number._unchecked
_new_predicate: Callable[..., Predicate] = Predicate._unchecked

# Literal errors (a bad date, `< null`) do not stop the parse: they are
# collected here, per parse, so a single pass reports all of them.
_problems: ContextVar[tuple[str, list[Diagnostic]]] = ContextVar("cwql_problems")

_CMP_OPS = {"=": Op.EQ, "!=": Op.NE, "<": Op.LT, "<=": Op.LE, ">": Op.GT, ">=": Op.GE}
_PLACEHOLDER_DATE = _dt.date(1, 1, 1)


def _report(code: str, message: str, start: int, end: int, hint: str | None) -> None:
    text, found = _problems.get()
    found.append(Diagnostic.at(text, code, message, start, end, hint=hint))


def _report_datetime(t: Token, e: LiteralError) -> None:
    start: int = t.start_pos  # type: ignore[assignment]
    _report(e.code, e.message, start + e.start, start + e.end, e.hint)


def _report_null_op(op: Token, null: Token) -> None:
    _report("E016", f"`null` cannot be compared with `{op.value}`",
            null.start_pos, null.end_pos, "null only goes with `=` and `!=`")  # type: ignore[arg-type]


def _check_unreduced(error: UnexpectedInput) -> None:
    """Check the literals a syntax error left unread on the parser's stack.

    Literals are checked when their rule is reduced; a syntax error right
    after one (``d=[2024-02-30] x=1``) stops the parse first. Lark keeps the
    shifted tokens on its value stack, so they are checked here, and every
    literal error is reported, not only those the parse got past.
    """
    parser = getattr(error, "interactive_parser", None)
    stack = getattr(getattr(parser, "parser_state", None), "value_stack", None) or []
    previous: Any = None
    for item in stack:
        if isinstance(item, Token):
            if item.type == "DATETIME":
                try:
                    read_datetime(item.value)
                except LiteralError as e:
                    _report_datetime(item, e)
            elif (
                item.type == "NULL" and isinstance(previous, Token) and previous.type == "OP"
                and previous.value not in ("=", "!=")
            ):
                _report_null_op(previous, item)
        previous = item


def _string(t: Token) -> String:
    return String(read_string(t.value), span=_tuple_new(Span, (t.start_pos, t.end_pos)))


def _number(t: Token) -> Number:
    text = t.value
    if len(text) > MAX_DIGITS and digit_count(text) > MAX_DIGITS:
        _report("E017", f"`{text[:24]}...` has {digit_count(text)} digits; the server's numbers hold "
                f"at most {MAX_DIGITS}", t.start_pos, t.end_pos,  # type: ignore[arg-type]
                "a long identifier or code is a string: put it in quotes")
    return _new_number(text, _tuple_new(Span, (t.start_pos, t.end_pos)))


def _true(t: Token) -> Boolean:
    return Boolean(True, span=_tuple_new(Span, (t.start_pos, t.end_pos)))


def _false(t: Token) -> Boolean:
    return Boolean(False, span=_tuple_new(Span, (t.start_pos, t.end_pos)))


def _null(t: Token) -> Null:
    return Null(span=_tuple_new(Span, (t.start_pos, t.end_pos)))


def _datetime(t: Token) -> DateTime:
    try:
        value, fraction = read_datetime(t.value)
    except LiteralError as e:
        _report_datetime(t, e)
        value, fraction = _PLACEHOLDER_DATE, ""
    return DateTime(value, fraction, span=_tuple_new(Span, (t.start_pos, t.end_pos)))


_LITERALS: dict[str, Callable[[Token], Literal]] = {
    "STRING": _string,
    "NUMBER": _number,
    "DATETIME": _datetime,
    "TRUE": _true,
    "FALSE": _false,
    "NULL": _null,
}


class _Builder:
    """Lark's callbacks, one per grammar alias; each receives the children list."""

    def root(self, c: list[Any]) -> Any:
        return c[0]

    first = root

    def chain_start(self, c: list[Any]) -> list[Any]:
        return [c[0], c[2]]

    def chain_add(self, c: list[Any]) -> list[Any]:
        chain: list[Any] = c[0]
        chain.append(c[2])
        return chain

    def and_(self, c: list[Any]) -> And:
        ops = c[0]
        return And(tuple(ops), span=_tuple_new(Span, (ops[0].span[0], ops[-1].span[1])))

    def or_(self, c: list[Any]) -> Or:
        ops = c[0]
        return Or(tuple(ops), span=_tuple_new(Span, (ops[0].span[0], ops[-1].span[1])))

    def group(self, c: list[Any]) -> Expr:
        inner = c[1]
        if type(inner) is And or type(inner) is Or:
            return inner._grouped(_tuple_new(Span, (c[0].start_pos, c[2].end_pos)))
        return inner  # type: ignore[no-any-return]

    def compare(self, c: list[Any]) -> Predicate:
        path, op, tok = c
        start = path.start_pos
        operator = _CMP_OPS[op.value]
        if tok.type == "NULL" and operator is not Op.EQ and operator is not Op.NE:
            _report_null_op(op, tok)
        return _new_predicate(
            _new_path(path.value, _tuple_new(Span, (start, path.end_pos))),
            operator,
            _LITERALS[tok.type](tok),
            _tuple_new(Span, (start, tok.end_pos)),
        )

    def _match(self, c: list[Any], op: Op) -> Predicate:
        path, tok = c[0], c[-1]
        start = path.start_pos
        return _new_predicate(
            _new_path(path.value, _tuple_new(Span, (start, path.end_pos))),
            op,
            String(read_string(tok.value), span=_tuple_new(Span, (tok.start_pos, tok.end_pos))),
            _tuple_new(Span, (start, tok.end_pos)),
        )

    def contains(self, c: list[Any]) -> Predicate:
        return self._match(c, Op.CONTAINS)

    def not_contains(self, c: list[Any]) -> Predicate:
        return self._match(c, Op.NOT_CONTAINS)

    def like(self, c: list[Any]) -> Predicate:
        return self._match(c, Op.LIKE)

    def not_like(self, c: list[Any]) -> Predicate:
        return self._match(c, Op.NOT_LIKE)

    def _member(self, c: list[Any], op: Op) -> Predicate:
        path = c[0]
        start = path.start_pos
        return _new_predicate(
            _new_path(path.value, _tuple_new(Span, (start, path.end_pos))),
            op,
            tuple(c[-2]),
            _tuple_new(Span, (start, c[-1].end_pos)),
        )

    def in_(self, c: list[Any]) -> Predicate:
        return self._member(c, Op.IN)

    def not_in(self, c: list[Any]) -> Predicate:
        return self._member(c, Op.NOT_IN)

    def values_start(self, c: list[Any]) -> list[Any]:
        tok = c[0]
        return [_LITERALS[tok.type](tok)]

    def values_add(self, c: list[Any]) -> list[Any]:
        values: list[Any] = c[0]
        tok = c[2]
        values.append(_LITERALS[tok.type](tok))
        return values

    def list_start(self, c: list[Any]) -> list[Any]:
        return [c[0]]

    def list_add(self, c: list[Any]) -> list[Any]:
        items: list[Any] = c[0]
        items.append(c[2])
        return items

    def sort_key(self, c: list[Any]) -> SortKey:
        path, last = c[0], c[-1]
        return SortKey(
            _new_path(path.value, _tuple_new(Span, (path.start_pos, path.end_pos))),
            last.type == "DESC",
            span=_tuple_new(Span, (path.start_pos, last.end_pos)),
        )

    def order_by(self, c: list[Any]) -> OrderBy:
        keys = c[0]
        return OrderBy(tuple(keys), span=_tuple_new(Span, (keys[0].span[0], keys[-1].span[1])))

    def fields(self, c: list[Any]) -> Fields:
        toks = c[0]
        return Fields(
            tuple(_new_path(t.value, _tuple_new(Span, (t.start_pos, t.end_pos))) for t in toks),
            span=_tuple_new(Span, (toks[0].start_pos, toks[-1].end_pos)),
        )


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
    failure: UnexpectedInput | ParseError | None = None
    token = _problems.set((text, found))
    try:
        node = cast(Node, _lark().parse(text, start=start))
    except UnexpectedInput as e:
        failure = e
        _check_unreduced(e)
    except ParseError as e:  # a node refused while the tree was built: and/or nested too deep
        failure = e
    finally:
        _problems.reset(token)
    if isinstance(failure, UnexpectedInput):
        found.sort(key=lambda d: d.start)
        from ._diagnose import explain  # only a failed parse needs it: it is slow to import

        found.append(explain(text, failure, start, _lexer()))
    elif failure is not None:
        found.append(Diagnostic.at(text, failure.code, failure.diagnostics[0].message, 0, len(text)))
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
    depth = 0
    for m in _lexer().strings_and_parentheses.finditer(text):
        if m.group() == "(":
            depth += 1
            if depth > max_depth:
                raise _fail(
                    text, "E020",
                    f"parentheses nest deeper than {max_depth} levels",
                    m.start(), m.end(),
                    "flatten the groups, or raise Limits(max_depth=...) if the text is trusted",
                )
        elif depth:
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

