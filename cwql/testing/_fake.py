"""FakePSA: the Manage REST API's query behaviour, as a plain function of a request.

:meth:`FakePSA.handle` takes a method, a URL, headers and a body and returns a
:class:`Response`; the httpx transport, the threaded HTTP server and
``cwql serve`` are thin mounts around it (``_transport.py``, ``_server.py``). Everything the
fake does is decided here: auth, rate limit, faults, paging, filtering.
"""

from __future__ import annotations

import base64
import binascii
import copy
import enum
import hmac
import json
import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .._evaluator import compile_predicate
from .._parser import parse_fields, parse_order_by
from .._spec import MAX_PAGE_SIZE
from ..errors import ParseError, UsageError
from ..syntax import OrderBy
from ._store import Store, collection_key
from ._wire import Response

if TYPE_CHECKING:
    from ..http import AsyncClient, Client
    from ._transport import Transport

__all__ = ["QUIRKS", "FakePSA", "Fault", "LoggedRequest", "Response"]

#: Behaviours of some real servers a client must survive; off unless asked for.
QUIRKS = frozenset({
    # Forward-only paging: the last page names its own pageId as "next" again.
    "repeat-page-id",
    # Page paging: the last page's Link holds only rel="first".
    "first-link-on-last-page",
    # No Link header at all when the whole result fits in one page.
    "no-link-single-page",
    # An X-Total-Count header on list responses (ConnectWise does not document one).
    "total-count-header",
})

_DEFAULT_PAGE_SIZE = 25
_JSON = "application/json; charset=utf-8"
_WINDOW = 60.0  # seconds: the rate limit counts requests per minute

# The model each demo endpoint returns (the schema's names), for error bodies.
_RESOURCES = {
    "service/tickets": "Ticket", "project/tickets": "ProjectTicket",
    "company/companies": "Company", "company/contacts": "Contact",
    "time/entries": "TimeEntry", "project/projects": "Project",
    "service/boards": "Board", "service/priorities": "Priority", "system/members": "Member",
}
# The only collections with a POST .../search in the spec (LANGUAGE.md §1).
_SEARCHABLE = frozenset({"service/tickets", "project/tickets"})


class Fault(enum.Enum):
    """What an injected fault does to a request; the values are the names ``inject`` takes."""

    SERVER_ERROR = "500"  #: 500 with a ConnectWise-shaped JSON body
    BAD_GATEWAY = "502"  #: 502 with the HTML page a CDN in front of the API serves
    RECORD_LOCKED = "409"  #: 409 RecordLocked, worth a retry after a delay
    CDN_RATE_LIMIT = "cdn-429"  #: 429 from the CDN: an HTML body and no Retry-After
    SLOW = "slow"  #: the response comes after ``delay`` seconds
    DROP = "drop"  #: the connection closes with no response


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    """One request as the fake saw it, for assertions in tests."""

    number: int  #: 1 for the first request this fake received
    method: str
    path: str  #: the URL path, percent-decoded
    query: dict[str, str]  #: the query parameters, decoded, last value kept
    headers: dict[str, str]  #: header names in lower case
    body: bytes
    status: int  #: what was answered (0 for a dropped connection)
    fault: Fault | None


@dataclass(slots=True)
class _Rule:
    fault: Fault
    on: frozenset[int] | None
    probability: float | None
    path: str | None
    method: str | None
    delay: float
    seen: int = 0


@dataclass(slots=True)
class _Query:
    conditions: str | None = None
    child_conditions: str | None = None
    custom_field_conditions: str | None = None
    order_by: str | None = None
    fields: str | None = None
    page: str | None = None
    page_size: str | None = None
    page_id: str | None = None
    params: dict[str, str] = field(default_factory=dict)


