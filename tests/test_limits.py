"""Hostile input fails cleanly: a ParseError with the right code, never a crash.

How fast it fails is measured in benchmarks/ (timing has no place in tests);
here every case must simply finish with the right diagnostic.
"""

from __future__ import annotations

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


def test_strings_between_parentheses_do_not_close_them() -> None:
    # The depth check skips strings; it used to count each string as a `)`.
    text = '(a = "x" and ' * 100 + "c=1" + ")" * 100
    with pytest.raises(cwql.ParseError) as info:
        cwql.parse(text)
    d = info.value.diagnostics[0]
    opened = [i for i, c in enumerate(text) if c == "("]
    assert (d.code, d.start) == ("E020", opened[64])
    assert len(cwql.parse(text, limits=Limits(max_depth=100)).operands) == 101  # type: ignore[attr-defined]


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


# ---- linear work, whatever the shape ---------------------------------------------------
#
# Timing has no place in tests, so these count work instead: every Python and C
# function call the parse makes (a profile hook sees each one), the operands
# copied into and/or nodes, and the characters of the text that its own methods
# scan or copy (`text.count("\n", 0, offset)` per diagnostic, say): C-level work
# that no call count shows. A parse that takes linear time does linear work on
# every count: four times the text, at most about four times the work. The
# issue-11 example, "a = 1 or (b = 2 and " * n, took time quadratic in n (57 s
# at 2 MB): each level's `or` node copied every operand of the `or` nested in it.


