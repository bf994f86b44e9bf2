"""Properties that must hold for every input, checked with hypothesis."""

from __future__ import annotations

import re
import string
from urllib.parse import unquote

from hypothesis import example, given
from hypothesis import strategies as st

import cwql
from cwql.syntax import Expr

from .conftest import examples
from .strategies import expressions, messy_text


@examples(300)
@given(expressions)
def test_printed_trees_parse_back_equal(tree: Expr) -> None:
    text = str(tree)
    again = cwql.parse(text)
    assert again == tree
    assert hash(again) == hash(tree)


@examples(300)
@given(expressions)
def test_printing_is_idempotent(tree: Expr) -> None:
    text = str(tree)
    assert cwql.normalize(text) == text


@examples(300)
@given(st.data())
def test_every_surface_form_parses_to_the_same_tree(data: st.DataObject) -> None:
    tree = data.draw(expressions)
    text = data.draw(messy_text(tree))
    assert cwql.parse(text) == tree, text


def _check_failure(text: str) -> None:
    try:
        cwql.parse(text)
    except cwql.ParseError as e:
        assert e.diagnostics
        for d in e.diagnostics:
            assert 0 <= d.start <= d.end <= len(text)
            assert d.code.startswith("E")
            assert d.code in cwql.errors.CODES
            assert d.line == text.count("\n", 0, d.start) + 1
            assert d.column == d.start - (text.rfind("\n", 0, d.start) + 1) + 1
            assert d.message
        assert str(e)


@examples(500)
@given(st.text())
@example("(" * 70 + "a=1" + ")" * 70)
@example('a="\\')
@example("\x00")
def test_arbitrary_text_parses_or_raises_parse_error(text: str) -> None:
    _check_failure(text)


TOKENS = [
    "a", "status/id", "_info/lastUpdated", "=", "!=", "<", "<=", ">", ">=", "==", "<>",
    "and", "OR", "not", "in", "contains", "like", "is", "null", "true", "False",
    "(", ")", ",", '"x"', "'y'", '"', "'", "1", "-2.5", "1e5", "[2024-01-01]",
    "[2024-02-30]", "[05/01/2024]", "[", "]", "2024-01-01", "&&", "||", "!", "*", "%", ".",
    "\u201c", "\u2260", "\u00a0", "\x00",
]


@examples(1000)
@given(st.lists(st.sampled_from(TOKENS), max_size=12), st.lists(st.sampled_from(["", " ", "\n"]), min_size=12, max_size=12))
def test_token_soup_parses_or_raises_parse_error(tokens: list[str], gaps: list[str]) -> None:
    text = "".join(t + g for t, g in zip(tokens, gaps, strict=False))
    _check_failure(text)


UNRESERVED = set(string.ascii_letters + string.digits + "-._~/")


@examples(500)
@given(st.text())
def test_encode_decode_round_trip(text: str) -> None:
    encoded = cwql.encode(text)
    assert cwql.decode(encoded) == text
    assert unquote(encoded, errors="strict") == text
    # Only unreserved characters, `/`, and well-formed escapes remain.
    assert set(re.sub(r"%[0-9A-F]{2}", "", encoded)) <= UNRESERVED


@examples(300)
@given(st.sampled_from("\"'"), st.lists(st.sampled_from(["a", "\\", "\\\\", "\\'", '\\"', "''", '""']),
                                         max_size=8))
@example('"', ["a", "\\\\", "'", "b"])
def test_string_escapes_are_where_read_string_reads_them(quote: str, pieces: list[str]) -> None:
    from cwql._literals import read_string, string_escapes

    token = quote + "".join(pieces) + quote
    escapes = dict(string_escapes(token))
    out, i = [], 1
    while i < len(token) - 1:
        if i in escapes:
            out.append(escapes[i])
            i += 2
        else:
            out.append(token[i])
            i += 1
    assert "".join(out) == read_string(token)
