"""FakePSA through its framework-free handler: every behaviour, no sockets."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

import cwql
from cwql.testing import QUIRKS, FakePSA, Fault, Response

API = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def demo() -> FakePSA:
    return FakePSA.demo(requests_per_minute=None)


def get(psa: FakePSA, path: str, headers: dict[str, str] | None = None, **params: Any) -> Response:
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    url = f"{API}{path}" + (f"?{query}" if query else "")
    return psa.handle("GET", url, {**psa.auth_headers(), **(headers or {})})


def links(response: Response) -> dict[str, str]:
    header = response.header("Link")
    if header is None:
        return {}
    found = {}
    for part in header.split(", "):
        url, rel = part.split("; ")
        assert url[0] + url[-1] == "<>", part
        assert rel[:5] + rel[-1] == 'rel=""', part
        found[rel[5:-1]] = url[1:-1]
    return found


def follow(psa: FakePSA, url: str, headers: dict[str, str] | None = None) -> Response:
    return psa.handle("GET", url, {**psa.auth_headers(), **(headers or {})})


# ---- data ----------------------------------------------------------------------------------


def test_demo_is_deterministic_and_large() -> None:
    a, b = FakePSA.demo(seed=3), FakePSA.demo(seed=3)
    assert a.records("/service/tickets") == b.records("/service/tickets")
    assert a.records("/service/tickets") != FakePSA.demo(seed=4).records("/service/tickets")
    total = sum(len(a.records(c)) for c in a.collections())
    assert total > 5000
    for path in ("/service/tickets", "/company/companies", "/company/contacts", "/time/entries",
                 "/project/projects", "/service/boards", "/service/boards/1/statuses",
                 "/service/priorities", "/system/members", "/project/tickets"):
        assert a.records(path), path


def test_demo_values_exercise_encoding(demo: FakePSA) -> None:
    text = json.dumps(demo.records("/service/tickets") + demo.records("/company/companies"), ensure_ascii=False)
    for needle in ("'", '\\"', "&", "+", "%", "#", "ü", "東京", "null"):
        assert needle in text, needle
    tickets = demo.records("/service/tickets")
    assert all("customFields" in t for t in tickets)
    assert any("owner" not in t for t in tickets)  # fields may be absent, as the API omits nulls
    contacts = demo.records("/company/contacts")
    assert all(c["communicationItems"] for c in contacts)


def test_from_records_and_from_json(tmp_path: Any) -> None:
    records = {"/service/tickets": [{"id": 7, "summary": "a"}, {"summary": "b"}]}
    psa = FakePSA.from_records(records)
    assert [r["id"] for r in psa.records("service/tickets")] == [7, 8]
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records))
    assert FakePSA.from_json(path).records("/service/tickets") == psa.records("/service/tickets")
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="collection paths"):
        FakePSA.from_json(path)
    with pytest.raises(ValueError, match="JSON"):
        FakePSA.from_records({"/x": [{"id": 1, "when": object()}]})
    with pytest.raises(ValueError, match="already has"):
        FakePSA.from_records({"/x": [{"id": 1}, {"id": 1}]})
    with pytest.raises(ValueError, match="quirks"):
        FakePSA(quirks={"nope"})


def test_records_are_copied_in_and_out() -> None:
    source = {"id": 1, "tags": ["a"]}
    psa = FakePSA.from_records({"/x": [source]})
    source["tags"].append("b")
    psa.records("/x")[0]["tags"].append("c")
    assert psa.records("/x")[0]["tags"] == ["a"]


# ---- auth ----------------------------------------------------------------------------------


def test_requests_need_basic_credentials(demo: FakePSA) -> None:
    r = demo.handle("GET", f"{API}/service/tickets")
    assert r.status == 401
    assert set(r.json()) >= {"code", "message"}
    wrong = base64.b64encode(b"demo+demo-public:wrong").decode()
    r = demo.handle("GET", f"{API}/service/tickets", {"Authorization": f"Basic {wrong}", "clientId": "demo-client"})
    assert r.status == 401
    r = demo.handle("GET", f"{API}/service/tickets", {"Authorization": "Bearer abc", "clientId": "demo-client"})
    assert r.status == 401


def test_requests_need_the_client_id(demo: FakePSA) -> None:
    auth = demo.auth_headers()["Authorization"]
    r = demo.handle("GET", f"{API}/service/tickets", {"Authorization": auth})
    assert (r.status, r.json()["code"]) == (403, "Forbidden")
    r = demo.handle("GET", f"{API}/service/tickets", {"Authorization": auth, "clientId": "other"})
    assert r.status == 403


def test_credentials_are_configurable() -> None:
    psa = FakePSA({"/service/tickets": []}, company_id="acme", public_key="pk", private_key="sk",
                  client_id="cid", codebase="v2024_2")
    token = base64.b64encode(b"acme+pk:sk").decode()
    assert psa.auth_headers() == {"Authorization": f"Basic {token}", "clientId": "cid"}
    assert (psa.base_path, psa.versioned_path) == ("/v4_6_release/apis/3.0", "/v2024_2/apis/3.0")
    for codebase in ("v4_6_release", "v2024_2", "V2024_2"):
        assert psa.handle("GET", f"http://h/{codebase}/apis/3.0/service/tickets", psa.auth_headers()).status == 200
    assert psa.handle("GET", "http://h/v2025_1/apis/3.0/service/tickets", psa.auth_headers()).status == 404


# ---- listing and paging -----------------------------------------------------------------------


def test_default_page_size_is_25_and_the_maximum_1000(demo: FakePSA) -> None:
    assert len(get(demo, "/service/tickets").json()) == 25
    assert len(get(demo, "/service/tickets", pageSize=5000).json()) == 1000


def test_link_headers_walk_every_page_once(demo: FakePSA) -> None:
    first = get(demo, "/service/tickets", conditions='summary contains "printer"', pageSize=7)
    assert set(links(first)) == {"next", "last"}
    seen = [r["id"] for r in first.json()]
    response = first
    while "next" in links(response):
        response = follow(demo, links(response)["next"])
        assert response.status == 200
        seen += [r["id"] for r in response.json()]
    assert set(links(response)) == {"first", "prev"}
    count = get(demo, "/service/tickets/count", conditions='summary contains "printer"').json()["count"]
    assert len(seen) == len(set(seen)) == count > 25


def test_a_middle_page_links_four_ways(demo: FakePSA) -> None:
    r = get(demo, "/service/priorities", pageSize=2, page=2)
    assert list(links(r)) == ["first", "prev", "next", "last"]
    assert parse_qs(urlsplit(links(r)["last"]).query) == {"page": ["3"], "pageSize": ["2"]}


def test_link_urls_keep_the_query_encoded(demo: FakePSA) -> None:
    condition = 'company/name contains "&" or summary like "%+%"'
    r = get(demo, "/service/tickets", conditions=condition, pageSize=2)
    url = links(r)["next"]
    assert "+" not in urlsplit(url).query
    assert " " not in url
    assert parse_qs(urlsplit(url).query)["conditions"] == [condition]


def test_forward_only_paging_runs_by_id_to_the_end(demo: FakePSA) -> None:
    forward = {"pagination-type": "forward-only"}
    r = get(demo, "/company/contacts", forward, pageSize=250, conditions="inactiveFlag = false")
    ids = [c["id"] for c in r.json()]
    while "next" in links(r):
        assert list(links(r)) == ["next"]
        assert "pageId=" in links(r)["next"]
        r = follow(demo, links(r)["next"], forward)
        ids += [c["id"] for c in r.json()]
    assert ids == sorted(ids)
    assert len(ids) == get(demo, "/company/contacts/count", conditions="inactiveFlag = false").json()["count"]


def test_forward_only_refuses_order_by(demo: FakePSA) -> None:
    r = get(demo, "/service/tickets", {"pagination-type": "forward-only"}, orderBy="id desc")
    assert r.status == 400
    assert r.json()["errors"][0]["field"] == "orderBy"


def test_order_by_sorts_case_insensitively_with_nulls_first(demo: FakePSA) -> None:
    r = get(demo, "/service/tickets", orderBy="owner/name, id desc", pageSize=1000)
    names = [(t.get("owner") or {}).get("name") for t in r.json()]
    assert names[0] is None
    present = [n for n in names if n is not None]
    assert present == sorted(present, key=str.lower)
    nulls = [t["id"] for t in r.json() if "owner" not in t]
    assert nulls == sorted(nulls, reverse=True)


def test_fields_returns_only_those_paths(demo: FakePSA) -> None:
    r = get(demo, "/service/tickets", fields="id,status/name,noSuchField", pageSize=2)
    assert [set(t) for t in r.json()] == [{"id", "status"}] * 2
    assert set(r.json()[0]["status"]) == {"name"}


def test_count_and_get_by_id(demo: FakePSA) -> None:
    assert get(demo, "/service/tickets/count").json() == {"count": 3000}
    r = get(demo, "/service/tickets/17", fields="id,summary")
    assert r.json() == {"id": 17, "summary": demo.records("/service/tickets")[16]["summary"]}
    missing = get(demo, "/service/tickets/999999")
    assert (missing.status, missing.json()["code"]) == (404, "NotFound")
    assert get(demo, "/service/boards/1/statuses/count").json() == {"count": 6}


def test_search_takes_the_conditions_in_a_json_body(demo: FakePSA) -> None:
    body = {"conditions": "closedFlag = true", "customfieldconditions": 'caption = "Region" and value = "West"',
            "orderBy": "id desc"}
    r = demo.handle("POST", f"{API}/service/tickets/search?pageSize=1000", demo.auth_headers(),
                    json.dumps(body).encode())
    ids = [t["id"] for t in r.json()]
    expected = [
        t["id"] for t in reversed(demo.records("/service/tickets"))
        if t["closedFlag"] and {"caption": "Region", "value": "West"}.items()
        <= {k: v for k, v in t["customFields"][0].items() if k in ("caption", "value")}.items()
    ]
    assert ids == expected
    assert demo.handle("POST", f"{API}/project/tickets/search", demo.auth_headers(), b"{}").status == 200
    assert demo.handle("POST", f"{API}/service/tickets/search", demo.auth_headers(), b"[").status == 400
    # Only the two searches the spec lists exist: elsewhere "search" is no record id.
    assert demo.handle("POST", f"{API}/company/companies/search", demo.auth_headers(), b"{}").status == 404


def test_child_conditions_over_http(demo: FakePSA) -> None:
    r = get(demo, "/company/contacts", childConditions='communicationItems/type/name = "Mobile"', pageSize=1000)
    assert r.json()
    assert all(any(i["type"]["name"] == "Mobile" for i in c["communicationItems"]) for c in r.json())


def test_filters_agree_with_the_evaluator(demo: FakePSA) -> None:
    condition = 'lastUpdated > [2024-10-01] and (priority/id = 1 or summary like "*[%]*")'
    r = get(demo, "/service/tickets", conditions=condition, pageSize=1000)
    expected = [t["id"] for t in demo.records("/service/tickets") if cwql.evaluate(condition, t)]
    assert [t["id"] for t in r.json()] == expected
    assert 0 < len(expected) < 1000


# ---- errors ---------------------------------------------------------------------------------


def test_a_bad_condition_gets_400_naming_the_problem(demo: FakePSA) -> None:
    r = get(demo, "/service/tickets", conditions="dateEntered > 2024-01-01")
    body = r.json()
    assert r.status == 400
    assert body["code"] == "InvalidObject"
    assert "square brackets" in body["message"]
    assert body["errors"][0]["code"] == "E008"
    assert body["errors"][0]["field"] == "conditions"


@pytest.mark.parametrize(
    "params",
    [{"page": "0"}, {"page": "x"}, {"pageSize": "0"}, {"pageSize": "-5"}, {"orderBy": "id sideways"},
     {"fields": "a..b"}, {"customFieldConditions": "caption ="}],
)
def test_bad_parameters_get_400(demo: FakePSA, params: dict[str, str]) -> None:
    r = get(demo, "/service/tickets", **params)
    assert r.status == 400, r.body
    assert r.json()["message"]


def test_an_unencoded_percent_gets_400(demo: FakePSA) -> None:
    r = demo.handle("GET", f"{API}/service/tickets?conditions=summary%20like%20%22%ab%22", demo.auth_headers())
    assert r.status == 400
    assert "%" in r.json()["message"]


def test_unknown_paths_and_methods(demo: FakePSA) -> None:
    assert get(demo, "/no/such/thing").status == 404
    assert demo.handle("GET", "http://h/elsewhere", demo.auth_headers()).status == 404
    assert demo.handle("DELETE", f"{API}/service/tickets/1", demo.auth_headers()).status == 405


# ---- rate limit --------------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after() -> None:
    clock = Clock()
    psa = FakePSA.from_records({"/x": [{"id": 1}]}, requests_per_minute=3, clock=clock)
    statuses = []
    for _ in range(3):
        r = get(psa, "/x")
        statuses.append(r.status)
        clock.now += 10
    assert statuses == [200, 200, 200]
    assert r.header("X-RateLimit-Remaining") == "0"
    limited = get(psa, "/x")
    assert limited.status == 429
    assert limited.header("Retry-After") == "30"
    assert limited.header("X-RateLimit-Limit") == "3"
    assert limited.header("X-RateLimit-Reset") == str(int(clock.now - 30 + 60))
    assert "error" in limited.json()
    clock.now += 30
    assert get(psa, "/x").status == 200


def test_rate_limit_can_be_off() -> None:
    psa = FakePSA.from_records({"/x": []}, requests_per_minute=None)
    assert all(get(psa, "/x").status == 200 for _ in range(50))
    assert get(psa, "/x").header("X-RateLimit-Limit") is None


# ---- faults --------------------------------------------------------------------------------------


def test_faults_by_schedule() -> None:
    psa = FakePSA.from_records({"/x": [{"id": 1}], "/y": []})
    psa.inject("502", on=[2, 3])
    psa.inject(Fault.RECORD_LOCKED, on=[1], path="/y")
    statuses = [get(psa, "/x").status for _ in range(4)]
    assert statuses == [200, 502, 502, 200]
    r = get(psa, "/y")
    assert (r.status, r.json()["code"]) == (409, "RecordLocked")
    assert get(psa, "/y").status == 200


def test_fault_bodies_look_like_the_real_thing() -> None:
    psa = FakePSA.from_records({"/x": []})
    for fault in (Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.CDN_RATE_LIMIT):
        psa.clear_faults()
        psa.inject(fault)
        r = get(psa, "/x")
        if fault is Fault.SERVER_ERROR:
            assert (r.status, r.json()["code"]) == (500, "UnexpectedError")
        else:
            assert r.header("Content-Type") == "text/html"
            assert r.body.startswith(b"<html>")
            assert r.header("Retry-After") is None
    assert r.status == 429


def test_faults_by_seeded_probability_repeat() -> None:
    def run(seed: int) -> list[int]:
        psa = FakePSA.from_records({"/x": []}, seed=seed)
        psa.inject("500", probability=0.3)
        return [get(psa, "/x").status for _ in range(200)]

    first = run(1)
    assert first == run(1)
    assert 30 < first.count(500) < 90
    assert first != run(2)


def test_slow_and_dropped() -> None:
    psa = FakePSA.from_records({"/x": []})
    psa.inject("slow", on=[1], delay=2.5)
    psa.inject("drop", on=[2])
    slow = get(psa, "/x")
    assert (slow.status, slow.delay) == (200, 2.5)
    assert get(psa, "/x").drop
    assert [(e.status, e.fault) for e in psa.requests] == [(200, Fault.SLOW), (0, Fault.DROP)]


def test_the_request_log() -> None:
    psa = FakePSA.from_records({"/x": []})
    get(psa, "/x", conditions='a = "b c"')
    psa.handle("GET", f"{API}/x")
    (first, second) = psa.requests
    assert (first.number, first.method, first.status) == (1, "GET", 200)
    assert first.path == "/v4_6_release/apis/3.0/x"
    assert first.query == {"conditions": 'a = "b c"'}
    assert first.headers["clientid"] == "demo-client"
    assert second.status == 401
    psa.clear_log()
    assert psa.requests == []


# ---- quirks ---------------------------------------------------------------------------------------


def test_quirks_are_known() -> None:
    assert {"repeat-page-id", "first-link-on-last-page", "no-link-single-page", "total-count-header",
            "unknown-fields-null"} == QUIRKS


def test_quirk_repeat_page_id() -> None:
    psa = FakePSA.from_records({"/x": [{"id": i} for i in range(1, 6)]}, quirks={"repeat-page-id"})
    forward = {"pagination-type": "forward-only"}
    r = get(psa, "/x", forward, pageSize=3)
    r = follow(psa, links(r)["next"], forward)
    assert [x["id"] for x in r.json()] == [4, 5]
    assert "pageId=3" in links(r)["next"]  # the page it was asked for, again


def test_quirk_first_link_on_last_page_and_no_link_single_page() -> None:
    records = {"/x": [{"id": i} for i in range(1, 6)]}
    psa = FakePSA.from_records(records, quirks={"first-link-on-last-page", "no-link-single-page"})
    assert list(links(get(psa, "/x", pageSize=2, page=3))) == ["first"]
    assert get(psa, "/x", pageSize=10).header("Link") is None
    plain = FakePSA.from_records(records)
    assert list(links(plain.handle("GET", f"{API}/x?pageSize=2&page=3", plain.auth_headers()))) == ["first", "prev"]


def test_quirk_total_count_header() -> None:
    psa = FakePSA.from_records({"/x": [{"id": i} for i in range(1, 6)]}, quirks={"total-count-header"})
    assert get(psa, "/x", pageSize=2).header("X-Total-Count") == "5"
    assert FakePSA.from_records({"/x": []}).handle("GET", f"{API}/x").header("X-Total-Count") is None


# ---- changing data while clients page -----------------------------------------------------------------


def test_forward_only_never_duplicates_or_skips_while_records_change() -> None:
    psa = FakePSA.from_records({"/x": [{"id": i, "n": i} for i in range(1, 101)]})
    forward = {"pagination-type": "forward-only"}

    def churn(number: int, method: str, path: str) -> None:
        if number == 2:
            psa.remove("/x", 5)  # already seen
            psa.add("/x", {"n": 0})  # id 101: ahead of the reader
            psa.update("/x", 60, n=-1)

    psa.on_request(churn)
    r = get(psa, "/x", forward, pageSize=30)
    ids = [x["id"] for x in r.json()]
    while "next" in links(r):
        r = follow(psa, links(r)["next"], forward)
        ids += [x["id"] for x in r.json()]
    assert ids == list(range(1, 102))
    assert psa.records("/x")[58]["n"] == -1


def test_page_numbers_shift_when_records_change() -> None:
    """What page paging does on a live server, and why executors prefer forward-only."""
    psa = FakePSA.from_records({"/x": [{"id": i} for i in range(1, 11)]})
    first = [x["id"] for x in get(psa, "/x", pageSize=5, page=1).json()]
    psa.remove("/x", 1)
    second = [x["id"] for x in get(psa, "/x", pageSize=5, page=2).json()]
    assert first + second == [1, 2, 3, 4, 5, 7, 8, 9, 10]  # 6 was skipped


def test_concurrent_readers_and_writers() -> None:
    psa = FakePSA.from_records({"/x": [{"id": i} for i in range(1, 201)]}, requests_per_minute=None)
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(30):
                r = get(psa, "/x", pageSize=1000)
                ids = [x["id"] for x in r.json()]
                assert ids == sorted(set(ids))
        except BaseException as e:
            errors.append(e)

    def writer() -> None:
        for i in range(1000, 1300):
            psa.add("/x", {"id": i})
            psa.remove("/x", i - 500 if i >= 1100 else -1)

    threads = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(psa.requests) == 90


def test_a_failure_inside_the_fake_is_answered_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    psa = FakePSA.from_records({"/x": []})

    def broken(*args: Any) -> Response:
        raise RuntimeError("boom")

    monkeypatch.setattr(psa, "_route", broken)
    r = get(psa, "/x")
    assert (r.status, r.json()["code"]) == (500, "FakeError")
    assert "boom" in r.json()["message"]


def test_fields_keep_the_apis_spelling_and_never_change_the_store() -> None:
    psa = FakePSA.from_records({"/service/tickets": [{"id": 1, "summary": "a", "status": {"id": 2, "name": "Open"}}]})
    url = "https://x.invalid" + psa.base_path + "/service/tickets?fields=ID,Summary,STATUS/name,status,status/NAME"
    answer = psa.handle("GET", url, psa.auth_headers())
    assert json.loads(answer.body) == [{"id": 1, "summary": "a", "status": {"id": 2, "name": "Open"}}]
    assert psa.records("/service/tickets") == [{"id": 1, "summary": "a", "status": {"id": 2, "name": "Open"}}]


def test_an_unreadable_url_gets_a_400() -> None:
    psa = FakePSA.demo()
    answer = psa.handle("GET", "http://[::1/v4_6_release/apis/3.0/service/tickets", psa.auth_headers())
    assert answer.status == 400
    assert psa.requests[-1].status == 400


def test_over_long_numbers_get_a_400_not_a_500() -> None:
    psa = FakePSA.demo()
    url = "https://x.invalid" + psa.base_path + "/service/tickets?conditions=id%3D" + "1" * 5000
    assert psa.handle("GET", url, psa.auth_headers()).status == 400
    psa = FakePSA.from_records({"/service/tickets": [{"id": 1, "big": "9" * 5000}]})
    url = "https://x.invalid" + psa.base_path + "/service/tickets?conditions=big%3D5"
    assert psa.handle("GET", url, psa.auth_headers()).status == 200
