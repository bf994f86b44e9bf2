"""Schema load time, and what validating a typical user filter costs."""

from __future__ import annotations

from timing import best_of, table

import cwql
from cwql.schema import _loader as loader

FILTERS = [
    'status/name = "Open" and summary contains "printer"',
    'priority/name in ("High", "Critical") and dateEntered > [2024-01-01T00:00:00Z]',
    'board/name = "Service Desk" and (status/name = "New" or status/name = "Assigned") and closedFlag = false',
    'summary like "VPN*" and owner/identifier = "jsmith" and lastUpdated >= [2024-06-01]',
]


def run(quick: bool) -> None:
    repeat = 3 if quick else 7
    number = 50 if quick else 500

    def cold_load() -> None:
        loader._bundled.cache_clear()
        loader.load()

    load_ms = best_of(cold_load, repeat=repeat) * 1e3
    policy = cwql.Policy(denied_fields=["contact/*"], max_predicates=20)
    n = len(FILTERS)
    parse_only = best_of(lambda: [cwql.parse(f) for f in FILTERS], repeat=repeat, number=number) / n
    plain = best_of(lambda: [cwql.validate(f, policy=policy) for f in FILTERS], repeat=repeat,
                    number=number) / n
    schema = best_of(
        lambda: [cwql.validate(f, endpoint="/service/tickets", policy=policy) for f in FILTERS],
        repeat=repeat, number=number,
    ) / n
    table([
        ("bundled schema, load (parse JSON, index endpoints)", f"{load_ms:8.2f} ms"),
        ("typical filter: parse only", f"{parse_only * 1e6:8.1f} us"),
        ("typical filter: validate with a policy", f"{plain * 1e6:8.1f} us"),
        ("typical filter: validate with policy and schema", f"{schema * 1e6:8.1f} us"),
    ])
