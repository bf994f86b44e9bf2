"""Hostile input fails cleanly: a ParseError with the right code, never a crash.

How fast it fails is measured in benchmarks/ (timing has no place in tests);
here every case must simply finish with the right diagnostic.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

import cwql
from cwql import Limits

BIG = Limits(max_length=10_000_000, max_depth=10_000_000, max_nodes=10_000_000)


def code_of(text: str, limits: Limits = cwql._parser.DEFAULT_LIMITS) -> str:
    with pytest.raises(cwql.ParseError) as info:
        cwql.parse(text, limits=limits)
    return info.value.code


def test_deep_parentheses_hit_the_length_limit_first() -> None:
    assert code_of("(" * 100_000 + "a=1" + ")" * 100_000) == "E019"


def test_deep_parentheses_hit_the_depth_limit() -> None:
    text = "(" * 100_000 + "a=1" + ")" * 100_000
    limits = Limits(max_length=1_000_000)
    with pytest.raises(cwql.ParseError) as info:
        cwql.parse(text, limits=limits)
    d = info.value.diagnostics[0]
    assert (d.code, d.start) == ("E020", limits.max_depth)


def test_depth_limit_ignores_parentheses_inside_strings() -> None:
    text = 'summary contains "' + "(" * 200 + '"'
    assert str(cwql.parse(text)) == text


def test_parentheses_without_a_limit_are_parsed_without_recursion() -> None:
    text = "(" * 50_000 + "a=1" + ")" * 50_000
    assert str(cwql.parse(text, limits=BIG)) == "a=1"


def test_alternating_groups_past_the_tree_height_cap() -> None:
    text = "a=0"
    for i in range(1, 150):
        text = f"({text}) {'and' if i % 2 else 'or'} x{i}=1"
    with pytest.raises(cwql.ParseError) as info:
        cwql.parse(text, limits=BIG)
    assert info.value.code == "E020"
    assert "deeper than 100" in str(info.value)


def test_megabyte_inputs() -> None:
    assert code_of("a" * 1_000_000) == "E019"
    assert code_of("a=1 and " * 125_000) == "E019"
    assert code_of('a="' + "x" * 1_000_000, BIG) == "E003"
    assert code_of("a" * 1_000_000, BIG) == "E024"
    assert code_of("a=1 and " * 125_000, BIG) == "E006"
    assert code_of("(" * 1_000_000, BIG) == "E004"
    node = cwql.parse(" and ".join(f"f{i}={i}" for i in range(60_000)), limits=BIG)
    assert len(node.operands) == 60_000  # type: ignore[attr-defined]


def test_node_limit() -> None:
    text = "id in (" + ",".join(str(i) for i in range(30_000)) + ")"
    assert code_of(text, Limits(max_length=1_000_000)) == "E021"
    node = cwql.parse(text, limits=Limits(max_length=1_000_000, max_nodes=40_000))
    assert len(node.value) == 30_000  # type: ignore[attr-defined]


def test_errors_show_a_window_of_a_long_line() -> None:
    text = "a=1 and " * 10_000 + "b=="
    with pytest.raises(cwql.ParseError) as info:
        cwql.parse(text)
    rendered = str(info.value)
    assert len(rendered) < 500
    assert "E009" in rendered
    assert "..." in rendered


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_limits_must_be_positive_ints(bad: object) -> None:
    with pytest.raises(ValueError, match="positive int"):
        Limits(max_depth=bad)  # type: ignore[arg-type]


def test_parse_rejects_non_text() -> None:
    with pytest.raises(TypeError, match="bytes"):
        cwql.parse(b"a=1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind must be one of"):
        cwql.parse("a=1", kind="orderBy")  # type: ignore[arg-type]


def test_parsing_is_thread_safe() -> None:
    # Literal errors are collected per parse; threads must not see each other's.
    def run(i: int) -> list[str]:
        text = f"d{i}=[2024-02-{30 + i % 2}] and x={i}"
        try:
            cwql.parse(text)
        except cwql.ParseError as e:
            return [text[d.start:d.end] for d in e.diagnostics]
        return []

    with ThreadPoolExecutor(8) as pool:
        for i, found in enumerate(pool.map(run, range(400))):
            assert found == [str(30 + i % 2)]
