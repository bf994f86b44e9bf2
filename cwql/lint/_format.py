"""``cwql fmt``: each query rewritten in canonical form, inside its host literal.

The canonical text comes from the printer. In a host whose literal is
delimited by ``"`` (a Python ``"..."`` string), query strings are written with
``'`` where the value allows it, so the canonical form needs no escapes there
and formatting twice changes nothing. Only the characters that differ are
rewritten, so escapes and the parts of an implicit concatenation stay as they
were wherever the text does not change.
"""

from __future__ import annotations

from .._parser import parse_kind
from .._record import Record
from ..syntax import String, walk
from ._engine import diff_edits, host_edits
from ._model import Edit
from ._sources.base import Site

__all__ = ["Formatted", "format_site"]


class Formatted(Record):
    """The canonical text of a site, and the host edits that write it (None: cannot)."""

    __slots__ = ("edits", "reason", "text")
    text: str
    edits: tuple[Edit, ...] | None
    reason: str | None

    def __init__(
        self,
        text: str,
        edits: tuple[Edit, ...] | None,
        reason: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "edits", edits)
        _set(self, "reason", reason)


def canonical(text: str, kind: str, quote: str = '"') -> str:
    """The canonical form of ``text``, with query strings in ``quote`` where possible."""
    printed = str(parse_kind(text, kind))
    if quote == '"' or '"' not in printed:
        return printed
    tree = parse_kind(printed, kind)
    out = []
    at = 0
    for node in walk(tree):
        if isinstance(node, String) and node.span is not None and printed[node.span.start] == '"' \
                and "'" not in node.value and "\\" not in node.value:
            out.append(printed[at:node.span.start])
            out.append(f"'{node.value}'")
            at = node.span.end
    out.append(printed[at:])
    return "".join(out)


def format_site(site: Site) -> Formatted | None:
    """How to format one site; None when it is canonical already. Raises CWQLError if it does not parse."""
    if site.holes:
        return None
    new = canonical(site.text, site.kind, site.quote)
    if new == site.text:
        return None
    if site.writer is None:
        return Formatted(new, None, site.read_only)
    old = site.text
    query_edits = diff_edits(old, new)
    edits = host_edits(site, query_edits)
    if edits is None and len(query_edits) > 1:
        edits = host_edits(site, [Edit(0, len(old), new)])
    if edits is None:
        return Formatted(new, None, "the canonical form cannot be written into this literal "
                         "(a raw string, or a change across implicitly concatenated parts)")
    return Formatted(new, tuple(edits))
