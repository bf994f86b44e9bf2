"""The compliance corpus: every case in tests/cases/*.yaml.

A case is a mapping with ``input`` and, optionally, ``kind`` (conditions,
childConditions, customFieldConditions, orderBy, fields; default conditions),
and then either

* ``canonical``: the canonical text; the case checks that the input parses,
  prints as this, that the canonical text parses to an equal tree and prints
  as itself; and/or ``ast``: the tree as an s-expression (tests/support.py); or
* ``error``: ``code`` and ``column`` (1-based) of the first diagnostic, and
  optionally ``line``, ``end_column``, ``codes`` (every diagnostic's code, in
  order) and ``hint`` (a substring the hint must contain).

``note`` says why the case exists; it is not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import cwql
from cwql.syntax import Node

from .support import sexpr

CASES_DIR = Path(__file__).parent / "cases"
KEYS = {"input", "kind", "canonical", "ast", "error", "note"}
ERROR_KEYS = {"code", "column", "line", "end_column", "codes", "hint"}


def _load() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(cases, list), f"{path.name}: a case file is a list of cases"
        for i, case in enumerate(cases, 1):
            params.append(pytest.param(case, id=f"{path.stem}-{i}"))
    return params


CASES = _load()


def _parse(text: str, kind: str) -> Node:
    if kind == "orderBy":
        return cwql.parse_order_by(text)
    if kind == "fields":
        return cwql.parse_fields(text)
    return cwql.parse(text, kind)  # type: ignore[arg-type]


def test_corpus_is_large_and_covers_every_error_code() -> None:
    assert len(CASES) >= 250
    seen = {c.values[0]["error"]["code"] for c in CASES if "error" in c.values[0]}
    syntax = {code for code in cwql.errors.CODES if code.startswith("E")}
    reachable = syntax - {"E019", "E020", "E021"}  # limits: test_limits.py
    assert reachable <= seen, f"no case for {sorted(reachable - seen)}"


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    assert set(case) <= KEYS, f"unknown keys {set(case) - KEYS}"
    assert ("error" in case) != ("canonical" in case or "ast" in case)
    text, kind = case["input"], case.get("kind", "conditions")
    if "error" in case:
        want = case["error"]
        assert set(want) <= ERROR_KEYS
        with pytest.raises(cwql.ParseError) as info:
            _parse(text, kind)
        diags = info.value.diagnostics
        first = diags[0]
        got = {"code": first.code, "column": first.column}
        assert got == {"code": want["code"], "column": want["column"]}, str(info.value)
        if "line" in want:
            assert first.line == want["line"]
        if "end_column" in want:
            assert first.end_column == want["end_column"], str(info.value)
        if "codes" in want:
            assert [d.code for d in diags] == want["codes"], str(info.value)
        if "hint" in want:
            assert first.hint is not None
            assert want["hint"] in first.hint, first.hint
        for d in diags:
            assert 0 <= d.start <= d.end <= len(text)
        return
    node = _parse(text, kind)
    if "canonical" in case:
        printed = str(node)
        assert printed == case["canonical"]
        again = _parse(printed, kind)
        assert again == node
        assert str(again) == printed
    if "ast" in case:
        assert sexpr(node) == case["ast"]
