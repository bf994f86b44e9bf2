"""The paginated executor: :class:`Client` and :class:`AsyncClient` over httpx.

Both share :class:`_Base`, which holds the configuration, checks queries,
builds requests, decides retries and reads answers; only the loops that send
and wait differ. URLs are built by :class:`~cwql.Query` (every value
percent-encoded, ``%20`` for a space) and handed to httpx whole, so what
reaches the wire is exactly what cwql printed. Nothing but a
:class:`~cwql.CWQLError` leaves a client, whatever the server answers.
"""

from __future__ import annotations

import asyncio
import base64
import heapq
import json as _json
import logging
import os
import time
import warnings
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict, Unpack

import httpx

from .. import errors as _errors
from .._encoding import encode, redact_url
from .._query import WIDEST_ID, Query, check_base_url, paging_modes
from .._spec import MAX_PAGE_SIZE, MAX_URL_LENGTH, PARAMETERS
from .._typed import BoundQuery
from ..errors import (
    ConfigurationError,
    CWQLTypeError,
    QueryError,
    QueryTooLongError,
    ResponseError,
    ValidationError,
)
from ..syntax import EMPTY, Expr
from ._errors import error_for
from ._paging import Links, Pager, Request, adds_id, make_pager
from ._split import split_query
from ._throttle import RateLimiter, RetryPolicy, parse_retry_after

if TYPE_CHECKING:
    from ..schema import Schema

__all__ = [
    "IDEMPOTENT_METHODS", "SEARCH_ENDPOINTS", "AsyncClient", "Client", "ClientOptions", "Page",
    "QueryLike", "SchemaWarning", "Stats", "missing_settings",
]

log = logging.getLogger("cwql.http")

QueryLike: TypeAlias = "Query | Expr | str | None"

#: The only endpoints with ``POST .../search`` (the Manage spec).
SEARCH_ENDPOINTS = frozenset({"/service/tickets", "/project/tickets"})
#: Methods a retry cannot repeat the effect of (RFC 9110 §9.2.2): retried after
#: any transient failure. Others (POST, PATCH) only when the server surely did
#: nothing: a refused connection, or a 429.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
_METHODS = IDEMPOTENT_METHODS | {"POST", "PATCH"}

#: Where :meth:`Client.from_env` reads each setting.
ENVIRONMENT = {
    "company_id": "CONNECTWISE_COMPANY_ID",
    "public_key": "CONNECTWISE_PUBLIC_KEY",
    "private_key": "CONNECTWISE_PRIVATE_KEY",
    "client_id": "CONNECTWISE_CLIENT_ID",
    "site": "CONNECTWISE_SITE",
    "codebase": "CONNECTWISE_CODEBASE",
    "base_url": "CONNECTWISE_BASE_URL",
}
_REQUIRED = ("company_id", "public_key", "private_key", "client_id")
_CODEBASE = "v4_6_release"  # the codebase a site's API answers under by default


class SchemaWarning(UserWarning):
    """A query the bundled schema finds doubtful (a warning-level ``S`` code); sent anyway."""


class ClientOptions(TypedDict, total=False):
    """The keyword arguments of :class:`Client` and :class:`AsyncClient` (for ``from_env``)."""

    company_id: str
    public_key: str
    private_key: str
    client_id: str
    site: str
    codebase: str
    base_url: str
    requests_per_minute: float
    max_url_length: int
    timeout: float
    retry: RetryPolicy
    limiter: RateLimiter
    schema_check: bool
    schema: Schema


