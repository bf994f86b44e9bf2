"""The evaluator's documented semantics (docs/evaluator.md), one named test each."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
from cwql import F
from cwql.syntax import And, Null, Number, Op, Or, Path, Predicate, String

from .conftest import examples
from .strategies import expressions

TICKET: dict[str, Any] = {
    "id": 42,
    "summary": "Printer on 2nd floor JAMS",
    "status": {"id": 5, "name": "In Progress"},
    "budgetHours": 2.5,
    "actualHours": "1.75",
    "closedFlag": False,
    "closedDate": None,
    "requiredDate": "2024-03-01T12:00:00+02:00",
    "_info": {"lastUpdated": "2024-02-10T08:30:00Z", "dateEntered": "2024-02-01"},
    "company": {"name": "Smith & Sons 100% \"Best\""},
    "customFields": [
        {"id": 1, "caption": "Region", "value": "West"},
        {"id": 2, "caption": "Hours", "value": 12},
        {"id": 3, "caption": "Tag", "value": None},
    ],
    "communicationItems": [
        {"type": {"name": "Email"}, "value": "ann@example.com", "defaultFlag": True},
        {"type": {"name": "Phone"}, "value": "+1 555 0100", "defaultFlag": False},
    ],
    "integratorTags": ["sync", "Billing"],
}


def matches(text: str, record: dict[str, Any] = TICKET, kind: Any = "conditions") -> bool:
    return cwql.evaluate(text, record, kind)


# ---- strings ---------------------------------------------------------------------


def test_string_equality_ignores_case() -> None:
    assert matches('status/name = "in progress"')
    assert matches('STATUS/NAME = "IN PROGRESS"')
    assert not matches('status/name = "in  progress"')


def test_string_order_compares_lowered_text() -> None:
    assert matches('status/name > "HELP"')
    assert matches('status/name < "j"')


def test_contains_is_a_case_insensitive_substring() -> None:
    assert matches('summary contains "jams"')
    assert matches('company/name contains "100%"')  # % is a plain character here
    assert not matches('company/name contains "100_"')
    assert matches('summary not contains "scanner"')


def test_contains_reads_bracketed_characters_as_themselves() -> None:
    record = {"summary": "Move desk [Room 3] 50%"}
    assert matches('summary contains "[[]Room 3]"', record)
    assert matches('summary contains "50[%]"', record)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("printer*", True), ("printer%", True), ("%floor%", True), ("*JAMS", True),
        ("printer", False), ("Printer on 2nd floor JAMS", True), ("printer on _nd floor jams", True),
        ("printer on __nd*", False), ("[p]rinter*", True), ("[a-p]rinter*", True), ("[^p]rinter*", False),
        ("[q-z]rinter*", False), ("[z-a]*", False), ("%", True), ("", False),
    ],
)
def test_like_wildcards(pattern: str, expected: bool) -> None:
    assert matches(f'summary like "{pattern}"') is expected


def test_like_escapes_with_brackets() -> None:
    record = {"name": "50% off [sale] a_b *now*"}
    assert matches('name like "50[%] off [[]sale] a[_]b [*]now[*]"', record)
    assert not matches('name like "50[%] off [[]sale] aXb*"', record)
    # An unclosed [ never closes: the pattern matches nothing (SQL Server's reading).
    assert not matches('name like "50% off [sale*"', record)
    assert matches('name like "50% off [[]sale*"', record)


def test_not_like_is_the_complement_for_strings() -> None:
    assert not matches('summary not like "printer*"')
    assert matches('summary not like "scanner*"')


# ---- nulls -------------------------------------------------------------------------


def test_null_and_missing_match_only_equals_null() -> None:
    for field in ("closedDate", "noSuchField", "status/noSuchField", "summary/deeper"):
        assert matches(f"{field} = null"), field
        assert not matches(f"{field} != null"), field
        for op in ("=", "!=", "<", ">="):
            assert not matches(f'{field} {op} "x"'), (field, op)
        assert not matches(f'{field} not contains "x"'), field
        assert not matches(f'{field} not like "x"'), field
        assert not matches(f'{field} not in ("x", 1)'), field


def test_a_present_value_is_not_null() -> None:
    assert matches("status != null")
    assert matches("closedFlag != null")  # false is a value
    assert not matches("summary = null")


def test_empty_string_is_not_null() -> None:
    assert matches('note = ""', {"note": ""})
    assert not matches("note = null", {"note": ""})


# ---- coercion ------------------------------------------------------------------------


def test_numbers_written_as_strings_compare_as_numbers() -> None:
    assert matches("actualHours > 1.5")
    assert matches("actualHours = 1.75")
    assert matches("actualHours in (1, 1.75)")


def test_decimal_literals_equal_the_json_number() -> None:
    assert matches("x = 0.1", {"x": 0.1})
    assert matches("x = 2.50", {"x": 2.5})
    assert matches("x = 3", {"x": 3.0})
    assert matches("x > 0.1", {"x": Decimal("0.2")})


def test_a_value_that_cannot_be_coerced_does_not_match() -> None:
    for op in ("=", "!=", "<", ">"):
        assert not matches(f"summary {op} 5"), op
        assert not matches(f"x {op} 5", {"x": "5 apples"}), op
        assert not matches(f"x {op} [2024-01-01]", {"x": "soon"}), op
        assert not matches(f'id {op} "42"'), op  # a number is not text
    assert not matches("x not in (1, 2)", {"x": "many"})


def test_booleans_are_not_numbers() -> None:
    assert matches("closedFlag = false")
    assert not matches("closedFlag = 0")
    assert not matches("flag = true", {"flag": 1})
    assert matches("closedFlag != true")
    assert not matches("closedFlag != true", {"closedFlag": "no"})


# ---- datetimes ---------------------------------------------------------------------------


def test_datetimes_compare_as_instants() -> None:
    assert matches("requiredDate = [2024-03-01T10:00:00Z]")
    assert matches("requiredDate = [2024-03-01T11:00:00+01:00]")
    assert matches("requiredDate < [2024-03-01T10:00:01Z]")


def test_a_date_is_midnight_utc() -> None:
    record = {"d": "2024-02-01T00:00:00Z"}
    assert matches("d = [2024-02-01]", record)
    assert not matches("d = [2024-02-01]", {"d": "2024-02-01T09:00:00Z"})  # not a whole-day test
    assert matches("d >= [2024-02-01] and d < [2024-02-02]", {"d": "2024-02-01T09:00:00Z"})
    assert matches("d = [2024-02-01T00:00:00Z]", {"d": "2024-02-01"})


def test_a_naive_time_is_utc() -> None:
    assert matches("d = [2024-02-01T10:00:00]", {"d": "2024-02-01T10:00:00Z"})
    assert matches("d = [2024-02-01T10:00:00Z]", {"d": "2024-02-01T10:00:00"})


def test_python_datetimes_and_seven_digit_fractions() -> None:
    aware = dt.datetime(2024, 2, 1, 10, tzinfo=dt.UTC)
    assert matches("d = [2024-02-01T10:00:00Z]", {"d": aware})
    assert matches("d = [2024-02-01]", {"d": dt.date(2024, 2, 1)})
    assert matches("d > [2024-02-01T10:00:00.1234Z]", {"d": "2024-02-01T10:00:00.1234567Z"})


# ---- paths ----------------------------------------------------------------------------------


def test_field_names_are_case_insensitive() -> None:
    assert matches('SUMMARY contains "printer"')
    assert matches("Status/Id = 5")


def test_info_fields_fall_back_both_ways() -> None:
    assert matches("lastUpdated > [2024-02-10]")
    assert matches("dateEntered = [2024-02-01]")
    assert matches("_info/lastUpdated > [2024-02-10]", {"lastUpdated": "2024-02-11"})
    assert matches("summary/lastUpdated = null") is not False  # only top-level names fall back


def test_a_path_through_a_list_is_null_in_conditions() -> None:
    assert matches("communicationItems/value = null")


# ---- connectives and lists ------------------------------------------------------------------


def test_in_and_not_in() -> None:
    assert matches("status/id in (1, 5)")
    assert not matches("status/id not in (1, 5)")
    assert matches('status/name in ("closed", "IN PROGRESS")')
    assert matches("status/id not in (1, 2)")


def test_and_or() -> None:
    assert matches('status/id = 5 and (closedFlag = true or summary contains "printer")')
    assert not matches("status/id = 5 and closedFlag = true")


# ---- childConditions and customFieldConditions -------------------------------------------------


def test_child_conditions_need_one_member_to_match_the_whole_condition() -> None:
    assert matches('communicationItems/value like "ann@*"', kind="childConditions")
    both = 'communicationItems/type/name = "Email" and communicationItems/value like "+1*"'
    assert not matches(both, kind="childConditions")  # two different members
    assert matches(
        'communicationItems/type/name = "phone" and communicationItems/value like "+1*"',
        kind="childConditions",
    )


def test_child_conditions_over_plain_values() -> None:
    assert matches('integratorTags = "billing"', kind="childConditions")
    assert not matches('integratorTags = "other"', kind="childConditions")


def test_child_conditions_with_no_array_match_nothing() -> None:
    assert not matches('communicationItems/value != null', {"id": 1}, "childConditions")
    assert not matches('communicationItems/value != null', {"communicationItems": []}, "childConditions")


def test_child_conditions_over_two_arrays_join_them() -> None:
    record = {"a": [{"x": 1}, {"x": 2}], "b": [{"y": 2}]}
    assert matches("a/x = 2 and b/y = 2", record, "childConditions")
    assert not matches("a/x = 1 and b/y = 1", record, "childConditions")


def test_custom_field_conditions_need_one_row_to_match() -> None:
    assert matches('caption = "region" and value = "West"', kind="customFieldConditions")
    assert matches('caption = "Hours" and value > 10', kind="customFieldConditions")
    assert not matches('caption = "Region" and value = "East"', kind="customFieldConditions")
    assert not matches('caption = "Hours" and value = "West"', kind="customFieldConditions")
    assert matches('caption = "Tag" and value = null', kind="customFieldConditions")


# ---- the API ----------------------------------------------------------------------------------


def test_compile_once_call_many() -> None:
    test = cwql.compile_predicate('status/name = "open"')
    assert [test(r) for r in ({"status": {"name": "OPEN"}}, {"status": None}, {})] == [True, False, False]
    assert cwql.compile_predicate('status/name = "open"') is test  # cached


def test_trees_and_text_give_the_same_predicate() -> None:
    tree = cwql.parse('summary contains "printer" or id = 1')
    assert cwql.evaluate(tree, TICKET) is matches('summary contains "printer" or id = 1')


def test_bad_input_gets_cwql_errors() -> None:
    with pytest.raises(cwql.ParseError):
        cwql.evaluate("a ==", {})
    with pytest.raises(TypeError, match="mapping"):
        cwql.evaluate("a = 1", ["not", "a", "record"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        cwql.compile_predicate("a = 1", "nope")  # type: ignore[arg-type]
    # Trees the grammar would refuse cannot even be built; and should one get past
    # the constructor (only the parser's unchecked path can), it still never runs.
    bad = [
        (Path("a"), Op.LT, Null()),
        (Path("a"), Op.CONTAINS, Number("5")),
        (Path("a"), Op.IN, ()),
        (Path("a"), Op.IN, (Null(),)),
        (Path("a"), Op.EQ, (String("x"),)),
    ]
    refused = (cwql.ParseError, cwql.CWQLTypeError)  # as the parser refuses the same in text
    for args in bad:
        with pytest.raises(refused):
            Predicate(*args)
        smuggled = Predicate._unchecked(*args, None)
        with pytest.raises(refused):
            cwql.compile_predicate(smuggled)
        with pytest.raises(refused):
            cwql.to_sql(smuggled)


def test_deep_trees_compile_without_recursion() -> None:
    tree: Any = Predicate(Path("a"), Op.EQ, Number("1"))
    for i in range(98):  # alternating and/or, one level each: height 98, just under MAX_HEIGHT
        other = Predicate(Path(f"b{i}"), Op.EQ, Number("1"))
        tree = (And if i % 2 else Or)((tree, other))
    assert cwql.compile_predicate(tree)({"a": 1, **{f"b{i}": 1 for i in range(98)}})
    assert tree.height == 98
    assert cwql.to_sql(tree)[0].count("(") > 98


@examples(200)
@given(expressions, st.dictionaries(st.text(max_size=3), st.none() | st.integers() | st.text(max_size=3)))
def test_any_tree_compiles_and_answers_a_bool(expr: Any, record: dict[str, Any]) -> None:
    assert cwql.compile_predicate(expr)(record) in (True, False)


def test_values_never_enter_generated_code() -> None:
    weird = 'x"]\nimport os\n#'
    # Path refuses such a name; the parser's unchecked constructor stands in for
    # whatever might one day let one through.
    tree = Predicate(Path._unchecked(weird, None), Op.EQ, String('"); raise SystemExit("'))
    assert cwql.evaluate(tree, {weird: '"); raise SystemExit("'})
    long_path = "/".join(f"s{i}" for i in range(30))
    record: dict[str, Any] = {}
    holder = record
    for i in range(29):
        holder = holder.setdefault(f"s{i}", {})
    holder["s29"] = 1
    assert cwql.evaluate(f"{long_path} = 1", record)
    assert cwql.evaluate("S0/S1/S2/S3/S4/S5/S6/S7/S8/S9 != null", record)


# ---- issue 11: nothing hangs, nothing changes, one string equality ------------------------


PATTERN = "*a*a*a*a*a*a*a*a*b"


def _counting_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Route every general like/contains match through the step counter; the counts, one per match."""
    from cwql import _patterns

    counts: list[int] = []
    real = _patterns._run

    def counted(items: Any, text: str, steps: Any) -> bool:
        counter = _patterns._Steps()
        try:
            return real(items, text, counter)
        finally:
            counts.append(counter.n)

    monkeypatch.setattr(_patterns, "_run", counted)
    return counts


