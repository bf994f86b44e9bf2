"""Python files, read with the ``ast`` module.

Queries are the string literals passed as keyword arguments or used as dict
keys named ``conditions``, ``childConditions``, ``customFieldConditions``,
``orderBy``, ``fields`` (and the snake_case and POST-body spellings), assigned
to such a subscript, or passed to ``cwql.parse`` and its siblings. Implicit
concatenation is followed. f-strings and ``+`` with non-literal parts are
checked around their holes when a placeholder makes the rest parse; otherwise
they are skipped and counted.

Positions come from the ``ast`` node; the literal's own text is then scanned
here (prefix, quotes, escapes, f-string holes) to map every character of the
value back to the file, and the result is checked against the value the
``ast`` module read, so a literal this scanner gets wrong is skipped, never
mis-reported.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..._parser import parse_kind
from ..._spec import HOST_NAMES as NAMES
from ...errors import CWQLError
from .._comments import COMMENT, Directive, parse_comment
from .base import HOLE, Comment, Extraction, LineIndex, OffsetMap, Segment, Site, Writer

__all__ = ["read"]

# cwql's own functions that take a query first, and the kind each reads.
_FUNCTIONS = {
    "parse": "conditions", "normalize": "conditions",
    "parse_order_by": "orderBy", "parse_fields": "fields",
}
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


@dataclass(slots=True)
class _Part:
    prefix: str
    quote: str
    body_start: int
    body_end: int
    #: Host ranges of f-string holes (``{...}`` including braces), in order.
    holes: list[tuple[int, int]]


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


@dataclass(slots=True)
class _Piece:
    """A literal (Constant or JoinedStr) or a run-time hole, in a query expression."""

    node: ast.expr
    literal: bool


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
        self.out = Extraction()
        # Host spans already read: `a["conditions"] = b["conditions"] = "..."` is one literal.
        self.read: set[tuple[int, int]] = set()
        #: Calls to cwql's query functions (set by ``read``): their argument is read at the call.
        self.is_cwql_call: Callable[[ast.Call], bool] = lambda call: False

    def offset(self, lineno: int, col: int) -> int:
        """Host offset of an ``ast`` position (1-based line, UTF-8 byte column)."""
        start = self.ast_lines[lineno - 1]
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
            self._site(pieces, kind, endpoint)
        except _Unsupported as e:
            self.out.dynamic.append((at, str(e)))

    def _site(self, pieces: list[_Piece], kind: str, endpoint: str | None) -> None:
        text = self.text
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
        if "/apis/3.0/" in value:
            value = value.split("/apis/3.0", 1)[1]
        if value.startswith("/") and " " not in value:
            return value.split("?", 1)[0].rstrip("/") or None
    return None


def _cwql_names(tree: ast.Module) -> tuple[set[str], dict[str, str]]:
    """Names bound to the cwql module, and to its query functions (name -> kind)."""
    modules: set[str] = set()
    functions: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "cwql":
                    modules.add(alias.asname or "cwql")
        elif isinstance(node, ast.ImportFrom) and node.module == "cwql":
            for alias in node.names:
                if alias.name in _FUNCTIONS:
                    functions[alias.asname or alias.name] = _FUNCTIONS[alias.name]
    return modules, functions


def _kind_argument(call: ast.Call, default: str) -> str | None:
    """The ``kind`` a cwql.parse call names, the default, or None when it is not a literal."""
    given: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg == "kind":
            given = kw.value
    if given is None:
        return default
    if isinstance(given, ast.Constant) and isinstance(given.value, str):
        return given.value
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


def read(text: str, endpoint: str | None) -> Extraction:
    try:
        with warnings.catch_warnings():
            # `"\d"` in the user's file is their linter's business, not a line on our stderr.
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except SyntaxError as e:
        out = Extraction()
        out.skipped = f"not valid Python (line {e.lineno}: {e.msg}); no queries checked"
        return out
    except (ValueError, RecursionError, MemoryError) as e:
        out = Extraction()
        out.skipped = f"not readable as Python ({type(e).__name__}); no queries checked"
        return out
    reader = _Reader(text)
    if "cwql:" in text:
        reader.out.comments = list(_comments(text, reader.lines, reader.ast_lines))
    directives = sorted(
        (c.line, parsed.settings["endpoint"] or None)
        for c in reader.out.comments
        if c.own_line and isinstance(parsed := parse_comment(c.body), Directive)
        and "endpoint" in parsed.settings
    )
    modules, functions = _cwql_names(tree)

    def cwql_function(call: ast.Call) -> str | None:
        """The kind a cwql query function reads when ``call`` calls one (``cwql.parse``, an
        imported ``parse_fields``...), or None."""
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in modules and func.attr in _FUNCTIONS:
            return _FUNCTIONS[func.attr]
        if isinstance(func, ast.Name) and func.id in functions:
            return functions[func.id]
        return None

    reader.is_cwql_call = lambda call: cwql_function(call) is not None

    def endpoint_at(node: ast.expr, call: ast.Call | None) -> str | None:
        line = node.lineno
        found = endpoint
        for at, value in directives:
            if at < line:
                found = value
        if call is not None and found is endpoint:
            found = _endpoint_of(call) or found
        return found

    done: set[int] = set()
    # Breadth first: a call is seen before the dicts in its arguments.
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in NAMES:
                    reader.site(kw.value, NAMES[kw.arg], endpoint_at(kw.value, node))
            for arg in [*node.args, *(kw.value for kw in node.keywords)]:
                if isinstance(arg, ast.Dict):
                    # Read here, where the call's endpoint argument is known.
                    done.add(id(arg))
                    _dict(reader, arg, functools.partial(endpoint_at, call=node))
            default = cwql_function(node)
            if default is not None and node.args:
                kind = _kind_argument(node, default)
                if kind is not None and kind in NAMES.values():
                    reader.site(node.args[0], kind, endpoint_at(node.args[0], None))
                else:
                    reader.out.dynamic.append((reader.span(node)[0], "the kind is not a literal"))
        elif isinstance(node, ast.Dict) and id(node) not in done:
            _dict(reader, node, functools.partial(endpoint_at, call=None))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                key = target.slice if isinstance(target, ast.Subscript) else None
                if isinstance(key, ast.Constant) and key.value in NAMES and node.value is not None:
                    reader.site(node.value, NAMES[key.value], endpoint_at(node.value, None))
    return reader.out


def _dict(reader: _Reader, node: ast.Dict, endpoint: Callable[[ast.expr], str | None]) -> None:
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value in NAMES:
            reader.site(value, NAMES[key.value], endpoint(value))

