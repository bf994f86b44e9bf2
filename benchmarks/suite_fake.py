"""Requests per second served by the fake PSA: psa.serve() over loopback, and the bare handler."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from timing import table

from cwql.testing import FakePSA

TARGETS = {
    "list, 25 priorities": "service/priorities",
    "list, 25 tickets filtered": "service/tickets?pageSize=25&conditions="
    + quote('status/name = "new" and summary contains "printer"', safe=""),
    "list, 1000 tickets": "service/tickets?pageSize=1000",
    "count, filtered": "service/tickets/count?conditions=" + quote("closedFlag = false", safe=""),
}


def _rate(n: int, fn: Callable[[], None]) -> float:
    fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def run(quick: bool) -> None:
    n = 50 if quick else 500
    psa = FakePSA.demo(requests_per_minute=None)
    headers = psa.auth_headers()
    rows: list[tuple[str, str]] = []
    with psa.serve() as base_url:
        parts = urlsplit(base_url)
        host, port, base = parts.hostname or "", parts.port, parts.path
        conn = http.client.HTTPConnection(host, port, timeout=30)

        def over_http(target: str) -> Callable[[], None]:
            def one() -> None:
                conn.request("GET", base + target, headers=headers)
                response = conn.getresponse()
                response.read()
                assert response.status == 200, response.status
            return one

        for label, target in TARGETS.items():
            count = max(5, n // 10) if "1000" in label else n
            http_rate = _rate(count, over_http(target))
            url = "http://" + parts.netloc + base + target
            bare_rate = _rate(count, lambda url=url: psa.handle("GET", url, headers) and None)  # type: ignore[misc]
            rows.append((label, f"{http_rate:8.0f} req/s over HTTP (keep-alive)   {bare_rate:8.0f} req/s bare handler"))
        conn.close()

        def client(results: list[int], stop: float) -> None:
            c = http.client.HTTPConnection(host, port, timeout=30)
            done = 0
            while time.perf_counter() < stop:
                c.request("GET", base + TARGETS["list, 25 priorities"], headers=headers)
                c.getresponse().read()
                done += 1
            c.close()
            results.append(done)

        seconds = 0.5 if quick else 2.0
        results: list[int] = []
        stop = time.perf_counter() + seconds
        threads = [threading.Thread(target=client, args=(results, stop)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rows.append(("4 concurrent clients, priorities", f"{sum(results) / seconds:8.0f} req/s in total"))
    table(rows)
