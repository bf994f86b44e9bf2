"""The Python DSL: fields, operators, values, custom fields and combining conditions."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import pickle
from decimal import Decimal
from typing import Any

import pytest

import cwql
from cwql import CF, EMPTY, F, _tables
from cwql._dsl import to_literal
from cwql._spec import KEYWORDS
from cwql.syntax import And, DateTime, Expr, Null, Number, Op, Or, Path, Predicate, SortKey, String

UTC = dt.UTC
PLUS2 = dt.timezone(dt.timedelta(hours=2))


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


# ---- fields ---------------------------------------------------------------------


@pytest.mark.parametrize(("field", "path", "shown"), [
    (F.status.id, "status/id", "F.status.id"),
    (F["status/id"], "status/id", "F.status.id"),
    (F._info.lastUpdated, "_info/lastUpdated", "F._info.lastUpdated"),
    (F.communicationItems.value, "communicationItems/value", "F.communicationItems.value"),
    (F.status["name"], "status/name", "F.status.name"),
    (F["order/id"], "order/id", "F.order.id"),
    (F.status["in"], "status/in", "F['status/in']"),
    (F["class"], "class", "F['class']"),
    (F["between"], "between", "F['between']"),
    (F.a["b/c"], "a/b/c", "F.a.b.c"),
])
def test_field_paths(field: cwql._dsl.Field, path: str, shown: str) -> None:
    assert str(field) == path
    assert repr(field) == shown
    assert (field == 1) == Predicate(Path(path), Op.EQ, Number("1"))
    assert str(eval(repr(field), {"F": F})) == path


def test_keywords_match_the_grammar() -> None:
    assert set(_tables.KEYWORDS) == KEYWORDS


@pytest.mark.parametrize("name", ["null", "AND", "Desc", "not"])
def test_a_keyword_alone_is_not_a_field(name: str) -> None:
    with pytest.raises(AttributeError, match="keyword"):
        getattr(F, name)
    with pytest.raises(cwql.ParseError) as info:
        F[name]
    assert info.value.code == "E030"


@pytest.mark.parametrize(("text", "at"), [
    ("status id", 6), ("status.id", 6), ("/a", 0), ("a/", 1), ("a//b", 1), ("", 0),
    ("1a", 0), ("a,b", 1), ("a=1", 1),
])
def test_bad_paths_are_refused_where_they_go_wrong(text: str, at: int) -> None:
    with pytest.raises(cwql.ParseError) as info:
        F[text]
    assert info.value.code == "E022"
    assert info.value.diagnostics[0].start == at


def test_path_hints() -> None:
    with pytest.raises(cwql.ParseError, match="write status/id"):
        F["status.id"]
    with pytest.raises(cwql.CWQLTypeError):
        F[1]  # type: ignore[index]


def test_fields_never_answer_dunder_lookups() -> None:
    for name in ("__copy__", "__deepcopy__", "__getstate__x__", "__array__", "__fspath__"):
        assert not hasattr(F.x, name) or name in dir(type(F.x))
        assert not hasattr(F, name) or name in dir(type(F))
    with pytest.raises(AttributeError):
        F.x.__array__
    with pytest.raises(AttributeError):
        F.__wrapped__


def test_fields_copy_and_pickle_as_themselves() -> None:
    field = F._info.lastUpdated
    for clone in (copy.copy(field), copy.deepcopy(field), pickle.loads(pickle.dumps(field))):
        assert str(clone) == "_info/lastUpdated"
    assert copy.copy(field) is field
    assert pickle.loads(pickle.dumps(F)) is F
    assert pickle.loads(pickle.dumps(F["class"])).__repr__() == "F['class']"
    region = pickle.loads(pickle.dumps(CF("Region")))
    assert (region == "x") == (CF("Region") == "x")
    odd = CF(cwql.allow_escapes("It's \"odd\""))
    assert (pickle.loads(pickle.dumps(odd)) == 1) == (odd == 1)


def test_fields_are_immutable_unhashable_and_not_iterable() -> None:
    with pytest.raises(AttributeError):
        F.x.y = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        F.x = 1  # type: ignore[misc]
    with pytest.raises(TypeError, match="unhashable"):
        hash(F.x)
    with pytest.raises(cwql.CWQLTypeError, match="not iterable"):
        list(F.x)
    with pytest.raises(cwql.CWQLTypeError, match="not iterable"):
        for _ in F.x:
            pass
    with pytest.raises(cwql.CWQLTypeError, match="not iterable"):
        list(F)
    with pytest.raises(cwql.CWQLTypeError, match=r"\.contains\(text\)"):
        "x" in F.summary
    with pytest.raises(cwql.CWQLTypeError, match="no truth value"):
        bool(F.x)


@pytest.mark.parametrize(("call", "hint"), [
    (lambda: F.id.isin([1]), r"in_\(\[\.\.\.\]\)"),
    (lambda: F.id.contain("x"), r"did you mean \.contains\(\)"),
    (lambda: F("status"), "F.status.id"),
])
def test_calling_a_path_says_what_exists(call: Any, hint: str) -> None:
    with pytest.raises(cwql.CWQLTypeError, match=hint):
        call()


# ---- operators --------------------------------------------------------------------


@pytest.mark.parametrize(("cond", "text"), [
    (F.a == 1, "a=1"),
    (F.a != 1, "a!=1"),
    (F.a < 1, "a<1"),
    (F.a <= 1, "a<=1"),
    (F.a > 1, "a>1"),
    (F.a >= 1, "a>=1"),
    (1 < F.a, "a>1"),  # noqa: SIM300 - Python reflects the comparison
    (F.a == None, "a=null"),  # noqa: E711
    (F.a != None, "a!=null"),  # noqa: E711
    (F.a.is_null(), "a=null"),
    (F.a.is_not_null(), "a!=null"),
    (F.a.in_([3, 1, 2]), "a in (3,1,2)"),
    (F.a.in_((1, 1, 2, 1)), "a in (1,2)"),
    (F.a.in_({"b", "a"}), 'a in ("a","b")'),
    (F.a.in_(frozenset({3, 1.5, 2})), "a in (1.5,2,3)"),
    (F.a.in_(range(1, 4)), "a in (1,2,3)"),
    (F.a.in_(x for x in "ab"), 'a in ("a","b")'),
    (F.a.not_in(["x"]), 'a not in ("x")'),
    (F.a.contains("x"), 'a contains "x"'),
    (F.a.contains("[ok]"), 'a contains "[[]ok]"'),
    (F.a.contains("50%_*"), 'a contains "50[%][_][*]"'),
    (F.a.not_contains("x"), 'a not contains "x"'),
    (F.a.like("J*"), 'a like "J*"'),
    (F.a.like("[[]x"), 'a like "[[]x"'),
    (F.a.not_like("%x"), 'a not like "%x"'),
    (F.a.between(1, 5), "a>=1 and a<=5"),
    (F.a.between(5, 5), "a>=5 and a<=5"),
    # A date is its whole UTC day: the high end runs to the next midnight (issue 12).
    (F.d.between(dt.date(2024, 1, 1), dt.date(2024, 1, 31)), "d>=[2024-01-01] and d<[2024-02-01]"),
    (F.a.contains(Color.RED), 'a contains "red"'),
])
def test_operators(cond: Expr, text: str) -> None:
    assert str(cond) == text
    assert cwql.parse(text) == cond


def test_sort_keys() -> None:
    assert F.id.desc() == SortKey(Path("id"), True)
    assert F.id.asc() == SortKey(Path("id"))
    assert str(F.status.name.desc()) == "status/name desc"


# ---- values -----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    ("Open", '"Open"'),
    ('say "hi"', "'say \"hi\"'"),
    ("it's", '"it\'s"'),
    ("", '""'),
    ("C:\\temp", '"C:\\temp"'),
    ("CONTOSO\\jsmith", '"CONTOSO\\jsmith"'),
    ("a&b=c#d+e%f", '"a&b=c#d+e%f"'),
    ("line\nbreak\ttab\r", '"line\nbreak\ttab\r"'),  # white space is not invisible
    (cwql.allow_control_characters("nul\x00"), '"nul\x00"'),
    ("[x]", '"[x]"'),  # only contains escapes [
    (0, "0"),
    (-3, "-3"),
    (10**20, "100000000000000000000"),
    (2.5, "2.5"),
    (0.1, "0.1"),
    (-0.0, "-0.0"),
    (1e16, "10000000000000000"),
    (1.5e-7, "0.00000015"),
    (Decimal("2.50"), "2.50"),
    (Decimal("1E+3"), "1000"),
    (Decimal("-0.001"), "-0.001"),
    (True, "true"),
    (False, "false"),
    (None, "null"),
    (dt.date(2024, 2, 29), "[2024-02-29]"),
    (dt.datetime(2024, 1, 1, 9, 0, tzinfo=PLUS2), "[2024-01-01T07:00:00Z]"),
    (dt.datetime(2024, 1, 1, 9, 0, 0, 120000, tzinfo=UTC), "[2024-01-01T09:00:00.12Z]"),
    (Color.RED, '"red"'),
    (Level.HIGH, "3"),
    (String("as is"), '"as is"'),
    (DateTime(dt.datetime(2024, 1, 1, 12)), "[2024-01-01T12:00:00]"),  # a naive node, on purpose
    (cwql.allow_escapes("it's \"x\""), '"it\'s \\"x\\""'),
    (cwql.allow_escapes("end\\"), '"end\\\\"'),
    (cwql.allow_escapes(cwql.allow_control_characters("it's \"\u202ex\"")), '"it\'s \\"\u202ex\\""'),
])
def test_values(value: object, text: str) -> None:
    assert str(to_literal(value)) == text
    cond = F.x == value
    if type(value) is dt.date:  # a whole UTC day (issue 12): tests/test_dsl_semantics.py
        assert str(cond) == "x>=[2024-02-29] and x<[2024-03-01]"
    else:
        assert str(cond) == f"x={text}"
    assert cwql.parse(str(cond)) == cond


def test_numpy_style_integers_are_numbers() -> None:
    class Int64:  # what numpy.int64 looks like to cwql: Integral, not int
        def __index__(self) -> int:
            return 7

    import numbers
    numbers.Integral.register(Int64)
    assert str(F.x == Int64()) == "x=7"


@pytest.mark.parametrize(("value", "error", "match"), [
    (float("nan"), cwql.InvalidValueError, "nan is not a number"),
    (float("inf"), cwql.InvalidValueError, "inf is not a number"),
    (Decimal("NaN"), cwql.InvalidValueError, "not a number"),
    (Decimal("-Infinity"), cwql.InvalidValueError, "not a number"),
    (Decimal("1e999999999"), cwql.InvalidValueError, "too long"),
    (Decimal("1e-5000"), cwql.InvalidValueError, "too long"),
    pytest.param(10**5000, cwql.InvalidValueError, "too long", id="5000-digit-int"),
    (dt.datetime(2024, 1, 1), cwql.InvalidValueError, "naive"),
    (dt.datetime(1, 1, 1, tzinfo=PLUS2), cwql.InvalidValueError, "outside years"),
    ("a'b\"c", cwql.UnsafeValueError, "both"),
    ("end\\", cwql.UnsafeValueError, "backslash"),
    ('a\\"b', cwql.UnsafeValueError, "backslash"),
    ("\udc80", cwql.UnsafeValueError, "surrogate"),
    (object(), cwql.CWQLTypeError, "no literal for object"),
    (b"bytes", cwql.CWQLTypeError, "no literal for bytes"),
    ([1, 2], cwql.CWQLTypeError, r"\.in_"),
    (dt.time(12), cwql.CWQLTypeError, "datetime.time"),
    (dt.timedelta(1), cwql.CWQLTypeError, "datetime.timedelta"),
    (F.y, cwql.CWQLTypeError, "another field"),
    (F.y == 1, cwql.CWQLTypeError, "not a value"),
])
def test_values_refused(value: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        F.x == value


def test_a_datetime_whose_zone_has_no_offset_is_naive() -> None:
    class Floating(dt.tzinfo):
        def utcoffset(self, d: dt.datetime | None) -> None:
            return None

    with pytest.raises(cwql.InvalidValueError, match="naive"):
        F.x > dt.datetime(2024, 1, 1, tzinfo=Floating())


def test_errors_are_the_builtin_kinds_too() -> None:
    assert issubclass(cwql.CWQLTypeError, TypeError)
    assert issubclass(cwql.InvalidValueError, ValueError)
    assert issubclass(cwql.UnsafeValueError, cwql.InvalidValueError)
    assert issubclass(cwql.QueryError, ValueError)
    for cls in (cwql.CWQLTypeError, cwql.InvalidValueError, cwql.UnsafeValueError, cwql.QueryError):
        assert issubclass(cls, cwql.CWQLError)


@pytest.mark.parametrize(("build", "error", "match"), [
    (lambda: F.x < None, cwql.ParseError, "(?s)E016.*null.*is_null"),
    (lambda: F.x >= Null(), cwql.ParseError, "E016"),
    (lambda: F.x > True, cwql.CWQLTypeError, "booleans only go with"),
    (lambda: F.x.between(False, True), cwql.CWQLTypeError, "booleans"),
    (lambda: F.x.between(5, 1), cwql.InvalidValueError, "swapped"),
    (lambda: F.x.between(dt.date(2024, 2, 1), dt.date(2024, 1, 1)), cwql.InvalidValueError, "swapped"),
    (lambda: F.x.contains(3), cwql.ParseError, r"(?s)E025.*str\(value\)"),
    (lambda: F.x.like(None), cwql.ParseError, "E025"),
    (lambda: F.x.not_contains(dt.date(2024, 1, 1)), cwql.ParseError, "(?s)E025.*takes a str"),
    (lambda: F.x.in_([]), cwql.ParseError, "(?s)E007.*leave the condition out"),
    (lambda: F.x.not_in(set()), cwql.ParseError, "E007"),
    (lambda: F.x.in_("abc"), cwql.CWQLTypeError, "split into characters"),
    (lambda: F.x.in_(5), cwql.CWQLTypeError, "collection"),
    (lambda: F.x.in_({"a": 1}), cwql.CWQLTypeError, "collection"),
    (lambda: F.x.in_([1, None]), cwql.ParseError, "(?s)E016.*never matches null"),
    (lambda: F.x.in_([[1]]), cwql.CWQLTypeError, "not a value"),
    (lambda: F.x.contains("a'b\"c"), cwql.UnsafeValueError, "both"),
    (lambda: CF(""), cwql.InvalidValueError, "empty"),
    (lambda: CF(3), cwql.CWQLTypeError, "caption"),  # type: ignore[arg-type]
    (lambda: cwql.allow_escapes(3), cwql.CWQLTypeError, "str"),  # type: ignore[arg-type]
])
def test_operator_value_mismatches_fail_at_build_time(
    build: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        build()


# ---- custom fields ----------------------------------------------------------------


@pytest.mark.parametrize(("cond", "text"), [
    (CF("Region") == "West", 'caption="Region" and value="West"'),
    (CF("Region") != "West", 'caption="Region" and value!="West"'),
    (CF("Seats") > 5, 'caption="Seats" and value>5'),
    (CF("Seats").between(1, 5), 'caption="Seats" and value>=1 and value<=5'),
    (CF("Region").in_(["West", "East"]), 'caption="Region" and value in ("West","East")'),
    (CF("Region").not_contains("[x]"), 'caption="Region" and value not contains "[[]x]"'),
    (CF("Region").like("W*"), 'caption="Region" and value like "W*"'),
    (CF("Region") == None, 'caption="Region" and value=null'),  # noqa: E711
    (CF("Region").is_not_null(), 'caption="Region" and value!=null'),
    (CF("Owner's pick") == 'say "hi"', "caption=\"Owner's pick\" and value='say \"hi\"'"),
    ((CF("A") == 1) | (CF("B") == 2), '(caption="A" and value=1) or (caption="B" and value=2)'),
])
def test_custom_fields(cond: Expr, text: str) -> None:
    assert str(cond) == text
    assert cwql.parse(text, "customFieldConditions") == cond
    assert repr(CF("Region")) == "CF('Region')"


def test_custom_fields_have_no_paths_or_ordering() -> None:
    with pytest.raises(AttributeError):
        CF("Region").desc()  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        CF("Region").name  # type: ignore[attr-defined]


# ---- combining ------------------------------------------------------------------------


a, b, c = F.a == 1, F.b == 2, F.c == 3


def test_and_or_build_flat_core_nodes() -> None:
    assert (a & b & c) == And((a, b, c))
    assert (a | b | c) == Or((a, b, c))
    assert str(a & (b | c)) == "a=1 and (b=2 or c=3)"
    assert str(a | (b & c)) == "a=1 or (b=2 and c=3)"
    assert isinstance(a & b, And)


def test_parsed_and_built_conditions_mix() -> None:
    parsed = cwql.parse('summary contains "x"')
    assert str(parsed & (F.company.id == 1)) == 'summary contains "x" and company/id=1'
    assert str((F.company.id == 1) | parsed) == 'company/id=1 or summary contains "x"'
    assert cwql.parse("a=1 and b=2") == a & b


@pytest.mark.parametrize(("cond", "negated"), [
    (F.a == 1, "a!=1"),
    (F.a != 1, "a=1"),
    (F.a < 1, "a>=1"),
    (F.a >= 1, "a<1"),
    (F.a > 1, "a<=1"),
    (F.a <= 1, "a>1"),
    (F.a.in_([1, 2]), "a not in (1,2)"),
    (F.a.not_in([1]), "a in (1)"),
    (F.a.contains("x"), 'a not contains "x"'),
    (F.a.not_contains("x"), 'a contains "x"'),
    (F.a.like("x*"), 'a not like "x*"'),
    (F.a.not_like("x*"), 'a like "x*"'),
    (F.a.is_null(), "a!=null"),
    (F.a.is_not_null(), "a=null"),
    (a & b, "a!=1 or b!=2"),
    (a | b, "a!=1 and b!=2"),
    (a & (b | c), "a!=1 or (b!=2 and c!=3)"),
    (F.a.between(1, 5), "a<1 or a>5"),
])
def test_negation_table(cond: Expr, negated: str) -> None:
    assert str(~cond) == negated
    assert ~~cond == cond


def test_negation_of_deep_trees_does_not_recurse() -> None:
    node: Expr = F.x == 0
    for i in range(1, cwql.syntax.MAX_HEIGHT):
        node = (node & (F.y == i)) if i % 2 else (node | (F.y == i))
    assert node.height == cwql.syntax.MAX_HEIGHT - 1
    assert ~~node == node


def test_empty_is_the_identity_of_and_and_nothing_else() -> None:
    assert (EMPTY & a) is a
    assert (a & EMPTY) is a
    assert (EMPTY & EMPTY) is EMPTY
    assert cwql.all_of() is EMPTY
    assert cwql.all_of(EMPTY, a, EMPTY) is a
    assert cwql.all_of(a, b, c) == a & b & c
    assert cwql.any_of(a) is a
    assert cwql.any_of(a, b, c) == a | b | c
    assert str(EMPTY) == ""
    assert repr(EMPTY) == "cwql.EMPTY"
    assert copy.deepcopy(EMPTY) is EMPTY
    assert pickle.loads(pickle.dumps(EMPTY)) is EMPTY
    assert type(EMPTY)() is EMPTY
    with pytest.raises(TypeError, match="takes condition nodes"):
        And((a, EMPTY))  # type: ignore[arg-type]
    with pytest.raises(cwql.ParseError):
        cwql.parse("")  # parse never returns EMPTY


@pytest.mark.parametrize("build", [
    lambda: EMPTY | a,
    lambda: a | EMPTY,
    lambda: cwql.any_of(a, EMPTY),
])
def test_or_with_empty_is_refused(build: Any) -> None:
    with pytest.raises(cwql.CWQLTypeError, match="any_of"):
        build()


def test_empty_has_no_negation_or_truth() -> None:
    with pytest.raises(cwql.CWQLTypeError, match="no record"):
        ~EMPTY
    with pytest.raises(cwql.CWQLTypeError, match=r"is cwql\.EMPTY"):
        bool(EMPTY)
    with pytest.raises(cwql.InvalidValueError, match="no record"):
        cwql.any_of()


@pytest.mark.parametrize(("other", "match"), [
    ("b=2", "cwql.parse"),
    (True, "is_null"),
    (1, "takes conditions, not int"),
    (None, "takes conditions, not NoneType"),
    (F.b, "parentheses"),
    (Path("b"), "takes conditions, not Path"),
])
def test_and_or_take_only_conditions(other: object, match: str) -> None:
    for build in (lambda: a & other, lambda: other & a, lambda: a | other, lambda: other | a,
                  lambda: EMPTY & other, lambda: other & EMPTY):
        with pytest.raises(cwql.CWQLTypeError, match=match):
            build()


def test_all_of_takes_conditions_one_by_one() -> None:
    with pytest.raises(cwql.CWQLTypeError, match=r"all_of\(\*conditions\)"):
        cwql.all_of([a, b])  # type: ignore[arg-type]
    with pytest.raises(cwql.CWQLTypeError, match="separate"):
        cwql.any_of(x for x in (a, b))  # type: ignore[arg-type]


def test_all_of_is_linear_for_many_conditions() -> None:
    many = cwql.all_of(*(F.id != i for i in range(5000)))
    assert isinstance(many, And)
    assert len(many.operands) == 5000
    assert many.height == 1
