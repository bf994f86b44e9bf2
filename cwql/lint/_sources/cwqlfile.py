"""``.cwql`` files: one query per line, ``#`` comments, blank lines.

A whole-line ``# cwql: kind=... endpoint=...`` applies to the lines below it;
``# cwql: noqa`` may end a query line. A ``#`` outside a string starts a
comment (the language has no ``#``).
"""

from __future__ import annotations

from .._comments import COMMENT, Directive, parse_comment
from .base import Comment, Extraction, OffsetMap, Site

__all__ = ["read"]


def _comment_start(line: str) -> int:
    """Where a comment starts in a query line (``len(line)`` if none), skipping strings."""
    hash_at = line.find("#")
    if hash_at < 0:
        return len(line)
    if "'" not in line and '"' not in line:
        return hash_at  # no string for the `#` to be inside
    quote = ""
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c == '"' or c == "'":
            quote = c
        elif c == "#":
            return i
        i += 1
    return n


def _write(part: int, text: str) -> str | None:
    return None if "\n" in text or "\r" in text else text


def read(text: str, kind: str, endpoint: str | None) -> Extraction:
    out = Extraction()
    at = 0
    number = 0
    for raw in text.split("\n"):
        number += 1
        start = at
        at += len(raw) + 1
        line = raw[:-1] if raw.endswith("\r") else raw
        body = line.lstrip()
        if not body:
            continue
        indent = len(line) - len(body)
        if body.startswith("#"):
            m = COMMENT.match(body)
            if m is not None:
                out.comments.append(Comment(number, start + indent, start + len(line),
                                            m.group("body"), own_line=True))
                parsed = parse_comment(m.group("body"))
                if isinstance(parsed, Directive):
                    kind = parsed.settings.get("kind", kind)
                    if "endpoint" in parsed.settings:
                        endpoint = parsed.settings["endpoint"] or None
            continue
        cut = _comment_start(body)
        if cut < len(body):
            m = COMMENT.match(body, cut)
            if m is not None:
                out.comments.append(Comment(number, start + indent + cut, start + len(line),
                                            m.group("body"), own_line=False))
        query = body[:cut].rstrip()
        if not query:
            continue
        out.sites.append(Site(query, kind, endpoint, OffsetMap.linear(len(query), start + indent),
                              number, number, _write))
    return out
