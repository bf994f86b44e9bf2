"""Wire and length: what happens to the query on its way to the server."""

from __future__ import annotations

from collections.abc import Iterator

from ..._encoding import encode
from ...errors import EncodingError
from ...syntax import Node, OrderBy
from .._model import Context, Problem, Rule
from .base import WIRE, rule, span

__all__ = ["RULES"]


@rule(
    "W001", "url-too-long", WIRE, "error",
    "The encoded query makes the request URL longer than the server's budget.",
    what="""A query whose percent-encoded form, added to the base URL, the endpoint and the
    parameter name, makes a URL longer than `max-url-length` (2000 by default).""",
    why="""ConnectWise documents 2000 characters as the limit for a request URL; longer ones fail
    before the query is read. Long `in` lists are the usual cause, and encoding makes every
    space, quote and `%` three characters.""",
    example="id in (" + ",".join(str(100000 + i) for i in range(300)) + ")",
    fix="id in (" + ",".join(str(100000 + i) for i in range(100)) + ")",
    kinds=frozenset(),
)
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
        f"the request URL would be about {total} characters (the query is {encoded} encoded), "
        f"over the {settings.max_url_length}-character limit",
        hint="split long in-lists across several requests, or use POST .../search where the "
        "endpoint has it (/service/tickets, /project/tickets)" + shorter,
    )


@rule(
    "W002", "several-order-keys", WIRE, "info",
    "More than one key in orderBy.",
    what="""An `orderBy` with several comma-separated keys.""",
    why="""ConnectWise documents one sort key. Clients send several and some servers seem to
    honour them, but nobody has shown that every version does; a result that must be in a
    given order should not depend on it.""",
    example="dateEntered desc,id",
    fix="dateEntered desc",
    kinds=frozenset({"orderBy"}),
    example_kind="orderBy",
    visits=(OrderBy,),
)
def several_order_keys(node: OrderBy, ctx: Context) -> Iterator[Problem]:
    if len(node.keys) > 1:
        start, end = span(node.keys[1])
        yield Problem(start, end, "several orderBy keys are not documented; only the first is certain",
                      related=(span(node),))


RULES: tuple[Rule, ...] = (url_too_long, several_order_keys)
