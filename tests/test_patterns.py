"""One reading of like/contains patterns, run through every consumer (issue 10).

cwql._patterns is the only reader of brackets. The table below is that
reading for the tricky patterns (docs/language.md, "like and contains"), and
one test runs each row through everything that reads a pattern: the
evaluator, ``to_sql`` in SQLite, the fake PSA answering a GET, the linter's
V rules, and the DSL's escaping (``contains(text)`` finds ``text`` literally).
The matcher's linear bound is a property test here too (issue 11).
"""

from __future__ import annotations

import sqlite3
from typing import Any, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cwql
import cwql.lint
from cwql import F
from cwql._patterns import (
    contains_text,
    escape_brackets,
    literal_contains,
    mask_escapes,
    match_steps,
    parse_contains,
    parse_like,
    scan,
)
from cwql.syntax import Op, Path, Predicate, String
from cwql.testing import FakePSA

from .conftest import examples


class Row(NamedTuple):
    pattern: str
    like: tuple[str, ...]  # values `like` matches
    like_not: tuple[str, ...]  # values it does not
    contains: tuple[str, ...]  # values `contains` finds it in
    contains_not: tuple[str, ...]
    v009_fix: str | None  # the unescaped-bracket fix, None when V009 is silent
    reading: str


TABLE = [
    Row("[]]x", (), ("]x", "[]]x", "x", "]]x", "a"), (), ("]x", "a[]]xb", "]]x"), "[[]]]x",
        "[] is an empty class (the bracket ends at the first ]), then ]x: nothing matches"),
    Row("[[]", ("[",), ("[[]", "", "x["), ("[", "a[b"), ("ab", "]"), None,
        "the official escape: a literal ["),
    Row("[%]", ("%",), ("a", "[%]", ""), ("50%", "%"), ("50", "[x]"), None,
        "a bracketed % is the character %"),
    Row("a[", (), ("a[", "a", "a[]"), (), ("a[", "xa[y"), "a[[]",
        "a [ that never closes: nothing matches"),
    Row("[", (), ("[", ""), (), ("[", "a[b"), "[[]",
        "a [ that never closes: nothing matches"),
    Row("]", ("]",), ("", "x", "]]"), ("]", "a]b"), ("ab", "["), None,
        "] on its own is itself"),
    Row("[^]", ("^",), ("a", "[^]"), ("a^b",), ("ab",), None,
        "one character in brackets is that character, ^ too"),
    Row("[ab]", ("a", "B"), ("c", "ab", "[ab]"), ("xbx", "A"), ("c", "[]"), "[[]ab]",
        "a class: one of a, b (without case)"),
    Row("[]", (), ("", "[]", "a"), (), ("[]", "x"), "[[]]",
        "an empty class matches no character"),
    Row("50[%] [[]x]", ("50% [x]",), ("50 [x]", "50% x"), ("got 50% [X] off",), ("50% x",), None,
        "escapes inside text"),
]
IDS = [row.pattern for row in TABLE]
ALL_VALUES = sorted({v for row in TABLE for v in (*row.like, *row.like_not, *row.contains, *row.contains_not)})


def _records() -> list[dict[str, Any]]:
    return [{"id": i + 1, "summary": value} for i, value in enumerate(ALL_VALUES)]


def _ids(values: tuple[str, ...]) -> set[int]:
    return {ALL_VALUES.index(v) + 1 for v in values}


def _sqlite(condition: cwql.syntax.Expr, records: list[dict[str, Any]]) -> set[int]:
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, summary TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", [(r["id"], r["summary"]) for r in records])
        where, params = cwql.to_sql(condition)
        return {row[0] for row in db.execute(f"SELECT id FROM t WHERE {where}", params)}
    finally:
        db.close()


def _fake(psa: FakePSA, condition: cwql.syntax.Expr) -> set[int]:
    from urllib.parse import urlencode

    query = urlencode({"conditions": str(condition), "pageSize": 1000, "fields": "id"})
    response = psa.handle("GET", f"{psa.base_path}/service/tickets?{query}", psa.auth_headers())
    assert response.status == 200, response.body
    return {r["id"] for r in response.json()}


def _every_consumer(condition: cwql.syntax.Expr, psa: FakePSA, records: list[dict[str, Any]]) -> dict[str, set[int]]:
    matches = cwql.compile_predicate(condition)
    return {
        "evaluator": {r["id"] for r in records if matches(r)},
        "evaluator (text)": {r["id"] for r in records if cwql.evaluate(str(condition), r)},
        "sqlite": _sqlite(condition, records),
        "fake": _fake(psa, condition),
    }


@pytest.fixture(scope="module")
def psa() -> FakePSA:
    return FakePSA.from_records({"/service/tickets": _records()})


def _codes(text: str) -> dict[str, str | None]:
    """The V rules' findings on ``text``: code -> the text the fix writes (None: no fix)."""
    found: dict[str, str | None] = {}
    for finding in cwql.lint.check(text, select=["V"]):
        edits = finding.fix.edits if finding.fix else ()
        found[finding.code] = edits[0].content if edits else None
    return found


