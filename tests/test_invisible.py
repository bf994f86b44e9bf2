"""The invisible/control character rule: one implementation for the validator (P007) and the DSL."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import cwql
from cwql import F, Policy, ValidationError, validate
from cwql._invisible import describe, find_invisible

from .conftest import examples

# Unicode 15.1 PropList.txt, written out again here as the test's own oracle:
# Other_Default_Ignorable_Code_Point, Variation_Selector, Noncharacter_Code_Point.
_PROPERTY_RANGES = [
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x2065, 0x2065), (0x3164, 0x3164),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0000), (0xE0002, 0xE001F),
    (0xE0080, 0xE00FF), (0xE01F0, 0xE0FFF),
    (0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF),
    (0xFDD0, 0xFDEF),
]
_PROPERTY_SET = frozenset(cp for a, b in _PROPERTY_RANGES for cp in range(a, b + 1))


def reference(c: str) -> bool:
    """The rule, one character at a time, the slow and obvious way."""
    cp = ord(c)
    if c in "\t\n\r":
        return False
    if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return True
    if cp & 0xFFFE == 0xFFFE:  # U+nFFFE, U+nFFFF: noncharacters in every plane
        return True
    return cp in _PROPERTY_SET


# ---- the examples the review tried (issue 11), and their kind -------------------------

REVIEW = {
    "arabic letter mark": "\u061c",
    "word joiner": "\u2060",
    "function application": "\u2061",
    "invisible times": "\u2062",
    "invisible separator": "\u2063",
    "invisible plus": "\u2064",
    "soft hyphen": "\u00ad",
    "mongolian vowel separator": "\u180e",
    "tag U+E0000 (reserved)": "\U000e0000",
    "language tag": "\U000e0001",
    "tag latin a": "\U000e0041",
    "cancel tag": "\U000e007f",
    "interlinear annotation anchor": "\ufff9",
    "combining grapheme joiner": "\u034f",
    "hangul filler": "\u3164",
    # what the old hand-written list already caught
    "nul": "\x00",
    "zero width space": "\u200b",
    "right-to-left override": "\u202e",
    "byte order mark": "\ufeff",
}
MORE_OF_THE_KIND = {
    "reserved default-ignorable U+2065": "\u2065",
    "variation selector 16": "\ufe0f",
    "variation selector supplement": "\U000e0100",
    "halfwidth hangul filler": "\uffa0",
    "hangul choseong filler": "\u115f",
    "khmer inherent aq": "\u17b4",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "next line (C1 control)": "\x85",
    "delete": "\x7f",
    "vertical tab": "\x0b",
    "lone surrogate": "\ud800",
    "noncharacter U+FFFE": "\ufffe",
    "noncharacter U+10FFFF": "\U0010ffff",
    "arabic number sign (Cf)": "\u0600",
    "first strong isolate": "\u2068",
    "left-to-right mark": "\u200e",
}
VISIBLE = {
    "tab": "\t", "line feed": "\n", "carriage return": "\r", "space": " ",
    "no-break space": "\u00a0", "ideographic space": "\u3000", "e acute": "\u00e9",
    "combining acute": "\u0301", "emoji": "\U0001f600", "private use": "\ue000",
    "cjk": "\u4e2d", "arabic letter": "\u0627", "hangul syllable": "\uac00",
}


@pytest.mark.parametrize("char", list({**REVIEW, **MORE_OF_THE_KIND}.values()),
                         ids=list({**REVIEW, **MORE_OF_THE_KIND}))
def test_invisible_characters_are_found(char: str) -> None:
    assert reference(char)
    assert find_invisible(char) == 0
    assert find_invisible("ab" + char + "cd") == 2
    assert describe(char).startswith(f"U+{ord(char):04X}")


@pytest.mark.parametrize("char", list(VISIBLE.values()), ids=list(VISIBLE))
def test_visible_characters_pass(char: str) -> None:
    assert not reference(char)
    assert find_invisible("ab" + char + "cd") is None


@pytest.mark.parametrize("char", list(REVIEW.values()), ids=list(REVIEW))
def test_validator_refuses_each_review_example(char: str) -> None:
    text = f'summary contains "inv{char}oice"'
    with pytest.raises(ValidationError) as info:
        validate(text)
    (d,) = info.value.diagnostics
    assert d.code == "P007"
    assert (d.start, d.end) == (21, 22)  # the character itself
    assert f"U+{ord(char):04X}" in d.message
    assert cwql.is_valid(text, policy=Policy(allow_control_characters=True))


@pytest.mark.parametrize("char", list(REVIEW.values()), ids=list(REVIEW))
def test_dsl_refuses_each_review_example(char: str) -> None:
    for build in (lambda v: F.summary == v, lambda v: F.summary.contains(v), lambda v: F.x.in_([v]),
                  lambda v: F.summary.like(v + "*"), lambda v: cwql.CF(v) == 1):
        with pytest.raises(cwql.UnsafeValueError, match="allow_control_characters"):
            build("inv" + char + "oice")
    cond = F.summary == cwql.allow_control_characters("inv" + char + "oice")
    assert cwql.parse(str(cond)) == cond


def test_validator_points_at_the_character_after_escapes() -> None:
    text = "summary = 'it''s\u200bodd'"
    with pytest.raises(ValidationError) as info:
        validate(text)
    (d,) = info.value.diagnostics
    assert text[d.start:d.end] == "\u200b"
    assert "U+200B ZERO WIDTH SPACE" in d.message


def test_tabs_and_line_breaks_are_fine_everywhere() -> None:
    assert cwql.is_valid('summary = "tab\there\r\nnext line"')
    assert str(F.summary == "tab\there\r\nnext line") == 'summary="tab\there\r\nnext line"'


def test_whole_unicode_range_agrees_with_the_reference() -> None:
    # Exhaustive: every code point, one at a time and inside printable text.
    wrong = [hex(cp) for cp in range(0x110000) if (find_invisible(chr(cp)) == 0) is not reference(chr(cp))]
    assert wrong == []
    assert find_invisible("é" * 10 + "\u2063") == 10


# ---- properties -----------------------------------------------------------------------

ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=()),
        st.sampled_from([*REVIEW.values(), *MORE_OF_THE_KIND.values(), *VISIBLE.values()]),
    ),
    max_size=40,
)


def _first(text: str) -> int | None:
    return next((i for i, c in enumerate(text) if reference(c)), None)


@examples(500)
@given(ANY_TEXT)
@example("a\t\u00a0b\u034f")
def test_find_invisible_is_the_first_reference_hit(text: str) -> None:
    assert find_invisible(text) == _first(text)


@examples(300)
@given(ANY_TEXT)
def test_validator_and_dsl_apply_the_one_rule(value: str) -> None:
    """P007 exactly when the DSL refuses the same value for an invisible character."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return  # not UTF-8; the DSL refuses it always, the parser's text cannot carry it out
    invisible = _first(value) is not None
    try:
        assert isinstance(F.summary == value, cwql.syntax.Predicate)
    except cwql.UnsafeValueError as e:
        assert invisible or "escape" in str(e)
        dsl_refused = invisible
    else:
        assert not invisible
        dsl_refused = False
    text = str(F.summary == cwql.allow_escapes(cwql.allow_control_characters(value)))
    try:
        validate(text, policy=Policy(allow_escapes=True, leading_wildcard=True))
    except ValidationError as e:
        codes = {d.code for d in e.diagnostics}
        assert codes == {"P007"}
        assert dsl_refused
    else:
        assert not dsl_refused
