"""The paginated executor: :class:`Client` and :class:`AsyncClient` over httpx.

Both share :class:`_Base`, which holds the configuration, builds requests,
decides retries and reads answers; only the loops that send and wait differ.
URLs are built by :class:`~cwql.Query` (every value percent-encoded, ``%20``
for a space) and handed to httpx whole, so what reaches the wire is exactly
what cwql printed.
"""

from __future__ import annotations

import asyncio
import base64
import heapq
import logging
import os
import time
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import httpx

from .. import errors as _errors
from .._query import Query
from .._typed import BoundQuery
from ..errors import ConfigurationError, CWQLTypeError, QueryError, QueryTooLongError, ResponseError
from ..syntax import EMPTY, Condition, Expr
from ._errors import error_for, redact_url
from ._paging import Pager, Request, make_pager
from ._split import split_query
from ._throttle import RateLimiter, RetryPolicy, parse_retry_after

__all__ = ["SEARCH_ENDPOINTS", "AsyncClient", "Client", "Page", "QueryLike", "Stats"]

log = logging.getLogger("cwql.http")

QueryLike: TypeAlias = "Query | Expr | str | None"

#: The only endpoints with ``POST .../search`` (the Manage spec).
SEARCH_ENDPOINTS = frozenset({"/service/tickets", "/project/tickets"})

