"""Style: the canonical spelling of keywords and lists. Every rule here has a safe fix."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
from .base import STYLE, rule, source, span

__all__ = ["RULES"]

_WORD = re.compile(r"[A-Za-z]+")


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


@rule(
    "C001", "keyword-case", STYLE, "info",
    "Keywords or `true`/`false`/`null` not in lower case.",
    what="""`AND`, `Or`, `NOT IN`, `Like`, `True`, `NULL`, `DESC` and the like.""",
    why="""Keywords are case-insensitive, so this is about reading: one spelling everywhere makes
    queries easy to compare, search and review. Lower case is cwql's canonical form.""",
    example='status/name = "Open" AND closedFlag = False',
    fix='status/name = "Open" and closedFlag = false',
    fixable="safe",
    kinds=frozenset(),
)
def keyword_case(root: Node, ctx: Context) -> Iterator[Problem]:
    edits: list[Edit] = []
    words: list[str] = []
    text = ctx.text
    for node in ctx.nodes or tuple(walk(root)):
        for start, end in _gaps(node):
            for m in _WORD.finditer(text, start, end):
                word = m.group()
                if not word.islower():
                    edits.append(Edit(m.start(), m.end(), word.lower()))
                    words.append(word)
    if edits:
        shown = ", ".join(dict.fromkeys(f"`{w}`" for w in words))
        yield Problem(edits[0].start, edits[0].end, f"keywords are written in lower case: {shown}",
                      fix=Fix("Lower-case the keywords", tuple(edits)),
                      related=tuple((e.start, e.end) for e in edits[1:]))


@rule(
    "C002", "explicit-asc", STYLE, "info",
    "`asc` in orderBy, which is the default direction.",
    what="""A sort key written `field asc`.""",
    why="""Ascending is the default; the word only adds length to the URL.""",
    example="dateEntered asc",
    fix="dateEntered",
    fixable="safe",
    kinds=frozenset({"orderBy"}),
    example_kind="orderBy",
    visits=(SortKey,),
)
def explicit_asc(node: SortKey, ctx: Context) -> Iterator[Problem]:
    path_end = span(node.path)[1]
    end = span(node)[1]
    if not node.descending and end > path_end:
        word = end - 3
        yield Problem(word, end, "`asc` is the default direction",
                      fix=Fix("Remove `asc`", (Edit(path_end, end, ""),)))


@rule(
    "C003", "prefer-in", STYLE, "info",
    "Equality tests on one field joined by `or`, where an in-list says it once.",
    what="""An `or` whose every operand is `field=value` on the same field (conditions only).""",
    why="""`status/id in (1,2,3)` is shorter on the wire and easier to read than three
    comparisons. Off by default: select `C003` to use it.""",
    example="status/id=1 or status/id=2 or status/id=3",
    fix="status/id in (1,2,3)",
    fixable="safe",
    kinds=frozenset({"conditions"}),
    default=False,
    visits=(Or,),
)
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
    yield Problem(start, end, f"{len(operands)} tests of `{first.path.name}` joined by `or`: use `in`",
                  fix=Fix("Use an in-list", (Edit(start, end, f"{first.path.name} in ({values})"),)))


@rule(
    "C004", "duplicate-field", STYLE, "warning",
    "The same field twice in `fields` or `orderBy`.",
    what="""A path listed twice in a `fields` or `orderBy` value (field names are compared
    without regard to case, as the server does).""",
    why="""The second mention changes nothing: a field is returned once, and a second sort on the
    same field never breaks a tie.""",
    example="id,summary,id",
    fix="id,summary",
    fixable="safe",
    kinds=frozenset({"fields", "orderBy"}),
    example_kind="fields",
    visits=(Fields, OrderBy),
)
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
        yield Problem(start, end, f"`{path.name}` is already listed",
                      fix=Fix("Remove the repeat", (Edit(span(items[i - 1])[1], end, ""),)))


RULES: tuple[Rule, ...] = (keyword_case, explicit_asc, prefer_in, duplicate_field)

