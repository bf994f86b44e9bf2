"""The compiled predicate's fast paths (issue 15) answer as the general reader does.

A template reads ``r.get(name)`` and, when that is ``None``, tells a present
``null`` from a missing field and looks for the field in another case (or in
``_info``) only when the record has a key it has not seen; an ``and``/``or``
of a few predicates is one fused function. Each edge case here once had, or
could have had, a different answer on the fast path than on the slow one.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections import Counter, UserDict
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
from cwql import _evaluator
from cwql._evaluator import getter
from cwql._semantics import DATETIME_FORM, as_instant

from .conftest import examples

PATHS = ["a", "owner", "owner/name", "Owner/Name", "lastUpdated", "_info/lastUpdated", "x/y/z"]


def _warm(predicate: Any) -> None:
    """Let the predicate learn the keys of records without the field (its fast path's state)."""
    for record in ({"id": 1, "summary": "s"}, {"id": 2, "summary": "t", "status": {"id": 1}}):
        predicate(record)


@pytest.mark.parametrize("path", PATHS)
def test_null_tests_read_what_the_general_reader_reads(path: str) -> None:
    records: list[Any] = [
        {}, {"id": 1}, {"a": None}, {"A": 1}, {"a": 0}, {"a": False},
        {"owner": None}, {"owner": 5}, {"owner": {}}, {"owner": {"name": None}},
        {"owner": {"NAME": "x"}}, {"OWNER": {"name": "x"}}, {"Owner": {"Name": "y"}},
        {"owner": None, "Owner": {"name": "x"}},  # the exact spelling wins, null or not
        {"a": None, "A": 1},
        {"_info": {"lastUpdated": "2024-01-01T00:00:00Z"}}, {"lastUpdated": None, "_info": {"lastUpdated": "x"}},
        {"_INFO": {"LASTUPDATED": "x"}}, {"LastUpdated": "y"},
        {"x": {"y": {"z": 1}}}, {"X": {"Y": {"Z": None}}},
        {1: "int key", "id": 1}, {("a",): 1},
    ]
    is_null = cwql.compile_predicate(f"{path} = null")
    not_null = cwql.compile_predicate(f"{path} != null")
    _warm(is_null)
    _warm(not_null)
    read = getter(path)
    for record in records * 2:  # the second time round, every key set has been learned
        expected = read(record) is None
        assert is_null(record) is expected, (path, record)
        assert not_null(record) is not expected, (path, record)


def test_a_key_in_another_case_is_found_after_the_fast_path_learned_the_key_set() -> None:
    predicate = cwql.compile_predicate('owner/name = "ann"')
    _warm(predicate)
    for _ in range(3):
        assert not predicate({"id": 1, "summary": "s"})
    assert predicate({"id": 1, "summary": "s", "OWNER": {"name": "Ann"}})
    assert predicate({"id": 1, "summary": "s", "owner": {"NAME": "ANN  "}})


def test_lastupdated_falls_back_to_info_after_records_without_it() -> None:
    predicate = cwql.compile_predicate("lastUpdated > [2024-01-01]")
    _warm(predicate)
    assert not predicate({"id": 1, "summary": "s"})
    assert predicate({"id": 1, "summary": "s", "_info": {"lastUpdated": "2024-02-01T00:00:00Z"}})
    assert predicate({"id": 1, "_Info": {"LastUpdated": "2024-02-01T00:00:00Z"}})


@pytest.mark.parametrize("record", [
    Counter({"open": 2}),
    MappingProxyType({"a": None, "A": 1}),
    UserDict({"a": None}),
])
def test_mappings_that_are_not_dicts_read_exact_spelling_first(record: Any) -> None:
    read = getter("a")
    assert cwql.evaluate("a = null", record) is (read(record) is None)
    assert cwql.evaluate("open = 2", Counter({"open": 2}))


def test_values_of_the_wrong_type_do_not_match_on_the_fast_path() -> None:
    class Text(str):
        pass

    assert cwql.evaluate('status/name = "open"', {"status": {"name": Text("OPEN  ")}})
    assert not cwql.evaluate("priority/id in (1, 2)", {"priority": {"id": True}})
    assert not cwql.evaluate("flag = false", {"flag": 0})
    assert not cwql.evaluate("n > 1", {"n": "2x"})
    assert cwql.evaluate("n > 1", {"n": "2"})
    assert not cwql.evaluate('d > [2023-01-01]', {"d": "2024-W01-1T00:00:00Z"})  # a week date
    assert cwql.evaluate('d > [2023-01-01]', {"d": "2024-01-01T00:00:00Z"})
    with pytest.raises(cwql.CWQLTypeError, match="mapping"):
        cwql.evaluate("a = null and b = 1", ["not", "a", "record"])  # type: ignore[arg-type]


# ---- the API's datetime form, read in the instant templates ------------------------------------

_FORM_CHARS = st.sampled_from("0123456789-:TZWt z+.")


@examples(300)
@given(st.text(_FORM_CHARS, min_size=20, max_size=20) | st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")))
def test_instant_templates_are_as_instant(value: str) -> None:
    """The in-place reading of the API's form agrees with as_instant, and both with DATETIME_FORM."""
    moment = as_instant(value)
    if DATETIME_FORM.fullmatch(value) is None:
        assert moment is None
    at = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert cwql.evaluate("d >= [2000-01-01]", {"d": value}) is (moment is not None and moment >= at)
    assert cwql.evaluate("d in ([2000-01-01])", {"d": value}) is (moment == at)


# ---- fused and/or ---------------------------------------------------------------------------

LEAVES = [
    'status/name = "open"', "budgetHours > 5", 'summary contains "printer"', 'summary like "vpn*"',
    "dateEntered >= [2024-06-01]", "closedFlag = false", "priority/id in (1, 2)", "owner != null",
    "owner/name = null", 'x/y/z = "a"', "lastUpdated < [2025-01-01]", "id not in (1, 2)", 'summary != "a"',
]

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 9), st.sampled_from(
    ["open", "OPEN ", "Printer jam", "vpn", "2024-07-01T00:00:00Z", "2024-01-01", "7", "a"]))
