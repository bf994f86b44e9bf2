"""Reading a request: its query parameters and search body, within the server's bounds.

Everything a client can send is read here, and anything the fake cannot read
ends in a 400 (:class:`~._bodies.Reject`), never in a 500 that a client would
retry: numbers past 32 bits, query strings that are not UTF-8, search bodies
nested past reason, an ``orderBy`` of more keys than anyone sorts by.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode

from .._parser import parse_fields, parse_order_by
from .._spec import PAGING_PARAMETERS, PARAMETERS
from ..errors import CWQLError, ParseError
from ._bodies import bad_request

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "INT32_MAX",
    "MAX_ORDER_KEYS",
    "Query",
    "field_paths",
    "link",
    "order_keys",
    "read_query",
    "read_search",
    "record_id",
    "whole_number",
]

#: The page size when a request names none (official "Pagination").
DEFAULT_PAGE_SIZE = 25
#: Ids, page numbers and sizes are 32-bit integers on the server (``int32`` in the spec).
INT32_MAX = 2_147_483_647
#: The most distinct ``orderBy`` keys the fake sorts by. The server's own
#: bound is not documented; past this one the fake answers 400, so that a
#: hostile ``orderBy`` costs a bounded amount of sorting.
MAX_ORDER_KEYS = 16

# Parameter names as the server reads them (any case) -> Query attributes.
_PARAMS = {p.name.lower(): p.python_name for p in PARAMETERS} | {
    name.lower(): keyword for name, keyword in PAGING_PARAMETERS.items()
}
# Where a page starts and how long it is: a Link URL sets these itself, last.
_POSITION = frozenset({"page", "pagesize", "pageid"})


@dataclass(slots=True)
class Query:
    """The parameters of one list, count or search request, as text."""

    conditions: str | None = None
    child_conditions: str | None = None
    custom_field_conditions: str | None = None
    order_by: str | None = None
    fields: str | None = None
    page: str | None = None
    page_size: str | None = None
    page_id: str | None = None
    #: Every parameter but the page position, as the request wrote it and in
    #: its order: what a ``Link`` URL repeats before ``pageSize`` and ``page``.
    params: list[tuple[str, str]] = field(default_factory=list)


def read_query(raw: str) -> Query:
    """The parameters of a query string (a ``+`` is a space, as on the server)."""
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise bad_request(
            "the query string's percent-escapes are not UTF-8: was a % in a condition left unencoded?"
        ) from None
    q = Query()
    for name, value in pairs:
        attr = _PARAMS.get(name.lower())
        if attr is not None:
            setattr(q, attr, value)
        if name.lower() not in _POSITION:
            q.params.append((name, value))
    return q


def read_search(raw: str, body: bytes) -> Query:
    """The parameters of ``POST .../search``: the query string's, then the JSON body's keys."""
    q = read_query(raw)
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, ValueError):
        raise bad_request("the search body is not JSON") from None
    except RecursionError:
        # json's decoder guards its own recursion; a body nested that deep is
        # not a search, whatever it holds.
        raise bad_request("the search body is nested too deeply to be a search") from None
    if not isinstance(data, dict):
        raise bad_request("the search body must be a JSON object")
    for name, value in data.items():
        attr = _PARAMS.get(str(name).lower())
        if attr is None:
            continue
        if value is not None and (not isinstance(value, (str, int)) or isinstance(value, bool)):
            raise bad_request(f"{name} must be a string", field=str(name))
        setattr(q, attr, None if value is None else str(value))
    return q


def whole_number(name: str, text: str | None, default: int, *, minimum: int) -> int:
    """A 32-bit whole number parameter (``page``, ``pageSize``, ``pageId``), or a 400."""
    if text is None or text == "":
        return default
    # Digits are ASCII only (str.isdigit takes "٣" too), and the length is
    # checked before int() so that 5,000 digits cost nothing.
    if not (text.isascii() and text.isdigit() and len(text) <= 10) or not minimum <= int(text) <= INT32_MAX:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise bad_request(
            f"{name} must be a whole number from {minimum} to {INT32_MAX}, not {shown!r}", field=name,
        )
    return int(text)


def record_id(segment: str) -> int | None:
    """The record id a URL segment names: ASCII digits within 32 bits, else None."""
    if segment.isascii() and segment.isdigit() and len(segment) <= 10 and int(segment) <= INT32_MAX:
        return int(segment)
    return None


def field_paths(text: str | None) -> list[tuple[str, ...]] | None:
    """The paths of a ``fields`` parameter, as segments; None when it names none."""
    if text is None or not text.strip():
        return None
    try:
        return [p.segments for p in parse_fields(text).paths]
    except ParseError as e:
        raise bad_request(f"fields is invalid: {e.diagnostics[0].message}", field="fields") from None
    except CWQLError as e:
        raise bad_request(f"fields is invalid: {e}", field="fields") from None


def order_keys(text: str | None) -> tuple[tuple[str, bool], ...]:
    """``orderBy`` as ``(path, descending)`` pairs, a field named twice counted once.

    Only a field's first mention decides the order (a later one sorts records
    that already differ), so repeats are dropped; more than
    :data:`MAX_ORDER_KEYS` distinct fields is a 400.
    """
    if text is None or not text.strip():
        return ()
    try:
        parsed = parse_order_by(text)
    except ParseError as e:
        raise bad_request(f"orderBy is invalid: {e.diagnostics[0].message}", field="orderBy") from None
    except CWQLError as e:
        raise bad_request(f"orderBy is invalid: {e}", field="orderBy") from None
    keys: dict[str, tuple[str, bool]] = {}
    for key in parsed.keys:
        keys.setdefault(key.path.name.lower(), (key.path.name, key.descending))
        if len(keys) > MAX_ORDER_KEYS:
            raise bad_request(
                f"orderBy names more than {MAX_ORDER_KEYS} fields; sort by fewer", field="orderBy",
            )
    return tuple(keys.values())


def link(base: str, params: list[tuple[str, str]], page_size: int, position: str, value: int) -> str:
    """A ``Link`` URL: the request's parameters, then ``pageSize``, then ``page`` or ``pageId``.

    Real servers end the URL with ``pageSize=N&page=K``, and clients find the
    page number by that position (pyconnectwise reads ``page=(\\d+)>``), so
    the order is part of the answer. Values are percent-encoded except ``/``.
    """
    pairs = [*params, ("pageSize", str(page_size)), (position, str(value))]
    return base + "?" + urlencode(pairs, quote_via=_quote)


def _quote(text: str | bytes, safe: str | bytes = "", encoding: str | None = None,
           errors: str | None = None) -> str:
    return quote(text, safe="/")
