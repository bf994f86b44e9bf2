"""Paging strategies, as state machines that neither send nor sleep.

A pager says which request comes next and reads each answer; the sync and
async clients drive the same pagers, so both page identically. Every
strategy guarantees that no record is yielded twice; the ones that walk by
``id`` (``forward``, ``keyset``) also never skip a record that exists for the
whole walk, however records are added or removed meanwhile (LANGUAGE.md §1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .._query import Query
from ..errors import ResponseError, UsageError
from ..syntax import EMPTY, And, Expr, Number, Op, Path, Predicate

__all__ = ["MODES", "Pager", "Request", "make_pager"]

#: The paging strategies a caller may ask for.
MODES = ("auto", "forward", "link", "page", "keyset")

_FORWARD_HEADERS = {"pagination-type": "forward-only"}


@dataclass(frozen=True, slots=True)
class Request:
    """One request a pager wants sent: the method, the full URL, headers and JSON body."""

    method: str
    url: str
    headers: Mapping[str, str]
    json: Any = None


class Pager:
    """Base of the strategies: ``first()``, then ``feed(records, links, url)`` until ``next`` is None.

    ``feed`` returns the records to yield from that answer (already freed of
    duplicates) and leaves the request after it in :attr:`next`, or None when
    done. A strategy that finds the server does not support it hands over to
    another with :meth:`hand_over`; from then on that one pages.
    """

    mode = ""

    def __init__(self, base_url: str, path: str, query: Query, page_size: int,
                 *, search: bool = False) -> None:
        self.base_url = base_url
        self.path = path
        self.query = query
        self.page_size = page_size
        self.search = search
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
            return Request("POST", url, headers, query.search_body())
        return Request("GET", query.url(self.base_url, self.path), headers)

    def first(self) -> Request:
        self._next = self._first()
        return self._next

    def feed(self, records: list[Any], links: Mapping[str, Mapping[str, str]], url: str) -> list[Any]:
        self.pages += 1
        if self._successor is not None:
            return self._successor.feed(records, links, url)
        return self._feed(records, links, url)

    def hand_over(self, successor: Pager) -> None:
        """Let ``successor`` page from here on; its first request is the next one."""
        self._successor = successor
        self._next = None
        successor.first()

    def _first(self) -> Request:
        raise NotImplementedError

    def _feed(self, records: list[Any], links: Mapping[str, Mapping[str, str]], url: str) -> list[Any]:
        raise NotImplementedError


def _ids(records: list[Any]) -> list[int]:
    ids = []
    for record in records:
        ident = record.get("id") if isinstance(record, Mapping) else None
        if not isinstance(ident, int) or isinstance(ident, bool):
            raise ResponseError(
                "a record without an integer id: paging by id needs one on every record "
                "(keep `id` in fields=)"
            )
        ids.append(ident)
    return ids


class _ByIdentity(Pager):
    """Walks records in ascending ``id``: each id must be past the last one.

    A repeat of the last id is dropped; a smaller one means the server did not
    walk in id order after all, and skipping it silently could lose records,
    so that is an error. ``skip`` holds ids already yielded by a strategy
    this one took over from.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_id: int | None = None
        self.skip: frozenset[int] = frozenset()

    def fresh(self, records: list[Any]) -> list[Any]:
        out = []
        for record, ident in zip(records, _ids(records), strict=True):
            if self.last_id is not None and ident <= self.last_id:
                if ident == self.last_id:
                    continue
                raise ResponseError(
                    f"records came out of id order (id {ident} after {self.last_id}) while paging by id; "
                    "use paging='page' or 'link' for this endpoint"
                )
            self.last_id = ident
            if ident not in self.skip:
                out.append(record)
        return out


class ForwardPager(_ByIdentity):
    """The server's forward-only paging: ``pagination-type: forward-only`` and ``pageId``.

    Stops when the ``Link`` header names no next page, or names the page it
    just served again (a quirk some endpoints have). If the server ignores the
    header (its next link has no ``pageId``), it hands over to :class:`KeysetPager`.
    """

    mode = "forward"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_id: int | None = None

    def _first(self) -> Request:
        return self.request(self.query.replace(page_size=self.page_size), _FORWARD_HEADERS)

    def _feed(self, records: list[Any], links: Mapping[str, Mapping[str, str]], url: str) -> list[Any]:
        nxt = links.get("next", {}).get("url")
        if nxt is not None and _query_int(nxt, "pageId") is None and self.page_id is None:
            # Not honoured: a page-numbered Link came back, so this first page is
            # in the server's default order, not by id. Yield it whole, then walk
            # by id from the start ourselves, skipping what was already yielded.
            ids = _ids(records)
            keyset = KeysetPager(self.base_url, self.path, self.query, self.page_size)
            keyset.skip = frozenset(ids)
            self.hand_over(keyset)
            return list(records)
        before = self.last_id
        fresh = self.fresh(records)
        self._next = None
        if nxt is None or not records:
            return fresh
        page_id = _query_int(nxt, "pageId")
        if page_id is None:
            raise ResponseError("the server dropped forward-only paging in the middle of a walk")
        if page_id == self.page_id or self.last_id == before:
            return fresh  # the server named the same page again: that was the last one
        self.page_id = page_id
        self._next = self.request(
            self.query.replace(page_size=self.page_size, page_id=page_id), _FORWARD_HEADERS
        )
        return fresh


