"""The fake mounted three ways: httpx transport (sync and async), psa.serve(), and `cwql serve`.

The `cwql serve` tests use a plain urllib client and no cwql code on the client side.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import http.client
import json
import select
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest

from cwql.testing import FakePSA


def next_link(headers: Any) -> str | None:
    for part in (headers.get("Link") or "").split(", "):
        if part.endswith('; rel="next"'):
            return part.split(">;")[0].lstrip("<")
    return None


# ---- httpx transport ----------------------------------------------------------------------


def client(psa: FakePSA, **options: Any) -> httpx.Client:
    return httpx.Client(
        transport=psa.transport(), base_url="https://api-na.myconnectwise.net" + psa.base_path + "/",
        headers=psa.auth_headers(), **options,
    )


def test_transport_serves_an_httpx_client() -> None:
    psa = FakePSA.demo()
    with client(psa) as c:
        r = c.get("service/tickets", params={"conditions": 'summary contains "printer"', "pageSize": 50})
        assert r.status_code == 200
        ids = [t["id"] for t in r.json()]
        while (url := next_link(r.headers)) is not None:
            r = c.get(url)
            ids += [t["id"] for t in r.json()]
        count = c.get("service/tickets/count", params={"conditions": 'summary contains "printer"'}).json()
        assert len(ids) == len(set(ids)) == count["count"]
    assert psa.requests[0].query["conditions"] == 'summary contains "printer"'


def test_transport_serves_an_async_client() -> None:
    psa = FakePSA.demo()

    async def main() -> list[int]:
        async with httpx.AsyncClient(
            transport=psa.transport(), base_url="https://example.test" + psa.base_path + "/",
            headers=psa.auth_headers(),
        ) as c:
            pages = await asyncio.gather(*(c.get("service/priorities", params={"pageSize": 1, "page": n})
                                           for n in range(1, 6)))
            return [p.json()[0]["id"] for p in pages]

    assert asyncio.run(main()) == [1, 2, 3, 4, 5]


def test_transport_drops_and_times_out_like_a_network(monkeypatch: pytest.MonkeyPatch) -> None:
    from cwql.testing import _transport

    waits: list[float] = []  # what the transport sleeps, recorded rather than timed
    monkeypatch.setattr(_transport, "time", SimpleNamespace(sleep=waits.append))
    psa = FakePSA.demo()
    psa.inject("drop", on=[1])
    psa.inject("slow", on=[2], delay=5.0)
    psa.inject("slow", on=[3], delay=0.01)
    with client(psa, timeout=httpx.Timeout(5.0, read=0.05)) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("service/boards")
        with pytest.raises(httpx.ReadTimeout):
            c.get("service/boards")
        assert waits == [0.05]  # the read timeout, not the 5 s answer
        assert c.get("service/boards").status_code == 200
    assert waits == [0.05, 0.01]


def test_async_transport_drops_and_waits() -> None:
    psa = FakePSA.demo()
    psa.inject("drop", on=[1])
    psa.inject("slow", on=[2], delay=0.05)

    async def main() -> int:
        async with httpx.AsyncClient(transport=psa.transport(), headers=psa.auth_headers()) as c:
            with pytest.raises(httpx.RemoteProtocolError):
                await c.get("http://x" + psa.base_path + "/service/boards")
            return (await c.get("http://x" + psa.base_path + "/service/boards")).status_code

    assert asyncio.run(main()) == 200


def test_the_fixture_is_registered(fake_psa: FakePSA) -> None:
    assert fake_psa.base_path == "/v4_6_release/apis/3.0"
    assert len(fake_psa.records("/service/tickets")) == 3000


# ---- psa.serve() ------------------------------------------------------------------------------


def urlopen(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_serve_runs_a_real_server_and_stops_it() -> None:
    psa = FakePSA.demo()
    with psa.serve() as base_url:
        parts = urlsplit(base_url)
        assert parts.hostname == "127.0.0.1"
        assert parts.path == "/v4_6_release/apis/3.0/"
        status, headers, body = urlopen(base_url + "service/priorities?pageSize=2", psa.auth_headers())
        assert status == 200
        assert len(json.loads(body)) == 2
        assert next_link(headers) == base_url + "service/priorities?pageSize=2&page=2"
        port = parts.port
    assert port is not None
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_serve_drops_the_connection() -> None:
    psa = FakePSA.demo()
    psa.inject("drop", on=[1])
    with psa.serve() as base_url:
        with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError)):
            urllib.request.urlopen(urllib.request.Request(base_url + "service/boards", headers=psa.auth_headers()),
                                   timeout=10)
        assert urlopen(base_url + "service/boards", psa.auth_headers())[0] == 200


def test_serve_stops_while_a_keep_alive_connection_is_open() -> None:
    # The stop shuts open connections down instead of waiting for them to idle
    # out. Not a timed bound: the guard only tells "returned" from "waits for an
    # idle timeout" ten times longer than it.
    psa = FakePSA.demo()
    stack = contextlib.ExitStack()
    base_url = stack.enter_context(psa.serve(idle_timeout=1200))
    parts = urlsplit(base_url)
    assert parts.hostname is not None
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", parts.path + "service/boards", headers=psa.auth_headers())
    assert conn.getresponse().read()
    stopping = threading.Thread(target=stack.close, daemon=True)
    stopping.start()
    stopping.join(timeout=120)
    assert not stopping.is_alive(), "serve() waited for the keep-alive connection to idle out"
    assert conn.sock is not None
    assert conn.sock.recv(1) == b""  # the server closed it
    conn.close()


# ---- cwql serve --demo, with a plain urllib client ---------------------------------------------------


class Served:
    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cwql", "serve", "--demo", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        # Wait for output once: after the first readline the rest sits in
        # Python's buffer, where select() cannot see it.
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        assert ready, "cwql serve printed nothing"
        lines = [self._line() for _ in range(5)]
        self.base_url = lines[0]
        info = dict(line.split(":", 1) for line in lines[1:])
        info = {k.strip(): v.strip() for k, v in info.items()}
        token = base64.b64encode(
            f"{info['company id']}+{info['public key']}:{info['private key']}".encode()
        ).decode()
        self.headers = {"Authorization": f"Basic {token}", "clientId": info["client id"]}

    def _line(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read() if self.process.stderr else "no output"
        return line.rstrip("\n")

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> tuple[int, Any, Any]:
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
        url = path if path.startswith("http") else self.base_url + path + (f"?{query}" if query else "")
        status, response_headers, body = urlopen(url, {**self.headers, **(headers or {})})
        return status, response_headers, json.loads(body)

    def stop(self) -> int:
        self.process.terminate()
        code = self.process.wait(timeout=20)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        return code


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = Served("--requests-per-minute", "0")
    yield server
    assert server.stop() == 0


def test_cli_prints_the_base_url_then_the_credentials(served: Served) -> None:
    parts = urlsplit(served.base_url)
    assert (parts.scheme, parts.hostname, parts.path) == ("http", "127.0.0.1", "/v4_6_release/apis/3.0/")
    assert served.headers["clientId"] == "demo-client"
    assert served.headers["Authorization"] == "Basic " + base64.b64encode(b"demo+demo-public:demo-private").decode()


def test_cli_filtering(served: Served) -> None:
    status, _, tickets = served.get(
        "service/tickets", conditions='status/name = "new" and company/name contains "&"', pageSize=1000,
    )
    assert status == 200
    assert tickets
    assert all(t["status"]["name"] == "New" and "&" in t["company"]["name"] for t in tickets)


def test_cli_paging_to_the_end_with_link_matches_count(served: Served) -> None:
    condition = "closedFlag = false and budgetHours >= 2"
    status, headers, page = served.get("service/tickets", conditions=condition, pageSize=100)
    ids = [t["id"] for t in page]
    pages = 1
    while (url := next_link(headers)) is not None:
        status, headers, page = served.get(url)
        assert status == 200
        ids += [t["id"] for t in page]
        pages += 1
    _, _, count = served.get("service/tickets/count", conditions=condition)
    assert pages > 2
    assert len(ids) == len(set(ids)) == count["count"]


def test_cli_forward_only_to_the_end(served: Served) -> None:
    forward = {"pagination-type": "forward-only"}
    _, headers, page = served.get("service/tickets", forward, pageSize=1000)
    ids = [t["id"] for t in page]
    while (url := next_link(headers)) is not None:
        assert "pageId=" in url
        _, headers, page = served.get(url, forward)
        ids += [t["id"] for t in page]
    _, _, count = served.get("service/tickets/count")
    assert ids == sorted(set(ids))
    assert len(ids) == count["count"] == 3000


def test_cli_bad_condition_gets_400(served: Served) -> None:
    status, _, body = served.get("service/tickets", conditions="summary = printer")
    assert status == 400
    assert body["code"] == "InvalidObject"
    assert body["errors"][0]["field"] == "conditions"


def test_cli_no_credentials_gets_401(served: Served) -> None:
    status, _, body = urlopen(served.base_url + "service/tickets")
    assert status == 401
    assert json.loads(body)["code"] == "Unauthorized"


def test_cli_past_the_rate_limit_gets_429() -> None:
    server = Served("--requests-per-minute", "5")
    try:
        statuses = [server.get("service/boards")[0] for _ in range(5)]
        status, headers, body = server.get("service/boards")
    finally:
        assert server.stop() == 0
    assert statuses == [200] * 5
    assert status == 429
    assert int(headers["Retry-After"]) >= 1
    assert headers["X-RateLimit-Remaining"] == "0"
    assert "message" in body


def test_cli_refuses_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run([sys.executable, "-m", "cwql", "serve", "--demo", "--port", str(port)],
                           capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "cannot listen" in r.stderr
    assert "Traceback" not in r.stderr


# ---- the real server's rules over real HTTP (issue 14's "must show") ----------------------------


def test_cli_unknown_field_and_array_path_get_400_api_find_condition(served: Served) -> None:
    for path, condition, name in (("company/companies", 'typeids="1"', "typeids"),
                                  ("company/contacts", 'types/name="Primary"', "types/name")):
        status, _, body = served.get(path, conditions=condition)
        assert (status, body) == (400, {"code": "ApiFindCondition", "message": f"{name} is not a recognized name."})


def test_cli_link_next_urls_end_with_page_size_then_page(served: Served) -> None:
    _, headers, _ = served.get("service/tickets", conditions="closedFlag = false", pageSize=50)
    url = next_link(headers)
    assert url is not None
    assert url.endswith("&pageSize=50&page=2")
    _, headers, _ = served.get(url)
    assert (next_link(headers) or "").endswith("&pageSize=50&page=3")


def test_cli_companyinfo_answers_without_auth_and_both_codebases_answer(served: Served) -> None:
    root = served.base_url.split("/v4_6_release/")[0]
    status, _, body = urlopen(root + "/login/companyinfo/demo")
    info = json.loads(body)
    assert (status, info["Codebase"], info["CompanyID"]) == (200, "v2025_1/", "demo")
    assert urlopen(root + "/login/companyinfo/nobody")[2] == b"null"
    for base in (served.base_url, f"{root}/{info['Codebase']}apis/3.0/"):
        status, _, boards = served.get(base + "service/boards")
        assert (status, len(boards)) == (200, 6), base


def test_cli_codebase_and_schema_options() -> None:
    server = Served("--codebase", "v2024_2", "--schema", "none")
    try:
        root = server.base_url.split("/v4_6_release/")[0]
        info = json.loads(urlopen(root + "/login/companyinfo/demo")[2])
        status, _, found = server.get(f"{root}/v2024_2/apis/3.0/company/contacts?conditions=types%2Fname%3D%22x%22")
    finally:
        assert server.stop() == 0
    assert info["Codebase"] == "v2024_2/"
    assert (status, found) == (200, [])
