"""Hostile input gets a 4xx in bounded work, never a 500 that clients retry (issue 11).

The named examples come first; a property over random requests follows:
whatever arrives, the fake answers below 500 and keeps its threads bounded.
"""

from __future__ import annotations

import json
import socket
import string
import threading
import time
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwql.testing import FakePSA, Response, _results

from .conftest import examples

API = "https://h.example/v4_6_release/apis/3.0"


@pytest.fixture(scope="module")
def demo() -> FakePSA:
    return FakePSA.demo(requests_per_minute=None)


def get(psa: FakePSA, path: str, headers: dict[str, str] | None = None, **params: Any) -> Response:
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return psa.handle("GET", f"{API}{path}" + (f"?{query}" if query else ""),
                      {**psa.auth_headers(), **(headers or {})})


# ---- the examples ------------------------------------------------------------------------------


def test_an_order_by_of_1000_fields_is_refused_before_any_sorting(demo: FakePSA, monkeypatch: Any) -> None:
    calls: list[str] = []
    real = _results.getter
    monkeypatch.setattr(_results, "getter", lambda name: calls.append(name) or real(name))
    r = get(demo, "/service/tickets", orderBy=", ".join(f"f{i} desc" for i in range(1000)))
    assert r.status == 400
    assert r.json()["errors"][0]["field"] == "orderBy"
    assert calls == []


def test_an_order_by_naming_one_field_1000_times_sorts_once(demo: FakePSA, monkeypatch: Any) -> None:
    calls: list[str] = []
    real = _results.getter
    monkeypatch.setattr(_results, "getter", lambda name: calls.append(name) or real(name))
    r = get(demo, "/service/tickets", orderBy=", ".join(["summary desc", *["SUMMARY"] * 999]), pageSize=3)
    assert r.status == 200
    assert calls == ["summary"]


def test_a_non_ascii_authorization_header_gets_401_not_500(demo: FakePSA) -> None:
    for value in ("Basic ZGVtbw==é", "Basic é", "Bäsic x", "Basic \ud800"):
        r = demo.handle("GET", f"{API}/service/boards", {"Authorization": value, "clientId": "demo-client"})
        assert r.status == 401, value
    r = demo.handle("GET", f"{API}/service/boards", {**demo.auth_headers(), "clientId": "\ud800é"})
    assert r.status == 403


def test_a_deeply_nested_search_body_gets_400_not_500(demo: FakePSA) -> None:
    for body in (b"[" * 100_000, b'{"conditions":' * 50_000, b'{"a":' + b"[" * 100_000):
        r = demo.handle("POST", f"{API}/service/tickets/search", demo.auth_headers(), body)
        assert r.status == 400, body[:20]


@pytest.mark.parametrize("name", ["page", "pageSize", "pageId"])
def test_a_4300_digit_page_number_gets_400_not_500(demo: FakePSA, name: str) -> None:
    headers = {"pagination-type": "forward-only"} if name == "pageId" else {}
    for value in ("9" * 4300, "9" * 5000, str(2**31), "٣"):
        r = get(demo, "/service/tickets", headers, **{name: value})
        assert r.status == 400, (name, value[:12])
        assert r.json()["errors"][0]["field"] == name
    assert get(demo, "/service/tickets", headers, **{name: str(2**31 - 1)}).status == 200


def test_the_ticket_behind_an_arabic_indic_digit_is_not_served(demo: FakePSA) -> None:
    r = demo.handle("GET", f"{API}/service/tickets/%D9%A3", demo.auth_headers())
    assert r.status == 404
    assert "id" not in r.json()


# ---- bounded threads over real HTTP -----------------------------------------------------------


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True


def test_idle_connections_are_closed_and_their_threads_end() -> None:
    psa = FakePSA.demo()
    before = threading.active_count()
    with psa.serve(idle_timeout=0.3, max_connections=400) as base_url:
        port = int(base_url.split(":")[2].split("/")[0])
        # 300 half-open connections: connected, then silent (one sends half a request line).
        sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
        sockets[0].sendall(b"GET /v4_6_release/apis/3.0/service/boards HTTP/1.1\r\nHost: x\r\n")
        try:
            assert all(_closed_within(s, 10) for s in sockets)
            deadline = time.monotonic() + 10
            while threading.active_count() > before + 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert threading.active_count() <= before + 2
        finally:
            for s in sockets:
                s.close()


def test_past_max_connections_a_new_one_gets_503_at_once() -> None:
    psa = FakePSA.demo()
    with psa.serve(idle_timeout=30, max_connections=2) as base_url:
        port = int(base_url.split(":")[2].split("/")[0])
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
        try:
            time.sleep(0.2)  # let the server accept both
            extra = socket.create_connection(("127.0.0.1", port), timeout=5)
            answer = extra.recv(4096)
            extra.close()
            assert answer.startswith(b"HTTP/1.1 503 ")
            assert b"Retry-After: 1" in answer
        finally:
            for s in held:
                s.close()
        # With the held connections gone, requests are served again.
        deadline = time.monotonic() + 5
        while True:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(b"GET /login/companyinfo/demo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = s.recv(4096)
            if answer.startswith((b"HTTP/1.0 200", b"HTTP/1.1 200")):
                break
            assert time.monotonic() < deadline, answer[:40]
            time.sleep(0.05)


def test_serve_refuses_bounds_that_bound_nothing() -> None:
    from cwql import UsageError

    psa = FakePSA.from_records({})
    with pytest.raises(UsageError), psa.serve(idle_timeout=0):
        pass
    with pytest.raises(UsageError), psa.serve(max_connections=0):
        pass


# ---- the property ---------------------------------------------------------------------------------

_PATHS = st.sampled_from([
    "/service/tickets", "/service/tickets/count", "/service/tickets/1", "/service/tickets/search",
    "/company/contacts", "/service/boards/1/statuses", "/service/boards/x/statuses", "/nowhere",
])
_NAMES = st.sampled_from(["conditions", "childConditions", "customFieldConditions", "orderBy", "fields",
                          "page", "pageSize", "pageId", "PAGE", "other"])
_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits, min_size=1, max_size=5000),
    st.sampled_from(['id > 1', 'summary like "*a*"', 'types/name = "x"', "id desc", "(" * 500 + "id=1",
                     "a" * 200, "%ZZ", "[2024-01-01]", "\x00", "٣"]),
)


@settings(examples(300), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "HEAD"]),
    path=_PATHS,
    params=st.lists(st.tuples(_NAMES, _TEXT), max_size=4),
    header=st.one_of(st.none(), st.tuples(st.sampled_from(["Authorization", "clientId", "pagination-type"]),
                                          st.text(max_size=30))),
    body=st.one_of(st.binary(max_size=64), st.builds(lambda d: json.dumps(d).encode(),
                                                      st.recursive(st.text(max_size=5),
                                                                   lambda c: st.lists(c, max_size=3), max_leaves=8))),
)
def test_any_request_gets_an_answer_below_500(
    demo: FakePSA, method: str, path: str, params: list[tuple[str, str]], header: tuple[str, str] | None,
    body: bytes,
) -> None:
    query = "&".join(f"{quote(k)}={quote(v, safe='%')}" for k, v in params)
    headers = demo.auth_headers()
    if header is not None:
        headers[header[0]] = header[1]
    r = demo.handle(method, f"{API}{path}?{query}", headers, body)
    assert r.status < 500, (r.status, r.body[:200])
