"""Where ConnectWise queries are, and where they are not (issue 13's examples, one test each).

cwql's own call sites are read positional and keyword; the names ConnectWise
shares with other software (``conditions``, ``order_by``, ``fields``) are read
only in files about ConnectWise, and never in another library's calls.
"""

from __future__ import annotations

from cwql.lint._config import Config
from cwql.lint._engine import Linter
from cwql.lint._runner import Runner
from cwql.lint._sources import jsonfile, python, yamlfile

RUNNER = Runner(Config(), Linter(Config().enabled()))


def lint(text: str, filetype: str = "python", config: Config | None = None) -> list[tuple[str, int]]:
    runner = RUNNER if config is None else Runner(config, Linter(config.enabled()))
    result = runner.lint_text("x", "x", filetype, text)
    return [(f.code, f.diagnostic.line) for f in result.findings]


def kinds(text: str) -> list[tuple[str, str]]:
    """The queries found, in the order they are written."""
    sites = sorted(python.read(text, None).sites, key=lambda s: s.map.start(0))
    return [(s.text, s.kind) for s in sites]


# ---- false alarms that are gone -------------------------------------------------------


def test_sqlalchemy_order_by_is_not_a_query() -> None:
    source = ('from sqlalchemy.orm import relationship\n'
              'addresses = relationship("Address", order_by="Address.email")\n')
    assert lint(source) == []


def test_google_api_fields_is_not_a_query() -> None:
    source = ('from googleapiclient.discovery import build\n'
              'service = build("drive", "v3")\n'
              'service.files().list(fields="nextPageToken, files(id, name)").execute()\n')
    assert lint(source) == []


def test_jira_search_conditions_is_not_a_query() -> None:
    source = ('from jira import JIRA\n'
              'jira = JIRA("https://jira")\n'
              'jira.search(conditions="project = FOO AND status = Open")\n')
    assert lint(source) == []


def test_github_actions_conditions_is_not_a_query() -> None:
    source = "jobs:\n  x:\n    with:\n      conditions: ${{ github.ref == 'main' }}\n"
    assert lint(source, "yaml") == []


def test_elasticsearch_fields_is_not_a_query() -> None:
    assert lint('{"query": {"multi_match": {"fields": ["title^3", "body"]}}}', "json") == []


def test_another_library_in_a_connectwise_file_keeps_its_own_names() -> None:
    source = ('import cwql\n'
              'from sqlalchemy.orm import relationship\n'
              'addresses = relationship("Address", order_by="Address.email")\n'
              'cwql.parse("a == 1")\n')
    assert lint(source) == [("E009", 4)]


# ---- cwql's own call sites --------------------------------------------------------------


def test_cwql_call_sites_positional_and_keyword_are_all_read() -> None:
    source = ('import cwql\n'
              'from cwql import Query\n'
              'Query(\'status/name == "Open"\')\n'
              'Query().where("closedFlag = False && id = 2")\n'
              'client.iter(path, "summary like \'printer\'")\n'
              'client.count(path, "dateEntered > 2024-01-01")\n'
              'cwql.evaluate("a == 1", record)\n')
    assert lint(source) == [("E009", 3), ("E010", 4), ("V001", 5), ("E008", 6), ("E009", 7)]


def test_every_cwql_function_that_takes_a_condition() -> None:
    source = ('import cwql\n'
              'from cwql import validate as check_filter\n'
              'from cwql.lint import check\n'
              'cwql.compile_predicate("a == 1")\n'
              'check_filter(text="b == 1")\n'
              'cwql.is_valid("c == 1", kind="childConditions")\n'
              'cwql.to_sql(expr="d == 1")\n'
              'cwql.normalize("e == 1")\n'
              'check("f asc, f", "orderBy")\n'
              'cwql.parse_fields("id,,summary")\n'
              'cwql.Query(child_conditions="g == 1", order_by="h.x")\n')
    assert kinds(source) == [
        ("a == 1", "conditions"), ("b == 1", "conditions"), ("c == 1", "childConditions"),
        ("d == 1", "conditions"), ("e == 1", "conditions"), ("f asc, f", "orderBy"),
        ("id,,summary", "fields"), ("g == 1", "childConditions"), ("h.x", "orderBy"),
    ]


def test_query_builders_and_client_methods() -> None:
    source = ('from cwql import Query\n'
              'from cwql.http import Client\n'
              'client = Client.from_env()\n'
              'q = Query("a=1").where("b=1", "c=1").order_by("d desc").fields("e,f")\n'
              'q.replace(conditions="g=1", order_by="h")\n'
              'client.pages("/service/tickets", query="i=1")\n'
              'client.search("/service/tickets", "j=1")\n'
              'client.get("/service/tickets", "k=1")\n')
    assert kinds(source) == [
        ("a=1", "conditions"), ("b=1", "conditions"), ("c=1", "conditions"),
        ("d desc", "orderBy"), ("e,f", "fields"), ("g=1", "conditions"), ("h", "orderBy"),
        ("i=1", "conditions"), ("j=1", "conditions"), ("k=1", "conditions"),
    ]


