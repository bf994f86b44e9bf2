"""The executor: paging at the server's rate without a 429, streaming in flat memory,
what the overlapping offset windows cost in requests, and error pages read in bounded time."""

from __future__ import annotations

import math
import time

from timing import best_of, table

from cwql import Query
from cwql.http._errors import error_for
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
    # 3. The offset walks (link, page) overlap each window with what was read:
    #    requests sent against the ceil(n / size) a plain page=1, 2, ... would send.
    count = 5_000 if quick else 20_000
    psa = FakePSA.from_records(
        {"/service/tickets": [{"id": i, "summary": f"s{i % 97}"} for i in range(1, count + 1)]},
        requests_per_minute=None,
    )
    for size in (1000, 100, 25, 5):
        if quick and size < 25:
            continue
        with psa.client(requests_per_minute=1e9) as api:
            psa.clear_log()
            got = sum(1 for _ in api.iter("/service/tickets", Query(order_by="summary"), paging="link",
                                          page_size=size))
            sent = len(psa.requests)
        plain = math.ceil(count / size)  # plain link paging ends at the page without rel="next"
        rows.append((f"link walk of {got:,}, page size {size}",
                     f"{sent:,} requests vs {plain:,} plain ({sent / plain:.2f}x)"))
    # 4. An HTML error page is read from its first 64 KB only: 10x the body, the same time.
    small, large = ("<title" * 11_000).encode(), ("<title" * 110_000).encode()
    t_small = best_of(lambda: error_for(502, small, "text/html"), repeat=3 if quick else 7)
    t_large = best_of(lambda: error_for(502, large, "text/html"), repeat=3 if quick else 7)
    rows.append(("error_for('<title' * n), 64 KB / 640 KB",
                 f"{t_small * 1e3:.2f} ms / {t_large * 1e3:.2f} ms ({t_large / t_small:.1f}x for 10x the body)"))
    table(rows)
