"""The executor over real HTTP: psa.serve() on 127.0.0.1, sync and async, faults on the socket."""

from __future__ import annotations

import asyncio

import pytest

import cwql
from cwql.http import AsyncClient, Client, RetryPolicy, TransportError
from cwql.testing import FakePSA

FAST_RETRY = RetryPolicy(attempts=4, base=0.001, cap=0.005)
OPEN = "closedFlag = false"


@pytest.fixture(scope="module")
def served() -> tuple[FakePSA, str]:
    psa = FakePSA.demo()
    with psa.serve() as base_url:
        yield psa, base_url


def truth(psa: FakePSA) -> list[int]:
    match = cwql.compile_predicate(OPEN)
    return [r["id"] for r in psa.records("/service/tickets") if match(r)]


@pytest.mark.parametrize("mode", ["auto", "forward", "keyset", "link", "page"])
def test_sync_over_http(served: tuple[FakePSA, str], mode: str) -> None:
    psa, base_url = served
    with Client(base_url=base_url, retry=FAST_RETRY, requests_per_minute=100_000, **psa.credentials()) as api:
        got = [r["id"] for r in api.iter("/service/tickets", OPEN, paging=mode, page_size=500)]
        assert sorted(got) == truth(psa)
        assert len(got) == api.count("/service/tickets", OPEN)


@pytest.mark.parametrize("mode", ["auto", "link"])
def test_async_over_http(served: tuple[FakePSA, str], mode: str) -> None:
    psa, base_url = served

    async def main() -> tuple[list[int], int]:
        async with AsyncClient(base_url=base_url, retry=FAST_RETRY, requests_per_minute=100_000,
                               **psa.credentials()) as api:
            got = [r["id"] async for r in api.iter("/service/tickets", OPEN, paging=mode, page_size=500)]
            return got, await api.count("/service/tickets", OPEN)

    got, count = asyncio.run(main())
    assert sorted(got) == truth(psa)
    assert len(got) == count


def test_dropped_connections_over_http() -> None:
    psa = FakePSA.demo()
    psa.inject("drop", on=[2])
    psa.inject("502", on=[4])
    with psa.serve() as base_url, Client(base_url=base_url, retry=FAST_RETRY,
                                          requests_per_minute=100_000, **psa.credentials()) as api:
        got = [r["id"] for r in api.iter("/service/tickets", OPEN, page_size=500)]
        assert sorted(got) == truth(psa)
        assert api.stats.retries == 2


def test_nothing_listening() -> None:
    psa = FakePSA.demo()
    with psa.serve() as base_url:
        pass  # the server is gone once the block ends
    with Client(base_url=base_url, retry=FAST_RETRY, **psa.credentials()) as api, \
            pytest.raises(TransportError) as info:
        api.count("/service/tickets")
    assert info.value.attempts == FAST_RETRY.attempts
    assert "ConnectError" in info.value.message