def test_methods_of_other_objects_are_not_client_or_query_methods() -> None:
    source = ('import re\n'
              'import cwql\n'
              're.search("a == 1", "b == 2")\n'
              'config.get("conditions", "a == 1")\n'
              'text.count("a == 1")\n'
              'index.search("products", "a == 1")\n')
    assert kinds(source) == []


def test_dsl_conditions_are_linted_as_the_text_they_build() -> None:
    source = ('from datetime import date\n'
              'from cwql import F, Query\n'
              'Query(F.summary.like("printer"))\n'
              'both = (F.status.id == 1) & (F.status.id == 2)\n'
              'fine = F.summary.contains("50%") | (F.id >= date(2024, 1, 1))\n'
              'unknown = F.id == ticket_id\n')
    assert lint(source) == [("V001", 3), ("L003", 4)]
    result = RUNNER.lint_text("x", "x", "python", source)
    assert result.dynamic == []  # a DSL expression is not "a query built at run time"


def test_typed_field_conditions_are_linted_too() -> None:
    source = ('from cwql import Query\n'
              'from cwql.fields import Ticket\n'
              'Query(Ticket.summary.like("printer"))\n'
              'Query((Ticket.status.name == "New") & (Ticket.status.name == "Closed"))\n'
              'Query(Ticket.id > 5)\n')
    assert lint(source) == [("V001", 3), ("L003", 4)]


# ---- the ConnectWise clients people use --------------------------------------------------


def test_pyconnectwise_params() -> None:
    source = ('from pyconnectwise import ConnectWiseManageAPIClient\n'
              'api = ConnectWiseManageAPIClient()\n'
              'api.service.tickets.get(params={"conditions": "id => 1000", "orderBy": "id asc"})\n'
              'api.company.companies.paginated(1, 100, params={"conditions": "a is null"})\n')
    assert lint(source) == [("E032", 3), ("E012", 4)]


def test_requests_and_httpx_against_the_api_url() -> None:
    source = ('import httpx\nimport requests\n'
              'BASE = "https://na.myconnectwise.net/v4_6_release/apis/3.0"\n'
              'requests.get(f"{BASE}/service/tickets", params={"conditions": "a == 1"})\n'
              'httpx.get(BASE + "/company/contacts", params={"orderBy": "b.c"})\n')
    assert lint(source) == [("E009", 4), ("E022", 5)]
    without = ('import requests\n'
               'requests.get("https://example.com/search", params={"conditions": "a == 1"})\n')
    assert lint(without) == []


def test_keys_only_connectwise_uses_are_queries_everywhere() -> None:
    assert lint('f(childConditions="a == 1", custom_field_conditions="b == 1")\n') == [
        ("E009", 1), ("E009", 1)]
    assert lint('{"customFieldConditions": "a == 1", "conditions": "b == 1"}', "json") == [
        ("E009", 1), ("E009", 1)]


def test_evidence_from_a_cwql_comment_a_url_or_the_config() -> None:
    assert lint("conditions: a == 1\n", "yaml") == []
    assert lint("# cwql: kind=conditions\nconditions: a == 1\n", "yaml") == [("E009", 2)]
    assert lint("url: https://x/apis/3.0/service\nconditions: a == 1\n", "yaml") == [("E009", 2)]
    assert lint('f(conditions="a == 1")  # cwql: noqa: E009\n') == []
    assert lint('# cwql: endpoint=/service/tickets\nf(conditions="a == 1")\n') == [("E009", 2)]
    everywhere = Config(generic_keys="everywhere")
    assert lint("conditions: a == 1\n", "yaml", everywhere) == [("E009", 1)]
    from cwql.lint._globs import compile_pattern

    named = Config(connectwise_files=(compile_pattern("x"),))
    assert lint('{"conditions": "a == 1"}', "json", named) == [("E009", 1)]


def test_readers_take_the_evidence_flag() -> None:
    assert jsonfile.read('{"conditions": "a=1"}', None).sites == []
    assert [s.text for s in jsonfile.read('{"conditions": "a=1"}', None, True).sites] == ["a=1"]
    assert yamlfile.read("orderBy: a\n", None).sites == []
    assert [s.kind for s in yamlfile.read("orderBy: a\n", None, True).sites] == ["orderBy"]


# ---- YAML aliases ---------------------------------------------------------------------


def test_yaml_alias_to_an_anchor_under_another_key_is_still_a_query() -> None:
    source = ("# cwql: kind=conditions\n"
              "defaults: &open 'closedFlag == false'\n"
              "jobs:\n"
              "  - conditions: *open\n")
    sites = yamlfile.read(source, None).sites
    assert [(s.text, s.kind) for s in sites] == [("closedFlag == false", "conditions")]
    assert ("E009", 2) in lint(source, "yaml")
