"""FakePSA: the Manage REST API's query behaviour, as a plain function of a request.

:meth:`FakePSA.handle` takes a method, a URL, headers and a body and returns a
:class:`Response`; the httpx transport, the threaded HTTP server and
``cwql serve`` are thin mounts around it (``_transport.py``, ``_server.py``).
Everything the fake does is decided here and in the modules it reads with:
auth, rate limit, faults and routes here; request parameters in
``_params.py``; which records answer in ``_results.py``; the bodies of
answers in ``_bodies.py``.
"""

from __future__ import annotations

import base64
import enum
import hmac
import json
import math
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .._spec import MAX_PAGE_SIZE
from ..errors import UsageError
from ._bodies import Reject, bad_request, cdn_page, error, json_response, not_found
from ._params import (
    DEFAULT_PAGE_SIZE,
    Query,
    field_paths,
    link,
    order_keys,
    read_query,
    read_search,
    record_id,
    whole_number,
)
from ._results import Results, page_response, project
from ._store import Store, collection_key
from ._wire import Response

if TYPE_CHECKING:
    from ..http import AsyncClient, Client
    from ..schema import Schema
    from ._transport import Transport

__all__ = ["QUIRKS", "ROUTER_CODEBASE", "FakePSA", "Fault", "LoggedRequest", "Response"]

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
    # Conditions may name fields the schema does not list (they read as null)
    # instead of getting the server's 400 ApiFindCondition: for records that
    # carry fields of their own.
    "unknown-fields-null",
})

#: The codebase every cloud answers under and clients use by default; on a
#: cloud it routes to the tenant's version (official "Calling Company Info").
ROUTER_CODEBASE = "v4_6_release"

_WINDOW = 60.0  # seconds: the rate limit counts requests per minute
_CODEBASE = re.compile(r"[A-Za-z0-9_.-]+")
_VERSIONED = re.compile(r"v(\d{4})_(\d+)")

# The model each demo endpoint returns (the schema's names), for error bodies
# when the fake has no schema.
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


