"""The schema: loading, endpoints, path resolution, type checks, OpenAPI import."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import cwql
from cwql.errors import CODES
from cwql.schema import ArrayOf, Ref, Resolved, Scalar, Unresolved, check, load
from cwql.schema._core import Schema
from cwql.schema._openapi import from_openapi

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"


def _cases() -> list[Any]:
    params = []
    for path in sorted((HERE / "schema_cases").glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), 1):
            params.append(pytest.param(case, id=f"{path.stem}-{i}"))
    return params


def _parse(text: str, kind: str) -> cwql.syntax.Node:
    if kind == "orderBy":
        return cwql.parse_order_by(text)
    if kind == "fields":
        return cwql.parse_fields(text)
    return cwql.parse(text, kind)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", _cases())
def test_schema_case(case: dict[str, Any]) -> None:
    kind = case.get("kind", "conditions")
    found = check(_parse(case["input"], kind), schema=load(), endpoint=case.get("endpoint", "/service/tickets"),
                  kind=kind, text=case["input"])
    assert [f"{d.code}@{d.column}" for d in found] == case["findings"], [str(d) for d in found]
    for d in found:
        assert d.message
        assert d.severity == CODES[d.code].severity


def test_bundled_schema_is_loaded_once() -> None:
    assert load() is load()
    assert load().version == "2025.1"
    assert len(load().endpoints) == 680


def test_did_you_mean() -> None:
    found = check(cwql.parse("compnay/name = 'x'"), schema=load(), endpoint="/company/contacts")
    assert found[0].hint == "did you mean company?"
    found = check(cwql.parse("lastUpdate > [2024-01-01]"), schema=load(), endpoint="/service/tickets")
    assert found[0].hint is not None
    assert "lastUpdated" in found[0].hint


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/service/tickets", "/service/tickets"),
        ("service/tickets/", "/service/tickets"),
        ("/Service/Tickets", "/service/tickets"),
        ("/service/tickets/123/notes", "/service/tickets/{parentId}/notes"),
        ("https://api-na.myconnectwise.net/v4_6_release/apis/3.0/company/companies?conditions=x",
         "/company/companies"),
    ],
)
def test_endpoint_forms(path: str, template: str) -> None:
    assert load().endpoint(path)[0] == template


def test_unknown_endpoint_suggests() -> None:
    with pytest.raises(cwql.SchemaError, match="did you mean /service/tickets"):
        load().endpoint("/service/tickts")
    with pytest.raises(cwql.SchemaError, match="not a list endpoint"):
        check(cwql.parse("a=1"), schema=load(), endpoint="/nope")


def test_resolution_through_references_arrays_and_info() -> None:
    schema = load()
    contact = schema.endpoint("/company/contacts")[1]
    r = schema.resolve(contact, "company/name")
    assert isinstance(r, Resolved)
    assert r.type == Scalar("string")
    assert [f.name for f in r.fields] == ["company", "name"]
    r = schema.resolve(contact, "communicationItems/value", kind="childConditions")
    assert isinstance(r, Resolved)
    assert r.array_at == 0
    assert r.type == Scalar("string")
    r = schema.resolve(contact, "communicationItems")
    assert isinstance(r, Resolved)
    assert isinstance(r.type, ArrayOf)
    r = schema.resolve(contact, "COMPANY/ID")
    assert isinstance(r, Resolved)
    assert r.canonical == "company/id"
    assert r.case_differs
    assert isinstance(schema.resolve(contact, "company"), Resolved)
    assert schema.resolve(contact, "company").type == Ref("CompanyReference")  # type: ignore[union-attr]
    for path in ("lastUpdated", "_info/lastUpdated", "company/_info/lastUpdated"):
        r = schema.resolve(contact, path)
        assert isinstance(r, Resolved), path
        assert r.type == Scalar("datetime")
    u = schema.resolve(contact, "company/nmae")
    assert isinstance(u, Unresolved)
    assert (u.index, u.offset, u.model, u.suggestions) == (1, 8, "CompanyReference", ("name",))
    u = schema.resolve(contact, "firstName/x")
    assert isinstance(u, Unresolved)
    assert "has no fields" in u.reason


def test_check_without_source_text() -> None:
    from cwql.syntax import Number, Op, Path, Predicate

    found = check(Predicate(Path("sumary"), Op.EQ, Number("1")), schema=load(), endpoint="/service/tickets")
    assert [(d.code, d.start, d.line, d.column) for d in found] == [("S001", 0, 1, 1)]


def test_to_data_round_trips() -> None:
    schema = load()
    again = Schema(schema.to_data())
    assert again.endpoints == schema.endpoints
    for name in ("Ticket", "Contact", "CustomFieldValue"):
        assert again.model(name) == schema.model(name)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "not JSON"),
        (b'{"format": "other"}', "not a cwql schema"),
        (b'{"format": "cwql-schema/1", "endpoints": [], "models": {}}', "needs 'endpoints' and 'models'"),
        (b'\xff\xfe', "not JSON"),
    ],
)
def test_bad_schema_files(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "s.json"
    f.write_bytes(content)
    with pytest.raises(cwql.SchemaError, match=message):
        load(f)


def test_missing_schema_file(tmp_path: Path) -> None:
    with pytest.raises(cwql.SchemaError, match="cannot read"):
        load(tmp_path / "missing.json")


def test_bad_types_are_reported_when_the_model_is_used(tmp_path: Path) -> None:
    data = {"format": "cwql-schema/1", "endpoints": {"/x": "X"}, "models": {"X": {"a": "weird"}}}
    schema = Schema(data)
    with pytest.raises(cwql.SchemaError, match=r"X\.a: unknown type 'weird'"):
        schema.model("X")


# ---- OpenAPI import ----------------------------------------------------------------

def test_openapi_import() -> None:
    spec = json.loads((FIXTURES / "openapi-small.json").read_text())
    schema = from_openapi(spec)
    assert schema.version == "2099.1"
    assert dict(schema.endpoints) == {
        "/service/tickets": "Ticket",
        "/service/tickets/{parentId}/notes": "ServiceNote",
    }
    ticket = schema.model("Ticket")
    assert {n: str(f.type) for n, f in ticket.fields.items()} == {
        "id": "integer", "summary": "string", "budgetHours": "number", "closedFlag": "boolean",
        "dateEntered": "datetime", "status": "ServiceStatusReference",
        "customFields": "array of CustomFieldValue", "tags": "array of string", "_info": "info",
        "extra": "object", "mystery": "any", "priority": "PriorityReference",
    }
    found = check(cwql.parse('summary contains "x" and status/name = "Open" and budgetHours > 1'),
                  schema=schema, endpoint="/service/tickets")
    assert found == []
    found = check(cwql.parse("stauts/name = 'x'"), schema=schema, endpoint="/service/tickets")
    assert [d.code for d in found] == ["S001"]


def test_openapi_rejects_other_documents() -> None:
    with pytest.raises(cwql.SchemaError, match="not an OpenAPI 3"):
        from_openapi({"swagger": "2.0"})


def cwql_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True, text=True, timeout=60)


def test_cli_schema_import_and_use(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    r = cwql_cli("schema", "import", str(FIXTURES / "openapi-small.json"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "2 endpoints" in r.stderr
    assert load(out).endpoint("/service/tickets")[1].name == "Ticket"
    r = cwql_cli("schema", "fields", "/service/tickets", "--schema", str(out))
    assert r.returncode == 0
    assert r.stdout.splitlines()[0] == "/service/tickets -> Ticket"
    assert r.stdout.splitlines()[1:6] == [
        "  id            integer", "  summary       string", "  budgetHours   number",
        "  closedFlag    boolean", "  dateEntered   datetime",
    ]


def test_cli_schema_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    r = cwql_cli("schema", "import", str(bad), "-o", str(tmp_path / "o.json"))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    r = cwql_cli("schema", "fields", "/nope")
    assert r.returncode == 2
    assert "not a list endpoint" in r.stderr


@pytest.mark.parametrize(
    "spec",
    [
        {"openapi": "3.0.0", "components": []},
        {"openapi": "3.0.0", "paths": [1]},
        {"openapi": "3.0.0", "components": {"schemas": {"X": {"allOf": 5}}}},
        {"openapi": "3.0.0", "components": {"schemas": {"X": {"properties": []}}}},
        {"openapi": "3.0.0", "paths": {"/x": {"get": {"responses": {"200": {"content": []}}}}}},
    ],
)
def test_malformed_openapi_documents(spec: dict[str, Any]) -> None:
    # Refused with a SchemaError, or read as far as it makes sense: never another exception.
    with contextlib.suppress(cwql.SchemaError):
        from_openapi(spec)


def test_schema_endpoints_name_models() -> None:
    with pytest.raises(cwql.SchemaError, match="model names"):
        Schema({"format": "cwql-schema/1", "endpoints": {"/x": 5}, "models": {}})


# ---- enum values (issue 14) ------------------------------------------------------------------

SHARED_ENUMS = HERE.parent.parent / "shared" / "schema" / "manage-2025.1-enums.json"


def test_the_bundled_schema_carries_the_enum_values() -> None:
    schema = load()
    assert schema.to_data()["format"] == "cwql-schema/2"
    assert schema.model("TimeEntry").fields["chargeToType"].enum == (
        "ServiceTicket", "ProjectTicket", "ChargeCode", "Activity")
    assert schema.model("Ticket").fields["summary"].enum is None
    enums = schema.to_data()["enums"]
    assert sum(len(fields) for fields in enums.values()) == 331
    if SHARED_ENUMS.is_file():  # the project's data, beside a checkout
        assert enums == json.loads(SHARED_ENUMS.read_text(encoding="utf-8"))["models"]


def test_resolved_paths_know_their_enum() -> None:
    schema = load()
    assert schema.resolve("TimeEntry", "CHARGETOTYPE").enum == ("ServiceTicket", "ProjectTicket", "ChargeCode",  # type: ignore[union-attr]
                                                                 "Activity")
    found = schema.resolve("Contact", "communicationItems/communicationType", kind="childConditions")
    assert isinstance(found, Resolved)
    assert found.enum == ("Email", "Fax", "Phone")
    for path in ("_info/lastUpdated", "company/lastUpdated", "company", "summary"):
        found = schema.resolve("Ticket", path)
        assert isinstance(found, Resolved)
        assert found.enum is None, path


def test_format_1_files_still_load_and_format_2_round_trips(tmp_path: Path) -> None:
    old = {"format": "cwql-schema/1", "endpoints": {"/x": "X"}, "models": {"X": {"kind": "string"}},
           "enums": {"X": {"kind": ["A"]}}}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    assert load(path).model("X").fields["kind"].enum is None  # version 1 has no enums, whatever it holds
    new = {**old, "format": "cwql-schema/2"}
    schema = Schema(new)
    assert schema.model("X").fields["kind"].enum == ("A",)
    again = Schema(schema.to_data())
    assert again.to_data() == schema.to_data()
    assert again.to_data()["enums"] == {"X": {"kind": ["A"]}}


@pytest.mark.parametrize(
    ("enums", "message"),
    [
        ({"X": {"nope": ["A"]}}, "has no field 'nope'"),
        ({"X": {"n": ["A"]}}, "only string fields"),
        ({"X": {"kind": []}}, "non-empty list of strings"),
        ({"X": {"kind": ["A", 1]}}, "non-empty list of strings"),
    ],
)
def test_bad_enums_are_reported_when_the_model_is_used(enums: dict[str, Any], message: str) -> None:
    schema = Schema({"format": "cwql-schema/2", "endpoints": {}, "models": {"X": {"kind": "string", "n": "integer"}},
                     "enums": enums})
    with pytest.raises(cwql.SchemaError, match=message):
        schema.model("X")
    with pytest.raises(cwql.SchemaError, match="enums"):
        Schema({"format": "cwql-schema/2", "endpoints": {}, "models": {}, "enums": []})


def _openapi_with_enums() -> dict[str, Any]:
    return {
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/time/entries": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/TimeEntry"}}}}}}}}},
        "components": {"schemas": {
            "TimeEntry": {"type": "object", "properties": {
                "chargeToType": {"type": "string", "enum": ["ServiceTicket", "ProjectTicket", "ServiceTicket"]},
                "status": {"$ref": "#/components/schemas/TimeStatus"},
                "billable": {"allOf": [{"$ref": "#/components/schemas/Billing"}], "description": "x"},
                "nullable": {"type": ["string", "null"], "enum": ["A", None]},
                "untyped": {"enum": ["X", "Y"]},
                "level": {"type": "integer", "enum": [1, 2]},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["t"]}},
                "plain": {"type": "string"},
            }},
            "TimeStatus": {"type": "string", "enum": ["Open", "Billed"]},
            "Billing": {"$ref": "#/components/schemas/BillingValues"},
            "BillingValues": {"type": "string", "enum": ["Billable", "NoCharge"]},
        }},
    }


def test_openapi_import_reads_enums_inline_and_through_references() -> None:
    schema = from_openapi(_openapi_with_enums())
    fields = schema.model("TimeEntry").fields
    assert {n: (str(f.type), f.enum) for n, f in fields.items()} == {
        "chargeToType": ("string", ("ServiceTicket", "ProjectTicket")),
        "status": ("string", ("Open", "Billed")),
        "billable": ("string", ("Billable", "NoCharge")),
        "nullable": ("string", ("A",)),
        "untyped": ("string", ("X", "Y")),
        "level": ("integer", None),
        "tags": ("array of string", None),
        "plain": ("string", None),
    }
    assert "TimeStatus" not in schema.model_names  # a string schema is no model
    found = check(cwql.parse('status = "Aproved"'), schema=schema, endpoint="/time/entries")
    assert [d.code for d in found] == ["S014"]


def test_openapi_reference_cycles_between_non_objects_are_refused() -> None:
    spec = _openapi_with_enums()
    spec["components"]["schemas"]["Billing"] = {"$ref": "#/components/schemas/Billing"}
    with pytest.raises(cwql.SchemaError, match="chained"):
        from_openapi(spec)


def test_cli_schema_import_writes_enums_and_fields_lists_them(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(_openapi_with_enums()))
    out = tmp_path / "schema.json"
    r = cwql_cli("schema", "import", str(spec), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "5 enum fields" in r.stderr
    assert json.loads(out.read_text())["format"] == "cwql-schema/2"
    r = cwql_cli("schema", "fields", "/time/entries", "--schema", str(out))
    assert "  status        string  one of Open, Billed" in r.stdout.splitlines()


def test_check_names_the_enum_value_and_validate_accepts_another_case() -> None:
    # The issue's "must show", through the CLI and the validator.
    r = cwql_cli("check", "--endpoint", "/time/entries", 'chargeToType = "Project"')
    assert r.returncode == 1
    assert "ProjectTicket" in r.stdout + r.stderr
    validated = cwql.validate('chargeToType = "projectticket"', endpoint="/time/entries")
    assert [w.code for w in validated.warnings] == ["S015"]
    assert validated.warnings[0].expected == ('"ProjectTicket"',)
    with pytest.raises(cwql.ValidationError) as info:
        cwql.validate('chargeToType = "Project"', endpoint="/time/entries")
    assert [d.code for d in info.value.diagnostics] == ["S014"]
    assert '"ProjectTicket"' in (info.value.diagnostics[0].hint or "")


# ---- a condition in the right parameter (issue 12) -------------------------------------------


@pytest.mark.parametrize(("text", "hint"), [
    ('customFields/value = "x"',
     'customFieldConditions: caption="<the custom field\'s name>" and value="x"'),
    ('customfields/caption = "Region"', 'customFieldConditions: caption="Region" and value ...'),
])
def test_a_custom_field_path_in_conditions_points_to_custom_field_conditions(text: str, hint: str) -> None:
    """The executor's check said 'filter its members with childConditions', which the server refuses too."""
    found = check(cwql.parse(text), schema=load(), endpoint="/service/tickets", kind="conditions", text=text)
    s004 = [d for d in found if d.code == "S004"]
    assert len(s004) == 1
    assert s004[0].hint is not None
    assert hint in s004[0].hint
    assert "childConditions" not in s004[0].hint


