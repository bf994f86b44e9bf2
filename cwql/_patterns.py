"""The one reader of ``like`` and ``contains`` values, and their matcher.

The server runs these as SQL Server ``LIKE`` (LANGUAGE.md §2.12, §6); SQL
Server's own reading is the model. Read left to right:

- ``*`` and ``%`` match any run of characters, ``_`` exactly one (in ``like``;
  in ``contains`` they are the characters themselves, see below);
- ``[`` opens a bracket that ends at the **first** ``]`` after it:

  - one character inside is that character taken literally: ``[[]`` is a
    ``[`` (the official escape), ``[%]``, ``[_]``, ``[*]``, ``[^]`` the
    characters themselves;
  - more is a character class as in SQL Server: ``[abc]``, ranges ``[a-f]``,
    ``[^...]`` negated, ``-`` first or last literal; a range written
    backwards matches nothing;
  - ``[]`` is an empty class and matches no character, so ``[]]x`` (an empty
    class, then ``]x``) matches nothing: SQL Server has no rule that a ``]``
    right after ``[`` belongs to the class (``']' LIKE '[]]'`` is false there);
  - a ``[`` with no ``]`` after it never closes, and the pattern matches
    nothing (``'[' LIKE '['`` is false in SQL Server);
- ``]`` on its own, and every other character, is itself.

A ``contains`` value is read with the same brackets: the official guide asks
for ``[[]`` in ``contains`` values too, so the server builds a ``LIKE`` from
them. Whether it then lets ``%``, ``_`` and ``*`` in the value act as wildcards
is unverified; the model reads them as the characters themselves, and
:func:`literal_contains` brackets them so that both readings agree.

:func:`matcher` runs a pattern in time linear in pattern × text: a pattern is
a run of fixed-width segments between ``*``, and the segments between the
first and the last are placed leftmost-first, which is optimal, so nothing is
ever tried twice (:func:`match_steps` counts the work for the tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal, TypeAlias

from ._record import Record

__all__ = [
    "ANY",
    "ONE",
    "CharClass",
    "Item",
    "Token",
    "contains_text",
    "escape_brackets",
    "fold",
    "literal_contains",
    "mask_escapes",
    "match_steps",
    "matcher",
    "never_matches",
    "parse_contains",
    "parse_like",
    "scan",
]


class _Wildcard:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: Any run of characters (``*`` or ``%``).
ANY = _Wildcard("ANY")
#: Exactly one character (``_``).
ONE = _Wildcard("ONE")


class CharClass(Record):
    """``[...]`` with other than one character: single characters and ranges.

    An empty, non-negated class matches no character (``[]``, and a ``[``
    that never closes).
    """

    __slots__ = ("chars", "negated", "ranges")
    chars: str
    ranges: tuple[tuple[str, str], ...]
    negated: bool

    def __init__(self, chars: str, ranges: tuple[tuple[str, str], ...], negated: bool) -> None:
        _set = object.__setattr__
        _set(self, "chars", chars)
        _set(self, "ranges", ranges)
        _set(self, "negated", negated)

    def test(self, c: str) -> bool:
        """Whether the class matches the one character ``c``."""
        found = c in self.chars or any(low <= c <= high for low, high in self.ranges)
        return found is not self.negated

    @property
    def empty(self) -> bool:
        """True when the class can match no character at all."""
        return not self.negated and not self.chars and not any(low <= high for low, high in self.ranges)


#: Nothing can match this: what an unclosed ``[`` and ``[]`` read as.
_NOTHING = CharClass("", (), False)

#: A pattern item: literal text, a wildcard, or a character class.
Item: TypeAlias = str | _Wildcard | CharClass

TokenKind: TypeAlias = Literal["text", "any", "one", "escape", "class", "unclosed"]


class Token(Record):
    """A piece of a pattern as the reader sees it: ``text[start:end]`` is ``kind``.

    ``escape`` is a one-character bracket (``[[]``, ``[%]``); ``class`` a
    bracket holding none or several characters; ``unclosed`` a ``[`` with no
    ``]`` after it, running to the end of the text.
    """

    __slots__ = ("end", "kind", "start")
    start: int
    end: int
    kind: TokenKind

    def __init__(self, start: int, end: int, kind: TokenKind) -> None:
        _set = object.__setattr__
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "kind", kind)


def scan(pattern: str, *, wildcards: bool = True) -> list[Token]:
    """The pattern's tokens, left to right; the one place brackets are read.

    With ``wildcards=False`` (a ``contains`` value) ``*``, ``%`` and ``_``
    are text.
    """
    tokens: list[Token] = []
    i, n = 0, len(pattern)
    text_start = -1

    def flush(at: int) -> None:
        nonlocal text_start
        if text_start >= 0:
            tokens.append(Token(text_start, at, "text"))
            text_start = -1

    while i < n:
        c = pattern[i]
        if c == "[":
            flush(i)
            close = pattern.find("]", i + 1)
            if close < 0:
                tokens.append(Token(i, n, "unclosed"))
                break
            tokens.append(Token(i, close + 1, "escape" if close == i + 2 else "class"))
            i = close + 1
        elif wildcards and c in "*%_":
            flush(i)
            tokens.append(Token(i, i + 1, "one" if c == "_" else "any"))
            i += 1
        else:
            if text_start < 0:
                text_start = i
            i += 1
    flush(n)
    return tokens


def _items(pattern: str, wildcards: bool) -> list[Item]:
    """Items: adjacent literal text merged into one ``str``, runs of ``ANY`` into one."""
    items: list[Item] = []
    text: list[str] = []
    for token in scan(pattern, wildcards=wildcards):
        kind = token.kind
        if kind == "text":
            text.append(pattern[token.start:token.end])
        elif kind == "escape":
            text.append(pattern[token.start + 1])
        else:
            if text:
                items.append("".join(text))
                text.clear()
            if kind == "any":
                if not (items and items[-1] is ANY):
                    items.append(ANY)
            elif kind == "one":
                items.append(ONE)
            elif kind == "class":
                items.append(_char_class(pattern[token.start + 1:token.end - 1]))
            else:
                items.append(_NOTHING)
    if text:
        items.append("".join(text))
    return items


def parse_like(pattern: str) -> list[Item]:
    """A ``like`` pattern as items; the whole value must match them in order."""
    return _items(pattern, True)


def parse_contains(value: str) -> list[Item]:
    """A ``contains`` value as items (no wildcards); some substring must match them in order."""
    return _items(value, False)


def _char_class(body: str) -> CharClass:
    if not body:
        return _NOTHING
    negated = body[0] == "^"
    if negated:
        body = body[1:]
    chars: list[str] = []
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            ranges.append((body[i], body[i + 2]))
            i += 3
        else:
            chars.append(body[i])
            i += 1
    return CharClass("".join(chars), tuple(ranges), negated)


def never_matches(items: list[Item]) -> bool:
    """True when no text can match: an item is a class that matches no character."""
    return any(isinstance(item, CharClass) and item.empty for item in items)


def fold(items: list[Item], key: Callable[[str], str]) -> list[Item]:
    """The items with ``key`` (``str.lower``) applied to their text and classes.

    A class member that folds into several characters (``İ``) is kept as it is.
    """
    out: list[Item] = []
    for item in items:
        if isinstance(item, str):
            out.append(key(item))
        elif isinstance(item, CharClass) and not item.empty:
            chars = "".join(f if len(f := key(c)) == 1 else c for c in item.chars)
            ranges = tuple(
                (a, b) if len(a) == len(b) == 1 else (low, high)
                for low, high in item.ranges
                for a, b in [(key(low), key(high))]
            )
            out.append(CharClass(chars, ranges, item.negated))
        else:
            out.append(item)
    return out


# ---- writing values that mean their text ------------------------------------------

_SPECIAL = re.compile(r"([\[%_*])")


def literal_contains(text: str) -> str:
    """``text`` with ``[``, ``%``, ``_`` and ``*`` bracketed: a value that means ``text`` itself.

    As a ``contains`` value it finds ``text``; inside a ``like`` pattern it
    matches ``text`` (``.startswith()`` adds a ``*``). Whether the server lets
    ``%``, ``_`` and ``*`` act as wildcards in ``contains`` is unverified;
    written ``[%]``, ``[_]``, ``[*]`` they are the character itself either way.
    """
    return _SPECIAL.sub(r"[\1]", text)


def contains_text(value: str) -> str | None:
    """The plain text a ``contains`` value looks for, escapes read; None if it holds a class."""
    items = parse_contains(value)
    if not items:
        return ""
    if len(items) == 1 and isinstance(items[0], str):
        return items[0]
    return None


def mask_escapes(text: str, fill: str = "\0") -> str:
    """``text`` with every one-character bracket (``[%]``, ``[[]``) blanked out, same length."""
    if "[" not in text:
        return text
    out = list(text)
    for token in scan(text, wildcards=False):
        if token.kind == "escape":
            out[token.start:token.end] = fill * 3
    return "".join(out)


def escape_brackets(text: str) -> str | None:
    """``text`` with each ``[`` that does not open a one-character escape written ``[[]``.

    What the value says if every such ``[`` was meant literally; None when
    there is none (the value reads no class and no unclosed bracket).
    """
    if "[" not in text:
        return None
    out: list[str] = []
    changed = False
    for token in scan(text, wildcards=False):
        piece = text[token.start:token.end]
        if token.kind in ("class", "unclosed"):
            changed = True
            # Meant literally, the whole bracket is text: every "[" in it is escaped.
            out.append(piece.replace("[", "[[]"))
        else:
            out.append(piece)
    return "".join(out) if changed else None


# ---- matching -------------------------------------------------------------------

_Segment: TypeAlias = tuple[Item, ...]


def _segments(items: list[Item]) -> list[_Segment]:
    """The fixed-width runs between ``ANY`` (empty ones where it starts or ends with one)."""
    segments: list[_Segment] = []
    current: list[Item] = []
    for item in items:
        if item is ANY:
            segments.append(tuple(current))
            current = []
        else:
            current.append(item)
    segments.append(tuple(current))
    return segments


def _width(segment: _Segment) -> int:
    return sum(len(atom) if isinstance(atom, str) else 1 for atom in segment)


class _Steps:
    """Counts the work a match does: every character compared, at most."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


def _at(segment: _Segment, text: str, pos: int, steps: _Steps | None) -> bool:
    """Whether ``segment`` matches ``text`` at ``pos`` (the caller checked the width fits)."""
    for atom in segment:
        if isinstance(atom, str):
            if steps is not None:
                steps.n += len(atom)
            if not text.startswith(atom, pos):
                return False
            pos += len(atom)
        else:
            if steps is not None:
                steps.n += 1
            if atom is not ONE and not atom.test(text[pos]):  # type: ignore[union-attr]
                return False
            pos += 1
    return True


def _find(segment: _Segment, width: int, text: str, lo: int, hi: int, steps: _Steps | None) -> int:
    """The leftmost position in ``[lo, hi]`` where ``segment`` matches, or -1."""
    head = segment[0] if segment else ""
    i = lo
    while i <= hi:
        if isinstance(head, str) and head:
            # str.find skips positions where the segment's first text cannot start.
            found = text.find(head, i, hi + len(head))
            if steps is not None:
                steps.n += ((found if found >= 0 else hi) - i + 1) * len(head)
            if found < 0:
                return -1
            i = found
        if _at(segment, text, i, steps):
            return i
        i += 1
    return -1


def _run(items: list[Item], text: str, steps: _Steps | None) -> bool:
    if never_matches(items):
        return False
    segments = _segments(items)
    widths = [_width(s) for s in segments]
    n = len(text)
    if len(segments) == 1:  # no ANY: the one segment is the whole text
        return widths[0] == n and _at(segments[0], text, 0, steps)
    first, last = segments[0], segments[-1]
    if widths[0] + widths[-1] > n:
        return False
    if not _at(first, text, 0, steps):
        return False
    end = n - widths[-1]
    if not _at(last, text, end, steps):
        return False
    pos = widths[0]
    for segment, width in zip(segments[1:-1], widths[1:-1], strict=True):
        if not segment:
            continue
        found = _find(segment, width, text, pos, end - width, steps)
        if found < 0:
            return False
        pos = found + width
    return True


def match_steps(items: list[Item], text: str) -> tuple[bool, int]:
    """Whether ``text`` matches, and the characters compared on the way (for the tests)."""
    steps = _Steps()
    return _run(items, text, steps), steps.n


def matcher(items: list[Item]) -> Callable[[str], bool]:
    """A function ``text -> bool`` for a whole-text match, specialised for common shapes.

    Linear in pattern × text whatever the shape (see the module docstring).
    """
    if never_matches(items):
        return lambda text: False
    if not items:
        return lambda text: text == ""
    if len(items) == 1 and isinstance(items[0], str):
        s = items[0]
        return lambda text: text == s
    if items == [ANY]:
        return lambda text: True
    if len(items) == 2 and isinstance(items[0], str) and items[1] is ANY:
        return _startswith(items[0])
    if len(items) == 2 and items[0] is ANY and isinstance(items[1], str):
        return _endswith(items[1])
    if len(items) == 3 and items[0] is ANY and items[2] is ANY and isinstance(items[1], str):
        s = items[1]
        return lambda text: s in text
    frozen = list(items)
    return lambda text: _run(frozen, text, None)


def _startswith(s: str) -> Callable[[str], bool]:
    return lambda text: text.startswith(s)


def _endswith(s: str) -> Callable[[str], bool]:
    return lambda text: text.endswith(s)