class FakePSA:
    """A fake ConnectWise PSA (Manage) REST API over records held in memory.

    ``records`` maps collection paths (``"/service/tickets"``,
    ``"/service/boards/1/statuses"``) to lists of JSON objects, each with an
    integer ``id``. The API answers under ``/v4_6_release/apis/3.0/`` and
    under ``/{codebase}/apis/3.0/`` (the versioned codebase that
    ``GET /login/companyinfo/{company_id}`` names), as a cloud does; requests
    must carry ``Authorization: Basic base64("{company_id}+{public_key}:{private_key}")``
    and a ``clientId`` header (:meth:`auth_headers` builds both).
    ``schema`` (a :class:`cwql.schema.Schema` or the path of a schema file)
    decides which fields conditions may name on the collections it lists:
    others get the server's 400 ``ApiFindCondition``; without one, any name
    goes and reads as null where records lack it.
    ``requests_per_minute`` is the per-member rate limit (``None``: no limit);
    ``seed`` seeds the random faults; ``quirks`` switches on behaviours from
    :data:`QUIRKS`; ``clock`` returns seconds (tests pass a fake one).
    Raises :class:`~cwql.UsageError` for options it cannot use.
    """

    def __init__(
        self,
        records: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
        *,
        company_id: str = "demo",
        public_key: str = "demo-public",
        private_key: str = "demo-private",
        client_id: str = "demo-client",
        codebase: str = "v2025_1",
        schema: Schema | str | os.PathLike[str] | None = None,
        requests_per_minute: int | None = 1000,
        seed: int = 0,
        quirks: Iterable[str] = (),
        clock: Callable[[], float] = time.time,
        log_limit: int = 10_000,
    ) -> None:
        quirks = frozenset([quirks] if isinstance(quirks, str) else quirks)
        unknown = quirks - QUIRKS
        if unknown:
            raise UsageError(f"unknown quirks {sorted(unknown)}; known: {sorted(QUIRKS)}")
        if requests_per_minute is not None and requests_per_minute < 1:
            raise UsageError("requests_per_minute must be at least 1, or None for no limit")
        if not isinstance(codebase, str) or not _CODEBASE.fullmatch(codebase.strip("/")):
            raise UsageError(f"codebase is one path segment such as v2025_1, not {codebase!r}")
        self.company_id = company_id
        self.public_key = public_key
        self.private_key = private_key
        self.client_id = client_id
        self.codebase = codebase.strip("/")
        self.schema = _schema(schema)
        self.requests_per_minute = requests_per_minute
        self.quirks = quirks
        self._clock = clock
        self._store = Store()
        self._results = Results(self._store, self.schema, check_names="unknown-fields-null" not in quirks)
        self._lock = threading.Lock()
        self._random = random.Random(seed)  # noqa: S311 - reproducible faults, not secrets
        self._rules: list[_Rule] = []
        self._hits: dict[str, deque[float]] = {}
        self._log: deque[LoggedRequest] = deque(maxlen=log_limit)
        self._count = 0
        self._hooks: list[Callable[[int, str, str], None]] = []
        self._expected = f"{company_id}+{public_key}:{private_key}".encode()
        self._credentials = "Basic " + base64.b64encode(self._expected).decode("ascii")
        self._bases = tuple(dict.fromkeys(
            f"/{name}/apis/3.0/".lower() for name in (ROUTER_CODEBASE, self.codebase)
        ))
        if records:
            self._store.load(records)

    # ---- making one ---------------------------------------------------------------

    @classmethod
    def demo(cls, seed: int = 0, **options: Any) -> FakePSA:
        """A fake holding the deterministic demo data set generated from ``seed``.

        Its schema is the bundled Manage schema, which every demo record
        conforms to, unless ``schema=`` says otherwise (``None``: none).
        """
        from ._demo import demo_records

        if "schema" not in options:
            from ..schema import load

            options["schema"] = load()
        return cls(demo_records(seed), seed=seed, **options)

    @classmethod
    def from_records(cls, records: Mapping[str, Iterable[Mapping[str, Any]]], **options: Any) -> FakePSA:
        """A fake holding ``records``: ``{"/service/tickets": [{...}, ...], ...}``.

        No schema unless ``schema=`` gives one: conditions may name any field.
        """
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
        """``/v4_6_release/apis/3.0``: where the API lives on any host, for clients' default codebase."""
        return f"/{ROUTER_CODEBASE}/apis/3.0"

    @property
    def versioned_path(self) -> str:
        """``/{codebase}/apis/3.0``: the API under the versioned codebase companyinfo names."""
        return f"/{self.codebase}/apis/3.0"

    def company_info(self, host: str = "") -> dict[str, Any]:
        """What ``GET /login/companyinfo/{company_id}`` answers (official "Calling Company Info").

        ``Codebase`` ends with a ``/`` (clients join it as ``{codebase}apis/3.0``);
        on-premise servers answer ``v4_6_release/`` and ``IsCloud`` false.
        """
        versioned = _VERSIONED.fullmatch(self.codebase)
        cloud = self.codebase.lower() != ROUTER_CODEBASE
        return {
            "CompanyName": self.company_id,
            "Codebase": self.codebase + "/",
            "VersionCode": f"v{versioned[1]}.{versioned[2]}" if versioned else self.codebase,
            "VersionNumber": "v4.6.0",
            "CompanyID": self.company_id,
            "IsCloud": "True" if cloud else "False",
            "SiteUrl": host,
        }

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

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, idle_timeout: float = 30.0,
        max_connections: int = 64,
    ) -> AbstractContextManager[str]:
        """Serve over real HTTP in a thread: ``with psa.serve() as base_url: ...``.

        ``port=0`` picks a free port. Yields the API's base URL
        (``http://127.0.0.1:PORT/v4_6_release/apis/3.0/``); the server stops when
        the block ends. A connection that sends nothing for ``idle_timeout``
        seconds is closed; past ``max_connections`` open at once, a new one
        gets 503 with ``Retry-After`` and is closed.
        """
        from ._server import serve

        return serve(self, host, port, idle_timeout=idle_timeout, max_connections=max_connections)

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
                raise Reject(error(400, "InvalidRequest", "the request URL cannot be read"))
            response, fault = self._answer(method, parts.path, parts.query, lowered, body, origin)
        except Reject as rejected:
            response = rejected.response
        except Exception as e:  # a bug in the fake: answer, and say so, rather than hang up
            response = json_response(500, {"code": "FakeError", "message": f"the fake PSA failed: {e!r}"})
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
        lowered = path.lower()
        base = next((b for b in self._bases if lowered.startswith(b)), None)
        login = lowered.startswith("/login/companyinfo/")
        if base is None and not login:
            raise Reject(not_found(
                f"no API here: the API lives under {self.base_path}/ and {self.versioned_path}/"
            ))
        relative = collection_key(path[len(base):] if base is not None else path)
        fault, delay = self._fault_for(method, relative)
        if fault is not None and fault is not Fault.SLOW:
            return _fault_response(fault), fault
        if login:
            response = self._company_info(method, path, origin)
            return Response(response.status, response.headers, response.body, delay=delay), fault
        self._authenticate(headers)
        limited = self._rate_limit()
        response = self._route(method, relative, raw_path, raw_query, headers, body, origin)
        extra = limited + response.headers
        return Response(response.status, extra, response.body, delay=delay), fault

    def _company_info(self, method: str, path: str, origin: str) -> Response:
        # No auth: clients call it before they know where the API is.
        if method not in ("GET", "HEAD"):
            return error(405, "MethodNotAllowed", f"{method} is not supported on /login/companyinfo")
        company = path.rstrip("/").rsplit("/", 1)[-1]
        if company.lower() != self.company_id.lower():
            return json_response(200, None)  # what the server answers for a company it does not host
        return json_response(200, self.company_info(urlsplit(origin).netloc if origin else ""))

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
            raise Reject(error(
                401, "Unauthorized",
                "no Authorization header: send Basic base64(companyId+publicKey:privateKey)",
            ))
        scheme, _, token = given.partition(" ")
        try:
            decoded = base64.b64decode(token.strip(), validate=True)
        except ValueError:  # not base64, or not ASCII at all (binascii.Error is a ValueError)
            decoded = b""
        if scheme.lower() != "basic" or not decoded:
            raise Reject(error(401, "Unauthorized", "the Authorization header is not Basic credentials"))
        if not hmac.compare_digest(decoded, self._expected):
            raise Reject(error(
                401, "Unauthorized", "authentication failed: unknown company, public key or private key",
            ))
        client_id = headers.get("clientid")
        if not client_id:
            raise Reject(error(403, "Forbidden", "a clientId header is required on every request"))
        if not hmac.compare_digest(_utf8(client_id), _utf8(self.client_id)):
            raise Reject(error(403, "Forbidden", f"clientId {client_id!r:.80} is not registered"))

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
                raise Reject(json_response(429, body, headers))
            hits.append(now)
            return (
                ("X-RateLimit-Limit", str(limit)),
                ("X-RateLimit-Remaining", str(limit - len(hits))),
                ("X-RateLimit-Reset", str(math.ceil(hits[0] + _WINDOW))),
            )

    # ---- routes -----------------------------------------------------------------------

    def _route(
        self, method: str, relative: str, raw_path: str, raw_query: str, headers: dict[str, str],
        body: bytes, origin: str,
    ) -> Response:
        head, _, last = relative.rpartition("/")
        link_base = origin + raw_path
        if method == "GET":
            if self._store.has(relative):
                return self._list(relative, read_query(raw_query), headers, link_base)
            if last == "count" and self._store.has(head):
                return self._count_records(head, read_query(raw_query))
            if self._store.has(head):
                record = record_id(last)
                if record is None:
                    # The server routes {id} as a 32-bit integer: anything else finds no record.
                    return not_found(f"/{relative} is not a record: ids are whole numbers")
                return self._get_one(head, record, read_query(raw_query))
        elif method == "POST" and last == "search" and head in _SEARCHABLE and self._store.has(head):
            return self._list(head, read_search(raw_query, body), headers, link_base)
        if self._store.has(relative) or (self._store.has(head) and record_id(last) is not None):
            return error(405, "MethodNotAllowed", f"{method} is not supported on /{relative} by the fake")
        return not_found(f"/{relative} is not an endpoint this server holds")

    def _resource(self, key: str) -> str:
        model = self._results.model(key)
        return model.name if model is not None else _RESOURCES.get(key, key.rsplit("/", 1)[-1])

    def _list(self, key: str, q: Query, headers: dict[str, str], link_base: str) -> Response:
        size = min(whole_number("pageSize", q.page_size, DEFAULT_PAGE_SIZE, minimum=1), MAX_PAGE_SIZE)
        fields = field_paths(q.fields)
        forward = headers.get("pagination-type", "").strip().lower() == "forward-only"
        # A search's links name the search again: the client POSTs the same body.
        links: list[tuple[str, str]] = []
        if forward:
            if q.order_by:
                raise bad_request(
                    "orderBy cannot be used with forward-only pagination: results come in id order",
                    field="orderBy",
                )
            after = whole_number("pageId", q.page_id, 0, minimum=0)
            page, more = self._results.forward(key, q, after, size)
            if more:
                links.append((link(link_base, q.params, size, "pageId", page[-1]["id"]), "next"))
            elif "repeat-page-id" in self.quirks and q.page_id is not None:
                links.append((link(link_base, q.params, size, "pageId", after), "next"))
            total = len(self._results.matching(key, q)) if "total-count-header" in self.quirks else 0
            return self._page(page, fields, links, total)
        order = order_keys(q.order_by)
        number = whole_number("page", q.page, 1, minimum=1)
        records = self._results.matching(key, q, order)
        pages = max(1, math.ceil(len(records) / size))
        start = min(number - 1, pages) * size
        page = records[start:start + size]

        def to(rel: str, target: int) -> None:
            links.append((link(link_base, q.params, size, "page", target), rel))

        if pages == 1 and "no-link-single-page" in self.quirks:
            pass
        elif number >= pages and "first-link-on-last-page" in self.quirks and pages > 1:
            to("first", 1)
        else:
            if number > 1:
                to("first", 1)
                to("prev", min(number - 1, pages))
            if number < pages:
                to("next", number + 1)
                to("last", pages)
        return self._page(page, fields, links, len(records))

    def _page(
        self, page: list[dict[str, Any]], fields: list[tuple[str, ...]] | None,
        links: list[tuple[str, str]], total: int,
    ) -> Response:
        headers: list[tuple[str, str]] = []
        if links:
            headers.append(("Link", ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)))
        if "total-count-header" in self.quirks:
            headers.append(("X-Total-Count", str(total)))
        return page_response(page, fields, headers)

    def _count_records(self, key: str, q: Query) -> Response:
        return json_response(200, {"count": len(self._results.matching(key, q))})

    def _get_one(self, key: str, record_id: int, q: Query) -> Response:
        record = self._store.get(key, record_id)
        if record is None:
            return not_found(f"{self._resource(key)} with id {record_id} was not found")
        fields = field_paths(q.fields)
        return json_response(200, record if fields is None else project(record, fields))


# ---- helpers ------------------------------------------------------------------------------


def _schema(schema: Schema | str | os.PathLike[str] | None) -> Schema | None:
    if schema is None:
        return None
    from ..schema import Schema, load

    if isinstance(schema, Schema):
        return schema
    if isinstance(schema, (str, os.PathLike)):
        return load(schema)
    raise UsageError(f"schema is a cwql.schema.Schema or the path of a schema file, not {type(schema).__name__}")


def _unquote(path: str) -> str:
    return unquote(path, errors="replace")


def _utf8(text: str) -> bytes:
    # Headers arrive as str; a lone surrogate must not turn a 403 into a 500.
    return text.encode("utf-8", "replace")


def _fault_response(fault: Fault) -> Response:
    if fault is Fault.SERVER_ERROR:
        return json_response(500, {"code": "UnexpectedError", "message": "An unexpected error has occurred."})
    if fault is Fault.RECORD_LOCKED:
        return error(409, "RecordLocked", "The record is locked by another process; try again shortly.")
    if fault is Fault.DROP:
        return Response(0, (), b"", drop=True)
    if fault is Fault.BAD_GATEWAY:
        return cdn_page(502, "Bad Gateway")
    return cdn_page(429, "Too Many Requests")