class _Reject(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class FakePSA:
    """A fake ConnectWise PSA (Manage) REST API over records held in memory.

    ``records`` maps collection paths (``"/service/tickets"``,
    ``"/service/boards/1/statuses"``) to lists of JSON objects, each with an
    integer ``id``. The API lives under ``/{codebase}/apis/3.0/``, and
    requests must carry ``Authorization: Basic base64("{company_id}+{public_key}:{private_key}")``
    and a ``clientId`` header (:meth:`auth_headers` builds both).
    ``requests_per_minute`` is the per-member rate limit (``None``: no limit);
    ``seed`` seeds the random faults; ``quirks`` switches on behaviours from
    :data:`QUIRKS`; ``clock`` returns seconds (tests pass a fake one).
    """

    def __init__(
        self,
        records: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
        *,
        company_id: str = "demo",
        public_key: str = "demo-public",
        private_key: str = "demo-private",
        client_id: str = "demo-client",
        codebase: str = "v4_6_release",
        requests_per_minute: int | None = 1000,
        seed: int = 0,
        quirks: Iterable[str] = (),
        clock: Callable[[], float] = time.time,
        log_limit: int = 10_000,
    ) -> None:
        unknown = set(quirks) - QUIRKS
        if unknown:
            raise UsageError(f"unknown quirks {sorted(unknown)}; known: {sorted(QUIRKS)}")
        if requests_per_minute is not None and requests_per_minute < 1:
            raise UsageError("requests_per_minute must be at least 1, or None for no limit")
        if not codebase or "/" in codebase:
            raise UsageError(f"codebase is one path segment such as v4_6_release, not {codebase!r}")
        self.company_id = company_id
        self.public_key = public_key
        self.private_key = private_key
        self.client_id = client_id
        self.codebase = codebase
        self.requests_per_minute = requests_per_minute
        self.quirks = frozenset(quirks)
        self._clock = clock
        self._store = Store()
        self._lock = threading.Lock()
        self._random = random.Random(seed)  # noqa: S311 - reproducible faults, not secrets
        self._rules: list[_Rule] = []
        self._hits: dict[str, deque[float]] = {}
        self._log: deque[LoggedRequest] = deque(maxlen=log_limit)
        self._count = 0
        self._hooks: list[Callable[[int, str, str], None]] = []
        self._credentials = "Basic " + base64.b64encode(
            f"{company_id}+{public_key}:{private_key}".encode()
        ).decode("ascii")
        if records:
            self._store.load(records)

    # ---- making one ---------------------------------------------------------------

    @classmethod
    def demo(cls, seed: int = 0, **options: Any) -> FakePSA:
        """A fake holding the deterministic demo data set generated from ``seed``."""
        from ._demo import demo_records

        return cls(demo_records(seed), seed=seed, **options)

    @classmethod
    def from_records(cls, records: Mapping[str, Iterable[Mapping[str, Any]]], **options: Any) -> FakePSA:
        """A fake holding ``records``: ``{"/service/tickets": [{...}, ...], ...}``."""
        return cls(records, **options)

    @classmethod
    def from_json(cls, path: str | Path, **options: Any) -> FakePSA:
        """A fake holding the records in a JSON file shaped like :meth:`from_records`' argument."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise UsageError(f"cannot read records from {path}: {e}") from None
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise UsageError(f"{path} must hold an object of collection paths to lists of records")
        return cls(data, **options)

    # ---- what tests use ----------------------------------------------------------------

    @property
    def base_path(self) -> str:
        """``/{codebase}/apis/3.0``: where the API lives on any host."""
        return f"/{self.codebase}/apis/3.0"

    def auth_headers(self) -> dict[str, str]:
        """The ``Authorization`` and ``clientId`` headers this fake accepts."""
        return {"Authorization": self._credentials, "clientId": self.client_id}

    #: The host in :attr:`base_url`: the in-process transport answers on any host.
    HOST = "https://fake-psa.invalid"

    @property
    def base_url(self) -> str:
        """The API root for in-process use with :meth:`transport` (``.invalid`` never resolves)."""
        return f"{self.HOST}{self.base_path}/"

    def credentials(self) -> dict[str, str]:
        """The keyword arguments cwql's clients take for this fake's API member."""
        return {
            "company_id": self.company_id, "public_key": self.public_key,
            "private_key": self.private_key, "client_id": self.client_id,
        }

    def client(self, **options: Any) -> Client:
        """A :class:`cwql.http.Client` wired to this fake in-process (``options`` go to it)."""
        from ..http import Client

        return Client(base_url=self.base_url, transport=self.transport(),
                      **{"requests_per_minute": self.requests_per_minute or 100_000,
                         **self.credentials(), **options})

    def async_client(self, **options: Any) -> AsyncClient:
        """A :class:`cwql.http.AsyncClient` wired to this fake in-process."""
        from ..http import AsyncClient

        return AsyncClient(base_url=self.base_url, transport=self.transport(),
                           **{"requests_per_minute": self.requests_per_minute or 100_000,
                              **self.credentials(), **options})

    def collections(self) -> list[str]:
        """The collection paths the fake holds (``service/tickets``, ...)."""
        return self._store.names()

    def records(self, path: str) -> list[dict[str, Any]]:
        """A copy of the records in one collection, in id order."""
        return json.loads(json.dumps(self._store.snapshot(collection_key(path))))  # type: ignore[no-any-return]

    def add(self, path: str, record: Mapping[str, Any]) -> dict[str, Any]:
        """Add a record (an ``id`` is assigned when it has none); safe while clients page."""
        return self._store.add(path, record)

    def update(self, path: str, record_id: int, **changes: Any) -> dict[str, Any]:
        """Replace fields of a record."""
        return self._store.update(path, record_id, changes)

    def remove(self, path: str, record_id: int) -> bool:
        """Remove a record; ``False`` if there was none with that id."""
        return self._store.remove(path, record_id)

    def inject(
        self,
        fault: Fault | str,
        *,
        on: Iterable[int] | None = None,
        probability: float | None = None,
        path: str | None = None,
        method: str | None = None,
        delay: float = 1.0,
    ) -> None:
        """Make requests fail.

        ``on`` lists request numbers (1 is the first request that matches
        ``path`` and ``method``, counted from when the fault is injected);
        ``probability`` fails each matching request with that chance, from the
        fake's seeded generator; with neither, every matching request fails.
        ``path`` is a collection path prefix (``/service/tickets``); ``delay``
        is for :attr:`Fault.SLOW`.
        """
        fault = Fault(fault)
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise UsageError(f"probability must be between 0 and 1, not {probability}")
        if delay < 0:
            raise UsageError("delay must not be negative")
        rule = _Rule(
            fault, None if on is None else frozenset(on), probability,
            None if path is None else collection_key(path), method and method.upper(), delay,
        )
        with self._lock:
            self._rules.append(rule)

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()

    def on_request(self, hook: Callable[[int, str, str], None]) -> None:
        """Call ``hook(number, method, path)`` before each request is answered.

        Tests use it to change records in the middle of a client's paging.
        """
        with self._lock:
            self._hooks.append(hook)

    @property
    def requests(self) -> list[LoggedRequest]:
        """The requests received so far (the last ``log_limit``), oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def reset_rate_limit(self) -> None:
        with self._lock:
            self._hits.clear()

    # ---- mounts ---------------------------------------------------------------------

    def transport(self) -> Transport:
        """An httpx transport serving this fake in-process, for ``httpx.Client`` and ``httpx.AsyncClient``.

        Needs httpx (``pip install cwql[http]``).
        """
        from ._transport import Transport

        return Transport(self)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
        """Serve over real HTTP in a thread: ``with psa.serve() as base_url: ...``.

        ``port=0`` picks a free port. Yields the API's base URL
        (``http://127.0.0.1:PORT/v4_6_release/apis/3.0/``); the server stops when
        the block ends.
        """
        from ._server import serve

        return serve(self, host, port)

    # ---- the request handler -------------------------------------------------------------

    def handle(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> Response:
        """Answer one request. ``url`` is absolute (links in the answer use its origin) or a path."""
        method = method.upper()
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        lowered = {k.lower(): v for k, v in pairs}
        try:
            parts = urlsplit(url)
        except ValueError:  # a Host header such as "[::1" makes no URL
            parts = urlsplit("/")
            url = ""
        origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        with self._lock:
            self._count += 1
            number = self._count
            hooks = list(self._hooks)
        for hook in hooks:
            hook(number, method, parts.path)
        fault: Fault | None = None
        try:
            if not url:
                raise _Reject(_error(400, "InvalidRequest", "the request URL cannot be read"))
            response, fault = self._answer(method, parts.path, parts.query, lowered, body, origin)
        except _Reject as rejected:
            response = rejected.response
        except Exception as e:  # a bug in the fake: answer, and say so, rather than hang up
            response = _json(500, {"code": "FakeError", "message": f"the fake PSA failed: {e!r}"})
        try:
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
        except ValueError:
            query = {}
        entry = LoggedRequest(
            number, method, _unquote(parts.path), query, lowered, body,
            0 if response.drop else response.status, fault,
        )
        with self._lock:
            self._log.append(entry)
        return response

    def _answer(
        self, method: str, raw_path: str, raw_query: str, headers: dict[str, str], body: bytes,
        origin: str,
    ) -> tuple[Response, Fault | None]:
        path = _unquote(raw_path)
        base = self.base_path.lower() + "/"
        if not path.lower().startswith(base):
            raise _Reject(_error(404, "NotFound", f"no API here: the API lives under {self.base_path}/"))
        relative = collection_key(path[len(base):])
        fault, delay = self._fault_for(method, relative)
        if fault is not None and fault is not Fault.SLOW:
            return _fault_response(fault), fault
        self._authenticate(headers)
        limited = self._rate_limit()
        response = self._route(method, relative, raw_query, headers, body, origin)
        extra = limited + response.headers
        return Response(response.status, extra, response.body, delay=delay), fault

    # ---- faults, auth, rate limit -------------------------------------------------------

    def _fault_for(self, method: str, relative: str) -> tuple[Fault | None, float]:
        with self._lock:
            chosen: Fault | None = None
            delay = 0.0
            for rule in self._rules:
                if rule.method is not None and rule.method != method:
                    continue
                if rule.path is not None and not (
                    relative == rule.path or relative.startswith(rule.path + "/")
                ):
                    continue
                rule.seen += 1
                if chosen is not None:
                    continue
                if rule.on is not None:
                    fire = rule.seen in rule.on
                elif rule.probability is not None:
                    fire = self._random.random() < rule.probability
                else:
                    fire = True
                if fire:
                    chosen = rule.fault
                    delay = rule.delay if chosen is Fault.SLOW else 0.0
            return chosen, delay

    def _authenticate(self, headers: dict[str, str]) -> None:
        given = headers.get("authorization", "")
        if not given:
            raise _Reject(_error(
                401, "Unauthorized",
                "no Authorization header: send Basic base64(companyId+publicKey:privateKey)",
            ))
        scheme, _, token = given.partition(" ")
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if scheme.lower() != "basic" or not decoded:
            raise _Reject(_error(401, "Unauthorized", "the Authorization header is not Basic credentials"))
        expected = f"{self.company_id}+{self.public_key}:{self.private_key}"
        if not hmac.compare_digest(decoded.encode(), expected.encode()):
            raise _Reject(_error(
                401, "Unauthorized", "authentication failed: unknown company, public key or private key",
            ))
        client_id = headers.get("clientid")
        if not client_id:
            raise _Reject(_error(403, "Forbidden", "a clientId header is required on every request"))
        if not hmac.compare_digest(client_id.encode(), self.client_id.encode()):
            raise _Reject(_error(403, "Forbidden", f"clientId {client_id!r} is not registered"))

    def _rate_limit(self) -> tuple[tuple[str, str], ...]:
        limit = self.requests_per_minute
        if limit is None:
            return ()
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(self.public_key, deque())
            while hits and hits[0] <= now - _WINDOW:
                hits.popleft()
            if len(hits) >= limit:
                wait = max(1, math.ceil(hits[0] + _WINDOW - now))
                headers = (
                    ("Retry-After", str(wait)),
                    ("X-RateLimit-Limit", str(limit)),
                    ("X-RateLimit-Remaining", "0"),
                    ("X-RateLimit-Reset", str(math.ceil(hits[0] + _WINDOW))),
                )
                body = {
                    "error": "TooManyRequests",
                    "message": f"rate limit of {limit} requests per minute exceeded; retry after {wait} s",
                }
                raise _Reject(_json(429, body, headers))
            hits.append(now)
            return (
                ("X-RateLimit-Limit", str(limit)),
                ("X-RateLimit-Remaining", str(limit - len(hits))),
                ("X-RateLimit-Reset", str(math.ceil(hits[0] + _WINDOW))),
            )

    # ---- routes -----------------------------------------------------------------------

    def _route(
        self, method: str, relative: str, raw_query: str, headers: dict[str, str], body: bytes,
        origin: str,
    ) -> Response:
        head, _, last = relative.rpartition("/")
        if method == "GET":
            if self._store.has(relative):
                return self._list(relative, _query(raw_query), headers, origin)
            if last == "count" and self._store.has(head):
                return self._count_records(head, _query(raw_query))
            if last.isdigit() and self._store.has(head):
                return self._get_one(head, int(last), _query(raw_query))
        elif method == "POST" and last == "search" and head in _SEARCHABLE and self._store.has(head):
            return self._list(head, _search_query(raw_query, body), headers, origin, relative)
        elif method == "PATCH" and last.isdigit() and self._store.has(head):
            return self._patch(head, int(last), body)
        if self._store.has(relative) or self._store.has(head):
            return _error(405, "MethodNotAllowed", f"{method} is not supported on /{relative} by the fake")
        return _error(404, "NotFound", f"/{relative} is not an endpoint this server holds")

    def _matcher(self, key: str, q: _Query) -> Callable[[Mapping[str, Any]], bool] | None:
        tests = []
        for text, kind in (
            (q.conditions, "conditions"),
            (q.child_conditions, "childConditions"),
            (q.custom_field_conditions, "customFieldConditions"),
        ):
            if text is None or not text.strip():
                continue
            try:
                tests.append(compile_predicate(text, kind))  # type: ignore[arg-type]
            except ParseError as e:
                raise _Reject(_bad_conditions(key, kind, e)) from None
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda r: all(t(r) for t in tests)

    def _matching(self, key: str, q: _Query) -> list[dict[str, Any]]:
        records = self._store.snapshot(key)
        test = self._matcher(key, q)
        return records if test is None else [r for r in records if test(r)]

    def _list(
        self, key: str, q: _Query, headers: dict[str, str], origin: str, endpoint: str | None = None,
    ) -> Response:
        size = _int_param("pageSize", q.page_size, _DEFAULT_PAGE_SIZE, minimum=1)
        size = min(size, MAX_PAGE_SIZE)
        fields = _fields(q.fields)
        forward = headers.get("pagination-type", "").strip().lower() == "forward-only"
        records = self._matching(key, q)
        # A search's links name the search again: the client POSTs the same body.
        link_base = f"{origin}{self.base_path}/{endpoint or key}"
        if forward:
            if q.order_by:
                raise _Reject(_error(
                    400, "InvalidObject",
                    "orderBy cannot be used with forward-only pagination: results come in id order",
                    field="orderBy",
                ))
            after = _int_param("pageId", q.page_id, 0, minimum=0)
            remaining = [r for r in records if r["id"] > after]
            page = remaining[:size]
            links: list[tuple[str, str]] = []
            if len(remaining) > size:
                links.append((_with(link_base, q.params, pageId=page[-1]["id"]), "next"))
            elif "repeat-page-id" in self.quirks and q.page_id is not None:
                links.append((_with(link_base, q.params, pageId=after), "next"))
            return self._page_response(page, fields, links, len(records))
        records = _sorted(records, q.order_by)
        number = _int_param("page", q.page, 1, minimum=1)
        pages = max(1, math.ceil(len(records) / size))
        page = records[(number - 1) * size:number * size]
        links = []
        if pages == 1 and "no-link-single-page" in self.quirks:
            pass
        elif number >= pages and "first-link-on-last-page" in self.quirks and pages > 1:
            links.append((_with(link_base, q.params, page=1, pageSize=size), "first"))
        else:
            if number > 1:
                links.append((_with(link_base, q.params, page=1, pageSize=size), "first"))
                links.append((_with(link_base, q.params, page=min(number - 1, pages), pageSize=size), "prev"))
            if number < pages:
                links.append((_with(link_base, q.params, page=number + 1, pageSize=size), "next"))
                links.append((_with(link_base, q.params, page=pages, pageSize=size), "last"))
        return self._page_response(page, fields, links, len(records))

    def _page_response(
        self, page: list[dict[str, Any]], fields: list[tuple[str, ...]] | None,
        links: list[tuple[str, str]], total: int,
    ) -> Response:
        headers: list[tuple[str, str]] = []
        if links:
            headers.append(("Link", ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)))
        if "total-count-header" in self.quirks:
            headers.append(("X-Total-Count", str(total)))
        shown = page if fields is None else [_project(r, fields) for r in page]
        return _json(200, shown, tuple(headers))

    def _count_records(self, key: str, q: _Query) -> Response:
        return _json(200, {"count": len(self._matching(key, q))})

    def _get_one(self, key: str, record_id: int, q: _Query) -> Response:
        record = self._store.get(key, record_id)
        if record is None:
            resource = _RESOURCES.get(key, key.rsplit("/", 1)[-1])
            return _error(404, "NotFound", f"{resource} with id {record_id} was not found")
        fields = _fields(q.fields)
        return _json(200, record if fields is None else _project(record, fields))


    def _patch(self, key: str, record_id: int, body: bytes) -> Response:
        """``PATCH {collection}/{id}`` with a JSON Patch list: ``replace`` and ``add`` only."""
        record = self._store.get(key, record_id)
        if record is None:
            resource = _RESOURCES.get(key, key.rsplit("/", 1)[-1])
            return _error(404, "NotFound", f"{resource} with id {record_id} was not found")
        try:
            operations = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            operations = None
        if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
            return _error(400, "InvalidObject", 'PATCH takes a JSON list of {"op", "path", "value"}')
        changed = copy.deepcopy(record)
        for operation in operations:
            segments = [s for s in str(operation.get("path", "")).split("/") if s]
            if operation.get("op") not in ("replace", "add") or not segments or segments[0] == "id" \
                    or "value" not in operation:
                return _error(400, "InvalidObject", f"the fake PSA cannot apply {operation!r:.100}")
            holder = changed
            for segment in segments[:-1]:
                holder = holder.setdefault(segment, {})
                if not isinstance(holder, dict):
                    return _error(400, "InvalidObject", f"{operation['path']} does not name an object field")
            holder[segments[-1]] = copy.deepcopy(operation["value"])
        return _json(200, self._store.update(key, record_id, changed))


# ---- helpers ------------------------------------------------------------------------------


def _unquote(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path, errors="replace")


_PARAMS = {
    "conditions": "conditions", "childconditions": "child_conditions",
    "customfieldconditions": "custom_field_conditions", "orderby": "order_by", "fields": "fields",
    "page": "page", "pagesize": "page_size", "pageid": "page_id",
}


def _query(raw: str) -> _Query:
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise _Reject(_error(
            400, "InvalidObject",
            "the query string's percent-escapes are not UTF-8: was a % in a condition left unencoded?",
        )) from None
    q = _Query()
    for name, value in pairs:
        attr = _PARAMS.get(name.lower())
        if attr is not None:
            setattr(q, attr, value)
            if attr not in ("page", "page_id"):
                q.params[name] = value
        else:
            q.params[name] = value
    return q


def _search_query(raw: str, body: bytes) -> _Query:
    q = _query(raw)
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, ValueError):
        raise _Reject(_error(400, "InvalidObject", "the search body is not JSON")) from None
    if not isinstance(data, dict):
        raise _Reject(_error(400, "InvalidObject", "the search body must be a JSON object"))
    for name, value in data.items():
        attr = _PARAMS.get(str(name).lower())
        if attr is None:
            continue
        if value is not None and not isinstance(value, (str, int)):
            raise _Reject(_error(400, "InvalidObject", f"{name} must be a string", field=str(name)))
        setattr(q, attr, None if value is None else str(value))
    return q


