"""The grammar and what is generated from it: the tables, the lexer, the driver, all agree with Lark.

cwql parses with its own driver over tables generated from ``grammar/cwql.lark``
(``cwql/_tables.py``). These tests regenerate the tables and compare, and run
Lark's own parser (its stock lexer, its LALR driver, the same builders) side by
side with cwql's on generated inputs: the same tokens, the same trees, the
same syntax errors at the same places.
"""

from __future__ import annotations

import functools
import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

import cwql
from cwql import _parser, _tables
from cwql._lark import grammar_text
from cwql._lexer import KIND, TOKEN, lex, token_before
from cwql.syntax import Node, walk

from .conftest import examples
from .strategies import expressions, messy_text
from .test_properties import TOKENS

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def stock(lexer: str = "basic", **options: Any) -> Lark:
    return Lark(
        grammar_text(), parser="lalr", lexer=lexer, start=["conditions", "order_by", "fields"],
        maybe_placeholders=False, strict=False, **options,
    )


# ---- the tables ------------------------------------------------------------------


def test_tables_are_generated_from_the_grammar() -> None:
    """cwql/_tables.py is exactly what grammar/build_tables.py makes of the grammar today."""
    render = runpy.run_path(str(ROOT / "grammar" / "build_tables.py"))["render"]
    committed = (ROOT / "cwql" / "_tables.py").read_text(encoding="utf-8")
    assert render() == committed, "run: python grammar/build_tables.py"


def test_table_generation_does_not_depend_on_string_hashing() -> None:
    script = str(ROOT / "grammar" / "build_tables.py")
    for seed in ("1", "2"):
        r = subprocess.run([sys.executable, script, "--check"], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}, timeout=120)
        assert r.returncode == 0, r.stderr


def test_a_changed_grammar_changes_the_tables() -> None:
    render = runpy.run_path(str(ROOT / "grammar" / "build_tables.py"))["render"]
    changed = grammar_text().replace('LIKE:     "like"i', 'LIKE:     "resembles"i')
    assert render(changed) != render()


def test_grammar_is_lalr_without_conflicts() -> None:
    # Lark refuses a grammar with shift/reduce or reduce/reduce conflicts in LALR mode.
    parser = stock()
    assert parser.options.parser == "lalr"
    assert {t.name for t in parser.terminals} >= {"PATH", "OP", "STRING", "NUMBER", "DATETIME"}


def test_spec_reads_its_words_and_patterns_from_the_tables() -> None:
    from cwql import _spec

    assert set(_tables.KEYWORDS) == _spec.KEYWORDS
    assert (_spec.PATH, _spec.SEGMENT, _spec.NUMBER) == (_tables.PATH, _tables.SEGMENT, _tables.NUMBER)
    lark_terminals = {t.name: t for t in stock().terminals}
    keywords = {t.pattern.value for t in lark_terminals.values() if t.name in set(_tables.KEYWORDS.values())}
    assert keywords == _spec.KEYWORDS


# ---- the lexer ---------------------------------------------------------------------


def _lark_tokens(text: str) -> tuple[list[tuple[str, str, int, int]], int | None]:
    """Lark's tokens, and where its lexer stopped (None: at the end)."""
    found: list[tuple[str, str, int, int]] = []
    try:
        for t in stock().lex(text):
            found.append((t.type, str(t), t.start_pos, t.end_pos))  # type: ignore[arg-type]
    except UnexpectedCharacters as e:
        return found, e.pos_in_stream
    return found, None


def _our_tokens(text: str) -> tuple[list[tuple[str, str, int, int]], int | None]:
    found = lex(text)
    last = found.pop()
    return found, (last[2] if last[0] == "$ERROR" else None)


