# mypy: enable-error-code="deprecated"
"""Typed fields under a type checker: checked by ``mypy --strict`` in CI (.ci/run) and run by pytest.

Lines that must pass carry ``assert_type``; lines that must fail carry
``# type: ignore[code]``, which ``--strict`` (``warn_unused_ignores``) turns
into an error when mypy no longer reports that code there. Each failing line
also runs, inside ``pytest.raises``: the same mistake is an error at run time.

Why ``deprecated``: mypy checks ``a == b`` by trying ``a.__eq__(b)`` and, when
that refuses ``b``, ``b.__eq__(a)``; ``str.__eq__`` takes any object, so a
narrowed ``__eq__`` alone lets ``Ticket.id == "x"`` pass as ``bool``. The typed
fields add an overload for "any other value", marked ``@deprecated``: with the
``deprecated`` error code on (as in this file) the comparison itself is an
error; with it off, its result (``InvalidComparison``) is still refused
wherever a condition goes. Ordering operators need neither: ``str`` has no
``__gt__`` that takes a field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import assert_type

import pytest

from cwql import CF, Query
from cwql._typed import (
    BoundQuery,
    DateTimeField,
    IntegerField,
    InvalidComparison,
    StringField,
)
from cwql.errors import CWQLTypeError, QueryError
from cwql.fields import Contact, Ticket, TimeEntry
from cwql.fields._company_reference import CompanyReference
from cwql.syntax import Expr, SortKey

SINCE = dt.date(2024, 1, 1)


def test_what_must_type_check() -> None:
    assert_type(Ticket.id, IntegerField)
    assert_type(Ticket.summary, StringField)
    assert_type(Ticket.dateEntered, DateTimeField)
    assert_type(Ticket.company, CompanyReference)
    assert_type(Ticket.company.identifier, StringField)
    assert_type(Ticket.status.name == "New", Expr)
    assert_type(Ticket.id == 5, Expr)
    assert_type(Ticket.id != None, Expr)  # noqa: E711
    assert_type(Ticket.id.in_([1, 2]), Expr)
    assert_type(Ticket.budgetHours >= 1, Expr)  # an int where a number goes
    assert_type(Ticket.budgetHours.between(0.5, Decimal(8)), Expr)
    assert_type(Ticket.closedFlag == False, Expr)  # noqa: E712
    assert_type(Ticket.dateEntered >= SINCE, Expr)
    assert_type(Ticket.dateEntered < dt.datetime(2024, 1, 1, tzinfo=dt.UTC), Expr)
    assert_type(Ticket._info.lastUpdated > SINCE, Expr)
    assert_type(Ticket.lastUpdated > SINCE, Expr)
    assert_type(Ticket.closedDate > SINCE, Expr)  # a date the spec types as text
    assert_type(Ticket.summary.contains("printer"), Expr)
    assert_type(Ticket.company == None, Expr)  # noqa: E711
    assert_type(Ticket.customFields["Region"], CF)
    assert_type(Ticket.id.desc(), SortKey)
    assert_type(TimeEntry.chargeToType.like("Project*"), Expr)
    q = Ticket.query(
        (Ticket.closedFlag == False) & (Ticket.status.name != "Closed"),  # noqa: E712
        fields=[Ticket.id, Ticket.summary, Ticket.company],
        order_by=[Ticket.id.desc(), Ticket.summary],
    )
    assert_type(q, BoundQuery)
    assert_type(q.where(Ticket.id > 5).fields(Ticket.id).order_by(Ticket.id), BoundQuery)
    assert_type(Contact.query(child_conditions=Contact.communicationItems.value.like("*@x.com")), BoundQuery)
    assert isinstance(q.unbound(), Query)


def test_an_unknown_field() -> None:
    with pytest.raises(AttributeError, match="did you mean summary"):
        Ticket.sumary  # type: ignore[attr-defined]
    with pytest.raises(AttributeError, match="did you mean identifier"):
        Ticket.company.identifer  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        Ticket.id.name  # type: ignore[attr-defined]


def test_a_string_for_an_integer_field() -> None:
    with pytest.raises(CWQLTypeError):
        Ticket.id == "x"  # type: ignore[deprecated]
    with pytest.raises(CWQLTypeError):
        Ticket.query(Ticket.id == "x")  # type: ignore[deprecated, arg-type]
    with pytest.raises(CWQLTypeError):
        Ticket.id > "5"  # type: ignore[operator]
    with pytest.raises(CWQLTypeError):
        Ticket.id.in_([1, "2"])  # type: ignore[list-item]


def test_a_date_field_compared_with_an_int() -> None:
    with pytest.raises(CWQLTypeError):
        Ticket.dateEntered >= 5  # type: ignore[operator]
    with pytest.raises(CWQLTypeError):
        Ticket.dateEntered == 20240101  # type: ignore[deprecated]
    with pytest.raises(CWQLTypeError):
        Ticket.dateEntered.between(1, 2)  # type: ignore[arg-type]


def test_an_unknown_enum_value() -> None:
    assert_type(TimeEntry.chargeToType == "ProjectTicket", Expr)
    assert_type(TimeEntry.chargeToType.in_(["ServiceTicket", "ProjectTicket"]), Expr)
    with pytest.raises(CWQLTypeError, match="did you mean ProjectTicket"):
        TimeEntry.chargeToType == "Project"  # type: ignore[deprecated]
    with pytest.raises(CWQLTypeError):
        TimeEntry.chargeToType.in_(["ProjectTicket", "Foo"])  # type: ignore[list-item]


def test_other_values_of_the_wrong_type() -> None:
    with pytest.raises(CWQLTypeError):
        Ticket.closedFlag == "false"  # type: ignore[deprecated]
    with pytest.raises(CWQLTypeError):
        Ticket.summary == 5  # type: ignore[deprecated]
    with pytest.raises(CWQLTypeError):
        Ticket.company == 5  # type: ignore[deprecated]
    with pytest.raises(AttributeError, match="no contains"):
        Ticket.id.contains("1")  # type: ignore[attr-defined]
    with pytest.raises(CWQLTypeError):
        Ticket.closedFlag > False  # type: ignore[operator]


def test_the_wrong_result_is_refused_where_a_condition_goes() -> None:
    # With the `deprecated` code off, this is what still catches the mistake.
    def wrong() -> InvalidComparison:
        return Ticket.id == "x"  # type: ignore[deprecated]

    with pytest.raises(CWQLTypeError):
        Query(wrong())  # type: ignore[arg-type]


def test_python_precedence_is_a_type_error() -> None:
    # `a == 1 & b == 2` is `a == (1 & b) == 2` in Python: fields have no `&`.
    with pytest.raises(CWQLTypeError, match="parentheses"):
        Ticket.id == 1 & Ticket.board.id == 2  # type: ignore[operator]


def test_a_bound_query_outside_its_model() -> None:
    with pytest.raises(QueryError):
        Ticket.query(endpoint="/company/companies")
    with pytest.raises(AttributeError):
        CompanyReference.query()  # type: ignore[attr-defined]