def _int_param(name: str, text: str | None, default: int, *, minimum: int) -> int:
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or int(text) < minimum:
        raise _Reject(_error(
            400, "InvalidObject", f"{name} must be a whole number of at least {minimum}, not {text!r}",
            field=name,
        ))
    return int(text)


def _fields(text: str | None) -> list[tuple[str, ...]] | None:
    if text is None or not text.strip():
        return None
    try:
        return [p.segments for p in parse_fields(text).paths]
    except ParseError as e:
        raise _Reject(_error(400, "InvalidObject", f"fields is invalid: {e.diagnostics[0].message}",
                             field="fields")) from None


def _project(record: Mapping[str, Any], fields: list[tuple[str, ...]]) -> dict[str, Any]:
    """The record cut down to ``fields``, under the record's own key spellings.

    Field names match case-insensitively, as the server's do, but the answer
    keeps the API's names (``fields=ID`` still answers ``id``). Values are
    copied: the store's records are never changed in place.
    """
    out: dict[str, Any] = {}
    for segments in fields:
        value: Any = record
        names: list[str] = []
        for segment in segments:
            if not isinstance(value, Mapping):
                break
            key = segment if segment in value else next(
                (k for k in value if k.lower() == segment.lower()), None
            )
            if key is None:
                break
            names.append(key)
            value = value[key]
        else:
            holder = out
            for name in names[:-1]:
                inner = holder.get(name)
                if not isinstance(inner, dict):
                    inner = holder[name] = {}
                holder = inner
            if isinstance(holder.get(names[-1]), dict) and isinstance(value, Mapping):
                holder[names[-1]].update(copy.deepcopy(dict(value)))
            else:
                holder[names[-1]] = copy.deepcopy(value)
    return out


