"""The pattern model of ``like`` and ``contains`` values, shared by the evaluator and the SQL translation.

The server runs these as SQL Server ``LIKE`` (LANGUAGE.md §2.12, §6). cwql's
model of a ``like`` pattern:

- ``*`` and ``%`` match any run of characters, ``_`` exactly one;
- ``[...]`` holding one character is that character taken literally: ``[[]``
  is a ``[`` (the official escape), ``[%]``, ``[_]``, ``[*]`` the wildcard
  characters themselves;
- ``[...]`` holding more is a character class as in SQL Server: ``[abc]``,
  ranges ``[a-f]``, ``[^...]`` negated; a range written backwards matches nothing;
- a ``[`` with no ``]`` after it, or ``[]``, is literal text.

A ``contains`` value is a plain substring, except that ``[x]`` (one character
in brackets) reads as ``x``: the official guide asks for ``[[]`` in contains
values too, which suggests the server builds a ``LIKE`` from them, so writing
``[%]`` and ``[_]`` there is safe under either reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ANY", "ONE", "CharClass", "Item", "contains_text", "parse_like", "to_regex"]


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


@dataclass(frozen=True, slots=True)
class CharClass:
    """``[...]`` with more than one character: single characters and ranges."""

    chars: str
    ranges: tuple[tuple[str, str], ...]
    negated: bool


#: A pattern item: literal text, a wildcard, or a character class.
Item = str | _Wildcard | CharClass


def parse_like(pattern: str) -> list[Item]:
    """A ``like`` pattern as items; adjacent literal text is merged into one ``str``."""
    items: list[Item] = []
    text: list[str] = []

    def flush() -> None:
        if text:
            items.append("".join(text))
            text.clear()

    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c in "*%":
            flush()
            if not (items and items[-1] is ANY):
                items.append(ANY)
            i += 1
        elif c == "_":
            flush()
            items.append(ONE)
            i += 1
        elif c == "[":
            close = pattern.find("]", i + 2)  # the first character may be a "]"
            body = pattern[i + 1:close] if close > 0 else ""
            if close < 0 or pattern[i + 1] == "]":
                # No class here: "[" with nothing closing it, or "[]".
                text.append(c)
                i += 1
                continue
            if len(body) == 1 or body == "^":
                text.append(body)
            else:
                flush()
                items.append(_char_class(body))
            i = close + 1
        else:
            text.append(c)
            i += 1
    flush()
    return items


def _char_class(body: str) -> CharClass:
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


_CONTAINS_SPECIAL = re.compile(r"([\[%_*])")


def literal_contains(text: str) -> str:
    """A ``contains`` value that finds ``text`` itself: ``[``, ``%``, ``_``, ``*`` bracketed.

    Whether the server runs ``contains`` through ``LIKE`` is unverified. The
    official guide writes a literal ``[`` as ``[[]`` there, which suggests it
    does, and then ``%``, ``_`` (and ``*``, which the server turns into ``%``)
    would be wildcards; written as ``[%]``, ``[_]``, ``[*]`` they are the
    character itself either way (:func:`contains_text` reads them back).
    """
    return _CONTAINS_SPECIAL.sub(r"[\1]", text)


def contains_text(value: str) -> str:
    """The substring a ``contains`` value looks for: ``[x]`` read as ``x``."""
    if "[" not in value:
        return value
    return re.sub(r"\[(.)\]", r"\1", value, flags=re.DOTALL)


def _class_regex(cc: CharClass) -> str:
    parts = [re.escape(c) for c in cc.chars]
    for low, high in cc.ranges:
        if low <= high:
            parts.append(f"{re.escape(low)}-{re.escape(high)}")
    if not parts:
        # An empty class matches nothing; negated, it matches any character.
        return "(?s:.)" if cc.negated else "(?!)"
    return "[" + ("^" if cc.negated else "") + "".join(parts) + "]"


def to_regex(items: list[Item]) -> str:
    """A regular expression for ``re.fullmatch`` with ``re.DOTALL``."""
    out: list[str] = []
    for item in items:
        if item is ANY:
            out.append(".*")
        elif item is ONE:
            out.append(".")
        elif isinstance(item, CharClass):
            out.append(_class_regex(item))
        else:
            assert isinstance(item, str)
            out.append(re.escape(item))
    return "".join(out)
