"""Typed fields (cwql.fields) at run time: the same trees as F, the schema's types enforced, bound queries."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import pickle
import subprocess
import sys
from decimal import Decimal

import pytest

import cwql
from cwql import CF, F, Query
from cwql._typed import (
    RUNTIME,
    BooleanField,
    BoundQuery,
    DateStringField,
    DateTimeField,
    EndpointModel,
    IntegerField,
    InvalidComparison,
    Model,
    NumberField,
    StringField,
    _attributes,
    models_package,
)
from cwql.errors import CWQLTypeError, QueryError, SchemaError
from cwql.fields import Board, Contact, ContactTrack, Ticket
from cwql.syntax import Path, SortKey
from cwql.testing import FakePSA

UTC = dt.UTC


# ---- the same trees as the untyped DSL ------------------------------------------------


@pytest.mark.parametrize(("typed", "untyped"), [
    (lambda: Ticket.status.name == "New", lambda: F.status.name == "New"),
    (lambda: Ticket.dateEntered >= dt.date(2024, 1, 1), lambda: F.dateEntered >= dt.date(2024, 1, 1)),
    (lambda: Ticket.company.identifier != "ACME", lambda: F.company.identifier != "ACME"),
    (lambda: Ticket.closedFlag == False, lambda: F.closedFlag == False),  # noqa: E712
    (lambda: Ticket.priority.id.in_([3, 1, 3]), lambda: F.priority.id.in_([3, 1, 3])),
    (lambda: Ticket.id.in_({5, 2, 9}), lambda: F.id.in_({5, 2, 9})),
    (lambda: Ticket.budgetHours.between(1, Decimal("8.5")), lambda: F.budgetHours.between(1, Decimal("8.5"))),
    (lambda: Ticket.summary.contains("50% [off]"), lambda: F.summary.contains("50% [off]")),
    (lambda: Ticket.summary.like("*printer*"), lambda: F.summary.like("*printer*")),
    (lambda: Ticket.owner.id.is_null(), lambda: F.owner.id.is_null()),
    (lambda: Ticket.owner == None, lambda: F.owner == None),  # noqa: E711
    (lambda: Ticket.owner.is_not_null(), lambda: F.owner.is_not_null()),
    (lambda: Ticket._info.lastUpdated > dt.datetime(2024, 5, 1, tzinfo=UTC),
     lambda: F._info.lastUpdated > dt.datetime(2024, 5, 1, tzinfo=UTC)),
    (lambda: Ticket.lastUpdated < dt.date(2024, 5, 1), lambda: F.lastUpdated < dt.date(2024, 5, 1)),
    (lambda: Ticket.closedDate >= dt.date(2024, 1, 1), lambda: F.closedDate >= dt.date(2024, 1, 1)),
    (lambda: Ticket.customFields["Region"] == "West", lambda: CF("Region") == "West"),
    (lambda: ~(Ticket.id > 5) | (Ticket.summary != "x"), lambda: ~(F.id > 5) | (F.summary != "x")),
    (lambda: Contact.communicationItems.value.like("*@example.com"),
     lambda: F.communicationItems.value.like("*@example.com")),
])
def test_the_same_tree_as_f(typed, untyped) -> None:
    built = typed()
    assert built == untyped()
    assert str(built) == str(untyped())
    assert cwql.parse(str(built)) == built or isinstance(built, cwql.syntax.And)


def test_printing_evaluating_and_linting_are_unchanged() -> None:
    cond = (Ticket.status.name == "New") & Ticket.summary.contains("printer")
    assert str(cond) == 'status/name="New" and summary contains "printer"'
    record = {"status": {"name": "new"}, "summary": "The Printer jams"}
    assert cwql.evaluate(cond, record) is cwql.evaluate(str(cond), record) is True
    from cwql.schema import check, load

    assert check(cond, schema=load(), endpoint=Ticket.query().endpoint) == []


# ---- the schema's types, enforced ------------------------------------------------------


def test_field_classes_follow_the_schema() -> None:
    assert type(Ticket.id) is IntegerField
    assert type(Ticket.budgetHours) is NumberField
    assert type(Ticket.closedFlag) is BooleanField
    assert type(Ticket.summary) is StringField
    assert type(Ticket.requiredDate) is DateTimeField
    assert type(Ticket.closedDate) is DateStringField  # a date the spec types as text
    assert isinstance(Ticket.company, Model)
    assert type(Ticket.company).__name__ == "CompanyReference"
    assert repr(Ticket.company.identifier) == "Ticket.company.identifier"
    assert str(Ticket.company.identifier) == "company/identifier"
    assert Ticket.company.identifier.path == Path("company/identifier")


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Ticket.id == "5", "Ticket.id holds whole numbers (int); the str '5' is not one of them: write 5 without quotes"),
    (lambda: Ticket.id == True, "Ticket.id holds whole numbers (int); the bool True"),  # noqa: E712
    (lambda: Ticket.id > 2.0, "write 2"),
    (lambda: Ticket.id.in_([1, "2"]), "the str '2'"),
    (lambda: Ticket.id.between(1, "9"), "the str '9'"),
    (lambda: Ticket.closedFlag == 1, "Ticket.closedFlag holds true or false (bool); the int 1 is not one of them: write True or False"),
    (lambda: Ticket.closedFlag == "false", "write False"),
    (lambda: Ticket.dateEntered >= 5, "Ticket.dateEntered holds datetimes (date or datetime); the int 5"),
    (lambda: Ticket.dateEntered >= "2024-01-01", "pass a datetime.date or an aware datetime.datetime"),
    (lambda: Ticket.summary == 5, "Ticket.summary holds text (str); the int 5 is not one of them: write the text '5'"),
    (lambda: Ticket.budgetHours == "1", "Ticket.budgetHours holds numbers"),
    (lambda: Ticket.summary.contains(5), "contains() and like() take a str"),
    (lambda: Ticket.company == 5, "Ticket.company is a reference to CompanyReference; compare Ticket.company.id"),
    (lambda: Ticket.company != "ACME", "or the reference itself only with None"),
])
def test_a_value_of_another_type_is_a_type_error(build, message) -> None:
    with pytest.raises(CWQLTypeError) as caught:
        build()
    assert message in str(caught.value)


def test_the_dsl_still_refuses_what_the_language_cannot_hold() -> None:
    # The typed layer checks the type; F's own checks follow, with F's errors.
    with pytest.raises(cwql.InvalidValueError, match="naive"):
        Ticket.dateEntered > dt.datetime(2024, 1, 1)
    with pytest.raises(cwql.InvalidValueError, match="not a number"):
        Ticket.budgetHours > float("nan")
    with pytest.raises(cwql.ParseError, match="E007"):
        Ticket.id.in_([])
    with pytest.raises(cwql.UnsafeValueError):
        Ticket.summary == "both ' and \""


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Ticket.sumary, "Ticket has no field 'sumary'; did you mean summary?"),
    (lambda: Ticket.Summary, "Ticket has no field 'Summary': it is spelled summary"),
    (lambda: Ticket.company.identifer, "Ticket.company has no field 'identifer'; did you mean identifier"),
    (lambda: Ticket.id.name, "Ticket.id is a field of its own and has no field 'name'"),
    (lambda: Board.customFields, "Board has no field 'customFields'"),
    (lambda: Ticket.customFields.Region, "write Ticket.customFields['Region']"),
])
def test_an_unknown_attribute_is_an_attribute_error_with_did_you_mean(build, message) -> None:
    with pytest.raises(AttributeError) as caught:
        build()
    assert message in str(caught.value)


def test_an_unknown_model_gets_did_you_mean() -> None:
    import cwql.fields

    with pytest.raises(AttributeError, match="did you mean Ticket"):
        cwql.fields.Tickett
    assert "Ticket" in dir(cwql.fields)
    assert "Tickett" not in cwql.fields.__all__


def test_fields_are_immutable_and_refuse_python_shortcuts() -> None:
    with pytest.raises(AttributeError):
        Ticket.id = 5  # type: ignore[misc]
    with pytest.raises(AttributeError):
        Ticket.company.x = 5  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        Ticket.id._cwql_shown = "x"
    with pytest.raises(CWQLTypeError, match="no truth value"):
        bool(Ticket.id)
    with pytest.raises(CWQLTypeError, match="no truth value"):
        bool(Ticket.company)
    with pytest.raises(CWQLTypeError, match="parentheses"):
        Ticket.id == 1 & Ticket.board.id  # type: ignore[operator]
    with pytest.raises(CWQLTypeError, match="in_"):
        5 in Ticket.id  # type: ignore[operator]
    with pytest.raises(TypeError):
        hash(Ticket.id)
    assert copy.deepcopy(Ticket.id) is not None


@pytest.mark.parametrize("field", [Ticket.id, Ticket.company.identifier, Ticket.closedDate, Ticket.company])
def test_fields_pickle(field) -> None:
    again = pickle.loads(pickle.dumps(field))
    assert type(again) is type(field)
    assert repr(again) == repr(field)
    assert str(again) == str(field)


def test_every_attribute_of_every_model_resolves() -> None:
    # Each reference names a class the package has; each attribute builds a path.
    import cwql.fields

    count = 0
    for name in cwql.fields.__all__:
        model = getattr(cwql.fields, name)
        assert issubclass(model, Model)
        assert model.__name__ == name
        for attribute in _attributes(model).values():
            value = getattr(model, attribute.attribute)
            assert str(value).split("/")[-1] == attribute.name or attribute.name == "customFields"
            count += 1
    assert count > 7000


# ---- import cost -----------------------------------------------------------------------


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()
    return {m for m in out if m.startswith("cwql.fields")}


def test_importing_cwql_never_imports_the_fields() -> None:
    assert _modules_after("import cwql; cwql.F; cwql.Query") == set()


def test_the_fields_import_each_model_on_first_use() -> None:
    assert _modules_after("import cwql.fields") == {"cwql.fields"}
    # A reference's model is imported when it is reached, not when its owner is.
    assert _modules_after("from cwql.fields import Ticket") == {"cwql.fields", "cwql.fields._base", "cwql.fields._ticket"}
    assert "cwql.fields._company_reference" in _modules_after("from cwql.fields import Ticket; Ticket.company")


# ---- bound queries -----------------------------------------------------------------------


def test_a_bound_query_knows_its_endpoint() -> None:
    q = Ticket.query(Ticket.closedFlag == False, fields=[Ticket.id, Ticket.summary], order_by=Ticket.id)  # noqa: E712
    assert isinstance(q, BoundQuery)
    assert isinstance(q, Query)
    assert (q.endpoint, q.model) == ("/service/tickets", Ticket)
    assert q.params() == {"conditions": "closedFlag=false", "orderBy": "id", "fields": "id,summary"}
    assert q.unbound() == Query("closedFlag=false", order_by="id", fields="id,summary")
    assert repr(q) == "Ticket.query(conditions='closedFlag=false', order_by='id', fields='id,summary')"
    base = "https://na.example.com/v4_6_release/apis/3.0"
    assert q.url(base) == q.unbound().url(base, "/service/tickets") == q.url(base, "/service/tickets")
    assert q.url_length(base) == len(q.url(base))


def test_the_builders_keep_the_binding() -> None:
    q = Ticket.query(Ticket.closedFlag == False)  # noqa: E712
    more = q.where(Ticket.id > 5).order_by(Ticket.id.desc(), Ticket.summary).fields(Ticket.id, Ticket.company)
    assert isinstance(more, BoundQuery)
    assert more.endpoint == "/service/tickets"
    assert more.params() == {
        "conditions": "closedFlag=false and id>5", "orderBy": "id desc,summary", "fields": "id,company",
    }
    assert isinstance(q.replace(page_size=10), BoundQuery)
    assert q == Ticket.query(F.closedFlag == False)  # noqa: E712
    assert hash(q) == hash(Ticket.query("closedFlag=false"))
    assert q != q.unbound()
    assert q != Ticket.query()
    assert pickle.loads(pickle.dumps(more)) == more
    with pytest.raises(CWQLTypeError, match="made by a model's query"):
        BoundQuery()


def test_a_bound_query_refuses_paths_its_model_lacks() -> None:
    with pytest.raises(QueryError, match="Ticket has no field 'sumary'; did you mean summary"):
        Ticket.query(F.sumary == "x")
    with pytest.raises(QueryError, match=r"`company/identifer`: company .CompanyReference. has no field .identifer.; did you mean identifier"):
        Ticket.query(order_by="company/identifer")
    with pytest.raises(QueryError, match="goes on past"):
        Ticket.query("summary/x = 1")
    assert Ticket.query("Summary = 'x' and _info/lastUpdated > [2024-01-01] and dateEntered != null")


def test_arrays_are_for_child_conditions_only() -> None:
    member = Contact.communicationItems.value.like("*@example.com")
    q = Contact.query(Contact.firstName == "Ann", child_conditions=member)
    assert q.params()["childConditions"] == 'communicationItems/value like "*@example.com"'
    with pytest.raises(QueryError, match=r"goes into the array `communicationItems`.*child_conditions="):
        Contact.query(member)
    with pytest.raises(QueryError, match=r"does not go into an array.*communicationItems"):
        Contact.query(child_conditions=Contact.firstName == "Ann")
    with pytest.raises(QueryError, match="sort by a field that is not in an array"):
        Contact.query(order_by=Contact.communicationItems.value)
    assert Contact.query(fields=[Contact.communicationItems])


def test_custom_field_conditions_only_where_the_model_has_custom_fields() -> None:
    q = Ticket.query(custom_field_conditions=Ticket.customFields["Region"] == "West")
    assert q.params() == {"customFieldConditions": 'caption="Region" and value="West"'}
    with pytest.raises(QueryError, match="Board records have no custom fields"):
        Board.query(custom_field_conditions=CF("Region") == "West")


def test_endpoints_other_than_the_default() -> None:
    assert Ticket.query(endpoint="/service/tickets/calculateSla").endpoint == "/service/tickets/calculateSla"
    tracks = ContactTrack.query(endpoint="company/contacts/5/tracks/")
    assert tracks.endpoint == "/company/contacts/5/tracks"
    assert "endpoint='/company/contacts/5/tracks'" in repr(tracks)
    with pytest.raises(QueryError, match=r"no single endpoint of its own.*contacts/.parentId./tracks"):
        ContactTrack.query()
    with pytest.raises(QueryError, match="not an endpoint that returns Ticket"):
        Ticket.query(endpoint="/company/companies")
    with pytest.raises(QueryError, match="fill in"):
        ContactTrack.query(endpoint="/company/contacts/{parentId}/tracks")
    with pytest.raises(CWQLTypeError):
        Ticket.query(endpoint=5)  # type: ignore[arg-type]


def test_the_executor_takes_a_bound_query() -> None:
    psa = FakePSA.demo()
    with psa.client() as client:
        typed = [r["id"] for r in client.iter(Ticket.query(Ticket.closedFlag == False))]  # noqa: E712
        untyped = [r["id"] for r in client.iter("/service/tickets", "closedFlag = false")]
        assert typed == untyped
        assert len(typed) == client.count(Ticket.query(Ticket.closedFlag == False))  # noqa: E712
        newest = client.iter(Ticket.query(fields=[Ticket.id, Ticket.summary], order_by=Ticket.id.desc()))
        first = next(iter(newest))
        assert set(first) == {"id", "summary"}
        assert first["id"] == max(r["id"] for r in client.iter("/service/tickets", Query(fields="id")))
        assert len(list(client.search(Ticket.query(Ticket.closedFlag == False), limit=3))) == 3  # noqa: E712
        with pytest.raises(CWQLTypeError, match="pass it alone"):
            list(client.iter(Ticket.query(), "id > 1"))  # type: ignore[arg-type]

    async def run() -> int:
        async with psa.async_client() as api:
            return await api.count(Ticket.query(Ticket.closedFlag == False))  # noqa: E712

    assert asyncio.run(run()) == len(typed)


def test_a_package_for_another_runtime_refuses_to_import() -> None:
    with pytest.raises(SchemaError, match="regenerate it"):
        models_package("cwql.fields", {}, runtime=RUNTIME + 1)


def test_the_marker_type_is_never_made() -> None:
    with pytest.raises(CWQLTypeError):
        InvalidComparison()


def test_sort_keys_from_typed_fields() -> None:
    assert Ticket.id.desc() == F.id.desc() == SortKey(Path("id"), True)
    assert issubclass(Ticket, EndpointModel)
    assert not issubclass(type(Ticket.company), EndpointModel)


def test_typed_fields_have_the_dsl_spellings_linters_accept() -> None:
    """`closedFlag == False` fails ruff's E712; the typed field offers what F offers instead."""
    from cwql.fields import Ticket

    assert str(Ticket.closedFlag.is_false()) == "closedFlag=false"
    assert str(Ticket.closedFlag.is_true()) == "closedFlag=true"
    assert str(Ticket.closedFlag.is_(None)) == "closedFlag=null"
    assert str(Ticket.closedFlag.is_not(True)) == "closedFlag!=true"
    with pytest.raises(cwql.CWQLTypeError):
        Ticket.closedFlag.is_(1)  # type: ignore[arg-type]
    # startswith/endswith take the text literally, as F's do
    assert str(Ticket.summary.startswith("50%")) == 'summary like "50[%]*"'
    assert str(Ticket.summary.endswith("a_b")) == 'summary like "*a[_]b"'
    assert str(Ticket.summary.startswith("x")) == str(cwql.F.summary.startswith("x"))
