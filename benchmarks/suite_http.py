"""The executor: paging at the server's rate without a 429, and streaming in flat memory."""

from __future__ import annotations

import time

from timing import table

from cwql.testing import FakePSA


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(quick: bool) -> None:
    rows = []
    # 1. 600 requests/minute on both sides, real time, in-process transport.
    pages = 30 if quick else 300
    limit = 600
    psa = FakePSA.from_records(
        {"/service/tickets": [{"id": i, "summary": f"t{i}"} for i in range(1, pages * 10 + 1)]},
        requests_per_minute=limit,
    )
    with psa.client(requests_per_minute=limit) as api:
        started = time.monotonic()
        fetched = sum(1 for _ in api.pages("/service/tickets", page_size=10))
        elapsed = time.monotonic() - started
        throttled = sum(1 for r in psa.requests if r.status == 429)
    rate = fetched / elapsed * 60
    # n evenly spaced requests span (n - 1) intervals: the rate over them is the limit.
    rate_spaced = (fetched - 1) / elapsed * 60 if fetched > 1 else 0.0
    rows += [
        (f"{fetched} pages at {limit}/min", f"{elapsed:7.2f} s, {throttled} answers 429"),
        ("  requests per minute reached", f"{rate:7.1f} ({rate / limit:.1%} of the limit; "
                                          f"{rate_spaced / limit:.1%} over the spaced intervals)"),
    ]
    # 2. Streaming: memory stays flat however many records go by.
    total = 20_000 if quick else 200_000
    psa = FakePSA.from_records(
        {"/service/tickets": [{"id": i, "summary": f"ticket {i}", "closedFlag": i % 3 == 0}
                              for i in range(1, total + 1)]},
        requests_per_minute=None,
    )
    with psa.client(requests_per_minute=1e9) as api:
        started = time.monotonic()
        seen = 0
        first_rss = last_rss = 0.0
        for _ in api.iter("/service/tickets"):
            seen += 1
            if seen == total // 10:
                first_rss = _rss_mb()
        last_rss = _rss_mb()
        elapsed = time.monotonic() - started
    rows += [
        (f"stream {seen:,} records", f"{elapsed:7.2f} s ({seen / elapsed:,.0f} records/s, in-process fake)"),
        ("  RSS after 10% / at the end", f"{first_rss:.1f} MB / {last_rss:.1f} MB "
                                         f"(growth {last_rss - first_rss:+.1f} MB over {seen - total // 10:,} records)"),
    ]
    table(rows)