_fields = st.sampled_from(["status", "STATUS", "budgetHours", "summary", "dateEntered", "closedFlag",
                           "priority", "owner", "Owner", "x", "id", "lastUpdated", "_info"])
_records = st.dictionaries(_fields, st.one_of(_scalars, st.dictionaries(
    st.sampled_from(["name", "NAME", "id", "y", "lastUpdated"]),
    st.one_of(_scalars, st.dictionaries(st.sampled_from(["z", "Z"]), _scalars, max_size=2)), max_size=3)), max_size=6)


@examples(200)
@given(st.lists(st.sampled_from(LEAVES), min_size=2, max_size=5), st.booleans(), st.lists(_records, max_size=20))
def test_fused_and_or_answer_as_their_operands(leaves: list[str], conjunction: bool,
                                               records: list[dict[str, Any]]) -> None:
    joined = cwql.compile_predicate((" and " if conjunction else " or ").join(leaves))
    operands = [cwql.compile_predicate(leaf) for leaf in leaves]
    for record in records:
        answers = [operand(record) for operand in operands]
        assert joined(record) is (all(answers) if conjunction else any(answers)), record


def test_fused_predicates_are_plain_code_with_real_line_numbers() -> None:
    """A fused and/or is one function whose lines are the templates' own lines of _evaluator.py."""
    predicate = cwql.compile_predicate('status/name = "Open" and budgetHours > 5')
    assert predicate.__code__.co_filename == _evaluator.__file__
    assert predicate.__name__ == "_and_text_eq_2_number_1"

    class Exploding(dict):  # type: ignore[type-arg]
        def get(self, *args: Any) -> Any:
            if args[0] == "budgetHours":
                raise RuntimeError("boom")
            return super().get(*args)

    with pytest.raises(RuntimeError) as raised:
        predicate(Exploding(status={"name": "open"}))
    frame = next(f for f in traceback.extract_tb(raised.value.__traceback__) if f.name == predicate.__name__)
    assert frame.filename == _evaluator.__file__
    assert frame.line == "v = r.get(_k0)"
    assert frame.lineno == _evaluator._number_1.__code__.co_firstlineno + 5  # its read, line 5


def test_values_never_enter_fused_code() -> None:
    weird = '"); raise SystemExit("'
    predicate = cwql.compile_predicate(f"summary = '{weird}' and id = 1")
    assert predicate({"summary": weird, "id": 1})
    assert weird not in repr(predicate.__code__.co_consts)