def with_overrides(found: Mapping[str, str], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Settings from the environment with ``overrides`` on top; a given ``base_url``
    replaces the environment's ``site`` and ``codebase``, a given ``site`` or
    ``codebase`` its ``base_url`` (the client takes one way of saying where).
    Within the environment, ``CONNECTWISE_BASE_URL`` wins (docs/executor.md)."""
    settings: dict[str, Any] = dict(found)
    if overrides.get("base_url") is not None or settings.get("base_url"):
        settings.pop("site", None)
        settings.pop("codebase", None)
    if overrides.get("site") is not None or overrides.get("codebase") is not None:
        settings.pop("base_url", None)
    settings.update(overrides)
    return settings


def missing_settings(settings: Mapping[str, object]) -> list[str]:
    """The settings a client cannot do without that ``settings`` lacks, by argument name.

    ``site`` counts as missing only when there is no ``base_url`` either.
    """
    missing = [name for name in _REQUIRED if not settings.get(name)]
    if not settings.get("base_url") and not settings.get("site"):
        missing.append("site")
    return missing


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


class _RedactHttpxLog(logging.Filter):
    """httpx logs each request at INFO with its URL: never with credentials in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, httpx.URL) for a in record.args):
            record.args = tuple(redact_url(str(a)) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


_HTTPX_FILTER = _RedactHttpxLog()


def _as_query(query: object) -> Query:
    if query is None or query is EMPTY:
        return Query()
    if isinstance(query, Query):
        return query
    if isinstance(query, (Expr, str)):
        return Query(query)
    raise CWQLTypeError(f"query must be a cwql.Query, a condition or text, not {type(query).__name__}")


def _unbind(path: object, query: object) -> tuple[object, object]:
    """A bound query (``Ticket.query(...)``) in place of the path: its endpoint and its parameters."""
    if not isinstance(path, BoundQuery):
        return path, query
    if query is not None:
        raise CWQLTypeError(f"{path!r} knows its endpoint: pass it alone, not with another query")
    return path.endpoint, path.unbound()


def _normal_path(path: object) -> str:
    if not isinstance(path, str) or not path.strip("/").strip():
        raise QueryError(f"an endpoint path such as /service/tickets is needed, not {path!r}")
    return "/" + path.strip("/")


def _header_safe(name: str, value: str) -> None:
    if not value.isprintable() or not value.isascii():
        raise ConfigurationError(f"{name} must be printable ASCII: it travels in an HTTP header")


class _Base:
    def __init__(
        self,
        *,
        company_id: str | None = None,
        public_key: str | None = None,
        private_key: str | None = None,
        client_id: str | None = None,
        site: str | None = None,
        codebase: str = _CODEBASE,
        base_url: str | None = None,
        requests_per_minute: float = 60,
        max_url_length: int = MAX_URL_LENGTH,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        schema_check: bool = True,
        schema: Schema | None = None,
    ) -> None:
        given = {"company_id": company_id, "public_key": public_key, "private_key": private_key,
                 "client_id": client_id, "site": site, "base_url": base_url}
        for name, value in (*given.items(), ("codebase", codebase)):
            if value is not None and not isinstance(value, str):
                raise CWQLTypeError(f"{name} takes a str, not {type(value).__name__}")
        missing = missing_settings(given)
        if missing:
            raise ConfigurationError(
                f"Client needs {', '.join(missing)}: pass them as keyword arguments, or use "
                f"Client.from_env() with {', '.join(ENVIRONMENT[n] for n in missing)} set"
            )
        if base_url is not None and (site is not None or codebase != _CODEBASE):
            ignored = "site" if site is not None else f"codebase={codebase!r}"
            raise ConfigurationError(
                f"Client takes base_url or site (with codebase), not both: base_url is the whole API "
                f"root (https://host/v4_6_release/apis/3.0/), so {ignored} would be ignored; give one"
            )
        assert company_id is not None
        assert public_key is not None
        assert private_key is not None
        assert client_id is not None
        for name, value in (("company_id", company_id), ("public_key", public_key),
                            ("private_key", private_key), ("client_id", client_id)):
            _header_safe(name, value)
        if base_url is None:
            host = str(site).strip().rstrip("/")
            if "://" not in host:
                host = "https://" + host
            base_url = f"{host}/{codebase.strip('/')}/apis/3.0/"
        elif not base_url.endswith("/"):
            base_url += "/"
        try:
            check_base_url(base_url)
        except QueryError as e:
            raise ConfigurationError(str(e)) from None
        if isinstance(max_url_length, bool) or not isinstance(max_url_length, int) or max_url_length < 200:
            raise ConfigurationError("max_url_length is an int of at least 200 (room for a query)")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ConfigurationError(f"timeout is a positive number of seconds, not {timeout!r}")
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise CWQLTypeError(f"retry takes a cwql.http.RetryPolicy, not {type(retry).__name__}")
        if limiter is not None and not isinstance(limiter, RateLimiter):
            raise CWQLTypeError(f"limiter takes a cwql.http.RateLimiter, not {type(limiter).__name__}")
        self.base_url = base_url
        self.company_id = company_id
        self.max_url_length = max_url_length
        self.timeout = float(timeout)
        self.retry = retry or RetryPolicy()
        self.limiter = limiter or RateLimiter(requests_per_minute)
        self.schema_check = bool(schema_check)
        self._schema = schema
        self._warned: set[tuple[str, str, str]] = set()
        self.stats = Stats()
        token = base64.b64encode(f"{company_id}+{public_key}:{private_key}".encode()).decode()
        # Kept out of reprs and logs: the only place the secret lives.
        self.__headers = {
            "Authorization": f"Basic {token}",
            "clientId": client_id,
            "Accept": "application/json",
        }
        logging.getLogger("httpx").addFilter(_HTTPX_FILTER)

    @staticmethod
    def env_arguments(env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The settings found in ``CONNECTWISE_*`` variables of ``env`` (default ``os.environ``)."""
        source = os.environ if env is None else env
        if not isinstance(source, Mapping):
            raise CWQLTypeError(f"env is a mapping of variable names to values, not {type(source).__name__}")
        return {name: source[variable] for name, variable in ENVIRONMENT.items() if source.get(variable)}

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__} {redact_url(self.base_url)} company={self.company_id}>"

    # ---- checking before sending -----------------------------------------------------

    def _check_schema(self, path: str, query: Query) -> None:
        """Refuse what the schema knows the endpoint cannot answer; warn (once) about doubts.

        Only for endpoints the schema lists; off with ``schema_check=False``.
        """
        if not self.schema_check:
            return
        present = [(kind, node) for kind, node in (
            (p.name, getattr(query, p.attribute)) for p in PARAMETERS
        ) if node is not None and node is not EMPTY]
        if not present:
            return
        from .._parser import parse_kind
        from ..errors import SchemaError
        from ..schema import check, load

        schema = self._schema or load()
        try:
            schema.endpoint(path)
        except SchemaError:
            return  # an endpoint the schema does not list: nothing to check against
        for kind, node in present:
            text = str(node)
            found = check(parse_kind(text, kind), schema=schema, endpoint=path, kind=kind, text=text)
            errors = [d for d in found if d.severity == "error"]
            if errors:
                raise ValidationError(text, errors)
            for diagnostic in found:
                key = (path, kind + ":" + text, diagnostic.code + str(diagnostic.start))
                if key not in self._warned:
                    self._warned.add(key)
                    shown = _errors.render_diagnostic(text, diagnostic)
                    warnings.warn(f"{kind} on {path}: {shown}", SchemaWarning, stacklevel=4)

    def _page_size(self, query: Query, page_size: object, limit: object) -> int:
        for name, value, low, high in (("page_size", page_size, 1, MAX_PAGE_SIZE), ("limit", limit, 0, None)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise CWQLTypeError(f"{name} takes an int, not {type(value).__name__}")
            if isinstance(value, int) and (value < low or (high is not None and value > high)):
                bounds = f"{low}-{high}" if high is not None else f"at least {low}"
                raise QueryError(f"{name} must be {bounds}, not {value}")
        if query.page_size is not None and page_size is not None and query.page_size != page_size:
            raise QueryError(
                f"page_size={page_size} disagrees with the query's page_size={query.page_size}; give one"
            )
        size: int = query.page_size or page_size or MAX_PAGE_SIZE  # type: ignore[assignment]
        if query.page is not None and query.page_size is None and page_size is None:
            raise QueryError(
                f"page={query.page} needs a page size to say where that page starts (the server's "
                "default is 25, the executor's 1000): set page_size too"
            )
        if isinstance(limit, int):
            size = max(1, min(size, limit))
        return size

    def _prepare(self, path: object, query: object, page_size: object, paging: object,
                 limit: object) -> tuple[str, Query, int, list[Pager], int]:
        """Everything a walk needs, checked before the first request: path, query, size, pagers, skip."""
        path, query = _unbind(path, query)
        path = _normal_path(path)
        q = _as_query(query)
        if not isinstance(paging, str):
            raise CWQLTypeError(f"paging takes a str, not {type(paging).__name__}")
        paging_modes(paging, ordered=q.ordering is not None)  # an unknown mode fails here
        size = self._page_size(q, page_size, limit)
        self._check_schema(path, q)
        pagers, skip = self._plan(path, q, paging, size)
        return path, q, size, pagers, skip

    def _plan(self, path: str, query: Query, paging: str, page_size: int) -> tuple[list[Pager], int]:
        """The pagers one iteration needs (one, or one per chunk of a split query), and
        how many merged records to skip (a ``page`` of a split query).

        Chunks are always walked by id (``auto`` paging), so their answers merge
        in id order, each record once. An ordered query is never split: merging
        it would need the server's collation, which the client does not have.
        """
        budget = self.max_url_length
        if query.url_length(self.base_url, path, paging=paging) <= budget:
            return [make_pager(paging, self.base_url, path, query, page_size)], 0
        if query.ordering is None:
            skip = (query.page - 1) * (query.page_size or page_size) if query.page else 0
            unpaged = query.replace(page=None, page_size=None)
            split = split_query(unpaged, lambda q: q.url_length(self.base_url, path, paging="auto") <= budget)
            if split is not None:
                log.info("cwql.http: %s: the URL would be too long; splitting an in-list into %d queries",
                         path, len(split.queries))
                return [make_pager("auto", self.base_url, path, q, page_size) for q in split.queries], skip
        if path in SEARCH_ENDPOINTS:
            log.info("cwql.http: %s: the URL would be too long; using POST %s/search", path, path)
            return [make_pager(paging, self.base_url, path, query, page_size, search=True)], 0
        raise QueryTooLongError(
            query.url_length(self.base_url, path, paging=paging), budget, path,
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

    def _one_request(self, path: object, id: object, fields: object) -> Request:
        path = _normal_path(path)
        if isinstance(id, bool) or not isinstance(id, int):
            raise CWQLTypeError(f"a record's id is an int, not {type(id).__name__} ({id!r:.40})")
        if not 0 <= id <= WIDEST_ID:
            raise QueryError(f"a record's id is from 0 to 2**63-1, not {id}")
        q = Query(fields=fields) if fields is not None else Query()  # type: ignore[arg-type]
        return self._checked(Request("GET", q.url(self.base_url, f"{path}/{id}"), {}))

    def _raw_request(self, method: object, path: object, params: object, body: object) -> Request:
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise _errors.UsageError(f"method must be one of {', '.join(sorted(_METHODS))}, not {method!r}")
        path = _normal_path(path)
        headers: dict[str, str] = {}
        if params is None:
            url = Query().url(self.base_url, path)
            query_string = ""
        elif isinstance(params, Query):
            url = params.url(self.base_url, path)
            query_string = ""
            headers.update(params.headers())  # pageId means nothing to the server without it
        elif isinstance(params, Mapping):
            pairs = []
            for name, value in params.items():
                if not isinstance(name, str) or isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    raise CWQLTypeError("params maps names (str) to str, int or float values")
                pairs.append(f"{encode(name)}={encode(str(value))}")
                if name.lower() == "pageid":  # the server ignores pageId without forward-only paging
                    headers.update(Query(page_id=0).headers())
            url = Query().url(self.base_url, path)
            query_string = "&".join(pairs)
        else:
            raise CWQLTypeError(f"params takes a mapping or a cwql.Query, not {type(params).__name__}")
        if query_string:
            url += "?" + query_string
        content = None
        if body is not None:
            try:
                content = _json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
            except (TypeError, ValueError, RecursionError) as e:
                raise CWQLTypeError(f"json= must be JSON data (dicts, lists, str, numbers, bool, None): {e}") from None
            headers["Content-Type"] = "application/json"
        return self._checked(Request(method.upper(), url, headers, content))

    def _checked(self, request: Request) -> Request:
        if len(request.url) > self.max_url_length:
            path = request.url.split("?", 1)[0]
            raise QueryTooLongError(len(request.url), self.max_url_length, redact_url(path))
        return request

    # The sync and async clients send in the same loop, differing only in how
    # they wait; what to do after each try is decided here, once.

    def _reserve(self, started: float) -> float:
        """Book a slot with the rate limiter; the seconds to wait for it.

        A pause the server asked for (429, ``X-RateLimit-Reset``) longer than
        the retry policy's ``total_seconds`` left is a :class:`RateLimitError`
        now, not a wait past the budget.
        """
        paused = self.limiter.paused_for()
        left = self.retry.total_seconds - (self.limiter.now() - started)
        if paused > max(left, 0.0):
            error = _errors.RateLimitError(
                429, f"the API's rate limit asks every request to wait {paused:.0f} s, longer than "
                f"the {self.retry.total_seconds:g} s RetryPolicy(total_seconds=...) leaves",
                url=redact_url(self.base_url),
            )
            error.retry_after = paused
            raise error
        wait = self.limiter.reserve()
        self.stats.waited += wait
        self.stats.requests += 1
        return wait

    def _after_no_answer(self, error: httpx.HTTPError, request: Request, attempt: int,
                         sent: float, started: float, retry: bool) -> float:
        """The wait before trying again; raises :class:`TransportError` when giving up."""
        self._log(request, 0, sent, attempt)
        delay = self._decide(attempt, started, 0, "", None, retry) if isinstance(error, httpx.RequestError) else None
        what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if delay is None:
            raise _errors.TransportError(
                0, what, url=redact_url(request.url), method=request.method, attempts=attempt,
            ) from None
        if attempt == 1:
            host = redact_url(request.url).split("?", 1)[0]
            log.warning("no answer from %s (%s); retrying, up to %d attempts within %g s",
                        host, what, self.retry.attempts, self.retry.total_seconds)
        self.stats.retries += 1
        return delay

    def _after_answer(self, response: httpx.Response, request: Request, attempt: int,
                      sent: float, started: float, idempotent: bool) -> float | None:
        """None to return ``response``; else the wait before trying again. Raises when giving up."""
        self._log(request, response.status_code, sent, attempt)
        self.limiter.observe(response.headers, max_pause=self.retry.max_retry_after)
        if response.is_success:
            return None
        error = self._error(response, request, attempt)
        retry_after = getattr(error, "retry_after", None)
        if response.status_code == 429:
            # Everyone waits, not only this request: the limit is the API member's.
            wait = retry_after if retry_after is not None else self.retry.delay(attempt)
            self.limiter.pause(min(wait, self.retry.max_retry_after))
        # A 429 was not acted on: any method may be sent again.
        retry = idempotent or response.status_code == 429
        delay = self._decide(attempt, started, response.status_code, error.code, retry_after, retry)
        if delay is None:
            raise error
        log.info("cwql.http: %s %s, retrying in %.1f s", response.status_code, error.code or "", delay)
        self.stats.retries += 1
        return 0.0 if response.status_code == 429 else delay  # the limiter holds the 429 wait

    def _decide(self, attempt: int, started: float, status: int, code: str,
                retry_after: float | None, retry: bool) -> float | None:
        """Seconds to wait before retrying, or None to give up."""
        if not retry or attempt >= self.retry.attempts:
            return None
        if status and not RetryPolicy.retryable_status(status, code):
            return None
        delay = self.retry.delay(attempt, retry_after)
        if self.limiter.now() - started + delay > self.retry.total_seconds:
            return None
        return delay

    @staticmethod
    def _retry_without_answer(request: Request, idempotent: bool, error: httpx.HTTPError) -> bool:
        # A refused connection sent nothing: safe to repeat whatever the method.
        return idempotent or isinstance(error, httpx.ConnectError)

    def _read(self, response: httpx.Response, request: Request, *, empty: Any = ...) -> Any:
        if not response.content.strip() and empty is not ...:
            return empty
        try:
            return response.json()
        except (ValueError, RecursionError):
            raise ResponseError(
                f"{request.method} {redact_url(request.url)} answered {response.status_code} "
                f"with a body that is not JSON ({response.headers.get('content-type', 'no type')[:60]})"
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

    def _http_request(self, request: Request) -> dict[str, Any]:
        return {"method": request.method, "url": request.url,
                "headers": {**self.__headers, **request.headers}, "content": request.content}

    @staticmethod
    def _merge(streams: Sequence[Iterable[Any]]) -> Iterator[Any]:
        """Unite the answers of split queries, each in id order: in id order, each record once."""
        last = None
        for record in heapq.merge(*streams, key=lambda r: r["id"]):
            if record["id"] != last:
                last = record["id"]
                yield record


def _links(response: httpx.Response) -> Links:
    """The ``Link`` header by relation (RFC 8288), or None without a readable one."""
    if "link" not in response.headers:
        return None
    try:
        parsed = response.links
    except (ValueError, TypeError, IndexError):
        return None
    links: dict[str, str] = {}
    for link in parsed.values():
        for rel in str(link.get("rel", "")).split():
            links.setdefault(rel.lower(), str(link.get("url", "")))
    return links


class Client(_Base):
    """A synchronous client for the ConnectWise PSA REST API.

    Credentials: ``company_id``, ``public_key``, ``private_key`` and
    ``client_id``; where: ``site`` (``api-na.myconnectwise.net``, with
    ``codebase``) or ``base_url``; or :meth:`from_env`. Requests are throttled
    to ``requests_per_minute`` (or a shared ``limiter``) and retried per
    ``retry``; a URL longer than ``max_url_length`` is split or sent as a
    search; ``timeout`` is in seconds. With ``schema_check`` (the default),
    queries on endpoints the bundled schema lists (or ``schema``) are checked
    before they are sent. ``transport`` or ``http_client`` inject the HTTP
    layer (a fake PSA's transport, in tests). Raises
    :class:`~cwql.ConfigurationError` for settings that cannot work.
    """

    def __init__(
        self,
        *,
        company_id: str | None = None,
        public_key: str | None = None,
        private_key: str | None = None,
        client_id: str | None = None,
        site: str | None = None,
        codebase: str = _CODEBASE,
        base_url: str | None = None,
        requests_per_minute: float = 60,
        max_url_length: int = MAX_URL_LENGTH,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        schema_check: bool = True,
        schema: Schema | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            company_id=company_id, public_key=public_key, private_key=private_key,
            client_id=client_id, site=site, codebase=codebase, base_url=base_url,
            requests_per_minute=requests_per_minute, max_url_length=max_url_length, timeout=timeout,
            retry=retry, limiter=limiter, schema_check=schema_check, schema=schema,
        )
        self._own = http_client is None
        self._http = http_client or httpx.Client(transport=transport, timeout=self.timeout)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Unpack[ClientOptions]) -> Client:
        """A client configured from ``CONNECTWISE_*`` environment variables (and overrides)."""
        return cls(**with_overrides(cls.env_arguments(env), overrides))

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
            self.limiter.sleep(self._reserve(started))
            sent = time.monotonic()
            try:
                response = self._http.request(**self._http_request(request))
                response.read()
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as e:
                retry = self._retry_without_answer(request, idempotent, e)  # type: ignore[arg-type]
                self.limiter.sleep(self._after_no_answer(e, request, attempt, sent, started, retry))  # type: ignore[arg-type]
                continue
            delay = self._after_answer(response, request, attempt, sent, started, idempotent)
            if delay is None:
                return response
            self.limiter.sleep(delay)

    # ---- the API ----------------------------------------------------------------------

    def pages(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int | None = None,
              paging: str = "auto", limit: int | None = None) -> Iterator[Page]:
        """The pages of records ``query`` matches on ``path``, lazily, each record once.

        ``page_size`` is records per request (1-1000; default the query's, else
        1000); ``paging`` one of ``auto``, ``forward``, ``keyset``, ``link``,
        ``page`` (docs/executor.md); ``limit`` stops after that many records.
        The query's ``page``/``page_id`` say where the walk starts. Raises
        :class:`~cwql.QueryError` (and its :class:`~cwql.QueryTooLongError`),
        :class:`~cwql.ValidationError` (the schema check), and the API's errors.
        """
        return self._pages(*self._prepare(path, query, page_size, paging, limit), limit)

    def _pages(self, path: str, q: Query, size: int, pagers: list[Pager], skip: int,
               limit: int | None) -> Iterator[Page]:
        strip = adds_id(q)
        if len(pagers) == 1:
            pages = self._drive(pagers[0])
        else:
            streams = [self._records_of(self._drive(p)) for p in pagers]
            pages = _regroup(_skipped(self._merge(streams), skip), size, "split")
        for page in _limited_pages(pages, limit):
            yield _stripped(page) if strip else page

    def iter(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int | None = None,
             paging: str = "auto", limit: int | None = None) -> Iterator[Any]:
        """Every record ``query`` matches on ``path``, lazily, one page in memory at a time.

        The arguments and errors are those of :meth:`pages`.
        """
        for page in self.pages(path, query, page_size=page_size, paging=paging, limit=limit):
            yield from page.records

    def _drive(self, pager: Pager) -> Iterator[Page]:
        request: Request | None = pager.first()
        while request is not None:
            response = self._send(self._checked(request))
            records = self._records(self._read(response, request), request)
            mode = pager.current_mode  # the strategy that asked for this page
            fresh = pager.feed(records, _links(response))
            self.stats.pages += 1
            self.stats.records += len(fresh)
            yield Page(fresh, pager.pages, redact_url(request.url), mode)
            request = pager.next

    @staticmethod
    def _records_of(pages: Iterator[Page]) -> Iterator[Any]:
        for page in pages:
            yield from page.records

    def count(self, path: str | BoundQuery, query: QueryLike = None) -> int:
        """How many records ``query`` matches on ``path`` (``GET {path}/count``).

        Only the condition parameters count; ``page``, ``page_id`` and the rest
        are ignored.
        """
        where, given = _unbind(path, query)
        path = _normal_path(where)
        q = _count_query(_as_query(given))
        self._check_schema(path, q)
        plan = self._count_plan(path, q)
        if plan is None:
            return sum(1 for _ in self.iter(path, q.replace(fields="id")))
        total = 0
        for part in plan:
            request = self._checked(Request("GET", part.url(self.base_url, path + "/count"), {}))
            total += _count_of(self._read(self._send(request), request), request)
        return total

    def get_one(self, path: str, id: int, *, fields: Any = None) -> Any:
        """One record by id (``GET {path}/{id}``); raises :class:`NotFoundError` if there is none.

        ``id`` is an int (:class:`~cwql.CWQLTypeError` otherwise: ``"5"`` or
        ``5.0`` is refused, never rounded); ``fields`` as in :class:`~cwql.Query`.
        """
        request = self._one_request(path, id, fields)
        return _one_record(self._read(self._send(request), request), request)

    def get(self, path: str, id: int, *, fields: Any = None) -> Any:
        """Deprecated: :meth:`get_one` (``get`` reads as httpx's raw GET)."""
        warnings.warn("Client.get(path, id) is now get_one(path, id)", DeprecationWarning, stacklevel=2)
        return self.get_one(path, id, fields=fields)

    def request(self, method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] | str,
                path: str, *, params: Mapping[str, str | int | float] | Query | None = None,
                json: Any = None) -> Any:
        """Any call on the API, with the client's auth, rate limit, errors and retries.

        ``path`` is relative to ``base_url`` (``/service/tickets/1``);
        ``params`` a mapping of query parameters (each value percent-encoded)
        or a :class:`~cwql.Query` (a ``pageId`` in either is sent with the
        ``pagination-type: forward-only`` header, without which the server
        ignores it); ``json`` a body sent as JSON. Returns the
        answer's JSON, or None for an empty body. Only idempotent methods
        (GET, HEAD, OPTIONS, PUT, DELETE) are retried after any transient
        failure; POST and PATCH only after a 429 or a refused connection,
        which the server never acted on.
        """
        built = self._raw_request(method, path, params, json)
        response = self._send(built, idempotent=built.method in IDEMPOTENT_METHODS)
        return self._read(response, built, empty=None)

    def search(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int | None = None,
               limit: int | None = None) -> Iterator[Any]:
        """Records from ``POST {path}/search`` (``/service/tickets``, ``/project/tickets``)."""
        where, given = _unbind(path, query)
        path = _normal_path(where)
        q = _as_query(given)
        size = self._page_size(q, page_size, limit)
        self._check_schema(path, q)
        pager = make_pager("auto", self.base_url, path, q, size, search=True)
        return (record for page in self._pages(path, q, size, [pager], 0, limit) for record in page.records)


class AsyncClient(_Base):
    """The asynchronous twin of :class:`Client`: the same arguments, ``async for`` and ``await``.

    Concurrent tasks share the client's rate limiter, so together they stay
    within ``requests_per_minute``.
    """

    def __init__(
        self,
        *,
        company_id: str | None = None,
        public_key: str | None = None,
        private_key: str | None = None,
        client_id: str | None = None,
        site: str | None = None,
        codebase: str = _CODEBASE,
        base_url: str | None = None,
        requests_per_minute: float = 60,
        max_url_length: int = MAX_URL_LENGTH,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        schema_check: bool = True,
        schema: Schema | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            company_id=company_id, public_key=public_key, private_key=private_key,
            client_id=client_id, site=site, codebase=codebase, base_url=base_url,
            requests_per_minute=requests_per_minute, max_url_length=max_url_length, timeout=timeout,
            retry=retry, limiter=limiter, schema_check=schema_check, schema=schema,
        )
        self._own = http_client is None
        self._http = http_client or httpx.AsyncClient(transport=transport, timeout=self.timeout)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Unpack[ClientOptions]) -> AsyncClient:
        """An async client configured from ``CONNECTWISE_*`` environment variables (and overrides)."""
        return cls(**with_overrides(cls.env_arguments(env), overrides))

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
            await asyncio.sleep(self._reserve(started))
            sent = time.monotonic()
            try:
                response = await self._http.request(**self._http_request(request))
                await response.aread()
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as e:
                retry = self._retry_without_answer(request, idempotent, e)  # type: ignore[arg-type]
                await asyncio.sleep(self._after_no_answer(e, request, attempt, sent, started, retry))  # type: ignore[arg-type]
                continue
            delay = self._after_answer(response, request, attempt, sent, started, idempotent)
            if delay is None:
                return response
            await asyncio.sleep(delay)

    def pages(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int | None = None,
              paging: str = "auto", limit: int | None = None) -> AsyncIterator[Page]:
        """:meth:`Client.pages`, for ``async for``."""
        return self._pages(*self._prepare(path, query, page_size, paging, limit), limit)

    async def _pages(self, path: str, q: Query, size: int, pagers: list[Pager], skip: int,
                     limit: int | None) -> AsyncIterator[Page]:
        if limit == 0:
            return
        strip = adds_id(q)
        if len(pagers) == 1:
            pages = self._drive(pagers[0])
        else:
            pages = _aregroup(_amerge([self._drive(p) for p in pagers], skip), size, "split")
        taken = 0
        async for page in pages:
            page, taken, done = _cut(page, taken, limit)
            if page.records:
                yield _stripped(page) if strip else page
            if done:
                return

    async def iter(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int | None = None,
                   paging: str = "auto", limit: int | None = None) -> AsyncIterator[Any]:
        """:meth:`Client.iter`, for ``async for``."""
        async for page in self.pages(path, query, page_size=page_size, paging=paging, limit=limit):
            for record in page.records:
                yield record

    async def _drive(self, pager: Pager) -> AsyncIterator[Page]:
        request: Request | None = pager.first()
        while request is not None:
            response = await self._send(self._checked(request))
            records = self._records(self._read(response, request), request)
            mode = pager.current_mode  # the strategy that asked for this page
            fresh = pager.feed(records, _links(response))
            self.stats.pages += 1
            self.stats.records += len(fresh)
            yield Page(fresh, pager.pages, redact_url(request.url), mode)
            request = pager.next

    async def count(self, path: str | BoundQuery, query: QueryLike = None) -> int:
        """:meth:`Client.count`, awaited."""
        where, given = _unbind(path, query)
        path = _normal_path(where)
        q = _count_query(_as_query(given))
        self._check_schema(path, q)
        plan = self._count_plan(path, q)
        if plan is None:
            total = 0
            async for _ in self.iter(path, q.replace(fields="id")):
                total += 1
            return total
        total = 0
        for part in plan:
            request = self._checked(Request("GET", part.url(self.base_url, path + "/count"), {}))
            total += _count_of(self._read(await self._send(request), request), request)
        return total

    async def get_one(self, path: str, id: int, *, fields: Any = None) -> Any:
        """:meth:`Client.get_one`, awaited."""
        request = self._one_request(path, id, fields)
        return _one_record(self._read(await self._send(request), request), request)

    async def get(self, path: str, id: int, *, fields: Any = None) -> Any:
        """Deprecated: :meth:`get_one`."""
        warnings.warn("AsyncClient.get(path, id) is now get_one(path, id)", DeprecationWarning, stacklevel=2)
        return await self.get_one(path, id, fields=fields)

    async def request(self, method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] | str,
                      path: str, *, params: Mapping[str, str | int | float] | Query | None = None,
                      json: Any = None) -> Any:
        """:meth:`Client.request`, awaited."""
        built = self._raw_request(method, path, params, json)
        response = await self._send(built, idempotent=built.method in IDEMPOTENT_METHODS)
        return self._read(response, built, empty=None)

    async def search(self, path: str | BoundQuery, query: QueryLike = None, *, page_size: int | None = None,
                     limit: int | None = None) -> AsyncIterator[Any]:
        """:meth:`Client.search`, for ``async for``."""
        where, given = _unbind(path, query)
        path = _normal_path(where)
        q = _as_query(given)
        size = self._page_size(q, page_size, limit)
        self._check_schema(path, q)
        pager = make_pager("auto", self.base_url, path, q, size, search=True)
        async for page in self._pages(path, q, size, [pager], 0, limit):
            for record in page.records:
                yield record


# ---- helpers shared by both clients ------------------------------------------------------


def _count_query(query: Query) -> Query:
    # /count takes the condition parameters only.
    return Query(query.conditions, child_conditions=query.child_conditions,
                 custom_field_conditions=query.custom_field_conditions)


def _count_of(data: Any, request: Request) -> int:
    count = data.get("count") if isinstance(data, Mapping) else None
    if type(count) is not int or count < 0:
        raise ResponseError(f"{redact_url(request.url)} did not answer with {{\"count\": N}}")
    return count


def _one_record(data: Any, request: Request) -> Any:
    if not isinstance(data, Mapping):
        raise ResponseError(f"{redact_url(request.url)} did not answer with a record (a JSON object)")
    return data


def _stripped(page: Page) -> Page:
    """The page without the ``id`` paging added to its records' fields."""
    for record in page.records:
        if isinstance(record, dict):
            record.pop("id", None)
    return page


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


def _skipped(records: Iterator[Any], skip: int) -> Iterator[Any]:
    for i, record in enumerate(records):
        if i >= skip:
            yield record


async def _amerge(streams: list[AsyncIterator[Page]], skip: int) -> AsyncIterator[Any]:
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
            if skip:
                skip -= 1
            else:
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

