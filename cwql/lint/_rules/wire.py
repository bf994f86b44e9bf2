"""Wire and length: what happens to the query on its way to the server."""

from __future__ import annotations

from collections.abc import Iterator

from ..._encoding import encode
from ...errors import EncodingError
from ...syntax import Node, OrderBy
from .._model import Context, Problem, Rule
from .base import message, rule, span

__all__ = ["RULES"]


@rule("W001", kinds=frozenset())
def url_too_long(root: Node, ctx: Context) -> Iterator[Problem]:
    settings = ctx.settings
    prefix = len(settings.base_url) + len(ctx.endpoint or "") + len(ctx.kind) + 2  # "?" and "="
    if prefix + 12 * len(ctx.text) <= settings.max_url_length:
        return  # even if every character took 12 (4 UTF-8 bytes, each %XX), it would fit
    try:
        encoded = len(encode(ctx.text))
    except EncodingError:
        return  # a lone surrogate; the parser's findings cover the text itself
    total = prefix + encoded
    if total <= settings.max_url_length:
        return
    shorter = ""
    canonical = str(root)
    if canonical != ctx.text.strip():
        saved = encoded - len(encode(canonical))
        if saved > 0:
            shorter = f"; the canonical form (cwql fmt) is {saved} characters shorter"
    start, end = span(root)
    yield Problem(
        start, end,
        message("W001", length=total, encoded=encoded, limit=settings.max_url_length),
        hint="split long in-lists across several requests, or use POST .../search where the "
        "endpoint has it (/service/tickets, /project/tickets)" + shorter,
    )


@rule("W002", kinds=frozenset({"orderBy"}), visits=(OrderBy,))
def several_order_keys(node: OrderBy, ctx: Context) -> Iterator[Problem]:
    if len(node.keys) > 1:
        start, end = span(node.keys[1])
        yield Problem(start, end, message("W002"),
                      related=(span(node),))


RULES: tuple[Rule, ...] = (url_too_long, several_order_keys)
