"""The demo data is valid by construction: every record of every collection conforms to the bundled schema.

Types and enum values come from the schema (manage-2025.1.json and its enums);
the fields each model must carry are the spec's ``required`` lists (as the
models pyconnectwise 0.6.1.2 generated from the spec declare them), plus the
``id`` and ``_info`` every real record carries. CI also reads every record
with pyconnectwise itself (tests/interop/pyconnectwise_demo.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from cwql.schema import ArrayOf, FieldType, Ref, Scalar, Schema, load
from cwql.testing import FakePSA
from cwql.testing._demo import demo_records

#: Fields the spec requires of each model the demo holds.
REQUIRED = {
    "Ticket": {"summary"},
    "ProjectTicket": {"summary"},
    "Company": {"identifier", "name"},
    "Contact": set(),
    "TimeEntry": {"timeStart"},
    "Project": {"billingMethod", "estimatedEnd", "estimatedStart", "name"},
    "Board": {"name"},
    "BoardStatus": {"name"},
    "Priority": {"color", "name"},
    "Member": {"agreementInvoicingDisplayOptions", "defaultEmail", "defaultPhone", "firstName", "identifier",
               "invoiceScreenDefaultTabFormat", "invoicingDisplayOptions", "licenseClass"},
}
#: What every record of every collection carries.
ALWAYS = {"id", "_info"}


def _datetime(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return text.endswith("Z")


def problems(schema: Schema, model: str, record: dict[str, Any], where: str) -> list[str]:
    """Every way ``record`` departs from ``model``: unknown fields, wrong types, values outside enums."""
    found = []
    fields = schema.model(model).fields
    for name, value in record.items():
        field = fields.get(name)
        if field is None:
            found.append(f"{where}.{name}: not a field of {model}")
            continue
        found += _value(schema, field.type, field.enum, value, f"{where}.{name}")
    return found


def _value(schema: Schema, ftype: FieldType, enum: tuple[str, ...] | None, value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(ftype, Ref):
        if not isinstance(value, dict):
            return [f"{where}: {ftype.model} must be an object, not {value!r:.40}"]
        return problems(schema, ftype.model, value, where)
    if isinstance(ftype, ArrayOf):
        if not isinstance(value, list):
            return [f"{where}: must be a list"]
        return [p for i, item in enumerate(value) for p in _value(schema, ftype.item, None, item, f"{where}[{i}]")]
    assert isinstance(ftype, Scalar)
    ok = {
        "integer": lambda: isinstance(value, int) and not isinstance(value, bool),
        "number": lambda: isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": lambda: isinstance(value, bool),
        "string": lambda: isinstance(value, str),
        "datetime": lambda: isinstance(value, str) and _datetime(value),
        "info": lambda: isinstance(value, dict) and all(isinstance(v, str) for v in value.values()),
    }.get(ftype.name, lambda: True)()
    if not ok:
        return [f"{where}: {value!r:.40} is not {ftype.name}"]
    if enum is not None and value not in enum:
        return [f"{where}: {value!r} is none of {', '.join(enum)}"]
    return []


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_every_demo_record_conforms_to_the_bundled_schema(seed: int) -> None:
    schema = load()
    data = demo_records(seed)
    walked = Counter[str]()
    found: list[str] = []
    for path, records in data.items():
        _, model = schema.endpoint(path)
        for record in records:
            walked[model.name] += 1
            where = f"{path}#{record['id']}"
            found += problems(schema, model.name, record, where)
            missing = (REQUIRED[model.name] | ALWAYS) - set(record)
            if missing:
                found.append(f"{where}: lacks {sorted(missing)}")
    assert found == []
    assert set(walked) == set(REQUIRED)
    assert sum(walked.values()) == sum(len(r) for r in data.values()) > 7000


def test_the_checker_finds_what_the_issue_found() -> None:
    # The values issue 14 reported, so the walk above is known to catch them.
    schema = load()
    assert problems(schema, "TimeEntry", {"status": "Approved"}, "t") == [
        "t.status: 'Approved' is none of " + ", ".join(schema.model("TimeEntry").fields["status"].enum or ()),
    ]
    assert problems(schema, "Priority", {"color": "red"}, "p")
    assert problems(schema, "Ticket", {"board": {"nmae": "x"}}, "t") == ["t.board.nmae: not a field of BoardReference"]
    assert problems(schema, "Ticket", {"closedFlag": 1}, "t") == ["t.closedFlag: 1 is not boolean"]


def test_demo_answers_carry_enum_values_in_the_specs_spelling() -> None:
    psa = FakePSA.demo(requests_per_minute=None)
    url = psa.base_url + "time/entries/count?conditions=" + "status%3D%22Approved%22"
    assert psa.handle("GET", url, psa.auth_headers()).json() == {"count": 0}
    url = psa.base_url + "time/entries/count?conditions=" + "status%3D%22readytobill%22"
    assert psa.handle("GET", url, psa.auth_headers()).json()["count"] > 0
    colors = {p["color"] for p in psa.records("/service/priorities")}
    assert colors <= set(load().model("Priority").fields["color"].enum or ())