@pytest.mark.parametrize(
    "text",
    ["order/id = 1 AND android like 'x'", "and/x in (1,-2.5)", "NOT Contains isNull",
     "a=[2024-01-01] or b!=null", "a ın (1)", "a İN (1)", "x aſc", "deſc", "a/\u212a=1",
     "a = 'x", "12abc", "a\u00a0=1", " \t\r\n", ""],
)
def test_lexer_matches_lark_on_examples(text: str) -> None:
    assert _our_tokens(text) == _lark_tokens(text)


LOOKALIKES = ["ın", "İN", "aſc", "\u212a", "ı", "ſ", "nuLL", "TRUE", "cOnTaInS"]


@examples(300)
@given(st.lists(st.sampled_from(TOKENS + LOOKALIKES), max_size=10).map(" ".join))
def test_lexer_matches_lark_on_token_soup(text: str) -> None:
    assert _our_tokens(text) == _lark_tokens(text)


@examples(200)
@given(st.data())
def test_lexer_matches_lark_on_valid_queries(data: st.DataObject) -> None:
    text = data.draw(messy_text(data.draw(expressions)))
    assert _our_tokens(text) == _lark_tokens(text)


@examples(200)
@given(st.text(max_size=30))
def test_lexer_matches_lark_on_any_text(text: str) -> None:
    assert _our_tokens(text) == _lark_tokens(text)


def test_token_before_agrees_with_lexing() -> None:
    text = 'a = "x" and b in (1, 2)'
    tokens = lex(text)[:-1]
    for pos in range(len(text) + 1):
        before = [t for t in tokens if t[2] < pos]
        assert token_before(text, pos) == (before[-1] if before else None)


def test_every_token_kind_is_a_group_of_the_pattern() -> None:
    assert TOKEN.groups == KIND["$ERROR"]
    assert all(KIND[name] > TOKEN.groups for name in _tables.KEYWORDS.values())


# ---- the driver, against Lark's -------------------------------------------------------


class _LarkBuilders:
    """Lark's callbacks: the same builders as cwql's driver, fed Lark's tokens as matches."""

    def __init__(self) -> None:
        self.text = ""

    def __getattr__(self, alias: str) -> Any:
        if alias not in _parser.BUILDERS:
            raise AttributeError(alias)
        build = _parser.BUILDERS[alias]

        def callback(children: list[Any]) -> Any:
            values = [TOKEN.match(self.text, c.start_pos) if isinstance(c, Token) else c
                      for c in children]
            if build is not None:
                build(values)
            assert len(values) == 1
            return values[0]

        return callback


_BUILDERS = _LarkBuilders()
_REFERENCE = stock(transformer=_BUILDERS)


def _lark_parse(text: str, start: str) -> tuple[str, Any]:
    """Lark's driver with cwql's builders: ("ok", tree), ("error", (position, expected)) or ("refused", code)."""
    _BUILDERS.text = text
    token = _parser._problems.set([])
    try:
        return "ok", _parser._final(_REFERENCE.parse(text, start=start))
    except UnexpectedInput as e:
        if isinstance(e, UnexpectedToken):
            at = len(text) if e.token.type == "$END" else e.token.start_pos
            expected = set(e.expected)
        else:
            at = e.pos_in_stream
            expected = {n for n in e.interactive_parser.choices() if n.isupper()}
        return "error", (at, expected)
    except cwql.ParseError as e:
        return "refused", e.code
    finally:
        _parser._problems.reset(token)


def _our_parse(text: str, start: str) -> tuple[str, Any]:
    token = _parser._problems.set([])
    try:
        return "ok", _parser._drive(text, start)
    except _parser._Stuck as e:
        at = e.token.start(e.token.lastindex)
        if e.token.lastindex == KIND["$END"]:
            at = len(text)
        expected = {_tables.KINDS[k] for k in _tables.ACTIONS[e.state]}
        return "error", (at, expected)
    except cwql.ParseError as e:
        return "refused", e.code
    finally:
        _parser._problems.reset(token)


