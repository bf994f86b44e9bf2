"""The Query object: validation, parameters, encoding, URLs and the search body."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given

import cwql
from cwql import CF, EMPTY, F, Query
from cwql.syntax import Fields, OrderBy, Path, SortKey

from .conftest import examples
from .strategies import dsl_conditions

BASE = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"


def test_params_are_canonical_camel_case_and_in_a_stable_order() -> None:
    q = Query(
        page_size=50,
        page=2,
        fields="id, summary",
        order_by="dateEntered DESC",
        custom_field_conditions=CF("Region") == "West",
        child_conditions="communicationItems/value like 'j*'",
        conditions="Status/Name = 'Open' AND board/id IN (1, 2)",
    )
    assert q.params() == {
        "conditions": 'Status/Name="Open" and board/id in (1,2)',
        "childConditions": 'communicationItems/value like "j*"',
        "customFieldConditions": 'caption="Region" and value="West"',
        "orderBy": "dateEntered desc",
        "fields": "id,summary",
        "page": "2",
        "pageSize": "50",
    }
    assert list(q.params()) == [
        "conditions", "childConditions", "customFieldConditions", "orderBy", "fields", "page",
        "pageSize",
    ]


def test_only_set_parameters_are_emitted() -> None:
    assert Query().params() == {}
    assert Query().to_query_string() == ""
    assert Query(EMPTY).params() == {}
    assert Query(None, page_id=0).params() == {"pageId": "0"}
    assert Query(cwql.all_of()).url(BASE, "/service/tickets") == BASE + "/service/tickets"


def test_query_string_is_fully_encoded() -> None:
    q = Query(F.company.name == "A&B #1 + 50%", fields=[F.id, F.company.name])
    assert q.to_query_string() == (
        "conditions=company/name%3D%22A%26B%20%231%20%2B%2050%25%22&fields=id%2Ccompany/name"
    )
    assert dict(parse_qsl(q.to_query_string())) == q.params()


@examples(200)
@given(dsl_conditions)
def test_query_string_decodes_to_the_params(cond: cwql.syntax.Expr) -> None:
    q = Query(cond, order_by=F.id.desc(), page_size=10)
    query = q.to_query_string()
    pairs = [p.split("=", 1) for p in query.split("&")]
    assert {cwql.decode(k): cwql.decode(v) for k, v in pairs} == q.params()
    assert cwql.parse(q.params()["conditions"]) == cond


@pytest.mark.parametrize(("base", "path", "url"), [
    (BASE, "/service/tickets", BASE + "/service/tickets"),
    (BASE + "/", "service/tickets", BASE + "/service/tickets"),
    (BASE + "//", "//service/tickets", BASE + "/service/tickets"),
    (BASE, "/service/tickets/", BASE + "/service/tickets/"),
    (BASE, "/service/tickets/42/notes", BASE + "/service/tickets/42/notes"),
    (BASE, "", BASE),
    (BASE, "/odd name", BASE + "/odd%20name"),
    ("http://localhost:8080", "/x", "http://localhost:8080/x"),
])
def test_url_joins_robustly(base: str, path: str, url: str) -> None:
    assert Query().url(base, path) == url
    q = Query(F.id > 5)
    assert q.url(base, path) == url + "?conditions=id%3E5"
    assert q.url_length(base, path) == len(url + "?conditions=id%3E5")


@pytest.mark.parametrize(("base", "path", "match"), [
    ("api-na.myconnectwise.net/v4_6_release/apis/3.0", "/x", "http"),
    ("ftp://host/apis", "/x", "http"),
    (BASE + "?clientId=1", "/x", "query"),
    (BASE + "#top", "/x", "query or fragment"),
    (BASE, "https://evil.example/x", "relative"),
    (BASE, "/service/tickets?page=2", "query"),
    (BASE, "/service/tickets#x", "fragment"),
    (BASE, "/service/odd%20name", "percent"),
    (BASE, "/service/tickets/{parentId}/notes", "template"),
])
def test_url_refuses_what_it_cannot_join_safely(base: str, path: str, match: str) -> None:
    with pytest.raises(cwql.QueryError, match=match):
        Query().url(base, path)


def test_url_length_is_exact_for_the_2000_character_budget() -> None:
    ids = list(range(1, 400))
    q = Query(F.id.in_(ids))
    url = q.url(BASE, "/service/tickets")
    assert q.url_length(BASE, "/service/tickets") == len(url)
    assert len(url) > 2000  # too long: time for POST .../search or several requests
    assert urlsplit(url).query == q.to_query_string()


def test_search_body_uses_the_search_endpoint_names() -> None:
    q = Query(
        F.id > 1,
        child_conditions=F.communicationItems.value.like("*@x.com"),
        custom_field_conditions=CF("Region") == "West",
        order_by=F.id.desc(),
        fields=["id"],
        page=3,
        page_size=100,
    )
    assert q.search_body() == {
        "conditions": "id>1",
        "childconditions": 'communicationItems/value like "*@x.com"',
        "customfieldconditions": 'caption="Region" and value="West"',
        "orderBy": "id desc",
    }
    assert q.search_params() == {"fields": "id", "page": "3", "pageSize": "100"}
    assert Query().search_body() == {}


def test_query_is_immutable_and_a_value() -> None:
    q = Query("a=1", page=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.page = 3  # type: ignore[misc]
    assert q == Query(F.a == 1, page=2)
    assert hash(q) == hash(Query(F.a == 1, page=2))
    assert q != Query(F.a == 1, page=3)
    for clone in (copy.copy(q), copy.deepcopy(q), pickle.loads(pickle.dumps(q))):
        assert clone == q
    assert q.conditions == cwql.parse("a=1")
    assert Query().conditions is EMPTY


def test_builders_return_new_queries() -> None:
    base = Query(page_size=25)
    narrowed = base.where(F.status.name == "Open").where("board/id=1", F.priority.id < 3)
    assert base.conditions is EMPTY
    assert str(narrowed.conditions) == 'status/name="Open" and board/id=1 and priority/id<3'
    assert narrowed.where(EMPTY) == narrowed
    sorted_ = narrowed.order_by(F.priority.id.desc(), "id")
    assert str(sorted_.ordering) == "priority/id desc,id"
    assert sorted_.order_by().ordering is None
    slim = sorted_.fields(F.id, "summary", Path("status/name"))
    assert str(slim.selected_fields) == "id,summary,status/name"
    assert slim.fields().selected_fields is None
    assert slim.replace(page=4).page == 4
    assert slim.replace(page_size=None).page_size is None
    assert narrowed.page_size == 25


def test_replace_names_its_arguments() -> None:
    with pytest.raises(cwql.CWQLTypeError, match="pagesize"):
        Query().replace(pagesize=10)


@pytest.mark.parametrize(("order_by", "text"), [
    ("id", "id"),
    ("dateEntered desc, id asc", "dateEntered desc,id"),
    (F.id, "id"),
    (F.id.desc(), "id desc"),
    (SortKey(Path("id")), "id"),
    (OrderBy((SortKey(Path("a")), SortKey(Path("b"), True))), "a,b desc"),
    ([F.a.desc(), "b", F.c], "a desc,b,c"),
])
def test_order_by_forms(order_by: object, text: str) -> None:
    assert Query(order_by=order_by).params()["orderBy"] == text  # type: ignore[arg-type]


@pytest.mark.parametrize(("fields", "text"), [
    ("id,summary", "id,summary"),
    ("id, summary ,status/name", "id,summary,status/name"),
    (F.status.name, "status/name"),
    ([F.id, "summary", Path("board/name")], "id,summary,board/name"),
    (Fields((Path("id"),)), "id"),
    (["id", "ID", "summary"], "id,summary"),
])
def test_fields_forms(fields: object, text: str) -> None:
    assert Query(fields=fields).params()["fields"] == text  # type: ignore[arg-type]


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"conditions": "a = = 1"}, cwql.ParseError, "E005"),
    ({"conditions": ""}, cwql.ParseError, "E018"),
    ({"conditions": 5}, cwql.CWQLTypeError, "takes conditions"),
    ({"conditions": F.a}, cwql.CWQLTypeError, "field"),
    ({"child_conditions": "not (a=1)"}, cwql.ParseError, "E011"),
    ({"order_by": "id up"}, cwql.ParseError, "not a sort direction"),
    ({"order_by": 5}, cwql.CWQLTypeError, "order_by takes"),
    ({"order_by": ["id", F.ID.desc()]}, cwql.QueryError, "twice"),
    ({"fields": "id summary"}, cwql.ParseError, "separated by commas"),
    ({"fields": 5}, cwql.CWQLTypeError, "fields takes"),
    ({"page": 0}, cwql.QueryError, "at least 1"),
    ({"page": 1.5}, cwql.CWQLTypeError, "int"),
    ({"page_size": 0}, cwql.QueryError, "1-1000"),
    ({"page_size": 1001}, cwql.QueryError, "1-1000"),
    ({"page_id": -1}, cwql.QueryError, "at least 0"),
    ({"page_id": 5, "order_by": "id"}, cwql.QueryError, "order_by cannot go with page_id"),
    ({"page_id": 5, "page": 2}, cwql.QueryError, "page cannot go with page_id"),
])
def test_invalid_queries_are_refused(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        Query(**kwargs)  # type: ignore[arg-type]


def test_page_size_bounds_are_inclusive() -> None:
    assert Query(page_size=1).page_size == 1
    assert Query(page_size=cwql._query.MAX_PAGE_SIZE).params() == {"pageSize": "1000"}


def test_forward_only_paging_needs_its_header() -> None:
    q = Query("id>0", page_id=1234, page_size=1000)
    assert q.params() == {"conditions": "id>0", "pageSize": "1000", "pageId": "1234"}
    assert q.headers() == {"pagination-type": "forward-only"}
    assert Query(page=2).headers() == {}


# ---- customFieldConditions under the one-row-per-custom-field model ---------------------


@pytest.mark.parametrize("text", [
    'caption="Region" and value="West"',
    '(caption="A" and value=1) or (caption="B" and value=2)',
    'caption="Region" and value!="West"',
    'caption in ("A","B") and value=1',
    'caption="A" and caption in ("a ","B")',  # the same caption for the server
    'value="West"',
    'caption="A" and (value=1 or caption="B")',
])
def test_custom_field_conditions_the_model_can_match(text: str) -> None:
    assert Query(custom_field_conditions=text).params()["customFieldConditions"] == cwql.normalize(text)


@pytest.mark.parametrize(("cond", "match"), [
    ((CF("A") == "x") & (CF("B") == "y"), 'caption="A" and caption="B" can never'),
    ('caption="A" and value=1 and caption="B"', "never"),
    ('caption in ("A","B") and caption="C"', "never"),
    (~(CF("Region") == "West"), "every other custom field"),
    ('caption not in ("A") and value=1', "every other custom field"),
    ('caption not like "A*"', "every other custom field"),
])
def test_custom_field_conditions_the_model_cannot_match(cond: object, match: str) -> None:
    with pytest.raises(cwql.QueryError, match=match):
        Query(custom_field_conditions=cond)  # type: ignore[arg-type]


def test_the_custom_field_rules_apply_to_that_parameter_only() -> None:
    # In conditions, caption is an ordinary field (some entities have one).
    cond = (F.caption != "A") & (F.value == 1)
    assert Query(cond).params()["conditions"] == 'caption!="A" and value=1'


def test_repr_shows_the_canonical_parameters() -> None:
    q = Query("a = 1", order_by="id DESC", page_size=10)
    assert repr(q) == "Query(conditions='a=1', order_by='id desc', page_size=10)"
    assert repr(Query()) == "Query()"


# ---- a condition in the right parameter (issue 12) -------------------------------------------


@pytest.mark.parametrize("build", [
    lambda: Query(CF("Region") == "West"),
    lambda: Query((CF("Region") == "West") & (F.id > 5)),
    lambda: Query(child_conditions=CF("Region").contains("W")),
    lambda: Query().where(CF("Region") == "West"),
    lambda: Query(cwql.any_of(CF("A") == 1, CF("B") == 2)),
])
def test_a_cf_condition_outside_custom_field_conditions_is_refused(build: object) -> None:
    with pytest.raises(cwql.QueryError, match="comes from CF"):
        build()  # type: ignore[operator]


@pytest.mark.parametrize("cond", [F.summary == "x", 'summary = "x"', (CF("A") == 1) & (F.status.id == 2)])
def test_a_non_custom_field_condition_in_custom_field_conditions_is_refused(cond: object) -> None:
    with pytest.raises(cwql.QueryError, match="not a custom-field condition"):
        Query(custom_field_conditions=cond)  # type: ignore[arg-type]


def test_the_custom_field_columns_are_the_schemas() -> None:
    from cwql._spec import CUSTOM_FIELD_COLUMNS
    from cwql.schema import load
    from cwql.schema._core import CUSTOM_FIELD_MODEL

    assert set(load().model(CUSTOM_FIELD_MODEL).fields) == CUSTOM_FIELD_COLUMNS
    assert Query(custom_field_conditions='caption="A" and numberOfDecimals=2 and entryMethod="Entry"')


# ---- URLs that would leave the API, and secrets in messages (issue 11) -----------------------------


@pytest.mark.parametrize("path", ["/../../admin/secrets", "/service/..", "./service", "/a/./b", "/a\\b",
                                  "/a\x00b", "/a\nb"])
def test_paths_that_could_leave_the_api_are_refused(path: str) -> None:
    with pytest.raises(cwql.QueryError, match="path must not"):
        Query().url(BASE, path)


@pytest.mark.parametrize(("base", "secret"), [
    ("https://u:SECRET@h.example/v4_6_release/apis/3.0", "SECRET"),
    ("https://h.example/x?privateKey=SECRET", "SECRET"),
    ("https://h.example/x?clientId=SECRET&a=1", "SECRET"),
    ("https://u:SECRET@[::1/x", "SECRET"),
])
def test_url_errors_never_show_a_secret(base: str, secret: str) -> None:
    with pytest.raises(cwql.QueryError) as info:
        Query().url(base, "/service/tickets")
    assert secret not in str(info.value)


# ---- the URL-length model (issue 10) -----------------------------------------------------------


def test_walk_requests_are_the_paging_forms() -> None:
    q = Query((F.a == 1) | (F.b == 2), fields="summary")
    assert q.walk_request("keyset", page_size=10, after=7).params() == {
        "conditions": "id>7 and (a=1 or b=2)", "orderBy": "id", "fields": "summary", "pageSize": "10"}
    assert q.walk_request("forward", page_size=10, after=7).params()["pageId"] == "7"
    assert q.walk_request("keyset", page=3, page_size=10).params()["orderBy"] == "id"
    assert q.order_by("summary desc").walk_request("link", page=2, page_size=5).params()["orderBy"] == (
        "summary desc,id")
    assert q.order_by("ID desc").walk_request("page", page=2, page_size=5).params()["orderBy"] == "ID desc"
    assert Query(page_id=9).walk_request("page", page=1, page_size=5).params() == {
        "conditions": "id>9", "orderBy": "id", "page": "1", "pageSize": "5"}
    with pytest.raises(cwql.QueryError, match="cannot go with orderBy"):
        q.order_by("summary").walk_request("keyset")


def test_url_length_without_paging_is_exact_and_with_paging_is_the_widest() -> None:
    q = Query(F.summary.contains("printer"))
    exact = q.url_length(BASE, "/service/tickets")
    assert exact == len(q.url(BASE, "/service/tickets"))
    keyset = q.url_length(BASE, "/service/tickets", paging="keyset")
    assert keyset == len(q.walk_request("keyset", page_size=1000, after=2**63 - 1).url(BASE, "/service/tickets"))
    assert q.url_length(BASE, "/service/tickets", paging="auto") == max(
        keyset, q.url_length(BASE, "/service/tickets", paging="forward"))
    assert q.url_length(BASE, "/service/tickets", paging="page") == len(
        q.walk_request("page", page=10**10 - 1, page_size=1000).url(BASE, "/service/tickets"))
    with pytest.raises(cwql.UsageError, match="paging must be one of"):
        q.url_length(BASE, "/service/tickets", paging="pages")
