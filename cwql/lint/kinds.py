"""The parameters a query can be for, the keys that hold each in host files, and parsing for each.

The CLI builds its ``--kind`` choices from here when it starts, and the JSON
and YAML readers their keys, so this module loads nothing: not the parser
(Lark), not the rules, not ``ast``. That is why the three condition kinds are
written here rather than taken from ``cwql.parser.KINDS``; a test keeps the
two the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..syntax import Node

__all__ = ["KINDS", "NAMES", "parse_kind"]

#: Every parameter a query can be for: the condition kinds (``cwql.parser.KINDS``),
#: then orderBy and fields.
KINDS: tuple[str, ...] = ("conditions", "childConditions", "customFieldConditions", "orderBy", "fields")

#: Keyword and key names that hold a query in a host file, and the parameter each is for.
NAMES = {
    "conditions": "conditions",
    "childConditions": "childConditions",
    "child_conditions": "childConditions",
    "childconditions": "childConditions",
    "customFieldConditions": "customFieldConditions",
    "custom_field_conditions": "customFieldConditions",
    "customfieldconditions": "customFieldConditions",
    "orderBy": "orderBy",
    "order_by": "orderBy",
    "fields": "fields",
}


def parse_kind(text: str, kind: str) -> Node:
    """Parse ``text`` as the value of the parameter ``kind``."""
    from ..parser import parse, parse_fields, parse_order_by

    if kind == "orderBy":
        return parse_order_by(text)
    if kind == "fields":
        return parse_fields(text)
    return parse(text, kind)  # type: ignore[arg-type]
