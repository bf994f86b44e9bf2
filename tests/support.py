"""Helpers shared by the tests: a compact s-expression view of an AST, message templates.

Case files state structure with it, e.g. ``(or (= a 1) (and (= b 2) (= c 3)))``,
so a case can pin precedence and flattening without a page of YAML.
"""

from __future__ import annotations

import re
import string

from cwql._printer import to_text
from cwql.syntax import And, Fields, Node, Or, OrderBy, Predicate, SortKey


def sexpr(node: Node) -> str:
    if isinstance(node, Predicate):
        op = node.op.value.replace(" ", "-")
        value = node.value
        shown = (
            "(" + " ".join(to_text(v) for v in value) + ")"
            if isinstance(value, tuple)
            else to_text(value)
        )
        return f"({op} {node.path.name} {shown})"
    if isinstance(node, (And, Or)):
        name = "and" if isinstance(node, And) else "or"
        return f"({name} " + " ".join(sexpr(o) for o in node.operands) + ")"
    if isinstance(node, OrderBy):
        return "(order-by " + " ".join(sexpr(k) for k in node.keys) + ")"
    if isinstance(node, SortKey):
        return f"({'desc' if node.descending else 'asc'} {node.path.name})"
    if isinstance(node, Fields):
        return "(fields " + " ".join(p.name for p in node.paths) + ")"
    return to_text(node)


def matches_template(template: str, message: str) -> bool:
    """Whether ``message`` is ``template`` (a registry message) with its placeholders filled in."""
    pattern = "".join(
        re.escape(literal) + ("" if field is None else "(.+?)")
        for literal, field, _, _ in string.Formatter().parse(template)
    )
    return re.fullmatch(pattern, message, re.DOTALL) is not None