class CountingText(str):
    """A text that counts the characters its search and slice methods go through."""

    scanned = 0

    def _range(self, start: int | None, end: int | None) -> int:
        return len(range(*slice(start, end).indices(len(self))))

    def count(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        CountingText.scanned += self._range(start, end)
        return super().count(sub, start, end)

    def find(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().find(sub, start, end)
        first, last, _ = slice(start, end).indices(len(self))
        CountingText.scanned += (last if found < 0 else found) - first
        return found

    def rfind(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        found = super().rfind(sub, start, end)
        first, last, _ = slice(start, end).indices(len(self))
        CountingText.scanned += last - (first if found < 0 else found)
        return found

    def __getitem__(self, key: Any) -> str:
        found = super().__getitem__(key)
        CountingText.scanned += len(found)
        return found

SHAPES = {
    "alternating groups, never closed (issue 11)": lambda n: "a = 1 or (b = 2 and " * n,
    "alternating groups, closed": lambda n: "a = 1 or (b = 2 and " * n + "c=1" + ")" * n,
    "groups of one connective": lambda n: "a = 1 or (" * n + "c=1" + ")" * n,
    "groups of one connective, leftwards": lambda n: "(" * n + "c=1" + " or a = 1)" * n,
    "strings between parentheses": lambda n: '(a = "(" and ' * n + "c=1" + ")" * n,
    "a flat chain": lambda n: "a = 1 and " * n + "c = 1",
    "a flat chain ending in a mistake": lambda n: "a = 1 and " * n + "b == 1",
    "a chain with a bad date at the end": lambda n: "a = 1 or " * n + "d = [2024-02-30] x",
    "a bad date in every line": lambda n: "d = [2024-02-30] or\n" * n + "x = 1",
    "null compared with < in every line": lambda n: "a < null or\n" * n + "x = 1",
    "a long in-list": lambda n: "id in (" + ", ".join(str(i) for i in range(n)) + ")",
    "an in-list never closed": lambda n: "id in (" + ", ".join(str(i) for i in range(n)),
    "deep parentheses": lambda n: "(" * n + "a=1" + ")" * n,
    "parentheses never closed": lambda n: "(" * n,
    "a string never closed": lambda n: "a = 1 and " * n + 'b = "' + "x" * n,
    "orderBy keys": lambda n: ", ".join(f"k{i} desc" for i in range(n)),
}


_OURS = re.compile(r"[/\\](cwql|lark)[/\\]")


def _work(text: str, kind: str) -> tuple[int, int, int, dict[str, int]]:
    """(calls, operands copied, characters scanned, calls per function) of one parse of ``text``."""
    from cwql.syntax import _Connective

    calls: dict[str, int] = {}
    copied = 0
    unchecked, init = _Connective.__dict__["_unchecked"], _Connective.__init__

    def counted_unchecked(cls: Any, operands: Any, *args: Any) -> Any:
        nonlocal copied
        copied += len(operands)
        return unchecked.__func__(cls, operands, *args)

    def counted_init(self: Any, operands: Any, **kwargs: Any) -> None:
        nonlocal copied
        copied += len(operands) + sum(len(o.operands) for o in operands if type(o) is type(self))
        init(self, operands, **kwargs)

    def hook(frame: Any, event: str, arg: Any) -> None:
        # Only cwql's and Lark's code, and what it calls: not, say, a gc callback.
        if event not in ("call", "c_call") or not _OURS.search(frame.f_code.co_filename):
            return
        name = frame.f_code.co_qualname if event == "call" else getattr(arg, "__qualname__", repr(arg))
        calls[name] = calls.get(name, 0) + 1

    _Connective._unchecked = classmethod(counted_unchecked)  # type: ignore[method-assign,assignment]
    _Connective.__init__ = counted_init  # type: ignore[method-assign]
    CountingText.scanned = 0
    sys.setprofile(hook)
    try:
        cwql._parser.parse_kind(CountingText(text), kind, limits=BIG)
    except cwql.ParseError as e:
        str(e)  # the message, with its windows of the text
    finally:
        sys.setprofile(None)
        _Connective._unchecked = unchecked  # type: ignore[method-assign]
        _Connective.__init__ = init  # type: ignore[method-assign]
    return sum(calls.values()), copied, CountingText.scanned, calls


@pytest.mark.parametrize("shape", SHAPES)
def test_parsing_does_linear_work_for_every_shape(shape: str) -> None:
    make = SHAPES[shape]
    kind = "orderBy" if "orderBy" in shape else "conditions"
    _work(make(3), kind)  # warm up: Lark's parser for the error path is built once
    small, large = _work(make(300), kind), _work(make(1200), kind)
    for measure in (0, 1, 2):  # calls, operands copied, characters scanned
        assert large[measure] <= 4.4 * max(small[measure], 1), (measure, small, large)
    # No function is called more often than the text grows: a scan of the whole
    # text per token, or per error message, would show here.
    for name, count in large[3].items():
        assert count <= 4.4 * small[3].get(name, 1) + 8, (name, small[3].get(name), count)


def test_issue11_alternating_groups_parse_without_quadratic_copying() -> None:
    # The reported example, closed so that it parses: one `or` of n+1 operands.
    n = 2000
    text = "a = 1 or (b = 2 and " * n + "c=1" + ")" * n
    node = cwql.parse(text, limits=BIG)
    assert len(node.operands) == n + 1  # type: ignore[attr-defined]
    _, copied, _, _ = _work(text, "conditions")
    assert copied <= 6 * n


@given(
    st.text(alphabet="ab\n", max_size=40),
    st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45)), max_size=8),
)
def test_diagnostics_for_many_problems_count_lines_as_one_at_a_time_would(
    text: str, spans: list[tuple[int, int]]
) -> None:
    from cwql.errors import Diagnostic, diagnostics_at

    problems = [(f"E{i:03d}", "m", start, end, None if i % 2 else "h") for i, (start, end) in enumerate(spans)]
    one_by_one = [Diagnostic.at(text, c, m, s, e, hint=h) for c, m, s, e, h in sorted(problems, key=lambda p: p[2])]
    assert diagnostics_at(text, problems) == one_by_one


def test_many_literal_problems_are_all_reported_in_order() -> None:
    text = "d = [2024-02-30] or\n" * 50 + "a < null"
    with pytest.raises(cwql.ParseError) as info:
        cwql.parse(text)
    found = info.value.diagnostics
    assert [d.code for d in found] == ["E014"] * 50 + ["E016"]
    assert [d.line for d in found] == list(range(1, 52))
