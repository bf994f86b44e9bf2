"""The end user's view of a refused filter: plain words, no Markdown, no developer API names (issue 16)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
from cwql import Policy, ValidationError, for_end_users, render_for_end_users, validate
from cwql._codes import Code, family
from cwql.errors import Diagnostic

from .conftest import examples

# What an end user must never be shown: Markdown code spans, cwql's API, Python
# calls with keywords, the API's parameter names.
DEVELOPER = re.compile(
    r"`|\bcwql\b|\bLimits\b|\bPolicy\b|\bQuery\b|\w\((?:\w+=|\.\.\.|\[|\))|"
    r"\bchildConditions\b|\bcustomFieldConditions\b|\borderBy\b"
)
STRICT = Policy(
    allowed_fields=["summary", "status/*", "priority/name", "dateEntered", "id", "closedFlag"],
    allowed_operators=["=", "!=", "contains", "in", ">", "<"],
    max_length=300, max_depth=3, max_predicates=3, max_in_list=3, leading_wildcard=False,
)


def refused(text: str, **kw: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        validate(text, **kw)  # type: ignore[arg-type]
    return info.value


def assert_plain(error: ValidationError) -> None:
    """The end-user view says the same things, where they are, in plain words."""
    plain = for_end_users(error)
    assert len(plain) == len(error.diagnostics)
    for dev, user in zip(error.diagnostics, plain, strict=True):
        assert (user.code, user.start, user.end, user.line, user.column) == (
            dev.code, dev.start, dev.end, dev.line, dev.column)
        assert user.message
        for field in (user.message, user.hint or "", *user.expected):
            # What the user typed may hold anything: quoted back to them, it is their own text.
            for m in DEVELOPER.finditer(field.replace("\u201c`\u201d", "")):
                assert m.group() in error.text, (error.text, field)
    text = render_for_end_users(error)
    assert not re.search(r"\b[EPS]\d{3}\b", text)  # no codes in the words for people
    assert "hint:" not in text


# ---- every code cwql can report, through validate -------------------------------------

CONDITION_EXAMPLES = [c for c in family("E") if c.kind == "conditions" and c.example.strip() and not c.limits]


@pytest.mark.parametrize("code", CONDITION_EXAMPLES, ids=[c.code for c in CONDITION_EXAMPLES])
def test_every_syntax_code_in_plain_words(code: Code) -> None:
    error = refused(code.example)
    assert code.code in {d.code for d in error.diagnostics}
    assert_plain(error)


SCHEMA_EXAMPLES = [c for c in family("S") if c.kind == "conditions" and c.severity == "error"
                   and c.code != "S013"]  # S013: an unknown endpoint is the application's error


@pytest.mark.parametrize("code", SCHEMA_EXAMPLES, ids=[c.code for c in SCHEMA_EXAMPLES])
def test_every_schema_code_in_plain_words(code: Code) -> None:
    assert_plain(refused(code.example, endpoint=code.endpoint))


@pytest.mark.parametrize("code", family("P"), ids=[c.code for c in family("P")])
def test_every_policy_code_in_plain_words(code: Code) -> None:
    error = refused(code.example, policy=Policy(**dict(code.policy)))  # type: ignore[arg-type]
    assert code.code in {d.code for d in error.diagnostics}
    assert_plain(error)


@pytest.mark.parametrize(
    ("text", "code", "developer", "end_user"),
    [
        ("summary = '" + "x" * 400 + "'", "E019", "Policy(max_length=...)", "shorten the filter"),
        ("((((id = 1))))", "E020", "Policy(max_depth=...)", "use fewer nested parentheses"),
        ("id = 1 & id = 2", "E010", "cwql.encode", "write “and”"),
    ],
)
def test_developer_hints_are_reworded(text: str, code: str, developer: str, end_user: str) -> None:
    error = refused(text, policy=STRICT)
    (dev,) = error.diagnostics
    assert dev.code == code
    assert developer in (dev.hint or "")
    assert "Limits(" not in (dev.hint or "")  # validate's limits are the policy's
    assert for_end_users(error)[0].hint == end_user


def test_between_rendered_for_end_users() -> None:
    # issue 16: the example, as the person at the input box sees it
    assert render_for_end_users(refused("id between 1 and 5")) == (
        "Column 1: \u201cbetween\u201d is not an operator. Write id>=1 and id<=5.\n"
        "  id between 1 and 5\n"
        "  ^~~~~~~~~~~~~~~~~~"
    )


def test_multi_line_filters_name_the_line() -> None:
    text = render_for_end_users(refused("summary = 'x'\nand status/id =="))
    assert text.startswith("Line 2, column 15: ")


def test_several_problems_each_get_a_paragraph() -> None:
    error = refused("owner/id = 1 and summary like '*x'", policy=STRICT)
    rendered = render_for_end_users(error)
    assert rendered.count("^") == 3
    assert [line.split(":")[0] for line in rendered.splitlines() if not line.startswith(" ")] == [
        "Column 1", "Column 18", "Column 31"]
    assert "any field under status/" in rendered


def test_a_typed_backtick_is_quoted_back() -> None:
    (d,) = for_end_users(refused("summary = `x`"))
    assert d.message == "unexpected character \u201c`\u201d"


def test_warnings_too() -> None:
    v = validate('Summary contains "x"', endpoint="/service/tickets")
    (w,) = for_end_users(v.warnings)
    assert w.code == "S002"
    assert "`" not in w.message


def test_the_error_keeps_the_developers_words() -> None:
    error = refused("summary == 'x'")
    for_end_users(error)
    assert "`==`" in str(error)
    assert "E009" in str(error)


@pytest.mark.parametrize("bad", [5, None, "E001", [5]])
def test_wrong_arguments_are_cwql_errors(bad: object) -> None:
    with pytest.raises(cwql.CWQLTypeError):
        for_end_users(bad)  # type: ignore[arg-type]
    with pytest.raises(cwql.CWQLTypeError):
        render_for_end_users(bad)  # type: ignore[arg-type]


def test_diagnostics_round_trip_to_dict() -> None:
    (d,) = for_end_users(refused("status/id = 1", policy=Policy(denied_fields=["status/*"])))
    assert isinstance(d, Diagnostic)
    assert d.to_dict()["message"] == "\u201cstatus/id\u201d cannot be used in this filter"


# ---- a property over anything a user might type ----------------------------------------

TYPED = st.lists(
    st.one_of(
        st.sampled_from(list("abcdeisz_/ =!<>()[],'\"*%-.0123456789&|\t\n`")),
        st.sampled_from(["and ", "or ", " not ", " in ", " contains ", " like ", "null", "true",
                         " between ", "id", "summary", "status/id", "closedFlag", "dateEntered",
                         "2024-01-01", "[2024-02-30]", "==", "&&", "is null", "\u201c", "\u200b"]),
    ),
    max_size=30,
).map("".join)


@examples(300)
@given(TYPED, st.sampled_from([None, "/service/tickets"]), st.booleans())
def test_anything_refused_is_explained_in_plain_words(text: str, endpoint: str | None, strict: bool) -> None:
    try:
        validate(text, endpoint=endpoint, policy=STRICT if strict else None)
    except ValidationError as e:
        assert_plain(e)
