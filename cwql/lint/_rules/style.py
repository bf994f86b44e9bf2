"""Style: the canonical spelling of keywords and lists. Every rule here has a safe fix."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..._spec import KEYWORDS
from ...syntax import (
    And,
    Boolean,
    Fields,
    Node,
    Null,
    Op,
    Or,
    OrderBy,
    Path,
    Predicate,
    SortKey,
    walk,
)
from .._model import Context, Edit, Fix, Problem, Rule
from .base import message, rule, source, span

__all__ = ["RULES"]

_WORD = re.compile(r"[A-Za-z]+")
# A keyword written in any case. Most queries have none that is not in lower case, and then
# the rule has nothing to look at: a text search is cheaper than walking the tree's gaps.
_ANY_CASE_KEYWORD = re.compile(r"\b(?:" + "|".join(sorted(KEYWORDS)) + r")\b", re.IGNORECASE)


def _gaps(node: Node) -> Iterator[tuple[int, int]]:
    """The stretches of text between a node's children, where its keywords are written."""
    if isinstance(node, Predicate):
        value = node.value
        first = value[0] if isinstance(value, tuple) else value
        yield span(node.path)[1], span(first)[0]
    elif isinstance(node, (And, Or)):
        for a, b in zip(node.operands, node.operands[1:], strict=False):
            yield span(a)[1], span(b)[0]
    elif isinstance(node, SortKey):
        yield span(node.path)[1], span(node)[1]
    elif isinstance(node, (Boolean, Null)):
        yield span(node)


@rule("C001", kinds=frozenset())
def keyword_case(root: Node, ctx: Context) -> Iterator[Problem]:
    text = ctx.text
    if all(m.group().islower() for m in _ANY_CASE_KEYWORD.finditer(text)):
        return
    edits: list[Edit] = []
    words: list[str] = []
    for node in ctx.nodes or tuple(walk(root)):
        for start, end in _gaps(node):
            for m in _WORD.finditer(text, start, end):
                word = m.group()
                if not word.islower():
                    edits.append(Edit(m.start(), m.end(), word.lower()))
                    words.append(word)
    if edits:
        shown = ", ".join(dict.fromkeys(f"`{w}`" for w in words))
        yield Problem(edits[0].start, edits[0].end, message("C001", keywords=shown),
                      fix=Fix("Lower-case the keywords", tuple(edits)),
                      related=tuple((e.start, e.end) for e in edits[1:]))


@rule("C002", kinds=frozenset({"orderBy"}), visits=(SortKey,))
def explicit_asc(node: SortKey, ctx: Context) -> Iterator[Problem]:
    path_end = span(node.path)[1]
    end = span(node)[1]
    if not node.descending and end > path_end:
        word = end - 3
        yield Problem(word, end, message("C002"),
                      fix=Fix("Remove `asc`", (Edit(path_end, end, ""),)))


@rule("C003", kinds=frozenset({"conditions"}), visits=(Or,))
def prefer_in(node: Or, ctx: Context) -> Iterator[Problem]:
    operands = node.operands
    first = operands[0]
    if not isinstance(first, Predicate):
        return
    name = first.path.name.lower()
    for operand in operands:
        if not (isinstance(operand, Predicate) and operand.op is Op.EQ
                and operand.path.name.lower() == name
                and not isinstance(operand.value, (tuple, Null))):
            return
    values = ",".join(source(ctx, o.value) for o in operands)  # type: ignore[attr-defined]
    start, end = span(node)
    yield Problem(start, end, message("C003", count=len(operands), path=first.path.name),
                  fix=Fix("Use an in-list", (Edit(start, end, f"{first.path.name} in ({values})"),)))


@rule("C004", kinds=frozenset({"fields", "orderBy"}), visits=(Fields, OrderBy))
def duplicate_field(node: Fields | OrderBy, ctx: Context) -> Iterator[Problem]:
    items: tuple[Path | SortKey, ...] = node.paths if isinstance(node, Fields) else node.keys
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = item if isinstance(item, Path) else item.path
        name = path.name.lower()
        if name not in seen:
            seen.add(name)
            continue
        start, end = span(item)
        yield Problem(start, end, message("C004", path=path.name),
                      fix=Fix("Remove the repeat", (Edit(span(items[i - 1])[1], end, ""),)))


RULES: tuple[Rule, ...] = (keyword_case, explicit_asc, prefer_in, duplicate_field)

