"""YAML files: string values under the query keys, at any depth.

PyYAML is optional (``pip install 'cwql[yaml]'``); without it YAML files are
skipped with a notice. The document is composed, not constructed, so aliases
stay shared nodes: the walk keeps a visited set (of each node with the kind
it is reached as) and a node budget, and a "billion laughs" file costs no more
than six times its own size. Positions come from the
nodes' marks; a value written with escapes or folded over lines maps each
character back where it can, and otherwise to the whole value. PyYAML drops
comments, so ``# cwql:`` comments are found in the text, outside every
scalar's span: the same words inside a block scalar or a quoted value are data.

``childConditions`` and ``customFieldConditions`` keys hold queries in every
file; the generic ``conditions``, ``orderBy`` and ``fields`` only in a file
about ConnectWise: one with a ``# cwql:`` comment, a URL with ``/apis/3.0``,
or one of those two keys, or that the config names. A GitHub Actions
``conditions:`` is not a query.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from typing import Any

from ..._codes import CODES
from ..._spec import HOST_NAMES as NAMES
from .._comments import COMMENT
from .._model import Edit
from .base import (
    API_MARK,
    GENERIC_KINDS,
    Comment,
    Extraction,
    LineIndex,
    OffsetMap,
    Segment,
    Site,
    Unchecked,
    Writer,
    unparsable,
)

__all__ = ["MAX_NODES", "read"]

#: Nodes one file may hold before the rest is skipped.
MAX_NODES = 200_000

_STR = "tag:yaml.org,2002:str"
_DOUBLE = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
           "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
           "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}
# Where a YAML comment may start: at a line's start or after a blank.
_HASH = re.compile(r"(?:^|(?<=[ \t]))#")


# A node's properties, written before its value: an anchor (`&open`), a tag (`!!str`).
_PROPERTIES = re.compile(r"(?:[&!][^\s]*[ \t]+)*")


def _value_start(text: str, node: Any) -> int:
    """Where a scalar's own text starts: after its anchor and tag, which its mark includes."""
    start: int = node.start_mark.index
    return _PROPERTIES.match(text, start, node.end_mark.index).end()  # type: ignore[union-attr]


def _map(text: str, node: Any) -> tuple[OffsetMap, bool]:
    """Query offsets to file offsets for a scalar node, and whether the map is exact."""
    start, end = _value_start(text, node), node.end_mark.index
    value: str = node.value
    raw = text[start:end]
    style = node.style or None  # libyaml says "" for plain, PyYAML None
    segs: list[Segment] | None = None
    if style is None and raw == value:
        segs = [Segment(0, len(value), start, end)]
    elif style in ("'", '"') and "\n" not in raw:
        segs = _quoted(raw, start, style)
    if segs is None or sum(s.q_end - s.q_start for s in segs) != len(value):
        # Folded, block or multi-line: the value as a whole.
        return OffsetMap([Segment(0, len(value), start, end)]), False
    return OffsetMap(segs), True


def _writer(style: str | None) -> Writer:
    def write(part: int, value: str) -> str | None:
        if "\n" in value or "\r" in value:
            return None
        if style == '"':
            return json.dumps(value, ensure_ascii=False)[1:-1]  # JSON escapes are YAML's too
        if style == "'":
            return value.replace("'", "''")
        return value  # plain: the verifier decides

    return write


def _verifier(text: str, node: Any, flow: bool) -> Callable[[list[Edit], str], bool]:
    """Whether the scalar, edited, still reads as the query it should (no ` #`, no `: `...)."""
    start, end = _value_start(text, node), node.end_mark.index

    def verify(edits: list[Edit], expected: str) -> bool:
        import yaml

        raw = text[start:end]
        for e in sorted(edits, key=lambda e: e.start, reverse=True):
            raw = raw[:e.start - start] + e.content + raw[e.end - start:]
        try:
            read = yaml.safe_load(f"[{raw}]" if flow else f"- {raw}\n")
        except yaml.YAMLError:
            return False
        return isinstance(read, list) and read == [expected]

    return verify


def _quoted(raw: str, at: int, style: str) -> list[Segment] | None:
    """Segments for a one-line quoted scalar: plain runs, and one per escape."""
    body = raw[1:-1]
    special = "'" if style == "'" else "\\"
    segs: list[Segment] = []
    q = i = 0
    while i < len(body):
        j = body.find(special, i)
        if j < 0:
            j = len(body)
        if j > i:
            segs.append(Segment(q, q + j - i, at + 1 + i, at + 1 + j))
            q += j - i
            i = j
            continue
        if style == "'":
            width = 2  # '' stands for '
        else:
            nxt = body[i + 1:i + 2]
            if nxt in _HEX:
                width = 2 + _HEX[nxt]
            elif nxt in _DOUBLE:
                width = 2
            else:
                return None
        segs.append(Segment(q, q + 1, at + 1 + i, at + 1 + i + width))
        q += 1
        i += width
    return segs or [Segment(0, 0, at + 1, at + 1)]


