"""JSON files: string values under the query keys, at any depth.

``childConditions`` and ``customFieldConditions`` keys hold queries in every
file; the generic ``conditions``, ``orderBy`` and ``fields`` only in a file
about ConnectWise: one that holds a URL with ``/apis/3.0`` or one of those two
keys, or that the config names (JSON has no comments for a directive).

The standard library validates the document (and bounds its nesting); a
token scan then finds where each value is, and each string is decoded here
with a map from its characters to the file's.
"""

from __future__ import annotations

import json
import re

from ..._spec import HOST_NAMES as NAMES
from .base import (
    API_MARK,
    GENERIC_KINDS,
    Extraction,
    LineIndex,
    OffsetMap,
    Segment,
    Site,
    unparsable,
)

__all__ = ["read"]

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)
_OWN_KINDS = frozenset({"childConditions", "customFieldConditions"})
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _decode(token: str, at: int) -> tuple[str, list[Segment]]:
    """The value of a JSON string token at host offset ``at``, and its segments."""
    body = token[1:-1]
    if "\\" not in body:
        return body, [Segment(0, len(body), at + 1, at + 1 + len(body))]
    out: list[str] = []
    segs: list[Segment] = []
    q = 0
    i = 0
    while i < len(body):
        if body[i] != "\\":
            j = body.find("\\", i)
            j = len(body) if j < 0 else j
            out.append(body[i:j])
            segs.append(Segment(q, q + j - i, at + 1 + i, at + 1 + j))
            q += j - i
            i = j
            continue
        c = body[i + 1]
        if c == "u":
            code = int(body[i + 2:i + 6], 16)
            width = 6
            if 0xD800 <= code < 0xDC00 and body.startswith("\\u", i + 6):
                low = int(body[i + 8:i + 12], 16)
                if 0xDC00 <= low < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    width = 12
            value = chr(code)
        else:
            value, width = _SIMPLE[c], 2
        out.append(value)
        segs.append(Segment(q, q + 1, at + 1 + i, at + 1 + i + width))
        q += 1
        i += width
    return "".join(out), segs


def _write(part: int, text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def read(text: str, endpoint: str | None, connectwise: bool = False) -> Extraction:
    out = Extraction()
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        out.skipped = unparsable("JSON", f"line {e.lineno}, column {e.colno}: {e.msg}; no query "
                                 "in it was checked", e.pos)
        return out
    except (ValueError, RecursionError) as e:
        out.skipped = unparsable("JSON", f"{type(e).__name__}, nested too deeply; no query in it "
                                 "was checked")
        return out
    lines = LineIndex(text)
    # Per open container: the query kind its string values are for (arrays
    # under a query key), or "" for an object, whose keys come and go.
    stack: list[str | None] = []
    key: str | None = None
    expect_key = False
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == "{":
            stack.append("")
            expect_key, key = True, None
        elif c == "[":
            stack.append(NAMES.get(key or "") if stack and stack[-1] == "" else None)
            key = None
        elif c in "}]":
            stack.pop()
            expect_key = bool(stack) and stack[-1] == ""
        elif c == ",":
            expect_key = bool(stack) and stack[-1] == ""
        elif c == ":":
            expect_key = False
        elif c == '"':
            if expect_key:
                key = json.loads(tok)
                if not connectwise and NAMES.get(key) in _OWN_KINDS:
                    connectwise = True
                continue
            kind = NAMES.get(key or "") if stack and stack[-1] == "" else (stack[-1] if stack else None)
            if kind:
                value, segs = _decode(tok, m.start())
                line = lines.line(m.start())
                # In a JSON string, a query's own strings read best in single quotes.
                out.sites.append(Site(value, kind, endpoint, OffsetMap(segs), line, line, _write,
                                      quote="'"))
    if not connectwise and API_MARK not in text:
        kept = [site for site in out.sites if site.kind not in GENERIC_KINDS]
        out.unclaimed = len(out.sites) - len(kept)
        out.sites = kept
    return out
