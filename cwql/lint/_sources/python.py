"""Python files, read with the ``ast`` module.

Queries are found where ConnectWise queries are written, and nowhere else:

- cwql's own API, whatever it is imported as: the query arguments of
  ``Query``, ``parse``, ``normalize``, ``parse_order_by``, ``parse_fields``,
  ``evaluate``, ``compile_predicate``, ``validate``, ``is_valid``, ``to_sql``
  and ``cwql.lint.check``, positional or keyword (with the ``kind`` they
  name); ``.where(...)`` and, on a ``Query``, ``.order_by``, ``.fields`` and
  ``.replace``; the query of a client's ``.iter``, ``.pages``, ``.count``,
  ``.search`` (and ``.get`` on a known ``Client``).
- Keys and keywords only ConnectWise uses (``childConditions``,
  ``customFieldConditions`` and their other spellings), everywhere.
- The generic names (``conditions``, ``orderBy``, ``order_by``, ``fields``)
  as keyword arguments, dict keys and subscripts (``params={"conditions":
  ...}`` as pyconnectwise, requests and httpx take them), only in a file with
  evidence that it is about ConnectWise: it imports cwql or a ConnectWise
  client (:data:`CONNECTWISE_MODULES`), holds a URL with ``/apis/3.0/`` or a
  ``# cwql:`` comment, or the config says so. Even then, not in the
  arguments of a call into another library (SQLAlchemy's ``order_by=``,
  Google's ``fields=``), told by what the call's name is imported or assigned
  from.

Implicit concatenation is followed. f-strings and ``+`` with non-literal
parts are checked around their holes when a placeholder makes the rest parse;
otherwise they are skipped and counted.

Positions come from the ``ast`` node; the literal's own text is then scanned
here (prefix, quotes, escapes, f-string holes) to map every character of the
value back to the file, and the result is checked against the value the
``ast`` module read, so a literal this scanner gets wrong is skipped, never
mis-reported.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
import warnings
from collections.abc import Callable, Iterator

from ..._parser import parse_kind
from ..._record import Record
from ..._spec import ALL_KINDS as KINDS
from ..._spec import CONDITION_KINDS
from ..._spec import HOST_NAMES as NAMES
from ...errors import CWQLError
from .._comments import COMMENT, Directive, parse_comment
from . import dsl
from .base import (
    API_MARK,
    GENERIC_KINDS,
    HOLE,
    Comment,
    Extraction,
    LineIndex,
    OffsetMap,
    Segment,
    Site,
    Writer,
    unparsable,
)

__all__ = ["CONNECTWISE_MODULES", "read"]

#: Top-level modules whose import says a file talks to ConnectWise PSA: cwql, and the
#: Python clients of the Manage API (pyconnectwise, ConnectPyse, connectwise-psa).
CONNECTWISE_MODULES = frozenset({"cwql", "pyconnectwise", "connectpyse", "connectwise",
                                 "connectwise_psa"})
# HTTP clients: a call through one may carry ConnectWise's parameters, so it is not
# "another library's" call whose `fields=` means something else.
_HTTP_MODULES = frozenset({"requests", "httpx", "aiohttp", "urllib3", "urllib"})


class _Signature(Record):
    """Where a cwql function takes its query, and its kind: fixed, or from a ``kind`` argument."""

    __slots__ = ("keyword", "kind", "kind_argument", "kind_position", "position")
    position: int
    keyword: str
    kind: str
    #: The ``kind`` argument's position (None: keyword only), when the function has one.
    kind_position: int | None
    kind_argument: bool

    def __init__(
        self,
        position: int,
        keyword: str,
        kind: str,
        kind_position: int | None = None,
        kind_argument: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "position", position)
        _set(self, "keyword", keyword)
        _set(self, "kind", kind)
        _set(self, "kind_position", kind_position)
        _set(self, "kind_argument", kind_argument)


# cwql's functions that take a query, by name (in any cwql module).
_FUNCTIONS = {
    "parse": _Signature(0, "text", "conditions", 1, True),
    "normalize": _Signature(0, "text", "conditions", 1, True),
    "parse_order_by": _Signature(0, "text", "orderBy"),
    "parse_fields": _Signature(0, "text", "fields"),
    "evaluate": _Signature(0, "expr", "conditions", 2, True),
    "compile_predicate": _Signature(0, "expr", "conditions", 1, True),
    "validate": _Signature(0, "text", "conditions", None, True),
    "is_valid": _Signature(0, "text", "conditions", None, True),
    "to_sql": _Signature(0, "expr", "conditions"),
}
# cwql.lint.check: the same as parse, but only under cwql.lint (check is a common name).
_LINT_CHECK = _Signature(0, "text", "conditions", 1, True)
# Client methods whose second argument (or `query=`) is a query: a condition as text.
_CLIENT_METHODS = frozenset({"iter", "pages", "count", "search"})
# Query methods that take queries of a kind, each positional argument one.
_QUERY_METHODS = {"where": "conditions", "order_by": "orderBy", "fields": "fields"}
_PREFIX_QUOTE = re.compile(r"([rRbBuUfF]{0,2})('''|\"\"\"|'|\")")
_BETWEEN = re.compile(r"(?:\s|\\\r?\n|#[^\r\n]*)*")
_UNIVERSAL_NEWLINE = re.compile(r"\r\n|\r|\n")
_SIMPLE_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v",
}
_OCTAL = re.compile(r"[0-7]{1,3}")
_HEX = {"x": 2, "u": 4, "U": 8}

# Placeholders tried, in order, for a run-time hole: a value, a whole
# condition, a field name, text inside a string, a date inside brackets.
_PLACEHOLDERS = ("0", "cwql_hole=0", "cwql_hole", "cwql", "2000-01-01")


class _Unsupported(Exception):
    """A literal this module does not map; the query is skipped and counted."""


class _Part(Record, frozen=False):
    __slots__ = ("body_end", "body_start", "holes", "prefix", "quote")
    prefix: str
    quote: str
    body_start: int
    body_end: int
    #: Host ranges of f-string holes (``{...}`` including braces), in order.
    holes: list[tuple[int, int]]

    def __init__(
        self,
        prefix: str,
        quote: str,
        body_start: int,
        body_end: int,
        holes: list[tuple[int, int]],
    ) -> None:
        self.prefix = prefix
        self.quote = quote
        self.body_start = body_start
        self.body_end = body_end
        self.holes = holes


def _scan_string_end(text: str, i: int, quote: str) -> int:
    """Offset just past the string whose body starts at ``i`` (inside an f-string expression)."""
    while True:
        if i >= len(text):
            raise _Unsupported("unterminated string in an f-string expression")
        if text.startswith(quote, i):
            return i + len(quote)
        i += 2 if text[i] == "\\" else 1


def _scan_hole(text: str, i: int, end: int) -> int:
    """Offset just past the ``}`` closing the f-string hole whose ``{`` is before ``i``."""
    depth = 0
    while i < end:
        c = text[i]
        if c in "([{":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "}":
            if depth == 0:
                return i + 1
            depth -= 1
        elif c in "'\"":
            m = _PREFIX_QUOTE.match(text, i)
            assert m is not None
            i = _scan_string_end(text, m.end(), m.group(2))
            continue
        i += 1
    raise _Unsupported("unterminated f-string hole")


def _scan_parts(text: str, start: int, end: int) -> list[_Part]:
    """The string literals (implicitly concatenated) in ``text[start:end]``."""
    parts: list[_Part] = []
    pos = start
    while True:
        pos = _BETWEEN.match(text, pos, end).end()  # type: ignore[union-attr]
        if pos >= end:
            return parts
        m = _PREFIX_QUOTE.match(text, pos, end)
        if m is None:
            raise _Unsupported("unexpected text between string literals")
        prefix, quote = m.group(1).lower(), m.group(2)
        if "b" in prefix:
            raise _Unsupported("bytes literal")
        fstring = "f" in prefix
        i = m.end()
        holes: list[tuple[int, int]] = []
        while True:
            if i >= end:
                raise _Unsupported("unterminated string literal")
            if text.startswith(quote, i):
                break
            c = text[i]
            if c == "\\":
                i += 2
            elif fstring and c == "{":
                if text.startswith("{{", i):
                    i += 2
                else:
                    close = _scan_hole(text, i + 1, end)
                    holes.append((i, close))
                    i = close
            elif fstring and c == "}" and text.startswith("}}", i):
                i += 2
            else:
                i += 1
        parts.append(_Part(prefix, quote, m.end(), i, holes))
        pos = i + len(quote)


def _decode(text: str, start: int, end: int, raw: bool, fstring: bool,
            out: list[str], segs: list[Segment], part: int) -> None:
    """Append the value of ``text[start:end]`` (a literal body without holes) to ``out``.

    Each escape becomes a segment of its own; plain text extends linear segments.
    """
    q = sum(len(s) for s in out)
    i = start
    run_start = i

    def flush(upto: int) -> None:
        nonlocal q
        if upto > run_start:
            out.append(text[run_start:upto])
            segs.append(Segment(q, q + upto - run_start, run_start, upto, part))
            q += upto - run_start

    def unit(value: str, h_start: int, h_end: int) -> None:
        nonlocal q
        if value:
            out.append(value)
            segs.append(Segment(q, q + len(value), h_start, h_end, part))
            q += len(value)

    while i < end:
        c = text[i]
        if c == "\r":
            # Python reads any line break in a literal as \n.
            flush(i)
            width = 2 if text.startswith("\r\n", i) else 1
            unit("\n", i, i + width)
            i += width
            run_start = i
        elif fstring and c in "{}" and text.startswith(c * 2, i):
            flush(i)
            unit(c, i, i + 2)
            i += 2
            run_start = i
        elif c == "\\" and not raw:
            flush(i)
            value, width = _escape(text, i)
            unit(value, i, i + width)
            i += width
            run_start = i
        elif c == "\\":
            i += 2  # raw: the backslash and the next character stay as they are
        else:
            i += 1
    flush(end)


def _escape(text: str, i: int) -> tuple[str, int]:
    """The value of the escape at ``text[i]`` (a backslash) and its width."""
    nxt = text[i + 1:i + 2]
    if nxt == "\n":
        return "", 2
    if nxt == "\r":
        return "", 3 if text.startswith("\r\n", i + 1) else 2
    if nxt in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[nxt], 2
    m = _OCTAL.match(text, i + 1)
    if m is not None:
        return chr(int(m.group(), 8)), 1 + len(m.group())
    if nxt in _HEX:
        digits = text[i + 2:i + 2 + _HEX[nxt]]
        try:
            return chr(int(digits, 16)), 2 + _HEX[nxt]
        except ValueError:
            raise _Unsupported("bad escape") from None
    if nxt == "N":
        close = text.find("}", i)
        try:
            return unicodedata.lookup(text[i + 3:close]), close + 1 - i
        except KeyError:
            raise _Unsupported("bad \\N escape") from None
    return "\\" + nxt, 2


class _Piece(Record, frozen=False):
    """A literal (Constant or JoinedStr) or a run-time hole, in a query expression."""

    __slots__ = ("literal", "node")
    node: ast.expr
    literal: bool

    def __init__(self, node: ast.expr, literal: bool) -> None:
        self.node = node
        self.literal = literal


def _pieces(expr: ast.expr) -> list[_Piece] | None:
    """The parts of a string expression, or None when it is not a string expression."""
    if isinstance(expr, ast.Constant):
        return [_Piece(expr, True)] if isinstance(expr.value, str) else None
    if isinstance(expr, ast.JoinedStr):
        return [_Piece(expr, True)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        out: list[_Piece] = []
        stack: list[ast.expr] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                stack += (node.right, node.left)
            elif isinstance(node, ast.Constant):
                if not isinstance(node.value, str):
                    return None
                out.append(_Piece(node, True))
            elif isinstance(node, ast.JoinedStr):
                out.append(_Piece(node, True))
            else:
                out.append(_Piece(node, False))
        return out
    return [_Piece(expr, False)]


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LineIndex(text)
        # ast counts \r, \n and \r\n as line breaks; offsets of each line's start.
        self.ast_lines = [0] + [m.end() for m in _UNIVERSAL_NEWLINE.finditer(text)]
        # In an ASCII file a UTF-8 byte column is a character column (most files: one check).
        self.ascii = text.isascii()
        self.out = Extraction()
        # Host spans already read: `a["conditions"] = b["conditions"] = "..."` is one literal.
        self.read: set[tuple[int, int]] = set()
        #: Calls to cwql's query functions (set by ``read``): their argument is read at the call.
        self.is_cwql_call: Callable[[ast.Call], bool] = lambda call: False

    def offset(self, lineno: int, col: int) -> int:
        """Host offset of an ``ast`` position (1-based line, UTF-8 byte column)."""
        start = self.ast_lines[lineno - 1]
        if self.ascii:
            return start + col
        end = self.ast_lines[lineno] if lineno < len(self.ast_lines) else len(self.text)
        line = self.text[start:end]
        if line.isascii():
            return start + col
        return start + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    def span(self, node: ast.expr) -> tuple[int, int]:
        assert node.end_lineno is not None
        assert node.end_col_offset is not None
        return (self.offset(node.lineno, node.col_offset),
                self.offset(node.end_lineno, node.end_col_offset))

    def site(self, expr: ast.expr, kind: str, endpoint: str | None) -> None:
        if isinstance(expr, ast.Call) and self.is_cwql_call(expr):
            return  # `conditions=cwql.parse("...")`: the parse call is read on its own
        pieces = _pieces(expr)
        if pieces is None:
            return
        span = self.span(expr)
        if span in self.read:
            return
        self.read.add(span)
        at = span[0]
        if not any(p.literal for p in pieces):
            self.out.dynamic.append((at, "not a string literal"))
            return
        try:
            self._site(pieces, kind, endpoint, span)
        except _Unsupported as e:
            self.out.dynamic.append((at, str(e)))

    def _site(self, pieces: list[_Piece], kind: str, endpoint: str | None,
              span: tuple[int, int]) -> None:
        text = self.text
        # One piece is the whole expression: its span is the one the caller has.
        if len(pieces) == 1 and self._plain(pieces[0].node, kind, endpoint, span):
            return
        chunks: list[str] = []
        segs: list[Segment] = []
        hole_ranges: list[tuple[int, int]] = []  # host ranges, in order
        hole_chunks: list[int] = []  # which chunks stand for a hole
        parts: list[_Part] = []
        first, last = len(text), 0
        for piece in pieces:
            start, end = self.span(piece.node)
            first, last = min(first, start), max(last, end)
            if not piece.literal:
                self._hole(chunks, segs, hole_chunks, (start, end))
                hole_ranges.append((start, end))
                continue
            literal_parts = _scan_parts(text, start, end)
            expected = self._expected(piece.node)
            got: list[str | None] = []
            for lp in literal_parts:
                index = len(parts)
                parts.append(lp)
                at = lp.body_start
                for h_start, h_end in [*lp.holes, (lp.body_end, lp.body_end)]:
                    before = len(chunks)
                    _decode(text, at, h_start, "r" in lp.prefix, "f" in lp.prefix, chunks, segs, index)
                    got.append("".join(chunks[before:]))
                    if h_start < lp.body_end:
                        self._hole(chunks, segs, hole_chunks, (h_start, h_end))
                        hole_ranges.append((h_start, h_end))
                        got.append(None)
                    at = h_end
            if _merge(got) != expected:
                raise _Unsupported("a string literal this reader cannot map")
        if hole_ranges:
            self._with_holes(chunks, segs, hole_chunks, kind, endpoint, first, last)
            return
        query = "".join(chunks)
        if not segs:  # an empty literal: its position is where its body would be
            segs.append(Segment(0, 0, parts[0].body_start, parts[0].body_start, 0))
        quote = "'" if parts and parts[0].quote[0] == '"' else '"'
        self.out.sites.append(Site(
            query, kind, endpoint, OffsetMap(segs), self.lines.line(first), self.lines.line(last),
            _writer(parts), (), quote,
        ))

    def _plain(self, node: ast.expr, kind: str, endpoint: str | None,
               span: tuple[int, int]) -> bool:
        """The fast path: a one-line ``"..."`` or ``'...'`` literal with no prefix and no escape,
        whose text is its value character for character. True when it was read so."""
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            return False
        text = self.text
        start, end = span
        quote = text[start]
        if quote not in "'\"" or end - start < 2 or text[end - 1] != quote \
                or text.startswith(quote * 3, start):
            return False
        value = node.value
        if text[start + 1:end - 1] != value or "\\" in value:
            return False
        part = _Part("", quote, start + 1, end - 1, [])
        line = self.lines.line(start)
        self.out.sites.append(Site(
            value, kind, endpoint, OffsetMap([Segment(0, len(value), start + 1, end - 1)]), line,
            line, _writer([part]), (), "'" if quote == '"' else '"',
        ))
        return True

    def _expected(self, node: ast.expr) -> list[str | None]:
        if isinstance(node, ast.Constant):
            return [str(node.value)]
        assert isinstance(node, ast.JoinedStr)
        return [str(v.value) if isinstance(v, ast.Constant) else None for v in node.values]

    def _hole(self, chunks: list[str], segs: list[Segment], hole_chunks: list[int],
              host: tuple[int, int]) -> None:
        q = sum(len(c) for c in chunks)
        hole_chunks.append(len(chunks))
        chunks.append("?")  # one character for now; _with_holes puts a placeholder here
        segs.append(Segment(q, q + 1, host[0], host[1], HOLE))

    def _with_holes(self, chunks: list[str], segs: list[Segment], hole_chunks: list[int],
                    kind: str, endpoint: str | None, first: int, last: int) -> None:
        for placeholder in _PLACEHOLDERS:
            text_parts = list(chunks)
            new_segs: list[Segment] = []
            holes: list[tuple[int, int]] = []
            q = 0
            for seg in segs:
                length = len(placeholder) if seg.part == HOLE else seg.q_end - seg.q_start
                new_segs.append(Segment(q, q + length, seg.h_start, seg.h_end, seg.part))
                if seg.part == HOLE:
                    holes.append((q, q + length))
                q += length
            for i in hole_chunks:
                text_parts[i] = placeholder
            query = "".join(text_parts)
            try:
                parse_kind(query, kind)
            except CWQLError:
                continue
            self.out.sites.append(Site(
                query, kind, endpoint, OffsetMap(new_segs), self.lines.line(first),
                self.lines.line(last), None, tuple(holes),
            ))
            return
        self.out.dynamic.append((first, "built at run time and does not parse around its holes"))


def _merge(items: list[str | None]) -> list[str | None]:
    """Adjacent literal texts joined, empty ones dropped: the shape ``ast`` gives a JoinedStr."""
    out: list[str | None] = []
    for item in items:
        if item is None:
            out.append(None)
        elif item:
            if out and out[-1] is not None:
                out[-1] = out[-1] + item
            else:
                out.append(item)
    return out or [""]


def _writer(parts: list[_Part]) -> Writer:
    def write(index: int, value: str) -> str | None:
        part = parts[index]
        quote = part.quote
        triple = len(quote) == 3
        if "r" in part.prefix:
            if quote[0] in value or "\\" in value or (not triple and ("\n" in value or "\r" in value)):
                return None
            return value
        out = []
        for c in value:
            if c == "\\":
                out.append("\\\\")
            elif c == quote[0]:
                out.append("\\" + c)
            elif c == "\n":
                out.append("\n" if triple else "\\n")
            elif c == "\r":
                out.append("\\r")
            elif c in "{}" and "f" in part.prefix:
                out.append(c * 2)
            elif not c.isprintable() and c != "\t":
                code = ord(c)
                out.append(f"\\x{code:02x}" if code < 0x100 else
                           f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
            else:
                out.append(c)
        return "".join(out)

    return write



def _endpoint_of(call: ast.Call) -> str | None:
    """An API path given as the call's first argument: ``client.get("/service/tickets", ...)``."""
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        value = call.args[0].value
        if API_MARK + "/" in value:
            value = value.split(API_MARK, 1)[1]
        if value.startswith("/") and " " not in value:
            return value.split("?", 1)[0].rstrip("/") or None
    return None


def _comments(text: str, lines: LineIndex, ast_lines: list[int]) -> Iterator[Comment]:
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                m = COMMENT.match(tok.string)
                if m is not None:
                    start = ast_lines[tok.start[0] - 1] + tok.start[1]
                    own = not tok.line[:tok.start[1]].strip()
                    yield Comment(lines.line(start), start, start + len(tok.string),
                                  m.group("body"), own)
    except (tokenize.TokenError, SyntaxError):
        return


def _bindings(nodes: list[ast.AST]) -> dict[str, str]:
    """Names bound by imports, to the qualified name they stand for (``np`` -> ``numpy``)."""
    bound: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name == "*":
                    if node.module.split(".")[0] == "cwql":
                        for name in (*_FUNCTIONS, "Query", "F", "CF"):
                            bound.setdefault(name, f"{node.module}.{name}")
                    continue
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


class _Names:
    """What the names of a module stand for: imports, and variables assigned from calls.

    :meth:`qualify` gives an expression's origin as a dotted name (``service.files().list``
    with ``service = build(...)`` from ``googleapiclient.discovery`` is
    ``googleapiclient.discovery.build.files.list``), or None when it is not known.
    """

    def __init__(self, nodes: list[ast.AST]) -> None:
        self.imports = _bindings(nodes)
        origins: dict[str, str | None] = {}

        def bind(target: ast.expr, value: ast.expr | None) -> None:
            if not isinstance(target, ast.Name):
                return
            origin = self._qualify(value, {}) if value is not None else None
            if target.id in origins and origins[target.id] != origin:
                origins[target.id] = None  # assigned from two things: not known
            else:
                origins[target.id] = origin

        for node in nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    bind(target, node.value)
            elif isinstance(node, (ast.AnnAssign, ast.arg)):
                target = node.target if isinstance(node, ast.AnnAssign) else ast.Name(node.arg)
                annotation = node.annotation
                if annotation is not None:
                    bind(target, ast.Call(annotation, [], []))
                if isinstance(node, ast.AnnAssign) and node.value is not None:
                    bind(target, node.value)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        bind(item.optional_vars, item.context_expr)
        self.origins = {k: v for k, v in origins.items() if v is not None and k not in self.imports}
        self._known: dict[ast.expr, str | None] = {}

    def _qualify(self, expr: ast.expr | None, origins: dict[str, str]) -> str | None:
        parts: list[str] = []
        while True:  # by exact type (ast.parse makes no subclasses): every call is asked about
            if type(expr) is ast.Call:
                expr = expr.func
            elif type(expr) is ast.Attribute:
                parts.append(expr.attr)
                expr = expr.value
            elif type(expr) is ast.Name:
                base = self.imports.get(expr.id) or origins.get(expr.id)
                if base is None:
                    return None
                return ".".join([base, *reversed(parts)])
            elif type(expr) is ast.Await:
                expr = expr.value
            else:  # a subscript (`Client | None` and the like) is not followed, nor anything else
                return None

    def qualify(self, expr: ast.expr) -> str | None:
        # A call is asked about several times (is it foreign, cwql's, a Query, a method of
        # one); the answer is kept per node, which the dict holds alive, so no id is reused.
        try:
            return self._known[expr]
        except KeyError:
            found = self._known[expr] = self._qualify(expr, self.origins)
            return found

    def root(self, expr: ast.expr) -> str | None:
        found = self.qualify(expr)
        return None if found is None else found.split(".")[0]


def _kind_of(call: ast.Call, signature: _Signature) -> str | None:
    """The kind a call reads its query as: its ``kind`` argument, the default, or None
    when the argument is not a literal."""
    if not signature.kind_argument:
        return signature.kind
    given: ast.expr | None = None
    if signature.kind_position is not None and len(call.args) > signature.kind_position:
        given = call.args[signature.kind_position]
    for kw in call.keywords:
        if kw.arg == "kind":
            given = kw.value
    if given is None:
        return signature.kind
    if isinstance(given, ast.Constant) and isinstance(given.value, str) and given.value in KINDS:
        return given.value
    return None


def _argument(call: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    if position is not None and len(call.args) > position \
            and not any(isinstance(a, ast.Starred) for a in call.args[:position + 1]):
        return call.args[position]
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return None


def _syntax_error_offset(text: str, e: SyntaxError) -> int:
    """Where a SyntaxError points, as an offset into ``text`` (0 when it does not say)."""
    if not e.lineno:
        return 0
    lines = text.splitlines(keepends=True)
    if e.lineno > len(lines):
        return len(text)
    start = sum(len(line) for line in lines[:e.lineno - 1])
    column = max((e.offset or 1) - 1, 0)
    return min(start + column, start + len(lines[e.lineno - 1].rstrip("\r\n")))


def _has_api_url(nodes: list[ast.AST]) -> bool:
    return any(type(node) is ast.Constant and isinstance(node.value, str)
               and API_MARK in node.value for node in nodes)


def _walk(root: ast.AST) -> list[ast.AST]:
    """Every node under ``root``, breadth first, in :func:`ast.walk`'s order.

    A list built in one loop: ``ast.walk``'s generators (``iter_child_nodes``,
    ``iter_fields``) were a fifth of the Python reader's time, and every caller
    wants all the nodes anyway.
    """
    nodes = [root]
    append, extend, AST = nodes.append, nodes.extend, ast.AST
    for node in nodes:  # grows while it is read: breadth first
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:  # ast.parse makes plain lists
                extend([item for item in value if isinstance(item, AST)])
            elif isinstance(value, AST):
                append(value)
    return nodes


# The nodes each pass looks at; every other node is passed over by one set lookup.
_BINDING_NODES = frozenset({ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.arg,
                            ast.With, ast.AsyncWith})
_QUERY_NODES = frozenset({ast.Call, ast.Dict, ast.Assign, ast.AnnAssign, ast.Compare, ast.BinOp,
                          ast.UnaryOp})
_DSL_NODES = frozenset({ast.Compare, ast.BinOp, ast.UnaryOp, ast.Call})


def read(text: str, endpoint: str | None, connectwise: bool = False) -> Extraction:
    """The queries in a Python file; ``connectwise`` says the file is about ConnectWise
    whatever it holds (the config's ``connectwise-files`` or ``generic-keys``)."""
    try:
        with warnings.catch_warnings():
            # `"\d"` in the user's file is their linter's business, not a line on our stderr.
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as e:
        out = Extraction()
        at = _syntax_error_offset(text, e)
        out.skipped = unparsable("Python", f"line {e.lineno}: {e.msg}; no query in it was checked",
                                 at)
        return out
    except (ValueError, RecursionError, MemoryError) as e:
        out = Extraction()
        out.skipped = unparsable("Python", f"{type(e).__name__}, nested too deeply or too large; "
                                 "no query in it was checked")
        return out
    finder = _Finder(text, tree, endpoint, connectwise)
    try:
        return finder.run()
    except RecursionError:  # a tree the ast module built but that is too deep to walk
        out = Extraction()
        out.skipped = unparsable("Python", "nested too deeply to walk; no query in it was checked")
        return out
    finally:
        # The reader asks the finder about calls: a cycle, which would keep the file's whole
        # tree alive until a full collection; cut, it goes as soon as the file is read.
        finder.reader.is_cwql_call = _no_call


def _no_call(call: ast.Call) -> bool:
    return False


class _Finder:
    """One pass over a module's tree, reading each query site once."""

    def __init__(self, text: str, tree: ast.Module, endpoint: str | None, connectwise: bool) -> None:
        self.tree = tree
        self.endpoint = endpoint
        reader = self.reader = _Reader(text)
        if "cwql:" in text:
            reader.out.comments = list(_comments(text, reader.lines, reader.ast_lines))
        self.directives = sorted(
            (c.line, parsed.settings["endpoint"] or None)
            for c in reader.out.comments
            if c.own_line and isinstance(parsed := parse_comment(c.body), Directive)
            and "endpoint" in parsed.settings
        )
        # Every node, breadth first, walked once: a call comes before the dicts and calls in
        # its arguments.
        self.nodes: list[ast.AST] = _walk(tree)
        self.names = _Names([node for node in self.nodes if type(node) in _BINDING_NODES])
        modules = {q.split(".")[0] for q in self.names.imports.values()}
        self.uses_cwql = "cwql" in modules
        self.connectwise = (connectwise or bool(modules & CONNECTWISE_MODULES)
                            or bool(reader.out.comments) or _has_api_url(self.nodes))
        reader.is_cwql_call = self._is_cwql_call
        # Nodes inside the arguments of another library's calls: their generic names are its own.
        self.foreign: set[int] = set()
        # Nodes of DSL expressions already read (as a whole, or found not to be rebuildable).
        self.built: set[int] = set()
        self.dsl = any(q == "cwql" or q.startswith("cwql.fields") or dsl.is_root(q)
                       for q in self.names.imports.values())

    # ---- what a name is ---------------------------------------------------------

    def _cwql_function(self, call: ast.Call) -> _Signature | None:
        found = self.names.qualify(call.func)
        if found is None or not found.startswith("cwql."):
            return None
        parts = found.split(".")
        if parts[-1] == "check" and "lint" in parts:
            return _LINT_CHECK
        return _FUNCTIONS.get(parts[-1]) if len(parts) >= 2 else None

    def _is_query(self, expr: ast.expr) -> bool:
        """A cwql Query: made by ``Query(...)`` or one of its builders."""
        found = self.names.qualify(expr)
        return found is not None and found.startswith("cwql.") and ".Query" in f".{found}"

    def _is_client(self, expr: ast.expr) -> bool:
        found = self.names.qualify(expr)
        return found is not None and found.startswith("cwql.") and \
            any(part in ("Client", "AsyncClient") for part in found.split("."))

    def _is_cwql_call(self, call: ast.Call) -> bool:
        return self._cwql_function(call) is not None or self._is_query(call)

    def _foreign(self, call: ast.Call) -> bool:
        """A call into a library that is neither cwql, a ConnectWise client nor an HTTP client."""
        root = self.names.root(call.func)
        return root is not None and root not in CONNECTWISE_MODULES and root not in _HTTP_MODULES

    # ---- where a query is ------------------------------------------------------------

    def endpoint_at(self, node: ast.expr, call: ast.Call | None) -> str | None:
        line = node.lineno
        found = self.endpoint
        for at, value in self.directives:
            if at < line:
                found = value
        if call is not None and found is self.endpoint:
            found = _endpoint_of(call) or found
        return found

    def site(self, expr: ast.expr | None, kind: str | None, call: ast.Call | None) -> None:
        if expr is None or id(expr) in self.built:
            return
        if self.dsl and self.dsl_site(expr, kind or "conditions"):
            return
        if kind is None:
            self.reader.out.dynamic.append((self.reader.span(expr)[0], "the kind is not a literal"))
            return
        self.reader.site(expr, kind, self.endpoint_at(expr, call))

    def dsl_site(self, expr: ast.expr, kind: str = "conditions") -> bool:
        """A condition built with the DSL from literals, linted as the text it builds.

        True when ``expr`` is built with ``F`` (whether or not it could be rebuilt
        here), so it is not counted as a query that could not be checked.
        """
        if not dsl.mentions_f(expr, self.names.qualify):
            return False
        self.built.update(map(id, _walk(expr)))
        # `order_by=F.id.desc()` builds a sort key, which has nothing to lint.
        condition = dsl.build(expr, self.names.qualify) if kind in CONDITION_KINDS else None
        if condition is None:
            return True
        text = str(condition)
        start, end = self.reader.span(expr)
        lines = self.reader.lines
        # The text is the DSL's, not the file's: every finding points at the whole expression.
        self.reader.out.sites.append(Site(
            text, kind, self.endpoint_at(expr, None), OffsetMap([Segment(0, len(text), start, end)]),
            lines.line(start), lines.line(end), None,
        ))
        return True

    def named(self, name: str | None) -> str | None:
        """The kind a key or keyword holds, when it is one the file's evidence lets count."""
        if name is None:
            return None
        kind = NAMES.get(name)
        if kind is None or (kind in GENERIC_KINDS and not self.connectwise):
            return None
        return kind

    def run(self) -> Extraction:
        reader = self.reader
        for node in self.nodes:
            if type(node) not in _QUERY_NODES or id(node) in self.built:
                continue
            if self.dsl and type(node) in _DSL_NODES and isinstance(node, ast.expr) \
                    and self.dsl_site(node):
                continue
            if isinstance(node, ast.Call):
                self.call(node)
            elif isinstance(node, ast.Dict) and id(node) not in self.foreign:
                self.dict(node, None)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    key = target.slice if isinstance(target, ast.Subscript) else None
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) \
                            and node.value is not None:
                        kind = self.named(key.value)
                        if kind is not None:
                            self.site(node.value, kind, None)
        return reader.out

    def dict(self, node: ast.Dict, call: ast.Call | None) -> None:
        self.foreign.add(id(node))  # read once
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                kind = self.named(key.value)
                if kind is not None:
                    self.site(value, kind, call)

    def call(self, node: ast.Call) -> None:
        if id(node) in self.foreign:
            return
        if self._foreign(node):
            # Another library's call: its `fields=`, `order_by=`, dict keys are its own.
            for arg in [*node.args, *(kw.value for kw in node.keywords)]:
                self.foreign.update(map(id, _walk(arg)))
            for kw in node.keywords:
                if kw.arg in NAMES and NAMES[kw.arg] not in GENERIC_KINDS:
                    self.site(kw.value, NAMES[kw.arg], node)
            return
        signature = self._cwql_function(node)
        if signature is not None:
            self.site(_argument(node, signature.position, signature.keyword),
                      _kind_of(node, signature), node)
            return
        made = self.names.qualify(node.func)
        if made is not None and made.startswith("cwql.") and made.split(".")[-1] == "Query":
            self.site(_argument(node, 0, "conditions"), "conditions", node)
            for kw in node.keywords:
                if kw.arg in NAMES and kw.arg != "conditions":
                    self.site(kw.value, NAMES[kw.arg], node)
            return
        func = node.func
        if isinstance(func, ast.Attribute) and self.method(node, func):
            return
        for kw in node.keywords:
            kind = self.named(kw.arg)
            if kind is not None:
                self.site(kw.value, kind, node)
        for arg in [*node.args, *(kw.value for kw in node.keywords)]:
            if isinstance(arg, ast.Dict):
                # Read here, where the call's endpoint argument is known.
                self.dict(arg, node)

    def method(self, node: ast.Call, func: ast.Attribute) -> bool:
        """A method of a cwql Query or Client; True when the call was one and has been read."""
        name, receiver = func.attr, func.value
        known = self.names.qualify(receiver)
        ours = known is not None and known.startswith("cwql.")
        if known is not None and not ours:
            return False
        if name in _QUERY_METHODS and (self._is_query(receiver) or (
                name == "where" and known is None and self.uses_cwql)):
            for arg in node.args:
                if not isinstance(arg, ast.Starred):
                    self.site(arg, _QUERY_METHODS[name], node)
            return True
        if name == "replace" and self._is_query(receiver):
            for kw in node.keywords:
                if kw.arg in NAMES:
                    self.site(kw.value, NAMES[kw.arg], node)
            return True
        client = self._is_client(receiver)
        if name in _CLIENT_METHODS and (client or (known is None and self.uses_cwql
                                                   and _path_like(node))):
            self.site(_argument(node, 1, "query"), "conditions", node)
            return True
        if name == "get" and client and len(node.args) > 1 \
                and isinstance(node.args[1], ast.Constant | ast.JoinedStr) \
                and not (isinstance(node.args[1], ast.Constant)
                         and not isinstance(node.args[1].value, str)):
            self.site(node.args[1], "conditions", node)
            return True
        return False


def _path_like(call: ast.Call) -> bool:
    """The first argument may be an API path: a literal starting with `/`, or not a literal."""
    if not call.args:
        return any(kw.arg == "query" for kw in call.keywords)
    first = call.args[0]
    if isinstance(first, ast.Constant):
        return isinstance(first.value, str) and first.value.startswith("/")
    return True