class KeysetPager(_ByIdentity):
    """Forward-only paging done by the client: ``id > last`` ANDed on, ordered by ``id``.

    Works on every endpoint that can sort by id, needs no server support, and
    like forward-only never duplicates or skips a record under concurrent change.
    """

    mode = "keyset"

    def _first(self) -> Request:
        query = self.query.replace(page_size=self.page_size, order_by="id")
        if self.last_id is not None:
            after = Predicate(Path("id"), Op.GT, Number(str(self.last_id)))
            current = query.conditions
            combined: Expr = after if current is EMPTY else And((current, after))  # type: ignore[arg-type]
            query = query.replace(conditions=combined)
        return self.request(query)

    def _feed(self, records: list[Any], links: Mapping[str, Mapping[str, str]], url: str) -> list[Any]:
        before = self.last_id
        fresh = self.fresh(records)
        # Carry on while pages are full and the walk moves on (a page of ids
        # already yielded, after a hand-over, still moves it on).
        self._next = self._first() if len(records) >= self.page_size and self.last_id != before else None
        return fresh


class _Remembering(Pager):
    """Pagers whose pages can overlap: remember ids to drop repeats."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: set[Any] = set()

    def fresh(self, records: list[Any]) -> list[Any]:
        out = []
        for record in records:
            ident = record.get("id") if isinstance(record, Mapping) else None
            if ident is None:
                out.append(record)  # cannot tell repeats apart without an id
            elif ident not in self.seen:
                self.seen.add(ident)
                out.append(record)
        return out


class PagePager(_Remembering):
    """``page=1, 2, ...`` until a page comes back short.

    Offsets shift when records are added or removed mid-walk, so repeats are
    dropped by id, but a record can be skipped: prefer ``forward`` or
    ``keyset`` when there is no ``orderBy``.
    """

    mode = "page"

    def __init__(self, *args: Any, start: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page = start

    def _first(self) -> Request:
        return self.request(self.query.replace(page=self.page, page_size=self.page_size))

    def _feed(self, records: list[Any], links: Mapping[str, Mapping[str, str]], url: str) -> list[Any]:
        fresh = self.fresh(records)
        if len(records) < self.page_size:
            self._next = None
        else:
            self.page += 1
            self._next = self._first()
        return fresh


class LinkPager(_Remembering):
    """Follow ``rel="next"`` in the ``Link`` header (RFC 8288).

    With no ``Link`` at all and a full page, hands over to page numbers. A next
    link to another origin than the API's is refused: credentials go nowhere else.
    """

    mode = "link"

    def _first(self) -> Request:
        return self.request(self.query.replace(page=1, page_size=self.page_size))

    def _feed(self, records: list[Any], links: Mapping[str, Mapping[str, str]], url: str) -> list[Any]:
        fresh = self.fresh(records)
        nxt = links.get("next", {}).get("url")
        self._next = None
        if records and not fresh:
            return fresh  # a full page of repeats: the links have come round again
        if nxt is None:
            if not links and len(records) >= self.page_size:
                pages = PagePager(self.base_url, self.path, self.query, self.page_size,
                                  start=2, search=self.search)
                pages.seen = self.seen
                self.hand_over(pages)
            return fresh
        if not records or _same_url(nxt, url):
            return fresh
        if not _same_origin(nxt, self.base_url):
            raise ResponseError(f"the next-page link points away from the API ({_origin(nxt)}); not followed")
        template = self.request(self.query.replace(page_size=self.page_size))
        self._next = Request(template.method, nxt, template.headers, template.json)
        return fresh


def make_pager(mode: str, base_url: str, path: str, query: Query, page_size: int,
               *, search: bool = False) -> Pager:
    """The pager for ``mode`` (see :data:`MODES`) over ``query``."""
    if mode not in MODES:
        raise UsageError(f"paging must be one of {', '.join(MODES)}; got {mode!r}")
    ordered = query.ordering is not None
    if search:
        # POST .../search takes page numbers; without an order, walk by id.
        mode = "page" if ordered else "keyset"
    elif mode == "auto":
        mode = "link" if ordered else "forward"
    if mode in ("forward", "keyset") and ordered:
        from ..errors import QueryError

        raise QueryError(
            f"{mode} paging walks records in id order, so it cannot go with orderBy; "
            "use paging='link' or 'page', or drop the order"
        )
    base = query.replace(page=None, page_id=None, page_size=None)
    if mode in ("forward", "keyset"):
        base = _with_id(base)
    cls: type[Pager] = {
        "forward": ForwardPager, "keyset": KeysetPager, "page": PagePager, "link": LinkPager,
    }[mode]
    return cls(base_url, path, base, page_size, search=search)


def _with_id(query: Query) -> Query:
    """Paging by id needs the id of every record: add it to a fields list that lacks it."""
    selected = query.selected_fields
    if selected is None or any(p.name.casefold() == "id" for p in selected.paths):
        return query
    return query.replace(fields=["id", *(p.name for p in selected.paths)])


def _query_int(url: str, name: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get(name)
    if not values:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()


def _same_origin(url: str, base_url: str) -> bool:
    return _origin(url) == _origin(base_url)


def _same_url(a: str, b: str) -> bool:
    return a.split("#", 1)[0] == b.split("#", 1)[0]