_ENV = {
    "company_id": "CONNECTWISE_COMPANY_ID",
    "public_key": "CONNECTWISE_PUBLIC_KEY",
    "private_key": "CONNECTWISE_PRIVATE_KEY",
    "client_id": "CONNECTWISE_CLIENT_ID",
    "site": "CONNECTWISE_SITE",
    "codebase": "CONNECTWISE_CODEBASE",
    "base_url": "CONNECTWISE_BASE_URL",
}
# A pageId or page number the URL must leave room for, when its length is checked.
_LONGEST_PAGING = {"page": "999999", "pageId": "9999999999", "pageSize": "1000"}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an iteration: its records (repeats already dropped) and where they came from."""

    records: list[Any]
    number: int
    url: str
    mode: str


@dataclass(slots=True)
class Stats:
    """Counters for progress displays: requests sent, retries, records, time waited."""

    requests: int = 0
    retries: int = 0
    records: int = 0
    pages: int = 0
    waited: float = 0.0
    started: float = field(default_factory=time.monotonic)


def _as_query(query: QueryLike | Condition) -> Query:
    if query is None or query is EMPTY:
        return Query()
    if isinstance(query, Query):
        return query
    if isinstance(query, (Expr, str)):
        return Query(query)
    raise CWQLTypeError(f"query must be a cwql.Query, a condition or text, not {type(query).__name__}")


def _unbind(path: str | BoundQuery, query: QueryLike) -> tuple[str, QueryLike]:
    """A bound query (``Ticket.query(...)``) in place of the path: its endpoint and its parameters."""
    if not isinstance(path, BoundQuery):
        return path, query
    if query is not None:
        raise CWQLTypeError(f"{path!r} knows its endpoint: pass it alone, not with another query")
    return path.endpoint, path.unbound()


def _normal_path(path: str) -> str:
    if not isinstance(path, str) or not path.strip("/"):
        raise QueryError(f"an endpoint path such as /service/tickets is needed, not {path!r}")
    return "/" + path.strip("/")


class _Base:
    def __init__(
        self,
        *,
        company_id: str | None = None,
        public_key: str | None = None,
        private_key: str | None = None,
        client_id: str | None = None,
        site: str | None = None,
        codebase: str = "v4_6_release",
        base_url: str | None = None,
        requests_per_minute: float = 60,
        max_url_length: int = 2000,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        missing = [name for name, value in (
            ("company_id", company_id), ("public_key", public_key),
            ("private_key", private_key), ("client_id", client_id),
        ) if not value]
        if base_url is None and not site:
            missing.append("site")
        if missing:
            variables = ", ".join(_ENV[name] for name in missing)
            raise ConfigurationError(
                f"missing {', '.join(missing)}: pass them, or set {variables} "
                f"(or {_ENV['base_url']} instead of the site) for from_env()"
            )
        if base_url is None:
            host = str(site).strip().rstrip("/")
            if "://" not in host:
                host = "https://" + host
            base_url = f"{host}/{codebase.strip('/')}/apis/3.0/"
        elif not base_url.endswith("/"):
            base_url += "/"
        if max_url_length < 200:
            raise ConfigurationError("max_url_length below 200 leaves no room for a query")
        self.base_url = base_url
        self.company_id = company_id
        self.max_url_length = max_url_length
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.limiter = limiter or RateLimiter(requests_per_minute)
        self.stats = Stats()
        token = base64.b64encode(f"{company_id}+{public_key}:{private_key}".encode()).decode()
        # Kept out of reprs and logs: the only place the secret lives.
        self.__headers = {
            "Authorization": f"Basic {token}",
            "clientId": str(client_id),
            "Accept": "application/json",
        }

    @classmethod
    def env_arguments(cls, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        source = os.environ if env is None else env
        found: dict[str, Any] = {}
        for name, variable in _ENV.items():
            value = source.get(variable)
            if value:
                found[name] = value
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} {self.base_url} company={self.company_id}>"

    # ---- requests ----------------------------------------------------------------

    def _headers(self, request: Request) -> dict[str, str]:
        return {**self.__headers, **request.headers}

    def _url_length(self, query: Query, path: str) -> int:
        """The longest URL any page of ``query`` can have (paging parameters at their widest)."""
        widest = query.replace(page_size=1000)
        length = widest.url_length(self.base_url, path)
        return length + len("&page=") + len(_LONGEST_PAGING["page"]) + len("&pageId=") + len(
            _LONGEST_PAGING["pageId"]) + len("&orderBy=id") + len("%20and%20id%3E9999999999")

    def _plan(self, path: str, query: Query, paging: str, page_size: int) -> list[Pager]:
        """The pagers one iteration needs: one, or one per chunk of a split query.

        Chunks are always walked by id (``auto`` paging), so their answers merge
        in id order, each record once. An ordered query is never split: merging
        it would need the server's collation, which the client does not have.
        """
        if self._url_length(query, path) <= self.max_url_length:
            return [make_pager(paging, self.base_url, path, query, page_size)]
        if query.ordering is None:
            split = split_query(query, lambda q: self._url_length(q, path) <= self.max_url_length)
            if split is not None:
                log.info("cwql.http: %s: the URL would be too long; splitting an in-list into %d queries",
                         path, len(split.queries))
                return [make_pager("auto", self.base_url, path, q, page_size) for q in split.queries]
        if path in SEARCH_ENDPOINTS:
            log.info("cwql.http: %s: the URL would be too long; using POST %s/search", path, path)
            return [make_pager(paging, self.base_url, path, query, page_size, search=True)]
        raise QueryTooLongError(
            self._url_length(query, path), self.max_url_length, path,
            ordered=query.ordering is not None,
        )

    def _count_plan(self, path: str, q: Query) -> list[Query] | None:
        """The /count requests for ``q``: one, or chunks whose counts add up; None to count ids."""
        if q.url_length(self.base_url, path + "/count") <= self.max_url_length:
            return [q]
        split = split_query(q, lambda c: c.url_length(self.base_url, path + "/count") <= self.max_url_length)
        if split is not None and split.counts_add_up:
            return list(split.queries)
        if split is None and path not in SEARCH_ENDPOINTS:
            raise QueryTooLongError(q.url_length(self.base_url, path + "/count"), self.max_url_length, path)
        return None  # count the ids a split or searched walk yields

    # The sync and async clients send in the same loop, differing only in how
    # they wait; what to do after each try is decided here, once.

    def _reserve(self) -> float:
        """Book a slot with the rate limiter; the seconds to wait for it."""
        wait = self.limiter.reserve()
        self.stats.waited += wait
        self.stats.requests += 1
        return wait

    def _after_no_answer(self, error: httpx.RequestError, request: Request, attempt: int,
                         sent: float, started: float, idempotent: bool) -> float:
        """The wait before trying again; raises :class:`TransportError` when giving up."""
        self._log(request, 0, sent, attempt)
        delay = self._decide(attempt, started, 0, "", None, idempotent)
        if delay is None:
            raise _errors.TransportError(
                0, f"{type(error).__name__}: {error}" if str(error) else type(error).__name__,
                url=redact_url(request.url), method=request.method, attempts=attempt,
            ) from None
        self.stats.retries += 1
        return delay

    def _after_answer(self, response: httpx.Response, request: Request, attempt: int,
                      sent: float, started: float, idempotent: bool) -> float | None:
        """None to return ``response``; else the wait before trying again. Raises when giving up."""
        self._log(request, response.status_code, sent, attempt)
        self.limiter.observe(response.headers)
        if response.is_success:
            return None
        error = self._error(response, request, attempt)
        retry_after = getattr(error, "retry_after", None)
        if response.status_code == 429:
            # Everyone waits, not only this request: the limit is the API member's.
            wait = retry_after if retry_after is not None else self.retry.delay(attempt)
            self.limiter.pause(min(wait, self.retry.max_retry_after))
        delay = self._decide(attempt, started, response.status_code, error.code, retry_after, idempotent)
        if delay is None:
            raise error
        log.info("cwql.http: %s %s, retrying in %.1f s", response.status_code, error.code or "", delay)
        self.stats.retries += 1
        return 0.0 if response.status_code == 429 else delay  # the limiter holds the 429 wait

    def _decide(self, attempt: int, started: float, status: int, code: str,
                retry_after: float | None, idempotent: bool) -> float | None:
        """Seconds to wait before retrying, or None to give up."""
        if not idempotent or attempt >= self.retry.attempts:
            return None
        if status and not RetryPolicy.retryable_status(status, code):
            return None
        delay = self.retry.delay(attempt, retry_after)
        if self.limiter.now() - started + delay > self.retry.total_seconds:
            return None
        return delay

    def _read(self, response: httpx.Response, request: Request) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ResponseError(
                f"{request.method} {redact_url(request.url)} answered {response.status_code} "
                f"with a body that is not JSON ({response.headers.get('content-type', 'no type')})"
            ) from None

    def _records(self, data: Any, request: Request) -> list[Any]:
        if not isinstance(data, list):
            raise ResponseError(f"{redact_url(request.url)} did not answer with a list of records")
        return data

    def _error(self, response: httpx.Response, request: Request, attempts: int) -> _errors.APIError:
        error = error_for(
            response.status_code, response.content, response.headers.get("content-type", ""),
            url=request.url, method=request.method, attempts=attempts,
            reason=response.reason_phrase,
        )
        if isinstance(error, _errors.RateLimitError):
            error.retry_after = parse_retry_after(response.headers.get("retry-after"))
        return error

    def _log(self, request: Request, status: int, started: float, attempt: int) -> None:
        log.debug("%s %s -> %s in %.0f ms (attempt %d)", request.method,
                  redact_url(request.url).split("?", 1)[0], status or "no answer",
                  (time.monotonic() - started) * 1e3, attempt)

    @staticmethod
    def _merge(streams: Sequence[Iterable[Any]]) -> Iterator[Any]:
        """Unite the answers of split queries, each in id order: in id order, each record once."""
        last = None
        for record in heapq.merge(*streams, key=lambda r: r["id"]):
            if record["id"] != last:
                last = record["id"]
                yield record


class Client(_Base):
    """A synchronous client for the ConnectWise PSA REST API.

    Pass credentials (``company_id``, ``public_key``, ``private_key``,
    ``client_id``) and either ``site`` (``api-na.myconnectwise.net``; with
    ``codebase``) or ``base_url``; or use :meth:`from_env`. ``transport`` or
    ``http_client`` inject the HTTP layer (a fake PSA's transport, in tests).
    Requests are throttled to ``requests_per_minute`` and retried per
    ``retry``; a URL longer than ``max_url_length`` is split or sent as a search.
    """

    def __init__(self, *, transport: httpx.BaseTransport | None = None,
                 http_client: httpx.Client | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._own = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=self.timeout)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Client:
        """A client configured from ``CONNECTWISE_*`` environment variables (and overrides)."""
        return cls(**{**cls.env_arguments(env), **overrides})

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._own:
            self._http.close()

    # ---- sending ------------------------------------------------------------------

    def _send(self, request: Request, *, idempotent: bool = True) -> httpx.Response:
        started = self.limiter.now()
        attempt = 0
        while True:
            attempt += 1
            self.limiter.sleep(self._reserve())
            sent = time.monotonic()
            try:
                response = self._http.request(
                    request.method, request.url, headers=self._headers(request), json=request.json,
                )
                response.read()
            except httpx.RequestError as e:
                self.limiter.sleep(self._after_no_answer(e, request, attempt, sent, started, idempotent))
                continue
            delay = self._after_answer(response, request, attempt, sent, started, idempotent)
            if delay is None:
                return response
            self.limiter.sleep(delay)

    # ---- the API ----------------------------------------------------------------------

    def pages(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int = 1000,
              paging: str = "auto", limit: int | None = None) -> Iterator[Page]:
        """The pages of records ``query`` matches on ``path``, lazily, each record once."""
        path, query = _unbind(path, query)
        path = _normal_path(path)
        q = _as_query(query)
        page_size = _page_size(q, page_size, limit)
        pagers = self._plan(path, q, paging, page_size)
        if len(pagers) == 1:
            yield from _limited_pages(self._drive(pagers[0]), limit)
            return
        streams = [self._records_of(self._drive(p)) for p in pagers]
        yield from _limited_pages(_regroup(self._merge(streams), page_size, "split"), limit)

    def iter(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int = 1000,
             paging: str = "auto", limit: int | None = None) -> Iterator[Any]:
        """Every record ``query`` matches on ``path``, lazily, one page in memory at a time."""
        for page in self.pages(path, query, page_size=page_size, paging=paging, limit=limit):
            yield from page.records

    def _drive(self, pager: Pager) -> Iterator[Page]:
        request: Request | None = pager.first()
        while request is not None:
            response = self._send(request)
            records = self._records(self._read(response, request), request)
            mode = pager.current_mode  # the strategy that asked for this page
            fresh = pager.feed(records, _links(response), request.url)
            self.stats.pages += 1
            self.stats.records += len(fresh)
            yield Page(fresh, pager.pages, redact_url(request.url), mode)
            request = pager.next

    @staticmethod
    def _records_of(pages: Iterator[Page]) -> Iterator[Any]:
        for page in pages:
            yield from page.records

    def count(self, path: str | BoundQuery, query: QueryLike = None) -> int:
        """How many records ``query`` matches on ``path`` (``GET {path}/count``)."""
        path, query = _unbind(path, query)
        path = _normal_path(path)
        q = _count_query(_as_query(query))
        plan = self._count_plan(path, q)
        if plan is None:
            return sum(1 for _ in self.iter(path, q.replace(fields="id")))
        total = 0
        for part in plan:
            request = Request("GET", part.url(self.base_url, path + "/count"), {})
            total += _count_of(self._read(self._send(request), request), request)
        return total

    def get(self, path: str, id: int, *, fields: Any = None) -> Any:
        """One record by id (``GET {path}/{id}``); raises :class:`NotFoundError` if there is none."""
        path = _normal_path(path)
        q = Query(fields=fields) if fields is not None else Query()
        request = Request("GET", q.url(self.base_url, f"{path}/{int(id)}"), {})
        return self._read(self._send(request), request)

    def search(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int = 1000,
               limit: int | None = None) -> Iterator[Any]:
        """Records from ``POST {path}/search`` (``/service/tickets``, ``/project/tickets``)."""
        path, query = _unbind(path, query)
        path = _normal_path(path)
        q = _as_query(query)
        pager = make_pager("auto", self.base_url, path, q, _page_size(q, page_size, limit), search=True)
        for page in _limited_pages(self._drive(pager), limit):
            yield from page.records


class AsyncClient(_Base):
    """The asynchronous twin of :class:`Client`: the same arguments, ``async for`` and ``await``.

    Concurrent tasks share the client's rate limiter, so together they stay
    within ``requests_per_minute``.
    """

    def __init__(self, *, transport: httpx.AsyncBaseTransport | None = None,
                 http_client: httpx.AsyncClient | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._own = http_client is None
        self._http = http_client or httpx.AsyncClient(transport=transport, timeout=self.timeout)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> AsyncClient:
        return cls(**{**cls.env_arguments(env), **overrides})

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._own:
            await self._http.aclose()

    async def _send(self, request: Request, *, idempotent: bool = True) -> httpx.Response:
        started = self.limiter.now()
        attempt = 0
        while True:
            attempt += 1
            await asyncio.sleep(self._reserve())
            sent = time.monotonic()
            try:
                response = await self._http.request(
                    request.method, request.url, headers=self._headers(request), json=request.json,
                )
                await response.aread()
            except httpx.RequestError as e:
                await asyncio.sleep(self._after_no_answer(e, request, attempt, sent, started, idempotent))
                continue
            delay = self._after_answer(response, request, attempt, sent, started, idempotent)
            if delay is None:
                return response
            await asyncio.sleep(delay)

    async def pages(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int = 1000,
                    paging: str = "auto", limit: int | None = None) -> AsyncIterator[Page]:
        path, query = _unbind(path, query)
        path = _normal_path(path)
        q = _as_query(query)
        page_size = _page_size(q, page_size, limit)
        pagers = self._plan(path, q, paging, page_size)
        if limit == 0:
            return
        if len(pagers) == 1:
            pages = self._drive(pagers[0])
        else:
            pages = _aregroup(_amerge([self._drive(p) for p in pagers]), page_size, "split")
        taken = 0
        async for page in pages:
            page, taken, done = _cut(page, taken, limit)
            if page.records:
                yield page
            if done:
                return

    async def iter(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int = 1000,
                   paging: str = "auto", limit: int | None = None) -> AsyncIterator[Any]:
        async for page in self.pages(path, query, page_size=page_size, paging=paging, limit=limit):
            for record in page.records:
                yield record

    async def _drive(self, pager: Pager) -> AsyncIterator[Page]:
        request: Request | None = pager.first()
        while request is not None:
            response = await self._send(request)
            records = self._records(self._read(response, request), request)
            mode = pager.current_mode  # the strategy that asked for this page
            fresh = pager.feed(records, _links(response), request.url)
            self.stats.pages += 1
            self.stats.records += len(fresh)
            yield Page(fresh, pager.pages, redact_url(request.url), mode)
            request = pager.next

    async def count(self, path: str | BoundQuery, query: QueryLike = None) -> int:
        path, query = _unbind(path, query)
        path = _normal_path(path)
        q = _count_query(_as_query(query))
        plan = self._count_plan(path, q)
        if plan is None:
            total = 0
            async for _ in self.iter(path, q.replace(fields="id")):
                total += 1
            return total
        total = 0
        for part in plan:
            request = Request("GET", part.url(self.base_url, path + "/count"), {})
            total += _count_of(self._read(await self._send(request), request), request)
        return total

    async def get(self, path: str, id: int, *, fields: Any = None) -> Any:
        path = _normal_path(path)
        q = Query(fields=fields) if fields is not None else Query()
        request = Request("GET", q.url(self.base_url, f"{path}/{int(id)}"), {})
        return self._read(await self._send(request), request)

    async def search(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int = 1000,
                     limit: int | None = None) -> AsyncIterator[Any]:
        path, query = _unbind(path, query)
        path = _normal_path(path)
        q = _as_query(query)
        pager = make_pager("auto", self.base_url, path, q, _page_size(q, page_size, limit), search=True)
        if limit == 0:
            return
        taken = 0
        async for page in self._drive(pager):
            page, taken, done = _cut(page, taken, limit)
            for record in page.records:
                yield record
            if done:
                return


# ---- helpers shared by both clients ------------------------------------------------------


def _page_size(query: Query, page_size: int, limit: int | None) -> int:
    size = query.page_size or page_size
    if not isinstance(size, int) or not 1 <= size <= 1000:
        raise QueryError(f"page_size must be 1-1000 (the server's maximum is 1000), not {size!r}")
    if limit is not None:
        if not isinstance(limit, int) or limit < 0:
            raise QueryError(f"limit must be a non-negative int, not {limit!r}")
        size = max(1, min(size, limit))
    return size


def _links(response: httpx.Response) -> dict[str, dict[str, str]]:
    return {rel: link for rel, link in response.links.items() if rel is not None}


def _count_query(query: Query) -> Query:
    # /count takes the condition parameters only.
    return Query(query.conditions, child_conditions=query.child_conditions,
                 custom_field_conditions=query.custom_field_conditions)


def _count_of(data: Any, request: Request) -> int:
    count = data.get("count") if isinstance(data, Mapping) else None
    if not isinstance(count, int) or isinstance(count, bool):
        raise ResponseError(f"{redact_url(request.url)} did not answer with {{\"count\": N}}")
    return count


def _cut(page: Page, taken: int, limit: int | None) -> tuple[Page, int, bool]:
    if limit is None:
        return page, taken + len(page.records), False
    room = limit - taken
    records = page.records[:room]
    taken += len(records)
    return Page(records, page.number, page.url, page.mode), taken, taken >= limit


def _limited_pages(pages: Iterator[Page], limit: int | None) -> Iterator[Page]:
    if limit == 0:
        return
    taken = 0
    for page in pages:
        page, taken, done = _cut(page, taken, limit)
        if page.records:
            yield page
        if done:
            return


async def _amerge(streams: list[AsyncIterator[Page]]) -> AsyncIterator[Any]:
    """:meth:`_Base._merge` for async streams of pages: in id order, each record once."""
    buffers: list[deque[Any]] = [deque() for _ in streams]

    async def ready(i: int) -> bool:
        while not buffers[i]:
            try:
                page = await anext(streams[i])
            except StopAsyncIteration:
                return False
            buffers[i].extend(page.records)
        return True

    heap = [(buffers[i][0]["id"], i) for i in range(len(streams)) if await ready(i)]
    heapq.heapify(heap)
    last = None
    while heap:
        ident, i = heapq.heappop(heap)
        record = buffers[i].popleft()
        if ident != last:
            last = ident
            yield record
        if await ready(i):
            heapq.heappush(heap, (buffers[i][0]["id"], i))


async def _aregroup(records: AsyncIterator[Any], size: int, mode: str) -> AsyncIterator[Page]:
    batch: list[Any] = []
    number = 0
    async for record in records:
        batch.append(record)
        if len(batch) >= size:
            number += 1
            yield Page(batch, number, "", mode)
            batch = []
    if batch:
        yield Page(batch, number + 1, "", mode)


def _regroup(records: Iterator[Any], size: int, mode: str) -> Iterator[Page]:
    batch: list[Any] = []
    number = 0
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            number += 1
            yield Page(batch, number, "", mode)
            batch = []
    if batch:
        yield Page(batch, number + 1, "", mode)

