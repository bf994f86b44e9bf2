"""The grammar file itself: LALR without conflicts, and cwql's lexer agrees with Lark's."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput

import cwql
from cwql._parser import _grammar_text, _lexer

from .conftest import examples
from .strategies import expressions, messy_text
from .test_properties import TOKENS


def stock(lexer: str = "basic") -> Lark:
    return Lark(
        _grammar_text(), parser="lalr", lexer=lexer, start=["conditions", "order_by", "fields"],
        maybe_placeholders=False, strict=False,
    )


def test_grammar_is_lalr_without_conflicts() -> None:
    # Lark refuses a grammar with shift/reduce or reduce/reduce conflicts in LALR mode.
    parser = stock()
    assert parser.options.parser == "lalr"
    assert {t.name for t in parser.terminals} >= {"PATH", "OP", "STRING", "NUMBER", "DATETIME"}


def _lark_tokens(text: str) -> list[tuple[str, str, int, int]] | None:
    try:
        return [(t.type, str(t), t.start_pos, t.end_pos) for t in stock().lex(text)]  # type: ignore[misc]
    except UnexpectedInput:
        return None


def _our_tokens(text: str) -> list[tuple[str, str, int, int]] | None:
    try:
        return [(t.type, str(t), t.start_pos, t.end_pos) for t in _lexer().lex(text)]  # type: ignore[misc]
    except UnexpectedInput:
        return None


@pytest.mark.parametrize(
    "text",
    ["order/id = 1 AND android like 'x'", "and/x in (1,-2.5)", "NOT Contains isNull", "a=[2024-01-01] or b!=null"],
)
def test_lexer_matches_lark_on_examples(text: str) -> None:
    assert _our_tokens(text) == _lark_tokens(text)


@examples(300)
@given(st.lists(st.sampled_from(TOKENS), max_size=10).map(" ".join))
def test_lexer_matches_lark_on_token_soup(text: str) -> None:
    assert _our_tokens(text) == _lark_tokens(text)


@examples(200)
@given(st.data())
def test_lexer_matches_lark_on_valid_queries(data: st.DataObject) -> None:
    text = data.draw(messy_text(data.draw(expressions)))
    assert _our_tokens(text) == _lark_tokens(text)


def test_token_before_agrees_with_lexing() -> None:
    text = 'a = "x" and b in (1, 2)'
    tokens = list(_lexer().lex(text))
    for pos in range(len(text) + 1):
        before = [t for t in tokens if t.start_pos is not None and t.start_pos < pos]
        got = _lexer().token_before(text, pos)
        if not before:
            assert got is None
        else:
            assert got is not None
            assert (got.type, str(got), got.start_pos) == (before[-1].type, str(before[-1]), before[-1].start_pos)


def test_packaged_grammar_is_the_one_in_use() -> None:
    assert "conditions: or_expr" in _grammar_text()
    assert cwql.parse("a=1") is not None


def _check(env: dict[str, str]) -> str:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "cwql", "check", "a = 1"], capture_output=True,
                       text=True, env=env, timeout=60)
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    return r.stdout


def test_grammar_cache_is_written_reused_and_repaired(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "CWQL_CACHE_DIR": str(tmp_path / "cache")}
    assert _check(env) == "a=1\n"
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1
    assert files[0].name.startswith("grammar-")
    assert _check(env) == "a=1\n"  # read back
    files[0].write_bytes(b"not a cache\x00\xff")
    assert _check(env) == "a=1\n"  # a broken file is rebuilt and rewritten
    assert files[0].read_bytes() != b"not a cache\x00\xff"
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert _check({**env, "CWQL_CACHE_DIR": str(blocked)}) == "a=1\n"  # no folder: no cache
    assert _check({**env, "CWQL_CACHE_DIR": ""}) == "a=1\n"  # switched off


def test_keyword_lists_agree_with_the_grammar() -> None:
    from cwql._spec import KEYWORDS

    assert set(_lexer().keywords) == set(KEYWORDS)
