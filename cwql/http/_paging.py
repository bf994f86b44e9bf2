"""Paging strategies, as state machines that neither send nor sleep.

A pager says which request comes next and reads each answer; the sync and
async clients drive the same pagers, so both page identically. Every
strategy keeps one promise, whatever is added or removed while it walks and
however often a request must be retried: it yields no record twice, and it
skips no record that matched for the whole walk.

- The id walks (``forward``, ``keyset``) get this from the server: each
  request asks for ids after the last one yielded.
- The offset walks (``page``, ``link``) cannot ask for that: a removal ahead
  of the walk shifts every later record one place back, past a plain
  ``page=K+1``. So each request's window overlaps what was already read, and
  the walk carries on only from a window that holds a record it has seen
  (proof that nothing between lies unread); a window with none steps back.

Requests are built by :meth:`cwql.Query.walk_request`, the one model of what
paging adds to a query (and of the URL length it costs). Links in answers are
read for what they say (is there a next page, which ``pageId``), never sent
to: every URL the executor requests is one it built on its ``base_url``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .._query import PAGING_MODES, WIDEST_ID, Query, paging_modes
from ..errors import QueryError, ResponseError

__all__ = ["MODES", "Links", "Pager", "Request", "make_pager", "record_ids"]

#: The paging strategies a caller may ask for.
MODES = PAGING_MODES

#: The ``Link`` header of an answer by relation (``next`` → URL), or None when
#: the answer had no ``Link`` header (or one that could not be read).
Links = Mapping[str, str] | None

_FORWARD_HEADERS = {"pagination-type": "forward-only"}
# The widest window an offset walk may use when the caller's page size leaves
# no window that both overlaps and advances (see _window).
_MAX_WINDOW = 1000


@dataclass(frozen=True, slots=True)
class Request:
    """One request to send: the method, the full URL, headers and the body (JSON bytes)."""

    method: str
    url: str
    headers: Mapping[str, str]
    content: bytes | None = None


def record_ids(records: list[Any]) -> list[int]:
    """The ``id`` of each record; :class:`ResponseError` unless every one has a usable id.

    Every walk needs ids to drop repeats and to know where it is. A usable id
    is an integer from 0 to 2**63 - 1 (SQL Server's bigint).
    """
    ids = []
    for record in records:
        ident = record.get("id") if isinstance(record, Mapping) else None
        if type(ident) is not int or not 0 <= ident <= WIDEST_ID:
            shown = type(ident).__name__ if not isinstance(ident, int) else str(ident)[:30]
            what = "a record that is not an object" if not isinstance(record, Mapping) else (
                "a record without an id" if ident is None else f"a record whose id is {shown}")
            raise ResponseError(
                f"the server sent {what}: paging needs an integer id from 0 to 2**63-1 on every "
                "record (cwql adds id to fields= for this, and removes it again)"
            )
        ids.append(ident)
    return ids


class Pager:
    """Base of the strategies: ``first()``, then ``feed(records, links)`` until ``next`` is None.

    ``feed`` returns the records to yield from that answer (repeats already
    dropped) and leaves the request after it in :attr:`next`, or None when
    done. A strategy that finds the server does not support it hands over to
    another with :meth:`hand_over`; from then on that one pages.
    """

    mode = ""

    def __init__(self, base_url: str, path: str, query: Query, page_size: int,
                 *, search: bool = False, start_page: int | None = None,
                 start_size: int | None = None, after: int | None = None) -> None:
        self.base_url = base_url
        self.path = path
        self.query = query
        self.page_size = page_size
        self.search = search
        #: The walk's first request by offset: page ``start_page`` of ``start_size``.
        self.start_page = start_page
        self.start_size = start_size or page_size
        #: Where an id walk starts: after this id (``pageId``).
        self.after = after
        self.pages = 0
        self._next: Request | None = None
        self._successor: Pager | None = None

    @property
    def next(self) -> Request | None:
        return self._successor.next if self._successor is not None else self._next

    @property
    def current_mode(self) -> str:
        return self._successor.current_mode if self._successor is not None else self.mode

    def request(self, query: Query, extra_headers: Mapping[str, str] | None = None) -> Request:
        headers = dict(query.headers())
        if extra_headers:
            headers.update(extra_headers)
        if self.search:
            # POST .../search: the filters go in the body, paging on the URL.
            params_only = Query(
                fields=query.selected_fields, page=query.page, page_size=query.page_size,
            )
            url = params_only.url(self.base_url, self.path.rstrip("/") + "/search")
            headers["Content-Type"] = "application/json"
            body = json.dumps(query.search_body(), ensure_ascii=False).encode("utf-8")
            return Request("POST", url, headers, body)
        return Request("GET", query.url(self.base_url, self.path), headers)

    def first(self) -> Request:
        self._next = self._first()
        return self._next

    def feed(self, records: list[Any], links: Links) -> list[Any]:
        self.pages += 1
        if self._successor is not None:
            return self._successor.feed(records, links)
        return self._feed(records, links)

    def hand_over(self, successor: Pager) -> None:
        """Let ``successor`` page from here on; its first request is the next one."""
        self._successor = successor
        self._next = None
        successor.first()

    def _first(self) -> Request:
        raise NotImplementedError

    def _feed(self, records: list[Any], links: Links) -> list[Any]:
        raise NotImplementedError


def _more(records: list[Any], size: int, links: Links) -> bool:
    """Whether a next page may hold more, by the server's ``Link`` when it sent one.

    With a ``Link`` header, only ``rel="next"`` says there is more (so a
    server that caps ``pageSize`` below what was asked is still followed to
    the end); without one, a full page says so.
    """
    if not records:
        return False
    if links is not None:
        return "next" in links
    return len(records) >= size


# ---- walks by id -----------------------------------------------------------------------

_NOT_BY_ID = (
    "records came out of id order while paging by id (orderBy=id was asked for); "
    "use paging='page' or 'link' for this endpoint"
)


class _ByIdentity(Pager):
    """Walks records in ascending ``id``: each id must be past the last one.

    A repeat of the last id is dropped; a smaller one means the server did not
    walk in id order after all. ``skip`` holds ids already yielded by a
    strategy this one took over from.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_id: int | None = self.after
        self.skip: frozenset[int] = frozenset()
        self._by_offset = self.start_page is not None

    def in_order(self, ids: list[int]) -> bool:
        previous = self.last_id
        for ident in ids:
            if previous is not None and ident < previous:
                return False
            previous = ident
        return True

    def fresh(self, records: list[Any], ids: list[int]) -> list[Any]:
        out = []
        for record, ident in zip(records, ids, strict=True):
            if self.last_id is not None and ident <= self.last_id:
                continue  # a repeat of the last id (order was checked before)
            self.last_id = ident
            if ident not in self.skip:
                out.append(record)
        return out

    def offset_request(self) -> Request:
        """The first request, by page number in id order (the caller's ``page``)."""
        return self.request(self.query.walk_request(
            self.mode, page=self.start_page, page_size=self.start_size))


class ForwardPager(_ByIdentity):
    """The server's forward-only paging: ``pagination-type: forward-only`` and ``pageId``.

    Each next request carries the last id yielded as ``pageId`` (what the
    server's own next link names); the walk ends where the ``Link`` header
    names no next page, or names the page it just served again (a quirk some
    endpoints have). If the server ignores the header (a page-numbered next
    link, or ids out of order), it hands over to :class:`KeysetPager`.
    """

    mode = "forward"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent_page_id: int | None = None

    def _first(self) -> Request:
        if self._by_offset:
            return self.offset_request()
        return self._forward(self.after)

    def _forward(self, page_id: int | None) -> Request:
        self.sent_page_id = page_id
        return self.request(
            self.query.walk_request("forward", page_size=self.page_size, after=page_id), _FORWARD_HEADERS
        )

    def _keyset(self, after: int | None, skip: frozenset[int] = frozenset()) -> None:
        keyset = KeysetPager(self.base_url, self.path, self.query, self.page_size,
                             search=self.search, after=after)
        keyset.skip = skip
        self.hand_over(keyset)

    def _feed(self, records: list[Any], links: Links) -> list[Any]:
        ids = record_ids(records)
        self._next = None
        if self._by_offset:  # the caller's page, in id order; forward-only from its last id
            self._by_offset = False
            size = self.start_size
            if not self.in_order(ids):
                raise ResponseError(_NOT_BY_ID)
        else:
            size = self.page_size
            nxt = links.get("next") if links is not None else None
            ignored = (nxt is not None and self.sent_page_id is None and _query_int(nxt, "pageId") is None)
            if ignored or not self.in_order(ids):
                if self.sent_page_id is None and self.last_id is None:
                    # The first page came in the server's default order: yield it
                    # whole, then walk by id from the start, skipping what it held.
                    self._keyset(None, frozenset(ids))
                    return list(records)
                self._keyset(self.last_id)  # nothing of this page is yielded: keyset reads it again
                return []
            if nxt is not None and self.sent_page_id is not None and \
                    _query_int(nxt, "pageId") == self.sent_page_id:
                return self.fresh(records, ids)  # the server named this page again: it was the last
        before = self.last_id
        fresh = self.fresh(records, ids)
        if _more(records, size, links) and self.last_id != before:
            self._next = self._forward(self.last_id)
        return fresh


class KeysetPager(_ByIdentity):
    """Forward-only paging done by the client: ``id > last`` ANDed on, ordered by ``id``.

    Works on every endpoint that can sort by id, needs no server support, and
    like forward-only never duplicates or skips a record under concurrent change.
    """

    mode = "keyset"

    def _first(self) -> Request:
        if self._by_offset:
            return self.offset_request()
        return self._keyset_request()

    def _keyset_request(self) -> Request:
        return self.request(
            self.query.walk_request("keyset", page_size=self.page_size, after=self.last_id)
        )

    def _feed(self, records: list[Any], links: Links) -> list[Any]:
        ids = record_ids(records)
        size = self.start_size if self._by_offset else self.page_size
        self._by_offset = False
        if not self.in_order(ids):
            raise ResponseError(_NOT_BY_ID)
        before = self.last_id
        fresh = self.fresh(records, ids)
        self._next = (
            self._keyset_request() if _more(records, size, links) and self.last_id != before else None
        )
        return fresh


# ---- walks by offset ---------------------------------------------------------------------


def _window(target: int, limit: int, *, most: int = _MAX_WINDOW) -> tuple[int, int]:
    """``(page, size)`` of the window that holds position ``target`` and reaches furthest.

    Page ``p`` of size ``s`` holds positions ``(p-1)*s`` to ``p*s - 1``. Among
    sizes up to ``limit`` the one whose window ends furthest past ``target``
    wins (the smaller start on a tie: more overlap). If none reaches two past
    ``target`` (sizes that all divide ``target + 1``: with ``limit`` 25 the
    first such position is past 2.6e10), a larger size up to ``most`` does;
    :class:`ResponseError` if none can.
    """
    best = (0, 0, 0)  # (end, -start, size)
    for size in range(limit, 0, -1):
        page = target // size + 1
        candidate = (page * size, -(page - 1) * size, size)
        best = max(best, candidate)
        if best[0] - target == limit:
            break  # no window of at most `limit` ends further
    size = best[2]
    while best[0] < target + 2 and size < most:
        size += 1
        page = target // size + 1
        best = max(best, (page * size, -(page - 1) * size, size))
    if best[0] < target + 2:
        raise ResponseError(
            f"the server answers at most {most} records a page, too few to page by offsets "
            f"past record {target + 1} without risking a skip; use paging='keyset'"
        )
    return target // best[2] + 1, best[2]


class OffsetPager(Pager):
    """Page numbers in windows that overlap what was read: ``page`` and ``link`` walks.

    The first request is exactly the caller's page (``page=1`` by default).
    Each later window is chosen to hold the position of the last record read
    and reach as far past it as the page size allows. A window that holds a
    record already yielded proves the walk is still in step (whatever was
    added or removed, nothing unread lies between), and its unseen records
    are yielded. One without steps back, twice as far each time, until one
    has (or the walk's start is reached). ``id`` is added as the last
    ``orderBy`` key, so rows that tie keep one order from request to request.

    ``page`` ends at a short page; ``link`` where the ``Link`` header names no
    next page (by a short page when there is no ``Link`` header), and follows
    a server that caps the page size below the one asked for.
    """

    def __init__(self, *args: Any, mode: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.seen: set[int] = set()
        self.limit = max(self.page_size, 2)
        page = self.start_page or 1
        self.floor = (page - 1) * self.start_size  # where the walk starts: nothing before is wanted
        self.window = (page, self.start_size)
        self.started = False
        self.misses = 0
        self.capped = False

    def _first(self) -> Request:
        return self._request()

    def _most(self) -> int:
        """The largest window the server answers in full."""
        return self.limit if self.capped else _MAX_WINDOW

    def _request(self) -> Request:
        page, size = self.window
        return self.request(self.query.walk_request(self.mode, page=page, page_size=size))

    def _feed(self, records: list[Any], links: Links) -> list[Any]:
        ids = record_ids(records)
        page, size = self.window
        start = (page - 1) * size
        self._next = None
        if len(records) > size:
            raise ResponseError(
                f"asked for {size} records a page and got {len(records)}: the server does not "
                "page by pageSize, so the walk cannot tell where it is"
            )
        if self.started and start > self.floor and not self.seen.intersection(ids):
            # Nothing here was read before: the records read last now lie before
            # this window (removals moved them back). Step back, further each time.
            self.misses += 1
            back = min(2 ** (self.misses - 1), start - self.floor)
            self.window = _window(start - back, self.limit, most=self._most())
            self._next = self._request()
            return []
        self.started = True
        self.misses = 0
        fresh = []
        for record, ident in zip(records, ids, strict=True):
            if ident not in self.seen:
                self.seen.add(ident)
                fresh.append(record)
        more = _more(records, size, links) if self.mode == "link" else len(records) >= size
        if more and len(records) < size:
            # A short page the server says is not the last: it caps pageSize below
            # what was asked (older servers refused over 100). Walk in pages of
            # that size from here; if one of those comes back short, or this one
            # is too short to overlap, the data has ended, whatever the link says.
            if self.capped or len(records) < 2:
                more = False
            else:
                self.capped = True
                self.limit = len(records)
        if more:
            window = _window(start + len(records) - 1, self.limit, most=self._most())
            if window == self.window and not fresh:
                raise ResponseError(
                    f"page {page} of {size} came back with {len(records)} records again; "
                    "the walk cannot advance on this server (try paging='keyset')"
                )
            self.window = window
            self._next = self._request()
        return fresh


def make_pager(mode: str, base_url: str, path: str, query: Query, page_size: int,
               *, search: bool = False) -> Pager:
    """The pager for ``mode`` (see :data:`MODES`) over ``query``.

    ``query.page`` (with ``query.page_size``) makes the walk start at that
    page; ``query.page_id`` after that id. ``page_size`` is the size of every
    other request. Raises :class:`~cwql.QueryError` for ``forward`` or
    ``keyset`` with an ``orderBy``, :class:`~cwql.UsageError` for an unknown mode.
    """
    ordered = query.ordering is not None
    chosen = paging_modes(mode, ordered=ordered)[0]
    if search:
        # POST .../search takes page numbers; without an order, walk by id.
        chosen = "page" if ordered else "keyset"
    if chosen in ("forward", "keyset") and ordered:
        raise QueryError(
            f"{chosen} paging walks records in id order, so it cannot go with orderBy; "
            "use paging='link' or 'page', or drop the order"
        )
    start = {"start_page": query.page, "start_size": query.page_size or page_size}
    base = _with_id(query.replace(page=None, page_size=None))
    if chosen in ("page", "link"):
        return OffsetPager(base_url, path, base, page_size, search=search, mode=chosen, **start)
    cls = ForwardPager if chosen == "forward" else KeysetPager
    return cls(base_url, path, base.replace(page_id=None), page_size, search=search,
               after=query.page_id, **start)


def _with_id(query: Query) -> Query:
    """Paging needs the id of every record: add it to a fields list that lacks it."""
    selected = query.selected_fields
    if selected is None or any(p.name.lower() == "id" for p in selected.paths):
        return query
    return query.replace(fields=["id", *(p.name for p in selected.paths)])


def adds_id(query: Query) -> bool:
    """Whether paging ``query`` adds ``id`` to its fields (to be removed from what is yielded)."""
    selected = query.selected_fields
    return selected is not None and not any(p.name.lower() == "id" for p in selected.paths)


def _query_int(url: str, name: str) -> int | None:
    """The integer parameter ``name`` of ``url``, or None (also for text that is not a URL)."""
    try:
        pairs = parse_qsl(urlsplit(url).query)
    except ValueError:
        return None
    for key, value in pairs:
        if key == name:
            text = value.strip()
            return int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else None
    return None
