"""Paging loses nothing and repeats nothing: every mode, under inserts, removals and faults.

The promise (docs/executor.md): a walk yields no record twice, and yields
every record that matched the query for the whole walk, whatever else is
added or removed meanwhile and however many requests must be retried. The
properties here run through the fake PSA in-process; ``fuzz/run.py`` runs
them longer. Splitting a long ``in`` list is held to the same standard:
the chunks together match exactly what the whole list matches, by the
evaluator's equality.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
from cwql import F, Query
from cwql.http import Client, RetryPolicy
from cwql.http._split import split_query
from cwql.testing import FakePSA

from .conftest import examples

PATH = "/service/tickets"
FAST = RetryPolicy(attempts=8, base=0.0002, cap=0.001, max_retry_after=0.001, total_seconds=60)
SUMMARIES = ["a", "A", "b", "b ", "c", "d"]
QUERIES = {
    "unordered": Query(),
    "id desc": Query(order_by="id desc"),
    "summary": Query(order_by="summary"),
    "summary desc, priority": Query(order_by="summary desc, priority"),
    "filtered": Query("priority < 4"),
    "filtered, ordered": Query("priority < 4", order_by="priority desc"),
}
ID_WALKS = ("auto", "forward", "keyset")
# Every mode, "search" (POST .../search, paged as "auto" is) and "split": a long id
# list, chunked and merged.
MODES = ("auto", "forward", "keyset", "link", "page", "search", "split")
FAULTS = ("500", "502", "409", "cdn-429", "drop")


def fake(count: int, seed: int) -> FakePSA:
    rows = [{"id": i, "summary": SUMMARIES[(i * 7 + seed) % len(SUMMARIES)], "priority": (i * 5 + seed) % 6}
            for i in range(1, count + 1)]
    return FakePSA.from_records({PATH: rows}, requests_per_minute=None)


def walk_client(psa: FakePSA, **options: Any) -> Client:
    return psa.client(retry=FAST, requests_per_minute=10**9, schema_check=False, **options)


def matching(psa: FakePSA, query: Query) -> set[int]:
    test = cwql.compile_predicate(query.conditions) if query.conditions is not cwql.EMPTY else None
    return {r["id"] for r in psa.records(PATH) if test is None or test(r)}


def run_walk(psa: FakePSA, mode: str, query: Query, page_size: int) -> list[int]:
    if mode == "split":
        long_list = Query(F.id.in_(range(1, 400)), order_by=None).where(*(
            [query.conditions] if query.conditions is not cwql.EMPTY else []))
        with walk_client(psa, max_url_length=700) as api:
            return [r["id"] for r in api.iter(PATH, long_list, page_size=page_size)]
    with walk_client(psa) as api:
        if mode == "search":
            return [r["id"] for r in api.search(PATH, query, page_size=page_size)]
        return [r["id"] for r in api.iter(PATH, query, paging=mode, page_size=page_size)]


events = st.lists(
    st.tuples(st.integers(1, 40), st.sampled_from(("insert", "insert", "remove", "remove", *FAULTS)),
              st.integers(0, 10**6)),
    max_size=14,
)


def churn(psa: FakePSA, plan: list[tuple[int, str, int]]) -> tuple[set[int], set[int]]:
    """Schedule ``plan`` on ``psa``; the sets of ids it will remove and add (filled as it runs)."""
    removed: set[int] = set()
    added: set[int] = set()
    changes: dict[int, list[tuple[str, int]]] = {}
    for at, action, pick in plan:
        if action in FAULTS:
            psa.inject(action, on=[at])
        else:
            changes.setdefault(at, []).append((action, pick))

    def hook(number: int, method: str, path: str) -> None:
        for action, pick in changes.get(number, ()):
            if action == "insert":
                row = {"summary": SUMMARIES[pick % len(SUMMARIES)], "priority": pick % 6}
                added.add(psa.add(PATH, row)["id"])
            else:
                present = [r["id"] for r in psa.records(PATH)]
                if present:
                    ident = present[pick % len(present)]
                    psa.remove(PATH, ident)
                    removed.add(ident)

    psa.on_request(hook)
    return removed, added


def check_walk(got: list[int], before: set[int], removed: set[int], added: set[int]) -> None:
    assert len(got) == len(set(got)), "a record was yielded twice"
    lost = (before - removed) - set(got)
    assert not lost, f"records that matched throughout were lost: {sorted(lost)}"
    assert set(got) <= before | added


@pytest.mark.parametrize("mode", MODES)
@examples(20)
@given(count=st.integers(0, 45), seed=st.integers(0, 5), query=st.sampled_from(sorted(QUERIES)),
       page_size=st.integers(1, 9), plan=events)
def test_paging_under_change_and_faults_loses_and_repeats_nothing(
    mode: str, count: int, seed: int, query: str, page_size: int, plan: list[tuple[int, str, int]],
) -> None:
    q = QUERIES[query]
    if q.ordering is not None and mode in ("forward", "keyset", "split"):
        q = q.order_by()  # id walks and split chunks walk in id order
    psa = fake(count, seed)
    before = matching(psa, q)
    removed, added = churn(psa, plan)
    got = run_walk(psa, mode, q, page_size)
    check_walk(got, before, removed, added)


@pytest.mark.parametrize("mode", MODES)
@examples(10)
@given(count=st.integers(0, 60), seed=st.integers(0, 5), query=st.sampled_from(sorted(QUERIES)),
       page_size=st.integers(1, 12))
def test_paging_a_still_server_returns_exactly_the_matches_in_order(
    mode: str, count: int, seed: int, query: str, page_size: int,
) -> None:
    q = QUERIES[query]
    if q.ordering is not None and mode in ("forward", "keyset", "split"):
        q = q.order_by()
    psa = fake(count, seed)
    got = run_walk(psa, mode, q, page_size)
    with walk_client(psa) as api:  # the server's own order (ties by id), in one page
        whole = [r["id"] for r in api.iter(PATH, q, paging="page", page_size=1000)]
    assert len(psa.requests) >= 1
    assert got == (whole if q.ordering is not None else sorted(whole))


@examples(5)
@given(count=st.integers(0, 40), page_size=st.integers(1, 7), plan=events,
       mode=st.sampled_from(("forward", "keyset", "link", "page")))
def test_the_async_client_pages_as_safely(count: int, page_size: int, plan: list[tuple[int, str, int]],
                                          mode: str) -> None:
    psa = fake(count, 0)
    q = Query(order_by="summary") if mode in ("link", "page") else Query()
    before = matching(psa, q)
    removed, added = churn(psa, plan)

    async def walk() -> list[int]:
        async with psa.async_client(retry=FAST, requests_per_minute=10**9, schema_check=False) as api:
            return [r["id"] async for r in api.iter(PATH, q, paging=mode, page_size=page_size)]

    check_walk(asyncio.run(walk()), before, removed, added)


# ---- the examples, by name -------------------------------------------------------------


def twenty_tickets() -> FakePSA:
    return FakePSA.from_records({PATH: [{"id": i, "summary": f"t{i}"} for i in range(1, 21)]},
                                requests_per_minute=None)


@pytest.mark.parametrize("mode", ["auto", "link", "page"])
def test_inserts_at_the_front_of_an_id_desc_walk_lose_nothing(mode: str) -> None:
    # Issue 11: Query(order_by="id desc"), 20 tickets, page size 5, five tickets
    # added after the second request: link paging returned 5 and lost 15.
    psa = twenty_tickets()
    psa.on_request(lambda n, m, p: [psa.add(PATH, {"summary": "new"}) for _ in range(5)] if n == 2 else None)
    with walk_client(psa) as api:
        got = [r["id"] for r in api.iter(PATH, Query(order_by="id desc"), paging=mode, page_size=5)]
    assert set(range(1, 21)) <= set(got)
    assert len(got) == len(set(got))


@pytest.mark.parametrize("mode", ["auto", "link", "page"])
def test_a_removal_ahead_of_an_offset_walk_shifts_nothing_past_it(mode: str) -> None:
    psa = twenty_tickets()
    psa.on_request(lambda n, m, p: psa.remove(PATH, 1) if n == 2 else None)
    with walk_client(psa) as api:
        got = [r["id"] for r in api.iter(PATH, Query(order_by="id"), paging=mode, page_size=5)]
    assert set(range(2, 21)) <= set(got)  # id 6 used to be skipped: it moved to page 1
    assert len(got) == len(set(got))


def test_offset_windows_overlap_the_last_record_read() -> None:
    psa = twenty_tickets()
    with walk_client(psa) as api:
        list(api.iter(PATH, Query(order_by="id"), paging="page", page_size=5))
    windows = [(int(r.query["page"]), int(r.query["pageSize"])) for r in psa.requests]
    assert windows[0] == (1, 5)  # the first request is the caller's page
    for (page, size), (next_page, next_size) in itertools.pairwise(windows):
        end = page * size
        assert (next_page - 1) * next_size <= end - 1 < next_page * next_size  # holds the last read
    assert all(r.query["orderBy"] == "id" for r in psa.requests)


def test_ties_are_broken_by_id_so_pages_keep_one_order() -> None:
    psa = twenty_tickets()
    with walk_client(psa) as api:
        list(api.iter(PATH, Query(order_by="summary desc"), paging="link", page_size=5))
    assert {r.query["orderBy"] for r in psa.requests} == {"summary desc,id"}


# ---- splitting never changes a result set ----------------------------------------------------

_texts = st.sampled_from(["abc", "ABC", "abc ", " abc", "straße", "STRASSE", "strasse", "İ", "i̇", "ı", "I",
                          "K", "k", "ſ", "s", "1", "01", "1.0", "2024-01-01", "2024-01-01T00:00:00Z",
                          "true", ""])
_record_values = st.one_of(_texts, st.integers(-2, 3), st.sampled_from([1.0, 0.5]), st.booleans(), st.none(),
                           st.sampled_from(["2024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00"]))
_list_values = st.one_of(
    _texts, st.integers(-2, 3), st.sampled_from([1.0, 0.5]), st.booleans(),
    st.sampled_from([dt.date(2024, 1, 1), dt.datetime(2024, 1, 1, tzinfo=dt.UTC)]),
)


@examples(300)
@given(values=st.lists(_list_values, min_size=2, max_size=30),
       records=st.lists(_record_values, max_size=25), limit=st.integers(30, 120),
       top_level=st.booleans())
def test_splitting_never_changes_a_result_set(values: list[Any], records: list[Any], limit: int,
                                              top_level: bool) -> None:
    condition = F.v.in_(values) if top_level else F.v.in_(values) | (F.w == 1)
    query = Query(condition)
    split = split_query(query, lambda q: len(str(q.conditions)) <= limit)
    if split is None:
        return  # even one value is too long: nothing to compare
    rows = [{"id": i, "v": v} for i, v in enumerate(records)]
    whole = {r["id"] for r in rows if cwql.evaluate(query.conditions, r)}  # type: ignore[arg-type]
    parts = [{r["id"] for r in rows if cwql.evaluate(q.conditions, r)} for q in split.queries]  # type: ignore[arg-type]
    assert set().union(*parts) == whole
    if split.counts_add_up:
        assert sum(len(p) for p in parts) == len(whole)


def test_split_in_list_keeps_what_lower_keeps_apart() -> None:
    # Issue 11: in_(["abc", "abc ", "straße", "strasse", ...400 more]) returned 2
    # records split (casefold and rstrip merged the pairs) and 4 unsplit.
    rows = [{"id": i + 1, "summary": s} for i, s in enumerate(["abc", "abc ", "straße", "strasse"])]
    psa = FakePSA.from_records({PATH: rows}, requests_per_minute=None)
    values = ["abc", "abc ", "straße", "strasse", *(f"other value {i}" for i in range(400))]
    query = Query(F.summary.in_(values))
    unsplit = [r["id"] for r in rows if cwql.evaluate(query.conditions, r)]  # type: ignore[arg-type]
    with walk_client(psa) as api:
        assert query.url_length(api.base_url, PATH) > api.max_url_length
        got = [r["id"] for r in api.iter(PATH, query)]
        assert api.count(PATH, query) == len(unsplit)
    assert got == unsplit
    assert sum(1 for r in psa.requests if r.path.endswith("/tickets")) > 1  # it was split


# ---- the URL length model --------------------------------------------------------------------


@examples(100)
@given(ids=st.lists(st.integers(0, 2**63 - 1), min_size=1, max_size=5),
       mode=st.sampled_from(("forward", "keyset", "link", "page")), ordered=st.booleans(),
       size=st.integers(1, 1000), page=st.integers(1, 10**10 - 1))
def test_every_request_of_a_walk_fits_the_length_the_model_budgets(
    ids: list[int], mode: str, ordered: bool, size: int, page: int,
) -> None:
    base = "https://h.example/v4_6_release/apis/3.0/"
    query = Query((F.a == 1) | (F.b.contains("x y")), page_size=size,
                  order_by="summary" if ordered and mode in ("link", "page") else None)
    budget = query.url_length(base, PATH, paging=mode)
    forms = [query.walk_request(mode, page=page, page_size=size)]
    if mode in ("forward", "keyset"):
        forms += [query.walk_request(mode, page_size=size, after=i) for i in ids]
    assert max(len(f.url(base, PATH)) for f in forms) <= budget


def test_the_keyset_condition_is_budgeted_before_the_walk() -> None:
    # A query whose own URL fits, but whose keyset form ('(...) and id>N') would not.
    psa = twenty_tickets()
    condition = cwql.any_of(*(F.summary == f"t{i}" for i in range(1, 21)))
    query = Query(condition)
    with walk_client(psa) as api:
        plain = query.url_length(api.base_url, PATH)
        widest = query.url_length(api.base_url, PATH, paging="keyset")
        assert widest > plain
    with walk_client(psa, max_url_length=plain + 5) as api:  # POST .../search takes over
        got = [r["id"] for r in api.iter(PATH, query, paging="keyset", page_size=3)]
    assert got == list(range(1, 21))
    assert all(r.method == "POST" for r in psa.requests)
