"""Gitignore-style patterns: what they match, checked against a plain reference.

The reference below is the obvious recursive matcher (exponential on hostile
patterns, fine on the small ones hypothesis draws); the real one must agree
with it everywhere. Hostile patterns on real paths are in test_lint_garbage.py.
"""

from __future__ import annotations

import fnmatch
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cwql.lint._globs import PatternSet, compile_pattern

from .conftest import examples


def _reference(units: list[str], segments: list[str]) -> bool:
    """Whether pattern segments match exactly these path segments."""
    if not units:
        return not segments
    head, rest = units[0], units[1:]
    if head == "**":
        return any(_reference(rest, segments[i:]) for i in range(len(segments) + 1))
    return bool(segments) and fnmatch.fnmatchcase(segments[0], head.replace("**", "*")) \
        and _reference(rest, segments[1:])


def reference(pattern: str, path: str, is_dir: bool = False) -> bool:
    glob = pattern.rstrip("/")
    units = glob.lstrip("/").split("/")
    if "/" not in glob:
        units = ["**", *units]
    if units[-1] == "**":
        units = [*units[:-1], "*", "**"]  # a trailing ** is what is inside
    segments = path.split("/")
    return any(
        _reference(units, segments[:i])
        for i in range(1, len(segments) + 1)
        if i < len(segments) or is_dir or not pattern.endswith("/")
    )


@pytest.mark.parametrize(("pattern", "path", "is_dir", "expected"), [
    ("*.py", "a/b/x.py", False, True),
    ("*.py", "a/b/x.pyc", False, False),
    ("build", "a/build/x.py", False, True),
    ("build/", "a/build", False, False),
    ("build/", "a/build", True, True),
    ("/build", "a/build", True, False),
    ("tests/**", "tests/x/y.py", False, True),
    ("tests/**", "tests", True, False),
    ("a/**/b", "a/b", False, True),
    ("a/**/b", "a/x/y/b", False, True),
    ("a**b", "ax/yb", False, False),  # `**` inside a segment is a `*`, as in git
    ("[!a]bc", "abc", False, False),
    ("[a-c]x", "bx", False, True),
    ("\\*x", "*x", False, True),
    ("\\*x", "ax", False, False),
    ("[[]x", "[x", False, True),
])
def test_patterns(pattern: str, path: str, is_dir: bool, expected: bool) -> None:
    assert compile_pattern(pattern).matches(path, is_dir) is expected


def test_pathological_patterns_give_the_right_answer() -> None:
    deep = "/".join(["d"] * 300)
    assert compile_pattern("**/" * 30 + "x").matches(deep + "/x")
    assert not compile_pattern("**/" * 30 + "x").matches(deep + "/y")
    assert not compile_pattern("*a" * 20 + "*b").matches("a" * 5000)
    assert compile_pattern("*a" * 20 + "*b").matches("a" * 5000 + "b")
    assert not compile_pattern("**/d/" * 10 + "**/e").matches(deep + "/f")
    assert compile_pattern("**/d/" * 10 + "**/e").matches(deep + "/e")


def test_unreadable_patterns() -> None:
    for bad in ("", "  ", "/", "//", "[z-a]"):
        with pytest.raises(ValueError, match="pattern"):
            compile_pattern(bad)


_segment = st.text(alphabet="ab*?[]!-", min_size=1, max_size=6)


@given(
    st.lists(st.one_of(_segment, st.just("**")), min_size=1, max_size=4),
    st.booleans(),
    st.booleans(),
    st.lists(st.text(alphabet="ab-[]!*", min_size=1, max_size=5), min_size=1, max_size=5),
    st.booleans(),
)
@examples(500)
def test_agrees_with_the_reference(units: list[str], anchored: bool, dir_only: bool,
                                   segments: list[str], is_dir: bool) -> None:
    pattern = ("/" if anchored else "") + "/".join(units) + ("/" if dir_only else "")
    path = "/".join(segments)
    try:
        compiled = compile_pattern(pattern)
    except ValueError:
        return  # a class such as [b-a]
    assert compiled.matches(path, is_dir) == reference(pattern, path, is_dir)


@given(st.lists(st.one_of(_segment, st.just("**")), min_size=1, max_size=6))
@examples(300)
def test_a_segment_has_one_star_the_engine_can_return_into(units: list[str]) -> None:
    """The timing-free bound behind the hostile patterns of test_lint_garbage.py: every star
    of a compiled segment but the last sits in an atomic group, so the regex engine never
    backtracks into it and a match costs O(len(pattern) * len(path)); `**` is matched by a
    set of states (at most one per unit), never by backtracking."""
    try:
        compiled = compile_pattern("/".join(units))
    except ValueError:
        return
    for unit in compiled._units:
        if unit is None or not isinstance(unit, re.Pattern):  # `**`, or a plain name: no regex
            continue
        regex = unit.pattern
        assert regex.count(".*") - regex.count("(?>.*?") <= 1, regex


_PLAIN = ["build", "build/", "/build", ".git", "a", "a/", "*.egg-info", "b*", "a/b", "**/a"]


@given(
    st.lists(st.sampled_from(_PLAIN) | _segment, min_size=0, max_size=5),
    st.lists(st.sampled_from(["a", "b", "build", ".git", "x.egg-info", "ab"]), min_size=1,
             max_size=5),
    st.booleans(),
)
@examples(500)
def test_a_pattern_set_matches_when_one_of_its_patterns_does(
        patterns: list[str], segments: list[str], is_dir: bool) -> None:
    """Excludes are matched as a set, plain names by one lookup: never an answer any one of
    them would not give (`build/` only for folders, `/build` only at the top)."""
    compiled = []
    for p in patterns:
        try:
            compiled.append(compile_pattern(p))
        except ValueError:
            continue
    path = "/".join(segments)
    assert PatternSet(tuple(compiled)).matches(path, is_dir) == any(
        p.matches(path, is_dir) for p in compiled)


def test_plain_names_are_told_apart_from_globs() -> None:
    assert compile_pattern("node_modules").name == "node_modules"
    assert compile_pattern(".git/").name == ".git"
    for glob in ("/build", "a/b", "*.egg-info", "b?", "[ab]", "\\*x", "**"):
        assert compile_pattern(glob).name is None, glob
    excluded = PatternSet((compile_pattern("build/"), compile_pattern("*.egg-info")))
    assert excluded.matches("src/build/x.py")
    assert not excluded.matches("src/build")  # a file named build: the pattern is folders only
    assert excluded.matches("src/build", is_dir=True)
    assert excluded.matches("x.egg-info/PKG-INFO")