def test_like_with_many_stars_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """Was 42 s: the pattern compiled to a backtracking regular expression. Counted, not timed."""
    counts = _counting_steps(monkeypatch)
    assert not cwql.evaluate(f'summary like "{PATTERN}"', {"summary": "a" * 600})
    assert cwql.evaluate('summary like "*a*a*a*a*a*a*a*a*"', {"summary": "a" * 600})
    assert len(counts) == 2  # both went through the linear matcher
    assert max(counts) <= (len(PATTERN) + 1) * 601


def test_the_fake_answers_the_backtracking_pattern_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Was 5.7 s per GET: the fake runs the evaluator, and so its linear matcher."""
    from urllib.parse import urlencode

    from cwql.testing import FakePSA

    counts = _counting_steps(monkeypatch)
    rows = [{"id": i, "summary": "a" * 600} for i in range(1, 4)]
    psa = FakePSA.from_records({"/service/tickets": rows})
    query = urlencode({"conditions": f'summary like "{PATTERN}"'})
    response = psa.handle("GET", f"{psa.base_path}/service/tickets?{query}", psa.auth_headers())
    assert (response.status, response.json()) == (200, [])
    assert len(counts) == 3  # one match per record, each through the linear matcher
    assert max(counts) <= (len(PATTERN) + 1) * 601


def test_evaluate_adds_no_key_to_a_defaultdict() -> None:
    from collections import defaultdict

    record: defaultdict[str, Any] = defaultdict(int, {"id": 1})
    assert not cwql.evaluate("priority = 0 or status/id = 0", record)
    assert cwql.evaluate("priority = null and status/id = null", record)
    assert dict(record) == {"id": 1}


def test_evaluate_reads_no_zero_from_a_counter() -> None:
    from collections import Counter

    record = Counter({"open": 2})
    assert not cwql.evaluate("closed = 0", record)
    assert cwql.evaluate("closed = null", record)
    assert cwql.evaluate("open = 2", record)
    assert dict(record) == {"open": 2}


def test_string_equality_ignores_case_and_trailing_spaces() -> None:
    """_semantics.text_key: SQL Server pads with spaces before it compares (ANSI SQL-92)."""
    from cwql._semantics import text_key

    assert matches('x = "abc"', {"x": "ABC  "})
    assert matches('x = "abc  "', {"x": "abc"})
    assert not matches('x = " abc"', {"x": "abc"})  # leading spaces count
    assert matches('x in ("abc", "straße")', {"x": "STRASSE"})
    assert matches('x != "abc"', {"x": "abd "})
    assert not matches('x like "abc"', {"x": "abc "})  # like does not pad
    assert text_key("abc") == text_key("ABC ") == text_key("abc   ")
    assert text_key("straße") == text_key("STRASSE")
    assert text_key("é") != text_key("e")  # accents count


def test_the_split_in_list_example_gives_one_answer() -> None:
    """in_(["abc", "abc ", "straße", "strasse", ...]) gave 2 records split and 4 unsplit."""
    from cwql._semantics import text_key

    values = ["abc", "abc ", "straße", "strasse", *(f"v{i}" for i in range(400))]
    records = [{"x": v} for v in values[:4]]
    whole = cwql.compile_predicate(F.x.in_(values))
    merged: dict[str, str] = {}
    for v in values:  # what splitting keeps: one value per text_key
        merged.setdefault(text_key(v), v)
    kept = cwql.compile_predicate(F.x.in_(list(merged.values())))
    assert [whole(r) for r in records] == [kept(r) for r in records] == [True] * 4


@examples(300)
@given(st.text(alphabet="aAbß s", max_size=5), st.text(alphabet="aAbß s", max_size=5))
def test_equality_and_in_lists_are_text_key(a: str, b: str) -> None:
    """The evaluator's =, != and in agree with text_key, the function that merges split lists."""
    from cwql._semantics import text_key

    same = text_key(a) == text_key(b)
    assert cwql.evaluate(F.x == a, {"x": b}) is same
    assert cwql.evaluate(F.x != a, {"x": b}) is not same
    assert cwql.evaluate(F.x.in_([a, "zz"]), {"x": b}) is same