def read(text: str, endpoint: str | None, connectwise: bool = False) -> Extraction:
    out = Extraction()
    try:
        import yaml
    except ImportError:
        out.skipped = Unchecked("F001", CODES["F001"].format(
            reason="YAML needs PyYAML: pip install 'cwql[yaml]'"))
        return out
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        documents = list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        problem = getattr(e, "problem", None) or "not YAML"
        place = f"line {where.line + 1}: " if where is not None else ""
        out.skipped = unparsable("YAML", f"{place}{problem}; no query in it was checked",
                                 where.index if where is not None else 0)
        return out
    except RecursionError:
        out.skipped = unparsable("YAML", "nested too deeply; no query in it was checked")
        return out
    lines = LineIndex(text)
    # A node is walked once per kind it is reached as: an alias under `conditions:` of an
    # anchor first seen under another key is still a query. There are six kinds at most
    # (none and the five parameters), so an alias bomb costs at most six times its nodes.
    seen: set[tuple[int, str | None]] = set()
    budget = MAX_NODES
    # Where every scalar lies: a `#` inside one is text, not a comment.
    scalars: list[tuple[int, int]] = []
    # Comments past the node where the budget ran out are not trusted.
    trusted = len(text)
    # (node, kind the node's strings are for, whether it sits in a flow collection)
    stack: list[tuple[Any, str | None, bool]] = [
        (d, None, False) for d in reversed(documents) if d is not None]
    while stack:
        node, kind, flow = stack.pop()
        if (id(node), kind) in seen:
            continue
        seen.add((id(node), kind))
        out.work += 1
        budget -= 1
        if budget < 0:
            trusted = node.start_mark.index
            out.skipped = unparsable(
                "YAML", f"more than {MAX_NODES:,} nodes; the queries from line "
                f"{lines.line(trusted)} on were not checked", trusted)
            break
        if isinstance(node, yaml.ScalarNode):
            scalars.append((node.start_mark.index, node.end_mark.index))
            if kind and node.tag == _STR:
                line = lines.line(node.start_mark.index)
                end_line = lines.line(node.end_mark.index)
                offsets, exact = _map(text, node)
                site = Site(node.value, kind, endpoint, offsets, line, end_line)
                if exact and line == end_line:
                    site.writer = _writer(node.style)
                    site.verify = _verifier(text, node, flow)
                    # Inside "...", a query's own strings read best in single quotes.
                    site.quote = "'" if node.style == '"' else '"'
                else:
                    site.read_only = ("a folded, block or multi-line YAML value is not rewritten; "
                                      "write it on one line to have it formatted")
                out.sites.append(site)
        elif isinstance(node, yaml.SequenceNode):
            inner = flow or bool(node.flow_style)
            stack.extend((item, kind, inner) for item in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            inner = flow or bool(node.flow_style)
            for key, value in reversed(node.value):
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                child = NAMES.get(name) if isinstance(name, str) else None
                if child and isinstance(value, (yaml.ScalarNode, yaml.SequenceNode)):
                    stack.append((value, child, inner))
                else:
                    stack.append((value, None, inner))
                stack.append((key, None, inner))
    if "cwql:" in text:
        out.comments = _comments(text, sorted(scalars), trusted)
    if not (connectwise or out.comments or API_MARK in text
            or any(site.kind not in GENERIC_KINDS for site in out.sites)):
        kept = [site for site in out.sites if site.kind not in GENERIC_KINDS]
        out.unclaimed = len(out.sites) - len(kept)
        out.sites = kept
    return out


def _comments(text: str, scalars: list[tuple[int, int]], trusted: int) -> list[Comment]:
    """The ``# cwql:`` comments: a ``#`` after a blank or at a line's start, outside every scalar.

    PyYAML drops comments, so they are found in the text; the scalars' spans
    (sorted, never overlapping: scalars are leaves) rule out a ``# cwql:``
    written inside a block scalar or a quoted value, which is data.
    """
    starts = [s for s, _ in scalars]

    def in_scalar(at: int) -> bool:
        i = bisect.bisect_right(starts, at) - 1
        return i >= 0 and at < scalars[i][1]

    found: list[Comment] = []
    at = 0
    for n, row in enumerate(text.split("\n"), 1):
        start, at = at, at + len(row) + 1
        if "cwql:" not in row or start >= trusted:
            continue
        for hash_ in _HASH.finditer(row):
            if in_scalar(start + hash_.start()):
                continue
            # The first `#` outside a scalar starts the line's comment.
            m = COMMENT.search(row, hash_.start())
            while m is not None and m.start() > 0 and row[m.start() - 1] not in " \t":
                m = COMMENT.search(row, m.start() + 1)
            if m is not None and start + m.start() < trusted:
                own = not row[:m.start()].strip()
                found.append(Comment(n, start + m.start(), start + m.start() + len(m.group().rstrip()),
                                     m.group("body"), own))
            break
    return found