def test_a_child_condition_without_its_array_suggests_the_array_path() -> None:
    text = 'value like "*@x*"'
    found = check(cwql.parse(text), schema=load(), endpoint="/service/tickets", kind="childConditions", text=text)
    assert [d.code for d in found] == ["S001"]
    assert found[0].hint is not None
    assert found[0].hint.startswith("did you mean customFields/value?")


def test_a_custom_field_condition_in_conditions_points_to_custom_field_conditions() -> None:
    """`caption="Region" and value="West"` in conditions was answered 'did you mean location or duration?'."""
    text = 'caption="Region" and value="West"'
    found = check(cwql.parse(text), schema=load(), endpoint="/service/tickets", kind="conditions", text=text)
    assert [d.code for d in found] == ["S001", "S001"]
    for d in found:
        assert d.hint is not None
        assert "send the condition as customFieldConditions" in d.hint
        assert "location" not in d.hint


def test_a_schema_s_templates_are_never_seen_half_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoint templates are compiled on first use; a schema is shared (the bundled one by
    every validator, across threads), so a lookup made while they are being compiled must see
    all of them or none. Here the lookup runs in the middle of the compiling, as a second
    thread would: it found the list half made and called a known endpoint unknown."""
    import re as real_re

    from cwql.schema import _core

    schema = Schema({"format": "cwql-schema/1", "models": {"N": {"text": "string"}},
                     "endpoints": {"/a/{parentId}/x": "N", "/b/{parentId}/y": "N"}})
    seen: list[str] = []

    class _Re:
        def __getattr__(self, name: str) -> Any:
            return getattr(real_re, name)

        def compile(self, pattern: str) -> real_re.Pattern[str]:
            if not seen:
                seen.append("meanwhile")
                seen.append(schema.endpoint("/b/7/y")[0])  # the other thread's lookup
            return real_re.compile(pattern)

    monkeypatch.setattr(_core, "re", _Re())
    assert schema.endpoint("/a/1/x")[0] == "/a/{parentId}/x"
    assert seen == ["meanwhile", "/b/{parentId}/y"]
