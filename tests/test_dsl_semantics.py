"""What DSL conditions mean: dates as whole days (issue 12), is_/startswith (issue 16).

The DSL writes conditions; the evaluator, the fake PSA and SQLite read them.
These tests build conditions in Python and check what they match, through the
same model (cwql._semantics) every consumer uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
from cwql import CF, F
from cwql._semantics import day_range
from cwql.syntax import DateTime, Expr, Op, Path, Predicate
from cwql.testing import FakePSA

from .conftest import examples

UTC = dt.UTC
Q1_END = {"id": 1, "timeStart": "2024-03-31T12:00:00Z"}


def _fake_ids(records: list[dict[str, Any]], condition: Expr) -> set[int]:
    psa = FakePSA.from_records({"/time/entries": records})
    query = urlencode({"conditions": str(condition), "fields": "id", "pageSize": 1000})
    response = psa.handle("GET", f"{psa.base_path}/time/entries?{query}", psa.auth_headers())
    assert response.status == 200, response.body
    return {r["id"] for r in response.json()}


# ---- issue 12: dates with a day's width ----------------------------------------------------


def test_between_two_dates_covers_the_whole_last_day() -> None:
    """Was timeStart<=[2024-03-31]: midnight, so every entry made on 31 March was left out."""
    condition = F.timeStart.between(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert str(condition) == "timeStart>=[2024-01-01] and timeStart<[2024-04-01]"
    assert cwql.evaluate(condition, Q1_END)
    assert _fake_ids([Q1_END], condition) == {1}
    assert not cwql.evaluate(condition, {"timeStart": "2024-04-01T00:00:00Z"})
    assert cwql.evaluate(condition, {"timeStart": "2024-01-01T00:00:00Z"})


@pytest.mark.parametrize(("build", "text"), [
    (lambda d: F.x == d, "x>=[2024-03-31] and x<[2024-04-01]"),
    (lambda d: F.x != d, "x<[2024-03-31] or x>=[2024-04-01]"),
    (lambda d: F.x <= d, "x<[2024-04-01]"),
    (lambda d: F.x > d, "x>=[2024-04-01]"),
    (lambda d: F.x < d, "x<[2024-03-31]"),
    (lambda d: F.x >= d, "x>=[2024-03-31]"),
    (lambda d: F.x.in_([d]), "x>=[2024-03-31] and x<[2024-04-01]"),
    (lambda d: F.x.in_([d, dt.date(2024, 1, 1)]),
     "(x>=[2024-03-31] and x<[2024-04-01]) or (x>=[2024-01-01] and x<[2024-01-02])"),
    (lambda d: F.x.not_in([d]), "x<[2024-03-31] or x>=[2024-04-01]"),
    (lambda d: F.x.in_([d, "soon"]), 'x in ("soon") or (x>=[2024-03-31] and x<[2024-04-01])'),
    (lambda d: ~(F.x == d), "x<[2024-03-31] or x>=[2024-04-01]"),
    (lambda d: CF("Due") <= d, 'caption="Due" and value<[2024-04-01]'),
])
def test_a_date_is_its_whole_utc_day_at_every_operator(build: Any, text: str) -> None:
    assert str(build(dt.date(2024, 3, 31))) == text


@pytest.mark.parametrize(("low", "high"), [
    (dt.date(2024, 4, 2), dt.datetime(2024, 4, 1, 12, tzinfo=UTC)),
    (dt.datetime(2024, 4, 2, tzinfo=UTC), dt.date(2024, 4, 1)),  # the day ends before it starts
])
def test_between_a_date_and_an_instant_that_can_never_match_is_refused(low: Any, high: Any) -> None:
    """A date at one end and a datetime at the other were not compared: an empty range passed silently."""
    with pytest.raises(cwql.InvalidValueError, match="can never match"):
        F.x.between(low, high)
    # Ends that meet are a range of one instant, not a mistake.
    touching = F.x.between(dt.date(2024, 4, 1), dt.datetime(2024, 4, 1, 0, tzinfo=UTC))
    assert str(touching) == "x>=[2024-04-01] and x<=[2024-04-01T00:00:00Z]"


def test_the_last_day_of_the_calendar_ends_at_its_last_instant() -> None:
    assert str(F.x <= dt.date.max) == "x<=[9999-12-31T23:59:59.9999999Z]"
    assert str(F.x == dt.date.max) == "x>=[9999-12-31] and x<=[9999-12-31T23:59:59.9999999Z]"


def test_datetimes_and_datetime_nodes_keep_their_instant() -> None:
    at = dt.datetime(2024, 3, 31, 12, tzinfo=UTC)
    assert str(F.x == at) == "x=[2024-03-31T12:00:00Z]"
    assert str(F.x <= DateTime(dt.date(2024, 3, 31))) == "x<=[2024-03-31]"  # a node as built


def test_day_range_is_the_linters_fix_too() -> None:
    """The function the lint rule for `<= [date]` / `= [date]` on datetime fields calls."""
    node = cwql.parse("timeStart <= [2024-03-31]")
    assert isinstance(node, Predicate)
    assert str(day_range(node)) == "timeStart<[2024-04-01]"
    assert day_range(Predicate(Path("x"), Op.GE, DateTime(dt.date(2024, 1, 1)))) is None
    assert day_range(Predicate(Path("x"), Op.LE, DateTime(dt.datetime(2024, 1, 1, tzinfo=UTC)))) is None


MOMENTS = st.datetimes(min_value=dt.datetime(2023, 12, 25), max_value=dt.datetime(2024, 1, 8),
                       timezones=st.just(UTC))
DAYS = st.dates(min_value=dt.date(2023, 12, 28), max_value=dt.date(2024, 1, 4))


@examples(300)
@given(MOMENTS, DAYS)
def test_a_date_compares_as_its_utc_day(moment: dt.datetime, day: dt.date) -> None:
    record = {"x": moment.isoformat()}
    on = moment.date()

    def holds(condition: Expr) -> bool:
        return cwql.evaluate(condition, record)

    assert holds(F.x == day) is (on == day)
    assert holds(F.x != day) is (on != day)
    assert holds(F.x <= day) is (on <= day)
    assert holds(F.x < day) is (on < day)
    assert holds(F.x > day) is (on > day)
    assert holds(F.x >= day) is (on >= day)
    assert holds(F.x.between(day, day)) is (on == day)


# ---- issue 16: is_, is_not, is_true, is_false; startswith, endswith ---------------------------


def test_is_spells_null_and_boolean_tests_the_linters_accept() -> None:
    assert str(F.closedFlag.is_(False)) == "closedFlag=false"
    assert str(F.closedFlag.is_(True)) == "closedFlag=true"
    assert str(F.contact.is_(None)) == "contact=null"
    assert str(F.closedFlag.is_not(True)) == "closedFlag!=true"
    assert str(F.contact.is_not(None)) == "contact!=null"
    assert str(F.closedFlag.is_true()) == "closedFlag=true"
    assert str(F.closedFlag.is_false()) == "closedFlag=false"
    assert F.closedFlag.is_(False) == (F.closedFlag == False)  # noqa: E712 - the same condition
    assert str(CF("Approved").is_true()) == 'caption="Approved" and value=true'


def test_is_false_does_not_suggest_in() -> None:
    """F.closedFlag.is_(False) answered 'did you mean .in_()?'."""
    assert cwql.evaluate(F.closedFlag.is_(False), {"closedFlag": False})
    assert not cwql.evaluate(F.closedFlag.is_(False), {"closedFlag": None})


def test_is_takes_only_none_true_and_false() -> None:
    with pytest.raises(cwql.CWQLTypeError, match=r"takes None, True or False.*F\.x == value"):
        F.x.is_(5)  # type: ignore[arg-type]
    with pytest.raises(cwql.CWQLTypeError, match=r"F\.x != value"):
        F.x.is_not("a")  # type: ignore[arg-type]
    with pytest.raises(cwql.CWQLTypeError, match=r"write F\.timeStart == value"):  # the field, not F.x
        F.timeStart.is_(dt.date(2024, 3, 31))  # type: ignore[arg-type]
    with pytest.raises(cwql.CWQLTypeError, match=r"write CF\('Due'\) != value"):
        CF("Due").is_not(1)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "pattern"), [
    ("50%", "50[%]"), ("a_b", "a[_]b"), ("x*", "x[*]"), ("[WIP]", "[[]WIP]"), ("]", "]"),
    ("plain", "plain"), ("%_*[", "[%][_][*][[]"),
])
def test_startswith_and_endswith_bracket_every_wildcard(text: str, pattern: str) -> None:
    assert str(F.summary.startswith(text)) == f'summary like "{pattern}*"'
    assert str(F.summary.endswith(text)) == f'summary like "*{pattern}"'
    assert cwql.evaluate(F.summary.startswith(text), {"summary": text + " and more"})
    assert cwql.evaluate(F.summary.endswith(text), {"summary": "more and " + text})
    if text != "plain":  # the wildcard characters are not wildcards
        assert not cwql.evaluate(F.summary.startswith(text), {"summary": "Q" + text[1:] + "x"})


def test_startswith_refuses_what_is_not_text() -> None:
    with pytest.raises(cwql.CWQLTypeError, match=r"str\(value\)"):
        F.summary.startswith(5)  # type: ignore[arg-type]
