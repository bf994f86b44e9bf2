"""Gitignore-style path patterns, for excludes and per-file settings.

``name`` matches a file or folder of that name at any depth; a pattern with a
``/`` inside (or at the start) is anchored to the folder of the config file;
a trailing ``/`` matches folders only. ``*``, ``?`` and ``[...]`` stay within
one path segment; a whole segment ``**`` spans any number of segments
(``a/**`` everything inside ``a``), and elsewhere ``**`` is a plain ``*``, as
in git. A backslash makes the next character literal. A pattern that matches
a folder matches everything under it.

Patterns come from files a linted repository controls (``.gitignore``), so
matching must stay cheap for any pattern: a segment compiles to a regular
expression that never backtracks into a star it has passed (each run between
stars is found at its earliest place, in an atomic group), and ``**`` is
matched over segments by a set of states, not by backtracking. Matching is
``O(len(pattern) * len(path))``.
"""

from __future__ import annotations

import functools
import re

__all__ = ["Pattern", "PatternSet", "compile_pattern"]

class _Name:
    """A segment with no wildcard: matched by comparison, no regex to compile (``cwql check``
    starts with the default excludes, every one a plain name)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def fullmatch(self, segment: str) -> bool:
        return segment == self.text


# A pattern segment: a compiled regex or a plain name for one path segment, or _MANY for `**`.
_Unit = re.Pattern[str] | _Name | None
_MANY = None
_ANY_SEGMENT = re.compile(r".*", re.DOTALL)


class Pattern:
    """One compiled pattern."""

    __slots__ = ("_units", "dir_only", "name", "text")

    def __init__(self, text: str, units: tuple[_Unit, ...], dir_only: bool,
                 name: str | None = None) -> None:
        self.text = text
        self._units = units
        self.dir_only = dir_only
        #: For a pattern that is one plain name at any depth (``build``, ``.git/``): that name.
        self.name = name

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Whether ``path`` (relative, ``/``-separated) or a folder above it matches."""
        units = self._units
        done = len(units)
        segments = path.split("/")
        last = len(segments)
        # The common shapes first: `name` (any depth) and `a/b` (anchored, no `**`).
        if done == 2 and units[0] is _MANY and units[1] is not _MANY:
            only = units[1]
            return any(only.fullmatch(s) and (i < last or is_dir or not self.dir_only)
                       for i, s in enumerate(segments, 1))
        if _MANY not in units:
            return done <= last and (done < last or is_dir or not self.dir_only) and all(
                unit.fullmatch(s)  # type: ignore[union-attr]
                for unit, s in zip(units, segments[:done], strict=True))
        states = self._closure({0})
        for i, segment in enumerate(segments, 1):
            following: set[int] = set()
            for j in states:
                if j == done:
                    continue
                unit = units[j]
                if unit is _MANY:
                    following.add(j)
                elif unit.fullmatch(segment):
                    following.add(j + 1)
            if not following:
                return False
            states = self._closure(following)
            if done in states and (i < last or is_dir or not self.dir_only):
                return True
        return False

    def _closure(self, states: set[int]) -> set[int]:
        """``states`` and those reached by letting a ``**`` match no segment."""
        units = self._units
        for j in sorted(states):
            while j < len(units) and units[j] is _MANY:
                j += 1
                states.add(j)
        return states


def _segment(glob: str) -> re.Pattern[str]:
    """A regex for one segment: runs of literal units between stars.

    Taking the earliest place for each run between two stars is always right
    (a later place leaves less text for the rest), so each is an atomic group:
    the regex engine never returns into a star it has passed.
    """
    runs: list[list[str]] = [[]]
    i, n = 0, len(glob)
    while i < n:
        c = glob[i]
        if c == "*":
            while i < n and glob[i] == "*":
                i += 1
            runs.append([])
            continue
        if c == "?":
            runs[-1].append(".")
        elif c == "\\" and i + 1 < n:
            i += 1
            runs[-1].append(re.escape(glob[i]))
        elif c == "[" and (close := _class_end(glob, i)) > 0:
            runs[-1].append(_class(glob[i + 1:close]))
            i = close
        else:
            runs[-1].append(re.escape(c))
        i += 1
    texts = ["".join(run) for run in runs]
    if len(texts) == 1:
        return re.compile(texts[0], re.DOTALL)
    first, *middle, final = texts
    floating = "".join(f"(?>.*?{run})" for run in middle if run)
    return re.compile(f"{first}{floating}.*{final}", re.DOTALL)