@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_every_consumer_reads_a_tricky_pattern_alike(row: Row, psa: FakePSA) -> None:
    records = _records()
    like = F.summary.like(row.pattern)
    for consumer, got in _every_consumer(like, psa, records).items():
        assert got & _ids(row.like + row.like_not) == _ids(row.like), (consumer, "like", row.reading)
    contains = Predicate(Path("summary"), Op.CONTAINS, String(row.pattern))
    for consumer, got in _every_consumer(contains, psa, records).items():
        assert got & _ids(row.contains + row.contains_not) == _ids(row.contains), (
            consumer, "contains", row.reading)
    # The linter: V009 flags exactly the brackets the reader does not read as escapes.
    for text in (str(like), str(contains)):
        found = _codes(text)
        if row.v009_fix is None:
            assert "V009" not in found, (text, found)
        else:
            assert found.get("V009") == f'"{row.v009_fix}"', (text, found)
    assert escape_brackets(row.pattern) == row.v009_fix


@pytest.mark.parametrize("row", TABLE, ids=IDS)
def test_the_dsl_finds_each_tricky_text_literally(row: Row, psa: FakePSA) -> None:
    """contains/startswith/endswith(text) match ``text`` itself, whatever it holds (issue 16)."""
    text = row.pattern
    records = [
        {"id": 1, "summary": f"before {text} after"},
        {"id": 2, "summary": f"{text} after"},
        {"id": 3, "summary": f"before {text}"},
        {"id": 4, "summary": "before after"},
        {"id": 5, "summary": "X" + text[1:]},  # the text, but for its first character
    ]
    psa = FakePSA.from_records({"/service/tickets": records})
    cases = [
        (F.summary.contains(text), {1, 2, 3}),
        (F.summary.not_contains(text), {4, 5}),
        (F.summary.startswith(text), {2}),
        (F.summary.endswith(text), {3}),
    ]
    for condition, expected in cases:
        for consumer, got in _every_consumer(condition, psa, records).items():
            assert got == expected, (consumer, str(condition))
        found = _codes(str(condition))
        assert not {"V002", "V009"} & set(found), (str(condition), found)


def test_the_linter_masks_only_escapes() -> None:
    assert mask_escapes("a[%]b[ab]c[]]") == "a\0\0\0b[ab]c[]]"
    assert "V002" in _codes('summary contains "50%"')
    assert "V002" not in _codes('summary contains "50[%]"')


def test_contains_text_reads_escapes_and_refuses_classes() -> None:
    assert contains_text("[[]urgent] 50[%]") == "[urgent] 50%"
    assert contains_text("a%b_c*") == "a%b_c*"  # not wildcards in contains
    assert contains_text("[ab]") is None
    assert contains_text("a[") is None


# ---- linear time (issue 11) -------------------------------------------------------------

def test_the_backtracking_example_is_instant() -> None:
    """42 s before: a regex backtracked over "a" * 60."""
    assert not cwql.evaluate('summary like "*a*a*a*a*a*a*a*a*b"', {"summary": "a" * 60})
    items = parse_like("*a*a*a*a*a*a*a*a*b")
    assert match_steps(items, "a" * 60)[1] <= 61
    assert match_steps(parse_like("*a*a*a*a*a*a*a*a*b*"), "a" * 600)[1] <= 2 * 600


ATOMS = st.sampled_from(["a", "b", "*", "%", "_", "[ab]", "[^a]", "[a-b]", "[[]", "ab", "aa"])


@examples(1000)
@given(st.lists(ATOMS, max_size=12).map("".join), st.text(alphabet="ab[", max_size=80))
def test_like_matching_is_linear_in_pattern_times_text(pattern: str, text: str) -> None:
    """A timing-free bound: the characters compared never exceed (|pattern|+1) x (|text|+1)."""
    items = parse_like(pattern)
    matched, steps = match_steps(items, text)
    assert steps <= (len(pattern) + 1) * (len(text) + 1)
    assert matched is cwql.evaluate(str(F.summary.like(pattern)), {"summary": text})


@examples(300)
@given(st.text(alphabet="ab[]%_*^-x", max_size=10))
def test_contains_and_like_read_brackets_the_same(value: str) -> None:
    """The two readings differ only in the wildcards: brackets are read once."""
    plain = value.replace("%", "").replace("_", "").replace("*", "")
    assert parse_like(plain) == parse_contains(plain)
    brackets = ("escape", "class", "unclosed")
    assert [t for t in scan(value) if t.kind in brackets] == [
        t for t in scan(value, wildcards=False) if t.kind in brackets
    ]


@examples(300)
@given(st.text(alphabet="ab AB[]%_*^-'é😀", max_size=20))
def test_literal_text_is_found_literally(text: str) -> None:
    escaped = literal_contains(text)
    assert contains_text(escaped) == text
    assert escape_brackets(escaped) is None
    record = {"summary": f"<{text}>"}
    assert cwql.evaluate(F.summary.contains(text), record)
    assert cwql.evaluate(F.summary.like("<" + escaped + ">"), record)
