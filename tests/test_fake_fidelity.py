"""The fake answers as the real server does (issue 14): names refused, paging, session, ids.

Each test names the server behaviour it pins; docs/fake-psa.md lists the
evidence for each.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

import cwql
from cwql.testing import FakePSA, Response

API = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"


@pytest.fixture(scope="module")
def demo() -> FakePSA:
    return FakePSA.demo(requests_per_minute=None)


def get(psa: FakePSA, path: str, headers: dict[str, str] | None = None, *, base: str = API,
        **params: Any) -> Response:
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params.items())
    return psa.handle("GET", f"{base}{path}" + (f"?{query}" if query else ""),
                      {**psa.auth_headers(), **(headers or {})})


def links(response: Response) -> dict[str, str]:
    found = {}
    for part in (response.header("Link") or "").split(", "):
        if part:
            url, rel = part.split("; ")
            found[rel[5:-1]] = url[1:-1]
    return found


def refused(response: Response, path: str) -> bool:
    return response.status == 400 and response.json() == {
        "code": "ApiFindCondition", "message": f"{path} is not a recognized name.",
    }


# ---- names the server does not recognise ---------------------------------------------------


def test_an_array_path_in_conditions_is_refused_as_the_server_refuses_it(demo: FakePSA) -> None:
    # The example from the issue: contacts' types is an array.
    assert refused(get(demo, "/company/contacts", conditions='types/name="Primary"'), "types/name")
    # Into an array and out again, or the array itself: refused the same way.
    assert refused(get(demo, "/company/contacts", conditions="communicationItems = null"), "communicationItems")


def test_an_unknown_field_is_refused_with_the_path_as_written(demo: FakePSA) -> None:
    assert refused(get(demo, "/company/companies", conditions='typeids="1"'), "typeids")
    assert refused(get(demo, "/service/tickets", conditions='closedFlag = false and Board/Nmae = "x"'),
                   "Board/Nmae")
    assert refused(get(demo, "/service/tickets/count", conditions='sumary contains "x"'), "sumary")
    search = demo.handle("POST", f"{API}/service/tickets/search", demo.auth_headers(),
                         json.dumps({"conditions": "nosuch = 1"}).encode())
    assert refused(search, "nosuch")


def test_every_condition_parameter_is_checked(demo: FakePSA) -> None:
    assert refused(get(demo, "/company/contacts", childConditions='communicationItems/valu = "x"'),
                   "communicationItems/valu")
    assert refused(get(demo, "/service/tickets", customFieldConditions='name = "Region"'), "name")


def test_known_names_in_any_letter_case_and_info_keys_are_recognised(demo: FakePSA) -> None:
    for condition in ('STATUS/NAME = "New"', "lastUpdated > [2024-01-01]", "_info/dateEntered > [2024-01-01]",
                      "company/id = 1"):
        assert get(demo, "/service/tickets", conditions=condition).status == 200, condition
    r = get(demo, "/company/contacts", childConditions='communicationItems/communicationType = "Email"')
    assert r.status == 200
    assert r.json()


def test_from_records_has_no_schema_unless_given() -> None:
    records = {"/company/contacts": [{"id": 1, "types": [{"name": "Primary"}], "mine": 1}]}
    lenient = FakePSA.from_records(records)
    assert lenient.schema is None
    assert [c["id"] for c in get(lenient, "/company/contacts", conditions="mine = 1").json()] == [1]
    strict = FakePSA.from_records(records, schema=cwql.schema.load())
    assert refused(get(strict, "/company/contacts", conditions="mine = 1"), "mine")
    # A collection the schema does not list is not checked.
    own = FakePSA.from_records({"/my/things": [{"id": 1, "x": 2}]}, schema=cwql.schema.load())
    assert get(own, "/my/things", conditions="x = 2").json() == [{"id": 1, "x": 2}]


def test_the_unknown_fields_null_quirk_keeps_the_lenient_behaviour() -> None:
    psa = FakePSA.demo(quirks={"unknown-fields-null"}, requests_per_minute=None)
    r = get(psa, "/company/contacts", conditions='types/name = "Primary"')
    assert (r.status, r.json()) == (200, [])
    assert get(psa, "/company/companies", conditions="typeids = null", pageSize=1).json()


def test_the_schema_option_takes_a_file(tmp_path: Any) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"format": "cwql-schema/1", "endpoints": {"/x": "X"},
                                "models": {"X": {"id": "integer", "name": "string"}}}))
    psa = FakePSA.from_records({"/x": [{"id": 1, "name": "a"}]}, schema=path)
    assert get(psa, "/x", conditions='name = "a"').status == 200
    assert refused(get(psa, "/x", conditions='nme = "a"'), "nme")
    with pytest.raises(cwql.UsageError):
        FakePSA(schema=42)  # type: ignore[arg-type]
    with pytest.raises(cwql.SchemaError):
        FakePSA(schema=tmp_path / "missing.json")


# ---- paging as the real server does it -------------------------------------------------------


def test_link_urls_end_with_page_size_then_page(demo: FakePSA) -> None:
    r = get(demo, "/service/tickets", conditions='summary contains "printer"', fields="id,summary",
            orderBy="id desc", pageSize=10, page=2)
    for rel, url in links(r).items():
        pairs = parse_qsl(urlsplit(url).query)
        names = [name for name, _ in pairs]
        assert names == ["conditions", "fields", "orderBy", "pageSize", "page"], rel
        assert pairs[:3] == [("conditions", 'summary contains "printer"'), ("fields", "id,summary"),
                             ("orderBy", "id desc")]
    assert links(r)["next"].endswith("&pageSize=10&page=3")
    assert links(r)["prev"].endswith("&pageSize=10&page=1")
    # pyconnectwise reads the page number with this pattern; it must find every one.
    import re

    header = r.header("Link") or ""
    found = {m[1]: int(m[0]) for m in re.findall(r'page=(\d+)>; rel="(.*?)"', header)}
    assert found == {"first": 1, "prev": 1, "next": 3, "last": found["last"]}
    assert found["last"] > 3


def test_link_urls_keep_the_path_and_codebase_the_request_used(demo: FakePSA) -> None:
    base = "https://h.example/V2025_1/apis/3.0"
    r = demo.handle("GET", f"{base}/Service/Tickets/?pagesize=5&Conditions=id%3E10", demo.auth_headers())
    assert r.status == 200
    assert links(r)["next"] == f"{base}/Service/Tickets/?Conditions=id%3E10&pageSize=5&page=2"


def test_forward_only_links_end_with_page_size_then_page_id(demo: FakePSA) -> None:
    forward = {"pagination-type": "forward-only"}
    r = get(demo, "/company/contacts", forward, conditions="inactiveFlag = false", pageSize=100)
    assert list(links(r)) == ["next"]
    last = r.json()[-1]["id"]
    assert links(r)["next"].endswith(f"&pageSize=100&pageId={last}")


def test_the_page_size_in_links_is_the_one_served(demo: FakePSA) -> None:
    r = get(demo, "/service/tickets", pageSize=5000)
    assert len(r.json()) == 1000
    assert links(r)["next"].endswith("?pageSize=1000&page=2")


# ---- the session: companyinfo and codebases --------------------------------------------------


def test_companyinfo_answers_without_auth(demo: FakePSA) -> None:
    r = demo.handle("GET", "https://na.example/login/companyinfo/demo")
    assert r.status == 200
    info = r.json()
    assert info["Codebase"] == "v2025_1/"
    assert (info["CompanyID"], info["VersionCode"], info["IsCloud"]) == ("demo", "v2025.1", "True")
    assert {"CompanyName", "VersionNumber", "SiteUrl"} <= set(info)
    assert demo.handle("GET", "https://na.example/login/companyinfo/DEMO").json() == info
    # A company the server does not host: 200 with JSON null.
    unknown = demo.handle("GET", "https://na.example/login/companyinfo/someone-else")
    assert (unknown.status, unknown.body) == (200, b"null")


def test_an_on_premise_codebase_is_not_a_cloud() -> None:
    psa = FakePSA(codebase="v4_6_release")
    info = psa.company_info()
    assert (info["Codebase"], info["IsCloud"]) == ("v4_6_release/", "False")


def test_the_api_answers_under_both_codebases(demo: FakePSA) -> None:
    info = demo.handle("GET", "http://h/login/companyinfo/demo").json()
    versioned = f"http://h/{info['Codebase']}apis/3.0"
    for base in ("http://h/v4_6_release/apis/3.0", versioned):
        r = get(demo, "/service/boards", base=base)
        assert (r.status, len(r.json())) == (200, 6), base
    assert get(demo, "/service/boards", base="http://h/v2019_1/apis/3.0").status == 404


# ---- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("segment", ["abc", "%D9%A3", "3.0", "-3", "+3", "0x3", "1" * 4300, str(2**31)])
def test_an_id_that_is_not_a_32_bit_number_finds_nothing(demo: FakePSA, segment: str) -> None:
    r = demo.handle("GET", f"{API}/service/tickets/{segment}", demo.auth_headers())
    assert r.status == 404
    assert r.json()["code"] == "NotFound"


def test_arabic_indic_three_is_not_ticket_3(demo: FakePSA) -> None:
    # The example from issue 11: str.isdigit() reads "٣" as 3.
    assert demo.handle("GET", f"{API}/service/tickets/%D9%A3", demo.auth_headers()).status == 404
    assert demo.handle("GET", f"{API}/service/tickets/3", demo.auth_headers()).json()["id"] == 3


def test_other_methods_on_a_record_are_not_allowed(demo: FakePSA) -> None:
    assert demo.handle("DELETE", f"{API}/service/tickets/1", demo.auth_headers()).status == 405
    assert demo.handle("DELETE", f"{API}/service/tickets/abc", demo.auth_headers()).status == 404


# ---- what paging costs (counted, not timed) ------------------------------------------------------


class Counted:
    """Wraps the fake's compiled predicates to count the records they test."""

    def __init__(self, monkeypatch: Any) -> None:
        from cwql.testing import _results

        self.tested = 0
        real = _results.compile_predicate

        def counting(*args: Any, **kwargs: Any) -> Any:
            inner = real(*args, **kwargs)

            def test(record: Any) -> bool:
                self.tested += 1
                return inner(record)

            return test

        monkeypatch.setattr(_results, "compile_predicate", counting)