def _class_end(glob: str, start: int) -> int:
    """Where the ``]`` closing the class opened at ``start`` is, or -1."""
    i = start + 1
    if i < len(glob) and glob[i] in "!^":
        i += 1
    if i < len(glob) and glob[i] == "]":  # a `]` first is a member
        i += 1
    while i < len(glob):
        if glob[i] == "\\":
            i += 2
            continue
        if glob[i] == "]":
            return i
        i += 1
    return -1


def _class(body: str) -> str:
    """A ``[...]`` class as a regex class: ranges ``a-z`` kept, every other character literal."""
    out = ["["]
    i = 0
    if body[:1] in ("!", "^"):
        out.append("^")
        i = 1
    chars: list[str] = []
    dash: set[int] = set()  # where an unescaped `-` is
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            i += 1
        elif body[i] == "-":
            dash.add(len(chars))
        chars.append(body[i])
        i += 1
    # An unescaped `-` between two characters makes a range.
    j = 0
    while j < len(chars):
        if j + 2 < len(chars) and j + 1 in dash:
            out.append(f"{re.escape(chars[j])}-{re.escape(chars[j + 2])}")
            j += 3
        else:
            out.append(re.escape(chars[j]))
            j += 1
    out.append("]")
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def compile_pattern(text: str) -> Pattern:
    """Compile a gitignore-style pattern; raises ValueError when it cannot be read."""
    glob = text.strip()
    if not glob:
        raise ValueError("an empty pattern")
    dir_only = glob.endswith("/")
    glob = glob.rstrip("/")
    anchored = "/" in glob
    glob = glob.lstrip("/")
    if glob.startswith("./"):
        glob = glob[2:]
    if not glob.replace("/", ""):
        raise ValueError(f"the pattern {text!r} names no file or folder")
    units: list[_Unit] = [] if anchored else [_MANY]
    try:
        for segment in glob.split("/"):
            if segment == "**":
                if not units or units[-1] is not _MANY:  # `**/**` is one `**`
                    units.append(_MANY)
            elif segment:
                plain = not any(c in segment for c in "*?[\\")
                units.append(_Name(segment) if plain else _segment(segment))
    except re.error as e:
        raise ValueError(f"cannot read the pattern {text!r}: {e}") from None
    if units[-1] is _MANY:
        # A trailing `**` matches what is inside, at least one segment.
        units.insert(len(units) - 1, _ANY_SEGMENT)
    plain = not anchored and not any(c in glob for c in "*?[\\")
    return Pattern(text, tuple(units), dir_only, glob if plain else None)


class PatternSet:
    """Several patterns, matched as one: whether any matches.

    A file is tested against every exclude pattern; most of them are plain names
    (``.git``, ``node_modules``), which are answered together by one set lookup
    per path segment, and only the others are matched one by one.
    """

    __slots__ = ("_dir_names", "_names", "_others")

    def __init__(self, patterns: tuple[Pattern, ...]) -> None:
        self._names = frozenset(p.name for p in patterns if p.name is not None and not p.dir_only)
        self._dir_names = frozenset(p.name for p in patterns if p.name is not None and p.dir_only)
        self._others = tuple(p for p in patterns if p.name is None)

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Whether one of the patterns matches ``path`` (as :meth:`Pattern.matches`)."""
        segments = path.split("/")
        if not self._names.isdisjoint(segments):
            return True
        # A folder-only name matches a segment that is a folder: all but a file's last one.
        if self._dir_names and not self._dir_names.isdisjoint(
                segments if is_dir else segments[:-1]):
            return True
        return any(p.matches(path, is_dir) for p in self._others)
