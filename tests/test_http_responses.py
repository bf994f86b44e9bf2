"""Whatever the server answers, only a CWQLError leaves the executor, and it never hangs.

Responses are generated (status, headers, bodies) and served through
``httpx.MockTransport``; every entry point of the client runs against them.
The named tests below are the answers an adversarial review found escaping.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
from cwql import F, Query
from cwql.http import AsyncClient, Client, RateLimiter, RateLimitError, ResponseError, RetryPolicy
from cwql.http._errors import error_for

from .clock import VirtualTime
from .conftest import examples

BASE = "https://h.invalid/v4_6_release/apis/3.0/"
CREDENTIALS = {"company_id": "c", "public_key": "p", "private_key": "SECRET-KEY", "client_id": "x"}
POLICY = RetryPolicy(attempts=3, base=0.01, cap=0.1, max_retry_after=5, total_seconds=20)
MOST_REQUESTS = 300




class Runaway(Exception):
    """Raised by the test server when a client keeps asking: a hang, caught."""


Answer = httpx.Response | tuple[int, dict[str, str], bytes]


def serve(answers: list[Answer]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A server giving ``answers`` in turn, then empty pages; (status, headers, body) are
    sent raw: headers as Latin-1 bytes, the body decoded (gzip...) only when the client reads it."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) > MOST_REQUESTS:
            raise Runaway(f"{len(seen)} requests")
        if len(seen) > len(answers):
            return httpx.Response(200, json=[])
        answer = answers[len(seen) - 1]
        if isinstance(answer, httpx.Response):
            return answer
        status, headers, body = answer
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        return httpx.Response(status, headers=raw, stream=httpx.ByteStream(body))

    return httpx.MockTransport(handler), seen


def client(transport: httpx.BaseTransport, clock: VirtualTime | None = None, **options: Any) -> Client:
    clock = clock or VirtualTime()
    limiter = RateLimiter(10**6, clock=clock.time, wall=clock.time, sleep=clock.sleep)
    return Client(base_url=BASE, transport=transport, retry=POLICY, limiter=limiter,
                  schema_check=False, **CREDENTIALS, **options)


# ---- generated answers ---------------------------------------------------------------------

_header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40)
_urls = st.sampled_from([
    "https://host/\x00x", "https://[::1/x", BASE + "service/tickets?pageId=-1",
    BASE + "service/tickets?pageId=99999999999999999999999", BASE + "service/tickets?page=2&pageSize=2",
    "https://elsewhere.example/steal?pageId=5", "", "<>", BASE + "service/tickets?pageId=3",
])
_links = st.one_of(
    _header_text,
    st.builds(lambda url, rel: f"<{url}>; rel=\"{rel}\"", _urls, st.sampled_from(["next", "last", "next last", ""])),
)
_numbers = st.one_of(st.sampled_from(["9999999999", "-1", "0", "nan", "inf", "1e308", "1e-300", "", "0.5"]),
                     _header_text)
_headers = st.fixed_dictionaries({}, optional={
    "Link": _links,
    "Retry-After": st.one_of(_numbers, st.sampled_from(["Wed, 21 Oct 2015 07:28:00 GMT",
                                                        "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 99 Foo"])),
    "X-RateLimit-Limit": _numbers,
    "X-RateLimit-Remaining": _numbers,
    "X-RateLimit-Reset": _numbers,
    "Content-Type": st.sampled_from(["application/json", "text/html", "text/plain", "", "json; charset=x"]),
    "Content-Encoding": st.one_of(st.just("identity"),
                                  st.sampled_from(["gzip", "deflate", "br", "zstd", "x-nonsense"])),
})
_json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False),
              st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=12,
)
_ids = st.one_of(st.integers(-3, 60), st.sampled_from([2**63, 2**64, True, 1.5, "7", None]),
                 st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(), max_size=1))
_records = st.lists(
    st.fixed_dictionaries({"id": _ids}, optional={"summary": st.text(max_size=5), "x": _json_values}),
    max_size=8,
)
_hostile_bodies = st.sampled_from([
    "[" * 5000, "{" * 3000, '{"count": ' * 3000, "<title" * 2000, "<" * 5000, "", "null", "nul", "\ufeff[]",
    '{"count": 1e999}', '[{"id": 1e999}]', '[{"id": ' + "9" * 5000 + "}]",
]).map(str.encode)
_raw_bodies = st.one_of(
    _hostile_bodies,
    _records.map(json.dumps).map(str.encode),
    st.integers(0, 30).map(lambda n: json.dumps([{"id": i} for i in range(1, n + 1)]).encode()),
    st.one_of(
        _json_values.map(json.dumps),
        st.fixed_dictionaries({"count": _json_values}).map(json.dumps),
        st.fixed_dictionaries({"code": _json_values, "message": _json_values, "errors": _json_values}).map(
            json.dumps),
        st.text(max_size=50),
    ).map(str.encode),
    st.binary(max_size=60),
    st.just(gzip.compress(b"[]")),
)
_statuses = st.one_of(st.just(200), st.sampled_from([201, 204, 301, 400, 401, 404, 409, 429, 500, 502, 503]),
                      st.integers(100, 599))


answers = st.tuples(_statuses, _headers, _raw_bodies)


OPERATIONS: dict[str, Callable[[Client], Any]] = {
    "iter auto": lambda api: list(api.iter("/service/tickets", page_size=3)),
    "iter forward": lambda api: list(api.iter("/service/tickets", paging="forward", page_size=3)),
    "iter keyset": lambda api: list(api.iter("/service/tickets", paging="keyset", page_size=3)),
    "iter link": lambda api: list(api.iter("/service/tickets", Query(order_by="summary"), paging="link",
                                           page_size=3)),
    "iter page": lambda api: list(api.iter("/service/tickets", paging="page", page_size=3)),
    "iter page 3": lambda api: list(api.iter("/service/tickets", Query(page=3, page_size=4))),
    "iter after id": lambda api: list(api.iter("/service/tickets", Query(page_id=5), paging="keyset")),
    "split": lambda api: list(api.iter("/company/companies", F.id.in_(range(1, 500)), page_size=5)),
    "search": lambda api: list(api.search("/service/tickets", "id > 1", page_size=3)),
    "count": lambda api: api.count("/service/tickets", "id > 1"),
    "count split": lambda api: api.count("/company/companies", Query(F.id.in_(range(1, 500)))),
    "get_one": lambda api: api.get_one("/service/tickets", 5),
    "request GET": lambda api: api.request("GET", "/system/info"),
    "request PATCH": lambda api: api.request("PATCH", "/service/tickets/1", json=[{"op": "replace"}]),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@examples(40)
@given(served=st.lists(answers, min_size=1, max_size=8))
def test_only_cwql_errors_escape_the_executor(operation: str, served: list[Answer]) -> None:
    transport, seen = serve(served)
    with client(transport, max_url_length=600) as api:
        try:
            OPERATIONS[operation](api)
        except cwql.CWQLError as e:
            assert "SECRET-KEY" not in str(e)
    assert len(seen) <= MOST_REQUESTS


@examples(15)
@given(served=st.lists(answers, min_size=1, max_size=5))
def test_only_cwql_errors_escape_the_async_executor(served: list[Answer]) -> None:
    transport, seen = serve(served)
    policy = RetryPolicy(attempts=2, base=0.0, cap=0.0, max_retry_after=0.0, total_seconds=1)

    async def main() -> None:
        async with AsyncClient(base_url=BASE, transport=transport, retry=policy, requests_per_minute=10**9,
                               schema_check=False, **CREDENTIALS) as api:
            try:
                [r async for r in api.iter("/service/tickets", page_size=3)]
                await api.count("/service/tickets")
                await api.get_one("/service/tickets", 1)
            except cwql.CWQLError:
                pass

    asyncio.run(main())
    assert len(seen) <= MOST_REQUESTS


# ---- the review's examples, by name ------------------------------------------------------------


@pytest.mark.parametrize("link", ["<https://host/\x00x>; rel=\"next\"", "<https://[::1/x>; rel=\"next\""])
@pytest.mark.parametrize("mode", ["forward", "keyset", "link", "page"])
def test_a_link_that_is_not_a_url_ends_in_a_cwql_answer(link: str, mode: str) -> None:
    page = [{"id": i} for i in range(1, 4)]
    transport, seen = serve([httpx.Response(200, json=page, headers={"Link": link})])  # then []
    with client(transport) as api:
        got = [r["id"] for r in api.iter("/service/tickets", paging=mode, page_size=3)]
    assert got == [1, 2, 3]
    assert all(request.url.host == "h.invalid" for request in seen)  # a link is never requested


@pytest.mark.parametrize("ident", [[1], {"a": 1}, "7", 1.5, True, None, -1, 2**63])
@pytest.mark.parametrize("mode", ["forward", "keyset", "link", "page"])
def test_records_whose_id_is_not_an_integer_are_a_response_error(ident: Any, mode: str) -> None:
    transport, _ = serve([httpx.Response(200, json=[{"id": 1}, {"id": ident}])])
    with client(transport) as api, pytest.raises(ResponseError, match="id"):
        list(api.iter("/service/tickets", paging=mode, page_size=2))


@pytest.mark.parametrize("ident", ["abc", None, 1.9, "1", True])
@pytest.mark.parametrize("method", ["get_one", "get"])
def test_get_one_refuses_an_id_that_is_not_an_int(ident: Any, method: str) -> None:
    # Issue 11: Client.get(path, "abc"), get(path, None) and get(path, 1.9) fetched record 1.
    transport, seen = serve([])
    with client(transport) as api, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # get is get_one's old name
        fetch = getattr(api, method)
        with pytest.raises(cwql.CWQLTypeError, match="int"):
            fetch("/service/tickets", ident)
    assert seen == []


def test_the_async_get_one_refuses_an_id_that_is_not_an_int() -> None:
    transport, seen = serve([])

    async def main() -> None:
        async with AsyncClient(base_url=BASE, transport=transport, schema_check=False, **CREDENTIALS) as api:
            for ident in ("abc", None, 1.9):
                with pytest.raises(cwql.CWQLTypeError, match="int"):
                    await api.get_one("/service/tickets", ident)  # type: ignore[arg-type]

    asyncio.run(main())
    assert seen == []


def test_a_ratelimit_reset_far_away_ends_within_the_retry_budget() -> None:
    # Issue 11: X-RateLimit-Reset: 9999999999 paused every caller for an hour,
    # past RetryPolicy(total_seconds=10).
    clock = VirtualTime()
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9999999999"}
    transport, seen = serve([httpx.Response(200, json=[{"id": i} for i in range(1, 4)], headers=headers)] * 3)
    policy = RetryPolicy(total_seconds=10)
    limiter = RateLimiter(10**6, clock=clock.time, wall=clock.time, sleep=clock.sleep)
    with Client(base_url=BASE, transport=transport, retry=policy, limiter=limiter, schema_check=False,
                **CREDENTIALS) as api:
        with pytest.raises(RateLimitError, match="total_seconds"):
            list(api.iter("/service/tickets", paging="keyset", page_size=3))
    assert clock.now - 1_700_000_000.0 <= 10
    assert len(seen) == 1


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"attempts": "3"}, cwql.CWQLTypeError), ({"attempts": 2.5}, cwql.CWQLTypeError),
    ({"base": None}, cwql.CWQLTypeError), ({"total_seconds": "10"}, cwql.CWQLTypeError),
    ({"total_seconds": float("nan")}, cwql.UsageError), ({"max_retry_after": float("nan")}, cwql.UsageError),
    ({"max_retry_after": -1}, cwql.UsageError), ({"cap": float("inf")}, cwql.UsageError),
])
def test_a_retry_policy_that_bounds_nothing_is_refused(kwargs: dict[str, Any], error: type[Exception]) -> None:
    # The kind of the reset above: a NaN budget compares false with everything and
    # would bound no wait; a str raised TypeError from a comparison.
    with pytest.raises(error, match="RetryPolicy"):
        RetryPolicy(**kwargs)


@pytest.mark.parametrize("rate", ["60", None, True, float("nan"), 0, -1])
def test_a_request_rate_that_is_not_a_positive_number_is_refused(rate: Any) -> None:
    with pytest.raises((cwql.CWQLTypeError, cwql.UsageError), match="requests_per_minute"):
        RateLimiter(rate)
    with pytest.raises((cwql.CWQLTypeError, cwql.UsageError), match="requests_per_minute"):
        Client(base_url=BASE, requests_per_minute=rate, **CREDENTIALS)


@pytest.mark.parametrize("env", [5, "CONNECTWISE_SITE=x", b"x", ["CONNECTWISE_SITE"]])
def test_from_env_of_what_is_not_a_mapping_is_a_cwql_type_error(env: Any) -> None:
    # It raised AttributeError ('int' object has no attribute 'get').
    with pytest.raises(cwql.CWQLTypeError, match="env is a mapping"):
        Client.from_env(env)
    with pytest.raises(cwql.CWQLTypeError, match="env is a mapping"):
        AsyncClient.from_env(env)


def test_error_for_a_hostile_html_page_reads_its_start_once() -> None:
    # Issue 11: "<title" * n took quadratic time (1.8 s at 96 KB, on every retry).
    # At 6 MB a quadratic reading would take hours; the suite would time out.
    body = ("<title" * 1_000_000).encode()
    error = error_for(502, body, "text/html")
    assert error.status == 502
    assert error.message == "HTTP 502"
    late = error_for(502, b"x" * 100_000 + b"<title>Late</title>", "text/html")
    assert "Late" not in late.message  # only the start of a body is read


class _CountingText(str):
    """Text that counts the characters its ``find`` and slices go through."""

    scanned = 0

    def find(self, sub: Any, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().find(sub, start, end)
        first, last, _ = slice(start, end).indices(len(self))
        _CountingText.scanned += (last if found < 0 else found) - first
        return found

    def __getitem__(self, key: Any) -> str:
        found = super().__getitem__(key)
        _CountingText.scanned += len(found)
        return found


@pytest.mark.parametrize("make", [
    lambda n: "<title" * n, lambda n: "<title>" * n, lambda n: "<" * n, lambda n: "<a>" * n, lambda n: "<a" * n,
    lambda n: "a<b>" * n, lambda n: ">" * n, lambda n: "<title>" + "x" * n, lambda n: "<title>x</title" * n,
    lambda n: "<TITLE " * n + ">",
], ids=["title-open", "title", "lt", "tag", "tag-open", "text-tag", "gt", "long-title", "title-close", "title-attrs"])
def test_an_html_message_is_read_in_linear_work(make: Callable[[int], str]) -> None:
    """A timing-free bound on error_for's HTML reading: the characters its searches go through."""
    from cwql.http._errors import _html_message

    for n in (100, 10_000):
        text = make(n)
        _CountingText.scanned = 0
        _html_message(_CountingText(text))
        assert _CountingText.scanned <= 3 * len(text) + 2000, (n, _CountingText.scanned)