def _sort_value(value: Any) -> tuple[int, Any]:
    # SQL Server puts nulls first in ascending order; strings compare case-insensitively.
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (3, value.lower())
    return (4, json.dumps(value, sort_keys=True))


def _sorted(records: list[dict[str, Any]], order_by: str | None) -> list[dict[str, Any]]:
    if order_by is None or not order_by.strip():
        return records
    try:
        parsed: OrderBy = parse_order_by(order_by)
    except ParseError as e:
        raise _Reject(_error(400, "InvalidObject", f"orderBy is invalid: {e.diagnostics[0].message}",
                             field="orderBy")) from None
    from .._evaluator import getter

    result = list(records)  # already in id order: ties stay in id order
    for key in reversed(parsed.keys):
        get = getter(key.path.name)
        result.sort(key=lambda r, get=get: _sort_value(get(r)), reverse=key.descending)  # type: ignore[misc]
    return result


def _with(base: str, params: Mapping[str, str], **changes: Any) -> str:
    merged = {k: v for k, v in params.items() if k.lower() not in {c.lower() for c in changes}}
    merged.update({k: str(v) for k, v in changes.items()})
    return base + "?" + urlencode(merged, quote_via=_quote)


def _quote(text: str | bytes, safe: str | bytes = "", encoding: str | None = None, errors: str | None = None) -> str:
    from urllib.parse import quote

    return quote(text, safe="/")