def _shape(node: Node) -> list[Any]:
    """Everything about a tree that a parse decides, spans and parenthesised groups included."""
    return [
        (type(n).__name__, n._values() if not n._children else None, n.span,
         getattr(n, "parenthesized", None), getattr(n, "height", None))
        for n in walk(node)
    ]


def _agree(text: str, start: str = "conditions") -> None:
    ours, theirs = _our_parse(text, start), _lark_parse(text, start)
    assert ours[0] == theirs[0], (text, ours, theirs)
    if ours[0] == "ok":
        assert ours[1] == theirs[1]
        assert _shape(ours[1]) == _shape(theirs[1])
    else:
        assert ours[1] == theirs[1], text


@pytest.mark.parametrize("text", [
    "a=1", "a = 1 or (b = 2 or c = 3)", "((a=1 and b=2)) and c=3", "(a=1 or b=2) and (c=3 or d=4)",
    "a in (1, 'x', [2024-01-01], true)", "x not like 'a*' or y not contains \"b\"", "a=", "a==1",
    "(a=1", "a=1)", "d=[2024-02-30] x=1", "a < null", "not a=1", "a ın (1)", "",
    "a = 1 or (b = 2 and " * 30 + "c=1" + ")" * 30,
])
def test_the_drivers_agree_on_examples(text: str) -> None:
    _agree(text)


@pytest.mark.parametrize(("start", "text"), [
    ("order_by", "a desc, b ASC, c"), ("order_by", "a desc desc"), ("order_by", "a,"),
    ("fields", "a,b/c"), ("fields", "a b"), ("fields", "*"),
])
def test_the_drivers_agree_on_lists(start: str, text: str) -> None:
    _agree(text, start)


@examples(200)
@given(st.data())
def test_the_drivers_agree_on_valid_queries(data: st.DataObject) -> None:
    _agree(data.draw(messy_text(data.draw(expressions))))


@examples(500)
@given(st.lists(st.sampled_from([*TOKENS, "(", ")", "(", "and", "or", "a=1", "asc", "desc"]),
                max_size=14).map(" ".join),
       st.sampled_from(["conditions", "order_by", "fields"]))
@example("a=1 and (b=2 or (c=3 and (d=4 or e=5)))", "conditions")
def test_the_drivers_agree_on_token_soup(text: str, start: str) -> None:
    _agree(text, start)


@examples(200)
@given(st.text(max_size=30), st.sampled_from(["conditions", "order_by", "fields"]))
def test_the_drivers_agree_on_any_text(text: str, start: str) -> None:
    _agree(text, start)


def test_the_drivers_agree_on_tall_trees() -> None:
    text = "a=0"
    for i in range(1, 120):
        text = f"({text}) {'and' if i % 2 else 'or'} x{i}=1"
        if i in (50, 99, 100, 101, 119):
            _agree(text)


# ---- the grammar file and Lark's cache ------------------------------------------------


def test_packaged_grammar_is_the_one_in_use() -> None:
    assert "conditions: or_expr" in grammar_text()
    assert cwql.parse("a=1") is not None


def _cwql(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_lark_cache_is_written_on_the_error_path_reused_and_repaired(tmp_path: Path) -> None:
    env = {**os.environ, "CWQL_CACHE_DIR": str(tmp_path / "cache")}
    assert _cwql(env, "parse", "a = 1").returncode == 0
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").iterdir())

    def explained() -> bool:
        r = _cwql(env, "parse", "a ==")
        return r.returncode == 1 and "E009" in r.stdout and not r.stderr

    assert explained()
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1
    assert files[0].name.startswith("grammar-")
    assert explained()  # read back
    files[0].write_bytes(b"not a cache\x00\xff")
    assert explained()  # a broken file is rebuilt and rewritten
    assert files[0].read_bytes() != b"not a cache\x00\xff"
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    env["CWQL_CACHE_DIR"] = str(blocked)
    assert explained()  # no folder: no cache
    env["CWQL_CACHE_DIR"] = ""
    assert explained()  # switched off