def test_no_secret_in_reprs_errors_or_httpx_log_lines(caplog: pytest.LogCaptureFixture) -> None:
    # Issue 11: repr(Client(base_url="https://u:SECRET@host/...")) showed the secret,
    # Query.url errors echoed ?privateKey=, httpx's INFO line held the full URL.
    with pytest.raises(cwql.ConfigurationError) as info:
        Client(base_url="https://u:SECRET@host.example/v4_6_release/apis/3.0/", **CREDENTIALS)
    assert "SECRET" not in str(info.value)
    with pytest.raises(cwql.QueryError) as info2:
        Query().url("https://host.example/x?privateKey=SECRET", "/service/tickets")
    assert "SECRET" not in str(info2.value)
    assert "REDACTED" in str(info2.value)
    transport, _ = serve([httpx.Response(200, json={"ok": True})])
    caplog.set_level(logging.DEBUG)
    with client(transport) as api:
        api.request("GET", "/system/info", params={"privateKey": "SECRET", "conditions": "a=1"})
        shown = repr(api) + caplog.text
    assert "HTTP Request" in caplog.text  # httpx's own line is there, redacted
    assert "SECRET" not in shown


def test_a_path_that_climbs_out_of_the_api_is_refused_before_sending() -> None:
    # Issue 11: Client.iter("/../../admin/secrets") sent credentials to https://host/admin/secrets.
    transport, seen = serve([])
    with client(transport) as api:
        for path in ("/../../admin/secrets", "/service/./tickets", "service/tickets/..", "/a\\..\\b"):
            with pytest.raises(cwql.QueryError, match=r"\.\.|\. or|backslash"):
                list(api.iter(path))
            with pytest.raises(cwql.QueryError):
                api.request("GET", path)
    assert seen == []


def test_a_body_nested_past_pythons_recursion_limit_is_a_response_error() -> None:
    transport, _ = serve([httpx.Response(200, content=b"[" * 100_000)])
    with client(transport) as api, pytest.raises(ResponseError, match="not JSON"):
        list(api.iter("/service/tickets"))


def test_a_link_elsewhere_sends_nothing_there() -> None:
    link = '<https://elsewhere.example/v4_6_release/apis/3.0/service/tickets?pageId=3>; rel="next"'
    transport, seen = serve([httpx.Response(200, json=[{"id": i} for i in (1, 2, 3)], headers={"Link": link}),
                             httpx.Response(200, json=[{"id": 4}])])
    with client(transport) as api:
        got = [r["id"] for r in api.iter("/service/tickets", page_size=3)]
    assert got == [1, 2, 3, 4]
    assert {request.url.host for request in seen} == {"h.invalid"}
