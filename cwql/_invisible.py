"""Invisible and control characters: the one rule for what a string value may not hide.

A string typed by a user or built from data can carry characters that show as
nothing, or that change how the text around them is shown: a NUL, a zero-width
space, a right-to-left override, a soft hyphen, a tag character, a Hangul filler.
``summary = "inv\\u200boice"`` looks like a search for ``invoice`` and finds
nothing; a bidi override makes a reviewer read a different value from the one
sent. The validator refuses such strings (P007) and so does the DSL, both
through :func:`find_invisible`, each with an opt-in.

The set is derived from Unicode's own properties rather than listed by hand, so
it covers a whole kind, including characters nobody thought to try:

- General_Category ``Cc`` (controls) except tab, line feed and carriage return,
  which are ordinary white space in a value; ``Cf`` (format characters: bidi
  controls and marks, zero-width characters, the soft hyphen, U+180E, U+FFF9–FFFB,
  the tag characters); ``Cs`` (lone surrogates); ``Zl`` and ``Zp`` (U+2028, U+2029);
- Default_Ignorable_Code_Point: the format characters above plus the code points
  Unicode lists as Other_Default_Ignorable_Code_Point (U+034F, the Hangul fillers,
  reserved ranges such as U+2065 and U+E0000) and the Variation_Selector code
  points (``PropList.txt``; DerivedCoreProperties.txt gives the derivation);
- Noncharacter_Code_Point: U+FDD0–FDEF and the last two code points of every plane.

The categories come from :mod:`unicodedata` (the running Python's Unicode
version); the three properties that :mod:`unicodedata` does not expose are the
ranges below, quoted from Unicode 15.1's ``PropList.txt`` (Unicode keeps these
ranges stable: they reserve code points for future ignorable characters).
Spaces other than U+0020 (no-break space, ideographic space) are visible as a
gap and are allowed; private-use and not-yet-assigned code points are allowed.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["describe", "find_invisible"]

# General categories whose every member is refused (tab, LF and CR excepted).
_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_WHITE_SPACE = frozenset("\t\n\r")

# PropList.txt, Other_Default_Ignorable_Code_Point.
_OTHER_DEFAULT_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x2065, 0x2065), (0x3164, 0x3164),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0000), (0xE0002, 0xE001F),
    (0xE0080, 0xE00FF), (0xE01F0, 0xE0FFF),
)
# PropList.txt, Variation_Selector.
_VARIATION_SELECTOR = (
    (0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF),
)
# PropList.txt, Noncharacter_Code_Point: U+FDD0..FDEF and U+nFFFE..nFFFF in each of the 17 planes.
_NONCHARACTER = ((0xFDD0, 0xFDEF), *((p + 0xFFFE, p + 0xFFFF) for p in range(0, 0x110000, 0x10000)))


_LISTED = frozenset(
    cp for a, b in _OTHER_DEFAULT_IGNORABLE + _VARIATION_SELECTOR + _NONCHARACTER for cp in range(a, b + 1)
)
# The listed characters that str.isprintable() lets through (combining marks, Hangul fillers,
# variation selectors): the only ones printable text can hold. Reserved code points and
# noncharacters are never printable, so the search over printable text stays a short class.


def _character_class(code_points: list[int]) -> re.Pattern[str]:
    """One regex class of ``code_points``, consecutive ones as ranges (a short class is fast)."""
    ranges: list[list[int]] = []
    for cp in code_points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return re.compile("[" + "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    ) + "]")


_PRINTABLE_LISTED = _character_class(sorted(cp for cp in _LISTED if chr(cp).isprintable()))


def find_invisible(text: str) -> int | None:
    """The offset of the first invisible or control character in ``text``, or None.

    Linear in ``len(text)``. Printable text, the common case, costs one
    C-level test (ASCII) or one search of a short character class.
    """
    if text.isprintable():
        if text.isascii():
            return None
        m = _PRINTABLE_LISTED.search(text)
        return None if m is None else m.start()
    for i, c in enumerate(text):
        if c in _WHITE_SPACE:
            continue
        if ord(c) in _LISTED or (not c.isprintable() and unicodedata.category(c) in _CATEGORIES):
            return i
    return None


def describe(character: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: the code point and its Unicode name, when it has one."""
    name = unicodedata.name(character, "")
    code = f"U+{ord(character):04X}"
    return f"{code} {name}" if name else code
