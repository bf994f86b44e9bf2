"""The validator: user-typed filters under a policy and the schema, scoped under the app's own."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
from cwql import Policy, ValidationError, validate
from cwql.syntax import And, Expr, Op

from .conftest import examples
from .strategies import expressions

PERMISSIVE = Policy(max_length=100_000, max_depth=64, max_predicates=10_000, max_in_list=10_000,
                    leading_wildcard=True, allow_control_characters=True, allow_escapes=True)


def codes(text: str, **kw: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate(text, **kw)  # type: ignore[arg-type]
    return [d.code for d in info.value.diagnostics]


def test_valid_filter() -> None:
    v = validate('Status/Name = "Open" AND priority/id IN (1, 2)')
    assert v.text == 'Status/Name="Open" and priority/id in (1,2)'
    assert str(v) == v.text
    assert v.kind == "conditions"
    assert cwql.is_valid("a=1")
    assert not cwql.is_valid("a==1")


def test_every_problem_is_reported() -> None:
    # two literal errors and the syntax error that stopped the parse
    assert codes("d=[2024-02-30] and e < null and f=") == ["E014", "E016", "E005"]
    # schema and policy problems together, in source order
    policy = Policy(denied_fields=["owner/*"])
    assert codes('sumary = 1 and owner/id = 5 and closedFlag > true',
                 endpoint="/service/tickets", policy=policy) == ["S001", "P002", "S007"]


def test_diagnostics_are_ready_for_an_input_box() -> None:
    with pytest.raises(ValidationError) as info:
        validate("summary contains 'x' and sumary = 'y'", endpoint="/service/tickets")
    d = info.value.diagnostics[0]
    assert (d.code, d.start, d.end, d.column) == ("S001", 25, 31, 26)
    assert d.hint == "did you mean summary?"
    assert "sumary" in str(info.value)
    assert isinstance(info.value, cwql.CWQLError)


def test_schema_warnings_do_not_fail() -> None:
    v = validate('Summary contains "x"', endpoint="/service/tickets")
    assert [d.code for d in v.warnings] == ["S002"]


def test_unknown_endpoint_is_the_apps_mistake() -> None:
    with pytest.raises(ValueError, match="not a list endpoint"):
        validate("a=1", endpoint="/nope")


# ---- policy ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("status/name = 'x'", True),
        ("STATUS/NAME = 'x'", True),
        ("summary contains 'x'", True),
        ("company/name = 'x'", True),
        ("company/id = 1", True),
        ("company = null", True),
        ("owner/id = 1", False),
        ("board/id = 1", False),
        ("_info/lastUpdated > [2024-01-01]", True),
        ("statusx = 1", False),
    ],
)
def test_allowed_fields(text: str, allowed: bool) -> None:
    policy = Policy(allowed_fields=["status/name", "summary", "company/*", "lastUpdated"])
    assert cwql.is_valid(text, policy=policy) is allowed


@pytest.mark.parametrize(
    "text", ["owner/id = 1", "Owner/Identifier = 'x'", "owner = null", "lastupdated > [2024-01-01]",
             "_INFO/LASTUPDATED > [2024-01-01]"],
)
def test_denied_fields_ignore_case_and_info_spelling(text: str) -> None:
    policy = Policy(denied_fields=["owner/*", "_info/lastUpdated"])
    assert codes(text, policy=policy) == ["P002"]


def test_denied_wins_over_allowed() -> None:
    policy = Policy(allowed_fields=["company/*"], denied_fields=["company/id"])
    assert codes("company/id = 1", policy=policy) == ["P002"]
    assert cwql.is_valid("company/name = 'x'", policy=policy)


def test_operators() -> None:
    policy = Policy(allowed_operators=["=", "contains", Op.IN])
    assert cwql.is_valid("a = 1 and b contains 'x' and c in (1)", policy=policy)
    assert codes("a != 1 or b like 'x*'", policy=policy) == ["P003", "P003"]


def test_sizes_and_wildcards() -> None:
    policy = Policy(max_predicates=3, max_in_list=2)
    assert codes("a=1 and b=2 and c=3 and d=4 and e=5", policy=policy) == ["P004"]
    assert codes("a in (1,2,3)", policy=policy) == ["P005"]
    no_scans = Policy(leading_wildcard=False)
    assert codes('a like "*x"', policy=no_scans) == ["P006"]
    assert codes('a not like "%x"', policy=no_scans) == ["P006"]
    assert codes('a like "_x"', policy=no_scans) == ["P006"]
    assert cwql.is_valid('a like "x*"', policy=no_scans)
    assert cwql.is_valid('a like "*x"')  # the default, as the docs' own patterns need


def test_control_characters_in_strings() -> None:
    assert codes('summary = "a\x00b"') == ["P007"]
    assert codes('summary = "a\u202eb"') == ["P007"]
    assert codes('summary = "a\u2063b"') == ["P007"]  # more in tests/test_invisible.py
    assert cwql.is_valid('summary = "tab\tand\nnewline"')
    assert cwql.is_valid('summary = "a\x00b"', policy=Policy(allow_control_characters=True))
    assert cwql.is_valid('summary = "caf\u00e9 & co"')


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_length": 0}, "positive int"),
        ({"max_in_list": True}, "positive int"),
        ({"allowed_fields": "status"}, "takes a collection"),
        ({"denied_fields": [""]}, "can never match a field"),
        ({"allowed_operators": ["=="]}, "unknown operator"),
    ],
)
def test_bad_policies(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        Policy(**kwargs)  # type: ignore[arg-type]


def test_policy_is_immutable_hashable_and_shared_across_threads() -> None:
    policy = Policy(denied_fields=["owner/*"], allowed_operators=["=", "in"])
    assert hash(policy) == hash(Policy(denied_fields=["owner/*"], allowed_operators=["in", "="]))
    with pytest.raises(AttributeError):
        policy.max_length = 5  # type: ignore[misc]

    def run(i: int) -> bool:
        return cwql.is_valid(f"owner/id = {i}" if i % 2 else f"id = {i}", policy=policy)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(run, range(200))) == [i % 2 == 0 for i in range(200)]


# ---- hostile input -------------------------------------------------------------------

HOSTILE = [
    ('summary = "unterminated', "E003"),
    ("(a = 1 or b = 2", "E004"),
    ("a = 1) or (1 = 1", "E004"),
    ("x=1) or (1=1", "E004"),
    ("x=1 or 1=1", "E001"),
    ("summary = x%22 or 1=1", "E001"),
    ("summary = %22x%22", "E002"),
    ("a=1 %26 b=2", "E002"),
    ("a = 1\x00", "E002"),
    ("a = \u201cx\u201d", "E028"),
    ("a \uff1d 1", "E028"),
    ("a \u2260 1", "E028"),
    ("a\u00a0= 1", "E028"),
    ("a" * 1_000_000, "E019"),
    ("(" * 100_000 + "a=1" + ")" * 100_000, "E019"),
    ("id in (" + ",".join(["1"] * 100_000) + ")", "E019"),
    ("not (a = 1)", "E011"),
    ("a = 1; drop table x", "E002"),
    ("a = 1 -- comment", "E002"),
]


@pytest.mark.parametrize(("text", "code"), HOSTILE, ids=[repr(t[:30]) for t, _ in HOSTILE])
def test_hostile_input(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate(text)
    d = info.value.diagnostics[0]
    assert d.code == code, str(info.value)
    assert d.message
    assert len(str(info.value)) < 2000


def test_hostile_input_past_raised_limits() -> None:
    policy = Policy(max_length=10_000_000, max_depth=10, max_in_list=1_000)
    assert codes("(" * 100_000 + "a=1" + ")" * 100_000, policy=policy) == ["E020"]
    items = "id in (" + ",".join(["1"] * 100_000) + ")"
    assert codes(items, policy=Policy(max_length=10_000_000, max_in_list=1_000)) == ["E021"]


def test_smuggled_quotes_stay_inside_one_value() -> None:
    v = validate('summary = "%22 or 1=1 or x=%22" and company/id = 5')
    assert isinstance(v.expr, And)
    assert v.expr.operands[0].value.value == "%22 or 1=1 or x=%22"  # type: ignore[attr-defined]


# ---- scoping ---------------------------------------------------------------------------

def _members(node: Expr) -> tuple[Expr, ...]:
    return node.operands if isinstance(node, And) else (node,)


@examples(200)
@given(expressions, expressions)
def test_scoped_filter_cannot_escape(user: Expr, app: Expr) -> None:
    validated = validate(str(user), policy=PERMISSIVE)
    for scoped in (validated.scoped(app), validated & app, app & validated, validated.scoped(str(app))):  # type: ignore[operator]
        reparsed = cwql.parse(str(scoped), limits=cwql.Limits(max_length=10**6))
        assert isinstance(reparsed, And)
        assert reparsed.operands == _members(app) + _members(user)
        assert reparsed == And((app, user))


def test_scoped_parenthesises_an_or() -> None:
    v = validate("status/id = 1 or status/id = 2")
    assert str(v.scoped("company/id = 7")) == "company/id=7 and (status/id=1 or status/id=2)"


def test_scoped_rejects_non_conditions() -> None:
    v = validate("a=1")
    with pytest.raises(TypeError, match="condition node or str"):
        v.scoped(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        v & 5  # type: ignore[operator]
    with pytest.raises(cwql.ParseError):
        v.scoped("company/id ==")


def test_validate_rejects_non_text_and_bad_kinds() -> None:
    with pytest.raises(TypeError):
        validate(b"a=1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        validate("a=1", kind="orderBy")  # type: ignore[arg-type]


@examples(100)
@given(st.text(max_size=200))
def test_only_validation_errors_escape(text: str) -> None:
    try:
        validate(text, endpoint="/service/tickets")
    except ValidationError as e:
        assert all(0 <= d.start <= d.end <= len(text) for d in e.diagnostics)


def test_validated_joins_and_but_never_or() -> None:
    v = validate("status/id = 1 or status/id = 2")
    app = cwql.parse("company/id = 7")
    assert cwql.all_of(app, v) == app & v == v.scoped(app)
    with pytest.raises(cwql.CWQLTypeError, match="widen the application's scope"):
        app | v  # type: ignore[operator]
    with pytest.raises(cwql.CWQLTypeError, match="widen the application's scope"):
        v | app  # type: ignore[operator]
    with pytest.raises(cwql.CWQLTypeError, match="widen the application's scope"):
        cwql.any_of(app, v)


@pytest.mark.parametrize(
    ("policy", "text", "allowed"),
    [
        (Policy(denied_fields={"_info/*"}), "_info/enteredBy = 'bob'", False),
        (Policy(denied_fields={"_info/*"}), "enteredBy = 'bob'", False),
        (Policy(denied_fields={"company/_info/lastUpdated"}), "company/lastUpdated > [2024-01-01]", False),
        (Policy(denied_fields={"lastUpdated"}), "_INFO/LASTUPDATED > [2024-01-01]", False),
        (Policy(allowed_fields={"_info/*", "id"}), "_info/lastUpdated > [2024-01-01]", True),
        (Policy(allowed_fields={"_info/*", "id"}), "lastUpdated > [2024-01-01]", True),
        (Policy(allowed_fields={"company/*"}), "company/lastUpdated > [2024-01-01]", True),
    ],
)
def test_info_fields_have_one_spelling_at_every_depth(policy: Policy, text: str, allowed: bool) -> None:
    assert cwql.is_valid(text, policy=policy) is allowed


def test_unknown_endpoint_is_a_schema_error() -> None:
    with pytest.raises(cwql.SchemaError):
        validate("a=1", endpoint="/nope")


@pytest.mark.parametrize(
    ("text", "escapes"),
    [
        ("""summary = "a\\" or id>0 or summary=\\"'" """, True),
        ("""summary = 'it''s "quoted"'""", True),
        ("""summary = "C:\\\\temp\\\\" """, True),
        ("""summary = "it's" """, False),
        ("""summary = 'say "hi"'""", False),
        ("""summary = "C:\\temp" """, False),
    ],
)
def test_strings_that_need_escapes(text: str, escapes: bool) -> None:
    assert (codes(text) == ["P008"]) if escapes else cwql.is_valid(text)
    assert cwql.is_valid(text, policy=Policy(allow_escapes=True))


def test_validated_and_validated_is_a_clear_cwql_error() -> None:
    # issue 11: Python's own TypeError escaped
    first, second = validate("status/id = 1"), validate("priority/id = 2")
    with pytest.raises(cwql.CWQLTypeError, match="both sides here are user filters"):
        first & second  # type: ignore[operator]
    with pytest.raises(cwql.CWQLTypeError, match="widen the application's scope"):
        first | second  # type: ignore[operator]
    with pytest.raises(cwql.CWQLTypeError, match="operators the policy never checked"):
        ~first  # type: ignore[operator]
    app = cwql.parse("company/id = 7")
    assert str(cwql.all_of(app, first, second)) == "company/id=7 and status/id=1 and priority/id=2"


_OPERANDS = {
    "validated": lambda: validate("a = 1"), "expr": lambda: cwql.parse("c = 3"), "str": lambda: "c = 3",
    "bad str": lambda: "c ==", "EMPTY": lambda: cwql.EMPTY, "int": lambda: 5, "None": lambda: None,
    "field": lambda: cwql.F.x, "bool": lambda: True, "list": lambda: [cwql.parse("c = 3")],
}


@pytest.mark.parametrize("op", ["&", "|"])
@pytest.mark.parametrize("other", list(_OPERANDS))
@pytest.mark.parametrize("validated_left", [True, False])
def test_only_cwql_errors_leave_validated_operators(op: str, other: str, validated_left: bool) -> None:
    v, o = validate("a = 1"), _OPERANDS[other]()
    left, right = (v, o) if validated_left else (o, v)
    try:
        result = (left & right) if op == "&" else (left | right)  # type: ignore[operator]
    except cwql.CWQLError:
        return
    # What is allowed: `&` with the application's condition, the filter as one operand under it.
    assert op == "&"
    assert other in ("expr", "str", "EMPTY")
    assert isinstance(result, Expr)
    assert v.expr in _members(result)


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("id between 1 and 5", "id>=1 and id<=5"),
        ("id BETWEEN 1 AND 5", "id>=1 and id<=5"),
        ("summary = 'x' or dateEntered between [2024-01-01] and [2024-02-01]",
         "dateEntered>=[2024-01-01] and dateEntered<=[2024-02-01]"),
        ("id not between 1 and 5", "(id<1 or id>5)"),
    ],
)
def test_between_gets_the_fix(text: str, fix: str) -> None:
    # issue 16: the parser's diagnostics (cwql/_diagnose.py) name the fix, and the fix is valid
    with pytest.raises(ValidationError) as info:
        validate(text)
    (d,) = info.value.diagnostics
    assert d.code == "E024"
    assert d.hint == f"write {fix}"
    assert "between" in d.message
    fixed = text[:d.start] + fix + text[d.end:]
    assert cwql.is_valid(fixed), fixed