def _json(status: int, data: Any, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, (("Content-Type", _JSON), *headers), body)


def _error(status: int, code: str, message: str, *, field: str | None = None) -> Response:
    data: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        data["errors"] = [{"code": code, "message": message, "resource": None, "field": field}]
    return _json(status, data)


def _bad_conditions(key: str, kind: str, error: ParseError) -> Response:
    resource = _RESOURCES.get(key, key.rsplit("/", 1)[-1])
    first = error.diagnostics[0]
    message = f"{kind} is invalid: {first.line}:{first.column}: {first.message}"
    if first.hint:
        message += f" (hint: {first.hint})"
    errors = [
        {"code": d.code, "message": d.message, "resource": resource, "field": kind,
         "line": d.line, "column": d.column, "hint": d.hint}
        for d in error.diagnostics
    ]
    return _json(400, {"code": "InvalidObject", "message": message, "errors": errors})


_CDN_PAGE = (
    "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n<center><h1>{status}</h1></center>\r\n"
    "<hr><center>edge</center>\r\n</body>\r\n</html>\r\n"
)


def _fault_response(fault: Fault) -> Response:
    if fault is Fault.SERVER_ERROR:
        return _json(500, {"code": "UnexpectedError", "message": "An unexpected error has occurred."})
    if fault is Fault.RECORD_LOCKED:
        return _error(409, "RecordLocked", "The record is locked by another process; try again shortly.")
    if fault is Fault.DROP:
        return Response(0, (), b"", drop=True)
    status = "502 Bad Gateway" if fault is Fault.BAD_GATEWAY else "429 Too Many Requests"
    page = _CDN_PAGE.format(status=status).encode("ascii")
    return Response(int(status[:3]), (("Content-Type", "text/html"),), page)
