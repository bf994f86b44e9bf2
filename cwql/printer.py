"""AST to canonical text (LANGUAGE.md §3).

Keywords in lower case; no spaces around symbolic operators, one around
keyword operators; strings in double quotes unless the value holds one;
in-lists without spaces; a connective inside the other kind of connective is
always parenthesised, so nothing cwql prints depends on how the server ranks
``and`` against ``or``. Printing never recurses.
"""

from __future__ import annotations

from .errors import CWQLTypeError, UsageError
from .literals import format_datetime, quote_string
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
    Or,
    OrderBy,
    Path,
    Predicate,
    SortKey,
    String,
)

__all__ = ["normalize", "to_text"]


def to_text(node: Node) -> str:
    """The canonical text of any node."""
    if isinstance(node, Predicate):
        return _predicate(node)
    if isinstance(node, (And, Or)):
        return _connective(node)
    if isinstance(node, Literal):
        return _literal(node)
    if isinstance(node, Path):
        return node.name
    if isinstance(node, SortKey):
        return node.path.name + " desc" if node.descending else node.path.name
    if isinstance(node, OrderBy):
        return ",".join(to_text(key) for key in node.keys)
    if isinstance(node, Fields):
        return ",".join(path.name for path in node.paths)
    raise CWQLTypeError(f"not a cwql node: {type(node).__name__}")


def _literal(node: Literal) -> str:
    cls = type(node)
    if cls is String:
        return quote_string(node.value)  # type: ignore[attr-defined]
    if cls is Number:
        return node.text  # type: ignore[attr-defined, no-any-return]
    if cls is DateTime:
        return format_datetime(node.value, node.fraction)  # type: ignore[attr-defined]
    if cls is Boolean:
        return "true" if node.value else "false"  # type: ignore[attr-defined]
    if cls is Null:
        return "null"
    raise CWQLTypeError(f"not a literal: {cls.__name__}")


def _predicate(node: Predicate) -> str:
    op = node.op
    value = node.value
    if isinstance(value, tuple):
        return f"{node.path.name} {op.value} ({','.join(_literal(v) for v in value)})"
    if op.is_symbolic:
        return f"{node.path.name}{op.value}{_literal(value)}"
    return f"{node.path.name} {op.value} {_literal(value)}"


def _connective(node: And | Or) -> str:
    out: list[str] = []
    stack: list[str | Expr] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Predicate):
            out.append(_predicate(item))
        else:
            assert isinstance(item, (And, Or))
            sep = " and " if type(item) is And else " or "
            # Pushed in reverse so they pop in source order. Operands are
            # flat, so a connective operand is the other kind: parenthesise.
            for i in range(len(item.operands) - 1, -1, -1):
                child = item.operands[i]
                if isinstance(child, (And, Or)):
                    stack += (")", child, "(")
                else:
                    stack.append(child)
                if i:
                    stack.append(sep)
    return "".join(out)


def normalize(text: str, kind: str = "conditions") -> str:
    """Parse ``text`` and print it canonically.

    ``kind`` is a condition parameter (``conditions``, ``childConditions``,
    ``customFieldConditions``) or ``orderBy`` or ``fields``.
    """
    from .parser import KINDS, parse, parse_fields, parse_order_by

    if kind == "orderBy":
        return to_text(parse_order_by(text))
    if kind == "fields":
        return to_text(parse_fields(text))
    if kind not in KINDS:
        raise UsageError(
            f"kind must be one of {', '.join(KINDS)}, orderBy, fields; got {kind!r}"
        )
    return to_text(parse(text, kind))
