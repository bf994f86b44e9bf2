"""AST to canonical text (LANGUAGE.md §3).

Keywords in lower case; no spaces around symbolic operators, one around
keyword operators; strings in double quotes unless the value holds one;
in-lists without spaces; a connective inside the other kind of connective is
always parenthesised, so nothing cwql prints depends on how the server ranks
``and`` against ``or``. Printing never recurses.
"""

from __future__ import annotations

from ._literals import format_datetime, quote_string
from .errors import CWQLTypeError
from .syntax import (
    And,
    Boolean,
    DateTime,
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
    _install_printer,
    fold,
)

__all__ = ["to_text"]


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
    def text(current: Node, operands: tuple[str, ...]) -> str:
        if isinstance(current, Predicate):
            return _predicate(current)
        sep = " and " if type(current) is And else " or "
        # Operands are flat, so a connective operand is the other kind: parenthesise it.
        return sep.join(
            f"({part})" if type(child) is not Predicate else part
            for child, part in zip(current.operands, operands, strict=True)  # type: ignore[attr-defined]
        )

    return fold(node, text, leaves=(Predicate,))


# Nodes print through this module (cwql.syntax cannot import it: see its printer hook).
_install_printer(to_text)