# ---- issue 15: the missing-field path ------------------------------------------------------


def test_a_missing_field_raises_no_exception_inside() -> None:
    """Reading a field that is not there costs no exception (issue 15: it was 17x slower)."""
    import sys

    predicate = cwql.compile_predicate("priority/id in (1, 2) and owner != null or status/name = 'x'")
    record = {"priority": {"id": 1}, "status": {"id": 2}}
    raised: list[str] = []

    def trace(frame: Any, event: str, arg: Any) -> Any:
        if event == "exception":
            raised.append(f"{frame.f_code.co_name}: {arg[0].__name__}")
        return trace

    sys.settrace(trace)
    try:
        assert not predicate(record)
    finally:
        sys.settrace(None)
    assert raised == []


def test_predicates_are_plain_code_with_real_line_numbers() -> None:
    """Tracebacks through a compiled predicate point at real lines of cwql/_evaluator.py."""
    import traceback

    from cwql import _evaluator

    predicate = cwql.compile_predicate('status/name = "Open"')
    assert predicate.__code__ is _evaluator._text_eq_2.__code__  # a copy of a plain function
    assert predicate.__code__.co_filename == _evaluator.__file__

    class Exploding(dict):  # type: ignore[type-arg]
        def get(self, *args: Any) -> Any:
            raise RuntimeError("boom")

    try:
        predicate(Exploding())
    except RuntimeError as e:
        frames = traceback.extract_tb(e.__traceback__)
    else:
        raise AssertionError("the record's get was not called")
    where = next(f for f in frames if f.name == "_text_eq_2")
    assert where.filename == _evaluator.__file__
    assert where.line == "v = r.get(_k0)"


def test_a_decimal_is_a_number_whatever_implementation_made_it() -> None:
    """Decimals are recognised by their class, with no import of decimal at start-up: the C and
    pure-Python implementations, a subclass, and one whose module is no longer in sys.modules."""
    import _pydecimal
    import decimal

    from cwql._semantics import as_number

    class Money(decimal.Decimal):
        pass

    for value in (decimal.Decimal("2.5"), _pydecimal.Decimal("2.5"), Money("2.5")):
        assert as_number(value) == 2.5, type(value)
        assert cwql.evaluate("a > 2", {"a": value})
    assert as_number(decimal.Decimal("NaN")) is None
    saved = sys.modules.pop("decimal")
    try:
        assert as_number(saved.Decimal("3")) == 3.0
    finally:
        sys.modules["decimal"] = saved