def test_a_forward_only_page_reads_only_the_records_after_its_page_id(monkeypatch: Any) -> None:
    counted = Counted(monkeypatch)
    psa = FakePSA.from_records({"/t": [{"id": i, "n": i % 2} for i in range(1, 20_001)]})
    forward = {"pagination-type": "forward-only"}
    r = get(psa, "/t", forward, conditions="n = 1", pageSize=100, pageId=19_000)
    assert [t["id"] for t in r.json()] == list(range(19_001, 19_200, 2))
    # The 100 matches lie among the 199 records after pageId, plus one to know more follow.
    assert counted.tested <= 201
    counted.tested = 0
    r = get(psa, "/t", forward, pageSize=100, pageId=19_990)
    assert [t["id"] for t in r.json()] == list(range(19_991, 20_001))
    assert counted.tested == 0


def test_paging_through_a_result_filters_it_once_until_it_changes(monkeypatch: Any) -> None:
    counted = Counted(monkeypatch)
    psa = FakePSA.from_records({"/t": [{"id": i, "n": i % 2} for i in range(1, 1001)]})
    for page in range(1, 11):
        assert len(get(psa, "/t", conditions="n = 1", orderBy="id desc", pageSize=50, page=page).json()) == 50
    assert get(psa, "/t/count", conditions="n = 1").json() == {"count": 500}
    assert counted.tested == 2000  # the list once, and the count (no orderBy) once
    psa.add("/t", {"n": 1})
    assert get(psa, "/t/count", conditions="n = 1").json() == {"count": 501}


def test_a_page_past_the_last_is_empty(demo: FakePSA) -> None:
    r = get(demo, "/service/priorities", pageSize=2, page=99)
    assert (r.status, r.json()) == (200, [])
    assert set(links(r)) == {"first", "prev"}


def test_the_fidelity_page_names_tests_that_exist() -> None:
    # docs/fake-psa.md pins each modelled behaviour to a test; a renamed or removed test must show.
    import re
    from pathlib import Path

    tests = Path(__file__).parent
    page = (tests.parent / "docs" / "fake-psa.md").read_text(encoding="utf-8")
    table = page.split("## Fidelity", 1)[1]
    named = set(re.findall(r"`(test_\w+)`", table))
    defined = {m for path in tests.glob("test_fake*.py")
               for m in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.MULTILINE)}
    assert len(named) > 15
    assert named - defined == set()
