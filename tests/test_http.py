"""The executor against the fake PSA in-process: paging, retries, errors, long queries, the wire."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import cwql
from cwql import F, Query
from cwql.http import (
    APIError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConfigurationError,
    NotFoundError,
    QueryTooLongError,
    RateLimiter,
    RetryPolicy,
    ServerError,
    TransportError,
)
from cwql.testing import FakePSA

from .clock import VirtualTime

FAST_RETRY = RetryPolicy(attempts=4, base=0.001, cap=0.005, max_retry_after=0.05)
MODES = ["auto", "forward", "keyset", "link", "page"]
OPEN = "closedFlag = false"


@pytest.fixture(scope="module")
def demo() -> FakePSA:
    return FakePSA.demo()


def client(psa: FakePSA, **options: Any) -> Client:
    return psa.client(**{"retry": FAST_RETRY, "requests_per_minute": 100_000, **options})


def ids(records: list[Any]) -> list[int]:
    return [r["id"] for r in records]


def expected(psa: FakePSA, path: str, condition: str) -> list[int]:
    match = cwql.compile_predicate(condition)
    return [r["id"] for r in psa.records(path) if match(r)]


# ---- paging ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
def test_every_mode_fetches_each_match_once(demo: FakePSA, mode: str) -> None:
    with client(demo) as api:
        got = ids(list(api.iter("/service/tickets", OPEN, paging=mode, page_size=250)))
        assert sorted(got) == expected(demo, "/service/tickets", OPEN)
        assert len(got) == len(set(got)) == api.count("/service/tickets", OPEN)


@pytest.mark.parametrize("mode", ["auto", "link", "page"])
def test_ordered_paging(demo: FakePSA, mode: str) -> None:
    query = Query(OPEN, order_by="summary desc, id")
    with client(demo) as api:
        got = list(api.iter("/service/tickets", query, paging=mode, page_size=300))
    assert sorted(ids(got)) == expected(demo, "/service/tickets", OPEN)
    keys = [(r["summary"].lower(), -r["id"]) for r in got]
    assert keys == sorted(keys, reverse=True)


def test_id_order_modes_refuse_an_order(demo: FakePSA) -> None:
    with client(demo) as api, pytest.raises(cwql.QueryError, match="cannot go with orderBy"):
        list(api.iter("/service/tickets", Query(order_by="summary"), paging="forward"))


@pytest.mark.parametrize("mode", MODES)
def test_async_matches_sync(demo: FakePSA, mode: str) -> None:
    async def fetch() -> tuple[list[int], int]:
        async with demo.async_client(retry=FAST_RETRY, requests_per_minute=100_000) as api:
            got = [r["id"] async for r in api.iter("/service/tickets", OPEN, paging=mode, page_size=400)]
            return got, await api.count("/service/tickets", OPEN)

    got, count = asyncio.run(fetch())
    assert sorted(got) == expected(demo, "/service/tickets", OPEN)
    assert len(got) == count


def test_limit_and_pages(demo: FakePSA) -> None:
    with client(demo) as api:
        assert len(list(api.iter("/service/tickets", page_size=100, limit=250))) == 250
        assert list(api.iter("/service/tickets", limit=0)) == []
        pages = list(api.pages("/service/tickets", OPEN, page_size=700))
        assert [p.mode for p in pages] == ["forward"] * len(pages)
        assert sum(len(p.records) for p in pages) == api.count("/service/tickets", OPEN)
        assert all("Authorization" not in p.url for p in pages)


@pytest.mark.parametrize("quirk", ["repeat-page-id", "first-link-on-last-page", "no-link-single-page"])
@pytest.mark.parametrize("mode", MODES)
def test_server_quirks(quirk: str, mode: str) -> None:
    psa = FakePSA.demo(quirks=[quirk])
    with client(psa) as api:
        got = ids(list(api.iter("/service/tickets", OPEN, paging=mode, page_size=333)))
        assert sorted(got) == expected(psa, "/service/tickets", OPEN)
        small = ids(list(api.iter("/service/priorities", paging=mode, page_size=1000)))
        assert small == ids(psa.records("/service/priorities"))


@pytest.mark.parametrize("mode", ["forward", "keyset"])
def test_records_added_and_removed_while_paging(mode: str) -> None:
    psa = FakePSA.from_records({"/service/tickets": [{"id": i, "summary": f"t{i}"} for i in range(1, 501)]})
    removed: list[int] = []
    added: list[int] = []

    def churn(number: int, method: str, path: str) -> None:
        if number in (3, 5, 7):
            # Remove one record behind the cursor and one ahead of it; add one ahead.
            for ident in (number * 20, 480 - number):
                if psa.remove("/service/tickets", ident):
                    removed.append(ident)
            added.append(psa.add("/service/tickets", {"summary": "new"})["id"])

    psa.on_request(churn)
    with client(psa) as api:
        got = ids(list(api.iter("/service/tickets", paging=mode, page_size=50)))
    assert len(got) == len(set(got))
    assert got == sorted(got)
    survivors = set(range(1, 501)) - set(removed)
    assert survivors <= set(got)  # nothing that existed throughout was skipped
    assert set(added) <= set(got)  # new records with larger ids are picked up


def test_page_numbers_never_repeat_a_record() -> None:
    psa = FakePSA.from_records({"/service/tickets": [{"id": i} for i in range(1, 301)]})
    psa.on_request(lambda n, m, p: psa.add("/service/tickets", {"id": 1000 + n}) if n == 2 else None)
    with client(psa) as api:
        got = ids(list(api.iter("/service/tickets", Query(order_by="id desc"), paging="page", page_size=50)))
    assert len(got) == len(set(got))


# ---- retries and errors --------------------------------------------------------------------

@pytest.mark.parametrize("fault", ["500", "502", "409", "cdn-429", "drop"])
def test_transient_faults_are_retried(fault: str) -> None:
    psa = FakePSA.demo()
    psa.inject(fault, on=[1, 3])
    with client(psa) as api:
        got = ids(list(api.iter("/service/tickets", OPEN, page_size=500)))
        assert sorted(got) == expected(psa, "/service/tickets", OPEN)
        assert api.stats.retries == 2
    assert [r.status for r in psa.requests][:2] == [0 if fault == "drop" else int(fault.split("-")[-1]), 200]


def test_retries_give_up_with_the_last_error() -> None:
    psa = FakePSA.demo()
    psa.inject("502")
    with client(psa) as api, pytest.raises(ServerError) as info:
        api.count("/service/tickets")
    error = info.value
    assert (error.status, error.attempts) == (502, FAST_RETRY.attempts)
    assert "Bad Gateway" in error.message or "502" in error.message
    assert "demo-private" not in str(error)


def test_dropped_connections_exhausted() -> None:
    psa = FakePSA.demo()
    psa.inject("drop")
    with client(psa) as api, pytest.raises(TransportError) as info:
        api.count("/service/tickets")
    assert info.value.status == 0
    assert info.value.attempts == FAST_RETRY.attempts


@pytest.mark.parametrize("retry_after", ["0", "0.01", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_429_with_retry_after(retry_after: str) -> None:
    psa = FakePSA.demo()
    inner = psa.transport()
    answered: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if not answered:
            answered.append(429)
            return httpx.Response(429, headers={"Retry-After": retry_after},
                                  json={"error": "TooManyRequests", "message": "slow down"})
        answered.append(200)
        return inner.handle_request(request)

    with Client(base_url=psa.base_url, transport=httpx.MockTransport(handler), retry=FAST_RETRY,
                requests_per_minute=100_000, **psa.credentials()) as api:
        assert api.count("/service/tickets") == 3000
    assert answered == [429, 200]


def test_a_429_that_outlasts_the_retries() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "0"}, json={"error": "TooMany", "message": "wait"})

    with Client(base_url="https://h.invalid/x/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, company_id="c", public_key="p", private_key="k", client_id="x") as api:
        with pytest.raises(cwql.http.RateLimitError) as info:
            api.count("/service/tickets")
    assert (info.value.attempts, info.value.retry_after, info.value.code) == (4, 0.0, "TooMany")


def test_paging_at_the_servers_rate_never_draws_a_429() -> None:
    clock = VirtualTime()
    psa = FakePSA.demo(requests_per_minute=60, clock=clock.time)
    limiter = RateLimiter(60, clock=clock.time, wall=clock.time, sleep=clock.sleep)
    with client(psa, limiter=limiter) as api:
        got = list(api.iter("/service/tickets", page_size=25, limit=3000))
    assert len(got) == 3000
    assert [r.status for r in psa.requests].count(429) == 0
    assert len(psa.requests) == 120
    assert clock.now - 1_700_000_000.0 == pytest.approx(119.0)  # 120 requests, one a second


def test_a_client_that_ignores_the_limit_recovers() -> None:
    clock = VirtualTime()
    psa = FakePSA.demo(requests_per_minute=60, clock=clock.time)
    # The client thinks it may send 6000 a minute; the server says 60 and answers 429 past that.
    limiter = RateLimiter(6000, clock=clock.time, wall=clock.time, sleep=clock.sleep)
    limiter.observe = lambda headers, **_: None  # type: ignore[method-assign]
    policy = RetryPolicy(attempts=5, base=1, cap=2, max_retry_after=120)
    with client(psa, limiter=limiter, retry=policy) as api:
        got = list(api.iter("/service/tickets", page_size=25, limit=2000))
    assert len(got) == 2000
    assert [r.status for r in psa.requests].count(429) >= 1


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (401, AuthenticationError), (403, cwql.http.PermissionDeniedError),
     (404, NotFoundError), (409, cwql.http.ConflictError)],
)
def test_client_errors_are_never_retried(status: int, error: type[APIError]) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(status)
        return httpx.Response(status, json={"code": "Nope", "message": "no"})

    with Client(base_url="https://h.invalid/v4_6_release/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, company_id="c", public_key="p", private_key="k", client_id="x") as api:
        with pytest.raises(error) as info:
            api.count("/service/tickets")
    assert info.value.attempts == 1
    assert calls == [status]  # a 409 that is not RecordLocked is not retried either


def test_a_missing_record() -> None:
    psa = FakePSA.demo()
    with client(psa) as api, pytest.raises(NotFoundError):
        api.get_one("/service/tickets", 999_999)
    assert len(psa.requests) == 1


def test_bad_request_body_is_parsed() -> None:
    psa = FakePSA.demo()
    api = Client(base_url=psa.base_url, transport=psa.transport(), **psa.credentials())
    with pytest.raises(BadRequestError) as info:
        # Sent raw, as text cwql would refuse, to see the server's own answer.
        api._send(cwql.http._paging.Request("GET", psa.base_url + "service/tickets?conditions=a%3D%3D1", {}))
    assert info.value.code
    assert info.value.errors


def test_wrong_credentials() -> None:
    psa = FakePSA.demo()
    creds = {**psa.credentials(), "private_key": "wrong-secret"}
    with Client(base_url=psa.base_url, transport=psa.transport(), retry=FAST_RETRY, **creds) as api:
        with pytest.raises(AuthenticationError) as info:
            api.count("/service/tickets")
    assert info.value.attempts == 1
    assert "wrong-secret" not in str(info.value) + repr(info.value) + repr(api)


def test_secrets_never_reach_logs_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    psa = FakePSA.demo()
    psa.inject("500", on=[1])
    caplog.set_level(logging.DEBUG, logger="cwql.http")
    with client(psa) as api:
        api.count("/service/tickets")
        shown = repr(api) + caplog.text
    assert "GET" in caplog.text
    assert "500" in caplog.text
    for secret in (psa.private_key, psa.public_key, "Basic "):
        assert secret not in shown


def test_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="CONNECTWISE_PRIVATE_KEY"):
        Client(company_id="c", public_key="p", client_id="x", site="api-na.myconnectwise.net")
    with pytest.raises(ConfigurationError, match="CONNECTWISE_SITE"):
        Client(company_id="c", public_key="p", private_key="k", client_id="x")
    env = {
        "CONNECTWISE_COMPANY_ID": "acme", "CONNECTWISE_PUBLIC_KEY": "pub",
        "CONNECTWISE_PRIVATE_KEY": "priv", "CONNECTWISE_CLIENT_ID": "cid",
        "CONNECTWISE_SITE": "api-eu.myconnectwise.net",
    }
    api = Client.from_env(env)
    assert api.base_url == "https://api-eu.myconnectwise.net/v4_6_release/apis/3.0/"
    assert "priv" not in repr(api)
    api = Client.from_env({**env, "CONNECTWISE_CODEBASE": "v2025_1"})
    assert api.base_url == "https://api-eu.myconnectwise.net/v2025_1/apis/3.0/"
    api = Client.from_env({**env, "CONNECTWISE_BASE_URL": "http://127.0.0.1:8123/x/apis/3.0"})
    assert api.base_url == "http://127.0.0.1:8123/x/apis/3.0/"



@pytest.mark.parametrize("where", [{"site": "api-eu.myconnectwise.net"}, {"codebase": "v2025_1"}])
def test_base_url_with_site_or_codebase_is_refused_not_ignored(where: dict[str, str]) -> None:
    """site (or codebase) beside base_url was silently dropped."""
    with pytest.raises(ConfigurationError, match="not both"):
        Client(company_id="c", public_key="p", private_key="k", client_id="x",
               base_url="https://h.example/v4_6_release/apis/3.0/", **where)  # type: ignore[arg-type]
    env = {"CONNECTWISE_COMPANY_ID": "c", "CONNECTWISE_PUBLIC_KEY": "p", "CONNECTWISE_PRIVATE_KEY": "k",
           "CONNECTWISE_CLIENT_ID": "x", "CONNECTWISE_BASE_URL": "https://env.example/v4_6_release/apis/3.0/"}
    # An argument wins over the environment's way of saying where; a codebase needs a site.
    if "site" in where:
        assert Client.from_env(env, **where).base_url == "https://api-eu.myconnectwise.net/v4_6_release/apis/3.0/"
    else:
        with pytest.raises(ConfigurationError, match="needs site"):
            Client.from_env(env, **where)  # type: ignore[arg-type]


# ---- long queries ----------------------------------------------------------------------------

def test_long_in_list_is_split_and_merged(demo: FakePSA) -> None:
    wanted = list(range(1, 3001, 2))
    query = Query(F.id.in_(wanted) & (F.closedFlag == False))  # noqa: E712
    with client(demo) as api:
        assert query.url_length(api.base_url, "/service/tickets") > 2000
        got = ids(list(api.iter("/service/tickets", query)))
        truth = [r["id"] for r in demo.records("/service/tickets") if r["id"] % 2 and not r["closedFlag"]]
        assert got == truth
        assert api.count("/service/tickets", query) == len(truth)
        assert all(len(r.path) + len(r.query) < 2000 for r in demo.requests[-5:])


def test_long_in_list_inside_an_or(demo: FakePSA) -> None:
    query = Query(F.id.in_(range(1, 2000)) | (F.summary.contains("printer")))
    with client(demo) as api:
        got = ids(list(api.iter("/service/tickets", query)))
        assert len(got) == len(set(got))
        match = cwql.compile_predicate(query.conditions)  # type: ignore[arg-type]
        assert got == [r["id"] for r in demo.records("/service/tickets") if match(r)]
        assert api.count("/service/tickets", query) == len(got)  # counted by id, not summed


def test_long_ordered_query_is_split_without_repeats(demo: FakePSA) -> None:
    query = Query(F.id.in_(range(1, 2500)), order_by="summary")
    with client(demo) as api:
        got = ids(list(api.iter("/service/tickets", query)))
    assert sorted(got) == list(range(1, 2500))


def test_search_endpoint_when_no_list_can_be_split(demo: FakePSA) -> None:
    long_text = "x" * 2100
    query = Query(F.summary.not_contains(long_text))
    with client(demo) as api:
        got = list(api.iter("/service/tickets", query, limit=5))
        assert len(got) == 5
        assert demo.requests[-1].method == "POST"
        with pytest.raises(QueryTooLongError) as info:
            list(api.iter("/company/companies", Query(F.name.not_contains(long_text))))
        assert info.value.length > 2000


def test_explicit_search(demo: FakePSA) -> None:
    with client(demo) as api:
        got = ids(list(api.search("/service/tickets", Query(OPEN), page_size=700)))
    assert got == expected(demo, "/service/tickets", OPEN)


# ---- the wire ---------------------------------------------------------------------------------

def test_exact_bytes_on_the_wire() -> None:
    psa = FakePSA.from_records({"/service/tickets": [{"id": 1, "summary": "50% & more #1 + \"x\" 'y' [z]"}]})
    seen: list[bytes] = []
    inner = psa.transport()

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return inner.handle_request(request)

    value = "50% & more #1 + \"x\" 'y' [z]"
    with Client(base_url=psa.base_url, transport=httpx.MockTransport(record), retry=FAST_RETRY,
                **psa.credentials()) as api:
        got = list(api.iter("/service/tickets", Query(F.summary == cwql.allow_escapes(value)), paging="keyset"))
    assert ids(got) == [1]
    assert seen[0] == (
        b"/v4_6_release/apis/3.0/service/tickets?conditions=summary%3D%2250%25%20%26%20more%20%231%20%2B"
        b"%20%5C%22x%5C%22%20%27y%27%20%5Bz%5D%22&orderBy=id&pageSize=1000"
    )


# ---- throttling ------------------------------------------------------------------------------

def test_limiter_spaces_requests() -> None:
    now = [100.0]
    limiter = RateLimiter(600, clock=lambda: now[0])
    waits = [limiter.reserve() for _ in range(5)]
    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    now[0] += 10
    assert limiter.reserve() == 0.0


def test_limiter_obeys_the_server() -> None:
    now = [0.0]
    limiter = RateLimiter(600, clock=lambda: now[0], wall=lambda: 1_700_000_000.0)
    limiter.observe({"x-ratelimit-limit": "60"})
    assert limiter.requests_per_minute == 60
    limiter.observe({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000005"})
    assert limiter.reserve() == pytest.approx(5.0)
    limiter.pause(30)
    assert limiter.reserve() == pytest.approx(30.0)


def test_limiter_is_shared_by_concurrent_tasks(demo: FakePSA) -> None:
    limiter = RateLimiter(3000)

    async def main() -> list[int]:
        async with demo.async_client(limiter=limiter, retry=FAST_RETRY) as api:
            return await asyncio.gather(*(api.count("/service/priorities") for _ in range(20)))

    assert asyncio.run(main()) == [5] * 20
    assert limiter.waits >= 18


def test_retry_policy() -> None:
    policy = RetryPolicy(base=1, cap=8)
    assert all(0 <= policy.delay(n) <= min(8, 2 ** (n - 1)) for n in range(1, 10) for _ in range(20))
    assert policy.delay(3, retry_after=2.5) == 2.5
    assert RetryPolicy.retryable_status(503)
    assert RetryPolicy.retryable_status(429)
    assert RetryPolicy.retryable_status(409, "RecordLocked")
    assert not any(RetryPolicy.retryable_status(s) for s in (400, 401, 403, 404, 409))
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(attempts=0)


def test_retry_after_parsing() -> None:
    from cwql.http._throttle import parse_retry_after

    assert parse_retry_after("120") == 120
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412500.0) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    ("status", "body", "content_type", "code", "message", "fields"),
    [
        (400, b'{"code":"InvalidObject","message":"bad","errors":[{"code":"x","message":"no such field",'
              b'"resource":"ticket","field":"sumary"}]}', "application/json", "InvalidObject", "bad", 1),
        (429, b'{"error":"TooManyRequests","message":"Slow down"}', "application/json",
         "TooManyRequests", "Slow down", 0),
        (500, b'{"code":"UnexpectedServerError","message":"An error occurred"}', "application/json",
         "UnexpectedServerError", "An error occurred", 0),
        (502, b"<html><head><title>502 Bad Gateway</title></head><body>cdn</body></html>", "text/html",
         "", "502 Bad Gateway", 0),
        (503, b"", "", "", "Service Unavailable", 0),
        (418, b"teapot", "text/plain", "", "teapot", 0),
    ],
)
def test_error_bodies(status: int, body: bytes, content_type: str, code: str, message: str, fields: int) -> None:
    from cwql.http._errors import error_for

    error = error_for(status, body, content_type, url="https://h/x?clientId=abc&conditions=a",
                      reason="Service Unavailable" if status == 503 else "")
    assert (error.status, error.code, error.message, len(error.errors)) == (status, code, message, fields)
    assert "abc" not in error.url
    assert isinstance(error, cwql.CWQLError)


def test_api_errors_pickle() -> None:
    import pickle

    from cwql.http._errors import error_for

    error = error_for(404, b'{"code":"NotFound","message":"gone"}', "application/json", url="https://h/x")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is NotFoundError
    assert str(again) == str(error)


def iterate(api: Client) -> Iterator[Any]:
    return api.iter("/service/tickets")


class Altered(httpx.BaseTransport):
    """The fake PSA behind a proxy that drops a request header or the Link header of answers."""

    def __init__(self, psa: FakePSA, *, drop_request_header: str = "", drop_link: bool = False) -> None:
        self.inner = psa.transport()
        self.drop_request_header = drop_request_header
        self.drop_link = drop_link

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.drop_request_header:
            request.headers.pop(self.drop_request_header, None)
        response = self.inner.handle_request(request)
        if self.drop_link:
            response.headers.pop("link", None)
        return response


def test_forward_only_ignored_hands_over_to_keyset() -> None:
    psa = FakePSA.demo()
    transport = Altered(psa, drop_request_header="pagination-type")  # as on audit-trail endpoints
    with Client(base_url=psa.base_url, transport=transport, retry=FAST_RETRY,
                requests_per_minute=100_000, **psa.credentials()) as api:
        pages = list(api.pages("/service/tickets", OPEN, paging="forward", page_size=400))
    got = [r["id"] for p in pages for r in p.records]
    assert sorted(got) == got == expected(psa, "/service/tickets", OPEN)
    assert [p.mode for p in pages][:2] == ["forward", "keyset"]
    # Keyset starts again from the first id (the first page came in the server's
    # default order), so its first page only repeats what was yielded: one more request.
    assert len(psa.requests) == len(pages) + 1


def test_no_link_headers_page_on_to_a_short_page() -> None:
    psa = FakePSA.demo()
    transport = Altered(psa, drop_link=True)
    with Client(base_url=psa.base_url, transport=transport, retry=FAST_RETRY,
                requests_per_minute=100_000, **psa.credentials()) as api:
        pages = list(api.pages("/service/tickets", Query(OPEN, order_by="summary"), paging="link",
                               page_size=400))
    got = [r["id"] for p in pages for r in p.records]
    assert sorted(got) == expected(psa, "/service/tickets", OPEN)
    assert len(got) == len(set(got))
    assert {p.mode for p in pages} == {"link"}


def test_no_link_headers_end_forward_paging_at_a_short_page() -> None:
    psa = FakePSA.demo()
    with Client(base_url=psa.base_url, transport=Altered(psa, drop_link=True), retry=FAST_RETRY,
                requests_per_minute=100_000, **psa.credentials()) as api:
        got = [r["id"] for r in api.iter("/service/priorities", paging="forward")]
    assert got == [r["id"] for r in psa.records("/service/priorities")]


def test_redacted_urls_keep_their_encoding() -> None:
    from cwql.http._errors import redact_url

    assert redact_url("https://user:pw@h.example/x?conditions=a%20b%2Bc&clientId=abc&privateKey=k") == (
        "https://h.example/x?conditions=a%20b%2Bc&clientId=REDACTED&privateKey=REDACTED"
    )


class IgnoresForwardOnly(httpx.BaseTransport):
    """A server that ignores pagination-type and lists records in its own default order."""

    def __init__(self, ids: list[int]) -> None:
        self.order = ids
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        params = httpx.QueryParams(request.url.query.decode())
        size = int(params.get("pageSize", "25"))
        rows = sorted(self.order) if params.get("orderBy") == "id" else list(self.order)
        conditions = params.get("conditions", "")
        if "id>" in conditions:
            last = int(conditions.rsplit("id>", 1)[1])
            rows = [i for i in rows if i > last]
        page = int(params.get("page", "1"))
        chunk = rows[(page - 1) * size:page * size] if "id>" not in conditions else rows[:size]
        headers = {}
        if len(chunk) == size:
            nxt = request.url.copy_set_param("page", str(page + 1))
            headers["Link"] = f'<{nxt}>; rel="next"'
        return httpx.Response(200, json=[{"id": i} for i in chunk], headers=headers)


def test_forward_only_ignored_in_default_order_loses_nothing() -> None:
    order = [5, 2, 9, 1, 7, 3, 10, 4, 8, 6]
    server = IgnoresForwardOnly(order)
    with Client(base_url="https://h.invalid/v4_6_release/apis/3.0", transport=server, retry=FAST_RETRY,
                requests_per_minute=100_000, company_id="c", public_key="p", private_key="k",
                client_id="x") as api:
        got = [r["id"] for r in api.iter("/service/tickets", page_size=3, paging="forward")]
    assert sorted(got) == list(range(1, 11))
    assert len(got) == len(set(got))


def test_records_out_of_id_order_are_an_error_not_a_skip() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[{"id": 3}, {"id": 1}])

    with Client(base_url="https://h.invalid/x/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, company_id="c", public_key="p", private_key="k", client_id="x") as api:
        with pytest.raises(cwql.http.ResponseError, match="out of id order"):
            list(api.iter("/service/tickets", paging="keyset"))


def test_next_links_that_never_end_or_go_round_end_the_walk_at_the_data() -> None:
    # Every answer names a next page (page 1 again); the walk builds its own
    # requests, so it ends where the pages run out of records.
    rows = [{"id": i} for i in range(1, 8)]
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        params = httpx.QueryParams(request.url.query.decode())
        size, page = int(params["pageSize"]), int(params["page"])
        first = request.url.copy_set_param("page", "1")
        return httpx.Response(200, json=rows[(page - 1) * size:page * size],
                              headers={"Link": f'<{first}>; rel="next"'})

    with Client(base_url="https://h.invalid/x/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, company_id="c", public_key="p", private_key="k", client_id="x",
                requests_per_minute=100_000) as api:
        got = [r["id"] for r in api.iter("/service/tickets", Query(order_by="id"), paging="link", page_size=3)]
    assert got == list(range(1, 8))
    assert len(calls) < 10


def test_split_values_the_server_takes_as_equal_count_once() -> None:
    psa = FakePSA.from_records({"/service/tickets": [{"id": i, "code": f"c{i % 50}"} for i in range(1, 601)]})
    codes = [f"C{i}" for i in range(50)] + [f"c{i}" for i in range(50)] + [f"c{i} " for i in range(50)]
    query = Query(F.code.in_(codes * 3) & (F.id > 0))
    with client(psa, max_url_length=400, schema_check=False) as api:
        got = ids(list(api.iter("/service/tickets", query)))
        assert len(got) == len(set(got)) == 600
        assert api.count("/service/tickets", query) == 600
    numbers = Query(cwql.parse("id in (" + ",".join(f"{i},0{i}" for i in range(1, 301)) + ")"))
    with client(psa, max_url_length=400) as api:
        assert api.count("/service/tickets", numbers) == 300


def test_ordered_queries_are_never_split(demo: FakePSA) -> None:
    query = Query(F.id.in_(range(1, 2500)), order_by="summary desc")
    with client(demo) as api:
        got = list(api.iter("/service/tickets", query, limit=50))
        assert demo.requests[-1].method == "POST"  # /service/tickets has a search endpoint
        keys = [r["summary"].lower() for r in got]
        assert keys == sorted(keys, reverse=True)
        with pytest.raises(QueryTooLongError, match="ordered query is not split"):
            list(api.iter("/company/companies", Query(F.id.in_(range(1, 2500)), order_by="name")))


def test_a_split_query_without_id_in_fields(demo: FakePSA) -> None:
    query = Query(F.id.in_(range(1, 2500)), fields=["summary"])
    with client(demo) as api:
        got = list(api.iter("/service/tickets", query, paging="page"))
    assert len(got) == 2499


def test_async_limit_zero_sends_nothing(demo: FakePSA) -> None:
    async def main() -> list[Any]:
        async with demo.async_client() as api:
            return [r async for r in api.iter("/service/tickets", limit=0)] + \
                   [r async for r in api.search("/service/tickets", limit=0)]

    before = len(demo.requests)
    assert asyncio.run(main()) == []
    assert len(demo.requests) == before


def test_async_split_streams_in_id_order(demo: FakePSA) -> None:
    query = Query(F.id.in_(range(3000, 0, -2)))

    async def main() -> list[int]:
        async with demo.async_client(retry=FAST_RETRY) as api:
            return [r["id"] async for r in api.iter("/service/tickets", query)]

    got = asyncio.run(main())
    assert got == list(range(2, 3001, 2))


def test_count_too_long_on_a_search_endpoint_counts_by_walking(demo: FakePSA) -> None:
    query = Query(F.summary.not_contains("x" * 2100))
    with client(demo) as api:
        assert api.count("/service/tickets", query) == 3000


@pytest.mark.parametrize("value", ["86400", "inf", "1e400", "nan"])
def test_retry_after_is_capped_and_must_be_finite(value: str) -> None:
    clock = VirtualTime()
    limiter = RateLimiter(100_000, clock=clock.time, wall=clock.time, sleep=clock.sleep)
    answered: list[int] = []
    psa = FakePSA.demo()
    inner = psa.transport()

    def handler(request: httpx.Request) -> httpx.Response:
        if not answered:
            answered.append(429)
            return httpx.Response(429, headers={"Retry-After": value}, json={"error": "TooMany"})
        answered.append(200)
        return inner.handle_request(request)

    policy = RetryPolicy(attempts=3, base=0.5, cap=1, max_retry_after=60, total_seconds=600)
    with Client(base_url=psa.base_url, transport=httpx.MockTransport(handler), retry=policy,
                limiter=limiter, **psa.credentials()) as api:
        assert api.count("/service/tickets") == 3000
        assert clock.now - 1_700_000_000.0 <= 60.1
        assert api.count("/service/tickets") == 3000  # the limiter still works afterwards


def test_undecodable_bodies_are_cwql_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"not gzip at all", headers={"Content-Encoding": "gzip"})

    with Client(base_url="https://h.invalid/x/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, company_id="c", public_key="p", private_key="k", client_id="x") as api:
        with pytest.raises(cwql.CWQLError):
            api.count("/service/tickets")


# ---- every Query parameter honoured (issue 12) ----------------------------------------------------

FIFTY = {"/service/tickets": [{"id": i, "summary": f"t{i}"} for i in range(1, 51)]}


def fifty() -> FakePSA:
    return FakePSA.from_records(FIFTY, requests_per_minute=None)


def start_walk(api: Client, mode: str, query: Query, listed: range = range(1, 400), **options: Any) -> list[int]:
    if mode == "split":
        query = query.where(F.id.in_(listed))
        assert query.url_length(api.base_url, "/service/tickets") > api.max_url_length
        return ids(list(api.iter("/service/tickets", query, **options)))
    if mode == "search":
        return ids(list(api.search("/service/tickets", query, **options)))
    return ids(list(api.iter("/service/tickets", query, paging=mode, **options)))


START_MODES = ["auto", "forward", "keyset", "link", "page", "split", "search"]


@pytest.mark.parametrize("mode", START_MODES)
def test_page_3_of_10_fetches_records_21_to_30(mode: str) -> None:
    psa = fifty()
    with client(psa, max_url_length=800) as api:
        assert start_walk(api, mode, Query(page=3, page_size=10), limit=10) == list(range(21, 31))
        assert start_walk(api, mode, Query(page=3, page_size=10)) == list(range(21, 51))  # then on


@pytest.mark.parametrize("mode", START_MODES)
def test_page_id_2000_starts_after_id_2000(mode: str, demo: FakePSA) -> None:
    with client(demo, max_url_length=800) as api:
        got = start_walk(api, mode, Query(page_id=2000), range(1900, 2300), limit=30)
    assert got == list(range(2001, 2031))


def test_the_first_request_is_the_callers_page() -> None:
    psa = fifty()
    with client(psa) as api:
        list(api.iter("/service/tickets", Query(page=3, page_size=10), paging="page", limit=10))
        list(api.iter("/service/tickets", Query(page_id=20, page_size=10), paging="forward", limit=10))
    first, forward = psa.requests[0], psa.requests[-1]
    assert (first.query["page"], first.query["pageSize"]) == ("3", "10")
    assert (forward.query["pageId"], forward.headers["pagination-type"]) == ("20", "forward-only")


@pytest.mark.parametrize(("query", "options", "match"), [
    (Query(page=3), {}, "needs a page size"),
    (Query(page_size=10), {"page_size": 20}, "disagrees"),
    (Query(), {"page_size": 0}, "1-1000"),
    (Query(), {"limit": -1}, "at least 0"),
    (Query(), {"paging": "pages"}, "paging must be one of"),
])
def test_parameters_the_executor_cannot_honour_are_refused(query: Query, options: dict[str, Any],
                                                           match: str) -> None:
    psa = fifty()
    with client(psa) as api, pytest.raises(cwql.CWQLError, match=match):
        api.iter("/service/tickets", query, **options).__next__()
    assert psa.requests == []


def test_count_ignores_the_paging_parameters() -> None:
    with client(fifty()) as api:
        assert api.count("/service/tickets", Query(page=3, page_size=10)) == 50


# ---- the schema check before sending (issue 12) -----------------------------------------------


def test_an_unknown_field_is_refused_before_anything_is_sent(demo: FakePSA) -> None:
    demo.clear_log()
    with client(demo) as api:
        with pytest.raises(cwql.ValidationError) as info:
            list(api.iter("/service/tickets", "bogus = 1"))
        assert info.value.code == "S001"
        with pytest.raises(cwql.ValidationError, match="did you mean summary"):
            api.count("/service/tickets", "sumary = 1")
    assert demo.requests == []


@pytest.mark.parametrize(("path", "query", "code"), [
    ("/company/contacts", Query('communicationItems/value like "*@x*"'), "S004"),
    ("/company/contacts", Query(child_conditions='firstName = "Ann"'), "S005"),
    ("/service/tickets", Query(child_conditions='value like "*@x*"'), "S001"),
    ("/service/tickets", Query(order_by="bogus"), "S001"),
])
def test_a_condition_in_the_wrong_parameter_is_refused_with_the_fix(path: str, query: Query, code: str) -> None:
    with client(FakePSA.demo()) as api, pytest.raises(cwql.ValidationError) as info:
        list(api.iter(path, query))
    assert info.value.code == code
    assert info.value.diagnostics[0].hint or code == "S001"


def test_schema_warnings_come_once_and_the_query_is_sent(demo: FakePSA) -> None:
    import warnings

    with client(demo) as api, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sizes = [len(list(api.iter("/service/tickets", 'Summary contains "printer"', limit=2))) for _ in range(3)]
    assert sizes == [2, 2, 2]
    assert [w.category for w in caught] == [cwql.http.SchemaWarning]
    assert "S002" in str(caught[0].message)


def test_schema_check_off_sends_what_the_schema_lacks(demo: FakePSA) -> None:
    # Sent, not refused here: the fake answers an unknown field as the server does (a 400).
    sent = len(demo.requests)
    with client(demo, schema_check=False) as api, pytest.raises(BadRequestError, match="ApiFindCondition"):
        list(api.iter("/service/tickets", "bogus = 1"))
    assert len(demo.requests) > sent
    assert "bogus" in demo.requests[-1].query["conditions"]


def test_endpoints_the_schema_does_not_list_are_not_checked() -> None:
    psa = FakePSA.from_records({"/custom/things": [{"id": 1, "bogus": 1}]}, requests_per_minute=None)
    with client(psa) as api:
        assert ids(list(api.iter("/custom/things", "bogus = 1"))) == [1]


# ---- one record, any request (issue 16) --------------------------------------------------------


def test_request_patch_updates_the_record_and_get_one_returns_it() -> None:
    psa = FakePSA.demo()
    with client(psa) as api:
        changed = api.request("PATCH", "/service/tickets/1",
                              json=[{"op": "replace", "path": "summary", "value": "Printer fixed"}])
        assert changed["summary"] == "Printer fixed"
        assert api.get_one("/service/tickets", 1)["summary"] == "Printer fixed"
        assert api.get_one("/service/tickets", 1, fields="id,summary") == {"id": 1, "summary": "Printer fixed"}
    assert psa.requests[0].method == "PATCH"
    assert psa.requests[0].headers["authorization"].startswith("Basic ")


def test_request_sends_params_encoded_and_returns_the_json() -> None:
    psa = FakePSA.demo()
    with client(psa) as api:
        got = api.request("GET", "/service/tickets", params={"conditions": "id in (1,2)", "pageSize": 5})
        assert ids(got) == [1, 2]
        assert ids(api.request("GET", "/service/tickets", params=Query("id < 3"))) == [1, 2]
    assert psa.requests[0].query == {"conditions": "id in (1,2)", "pageSize": "5"}


@pytest.mark.parametrize("params", [Query(page_id=20, page_size=3), {"pageId": 20, "pageSize": 3}])
def test_request_honours_page_id(params: Any) -> None:
    """pageId was sent without the forward-only header, so the server started over from id 1."""
    psa = FakePSA.from_records({"/service/tickets": [{"id": i} for i in range(1, 41)]}, requests_per_minute=None)
    with client(psa) as api:
        assert ids(api.request("GET", "/service/tickets", params=params)) == [21, 22, 23]
    assert psa.requests[0].headers["pagination-type"] == "forward-only"


@pytest.mark.parametrize(("method", "status", "tries"), [
    ("GET", 500, 4), ("PUT", 502, 4), ("DELETE", 503, 4),
    ("POST", 500, 1), ("PATCH", 502, 1), ("POST", 429, 4), ("PATCH", 429, 4),
])
def test_request_retries_only_what_cannot_act_twice(method: str, status: int, tries: int) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(status, headers={"Retry-After": "0"}, json={"code": "x", "message": "no"})

    with Client(base_url="https://h.invalid/x/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, requests_per_minute=100_000, company_id="c", public_key="p",
                private_key="k", client_id="x") as api, pytest.raises(APIError):
        api.request(method, "/service/tickets/1", json={"summary": "x"})
    assert calls == [method] * tries


def test_a_refused_connection_is_retried_whatever_the_method_and_said_once(
        caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1:
            raise httpx.ConnectError("Connection refused", request=request)
        return httpx.Response(200, json={"ok": True})

    caplog.set_level(logging.WARNING, logger="cwql.http")
    with Client(base_url="https://h.invalid/x/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, requests_per_minute=100_000, company_id="c", public_key="p",
                private_key="k", client_id="x") as api:
        assert api.request("POST", "/service/tickets", json={}) == {"ok": True}
    assert calls == ["POST", "POST"]
    assert caplog.text.count("no answer from https://h.invalid") == 1
    assert "Connection refused" in caplog.text


def test_get_is_the_deprecated_spelling_of_get_one(demo: FakePSA) -> None:
    with client(demo) as api, pytest.warns(DeprecationWarning, match="get_one"):
        assert api.get("/service/tickets", 2)["id"] == 2


@pytest.mark.parametrize("mode", ["auto", "forward", "keyset", "link", "page", "split"])
def test_records_carry_the_fields_asked_for_and_no_more(mode: str) -> None:
    with client(fifty(), max_url_length=800) as api:
        query = Query(fields="summary", order_by="summary" if mode in ("link", "page") else None)
        if mode == "split":
            got = list(api.iter("/service/tickets", query.where(F.id.in_(range(1, 400))), limit=12))
        else:
            got = list(api.iter("/service/tickets", query, paging=mode, limit=12, page_size=5))
    assert len(got) == 12
    assert all(set(r) == {"summary"} for r in got)


def test_the_client_takes_typed_keywords_and_says_what_is_missing() -> None:
    with pytest.raises(ConfigurationError, match="private_key, site") as info:
        Client(company_id="c", public_key="p", client_id="x")
    assert "CONNECTWISE_PRIVATE_KEY" in str(info.value)
    with pytest.raises(cwql.CWQLTypeError, match="company_id takes a str"):
        Client(company_id=1, public_key="p", private_key="k", client_id="x", site="s")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Client(compnay_id="c")  # type: ignore[call-arg]
    with pytest.raises(ConfigurationError, match="printable"):
        Client(company_id="c", public_key="p", private_key="k\nX-Evil: 1", client_id="x", site="s")
    api = Client.from_env({"CONNECTWISE_COMPANY_ID": "c", "CONNECTWISE_PUBLIC_KEY": "p",
                           "CONNECTWISE_PRIVATE_KEY": "k", "CONNECTWISE_CLIENT_ID": "x"},
                          site="api-au.myconnectwise.net", requests_per_minute=30)
    assert api.base_url == "https://api-au.myconnectwise.net/v4_6_release/apis/3.0/"
    assert api.limiter.requests_per_minute == 30


@pytest.mark.parametrize("mode", ["link", "forward", "keyset"])
def test_a_server_that_caps_page_size_is_followed_to_the_end(mode: str) -> None:
    # Older servers cut pageSize (LANGUAGE.md §5); their Link still says what comes next.
    rows = list(range(1, 61))

    def handler(request: httpx.Request) -> httpx.Response:
        params = httpx.QueryParams(request.url.query.decode())
        size = min(int(params["pageSize"]), 7)
        if "pageId" in params or "id>" in params.get("conditions", ""):
            after = int(params.get("pageId") or params["conditions"].split("id>")[1].split()[0])
            chunk = [i for i in rows if i > after][:size]
            more = bool(chunk) and chunk[-1] < rows[-1]
        else:
            page = int(params.get("page", "1"))
            chunk = rows[(page - 1) * size:page * size]
            more = page * size < len(rows)
        headers = {"Link": f'<{request.url.copy_set_param("page", "9")}>; rel="next"'} if more else {}
        if mode == "forward" and more:
            headers = {"Link": f'<{request.url.copy_set_param("pageId", str(chunk[-1]))}>; rel="next"'}
        return httpx.Response(200, json=[{"id": i} for i in chunk], headers=headers)

    with Client(base_url="https://h.invalid/x/apis/3.0", transport=httpx.MockTransport(handler),
                retry=FAST_RETRY, requests_per_minute=100_000, company_id="c", public_key="p",
                private_key="k", client_id="x") as api:
        query = Query(order_by="id") if mode == "link" else Query()
        got = [r["id"] for r in api.iter("/service/tickets", query, paging=mode, page_size=25)]
    assert got == rows


def test_a_page_size_cap_too_small_to_overlap_is_an_error_not_a_skip() -> None:
    from cwql.http._paging import _window

    assert _window(11, 4, most=4000) == (3, 5)  # 4, 3, 2 and 1 all end at 12: a wider window
    with pytest.raises(cwql.http.ResponseError, match="keyset"):
        _window(11, 4, most=4)
