"""Properties of the syntax fixes: they repair what they say, keep the query, and always parse.

A mistake people make (``==``, ``&&``, ``<>``, ``is null``, a bare date, smart
quotes, ``=>``) is written into a random valid query at a place the parsed
tree shows; the linter must report it, offer a safe fix, and the fix must give
back the very query (same canonical form). And for any text at all, a fix the
linter offers parses.
"""

from __future__ import annotations

import datetime as _dt

from hypothesis import assume, given
from hypothesis import strategies as st

from cwql._parser import parse_kind
from cwql._printer import to_text
from cwql.errors import CWQLError
from cwql.lint import check
from cwql.lint._engine import apply_edits
from cwql.syntax import And, DateTime, Expr, Null, Op, Or, Predicate, String, walk

from .conftest import examples
from .strategies import expressions, messy_text

_MISTAKES = ("==", "&&", "||", "<>", "is null", "is not null", "=>", "=<", "bare date",
             "smart quotes", "full-width")


def _full_width(text: str) -> str:
    """``text`` as an East Asian input method types it: each visible ASCII character full-width."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _inject(text: str, mistake: str, which: int) -> str | None:
    """``text`` with ``mistake`` written at the ``which``-th place it can go, or None."""
    tree = parse_kind(text, "conditions")
    places: list[tuple[int, int, str]] = []
    for node in walk(tree):
        if isinstance(node, Predicate) and node.span and node.path.span:
            value = node.value
            first = value[0] if isinstance(value, tuple) else value
            assert first.span is not None
            gap = (node.path.span[1], first.span[0])
            written = text[gap[0]:gap[1]]
            if mistake == "==" and node.op is Op.EQ and not isinstance(value, Null):
                places.append((*gap, written.replace("=", "==")))
            elif mistake == "<>" and node.op is Op.NE and not isinstance(value, Null):
                places.append((*gap, written.replace("!=", "<>")))
            elif mistake == "=>" and node.op is Op.GE:
                places.append((*gap, written.replace(">=", "=>")))
            elif mistake == "=<" and node.op is Op.LE:
                places.append((*gap, written.replace("<=", "=<")))
            elif mistake == "is null" and node.op is Op.EQ and isinstance(value, Null):
                places.append((gap[0], node.span[1], " is null"))
            elif mistake == "is not null" and node.op is Op.NE and isinstance(value, Null):
                places.append((gap[0], node.span[1], " is not null"))
            elif mistake == "bare date" and isinstance(value, DateTime) and node.op.is_ordering \
                    and len(text[first.span[0]:first.span[1]]) == 12:  # [YYYY-MM-DD]
                places.append((first.span[0], first.span[1], text[first.span[0] + 1:first.span[1] - 1]))
            elif mistake == "full-width" and not isinstance(value, Null) \
                    and node.op in (Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE):
                places.append((*gap, _full_width(written)))
            elif mistake == "smart quotes" and isinstance(value, String) \
                    and text[first.span[0]] == '"':
                body = text[first.span[0] + 1:first.span[1] - 1]  # as written, escapes and all
                if '"' not in body and "\u201c" not in body and "\u201d" not in body:
                    places.append((*first.span, f"\u201c{body}\u201d"))
        elif isinstance(node, And | Or) and mistake in ("&&", "||", "full-width"):
            if mistake == "full-width":
                for a, b in zip(node.operands, node.operands[1:], strict=False):
                    assert a.span is not None
                    assert b.span is not None
                    places.append((a.span[1], b.span[0], _full_width(text[a.span[1]:b.span[0]])))
                continue
            if (mistake == "&&") != isinstance(node, And):
                continue
            for a, b in zip(node.operands, node.operands[1:], strict=False):
                assert a.span is not None
                assert b.span is not None
                places.append((a.span[1], b.span[0], f" {mistake} "))
    if not places:
        return None
    start, end, content = places[which % len(places)]
    return text[:start] + content + text[end:]


def test_full_width_operators_and_keywords_are_repaired_in_one_fix() -> None:
    """Issue 13: full-width operators (and the keywords typed with them) get a safe fix."""
    broken = "a ＝ 1 ａｎｄ b ＞＝ 2 ｏｒ c ！＝ 3"
    [finding] = [f for f in check(broken) if f.code.startswith("E")]
    assert finding.code == "E028"
    assert finding.fix is not None
    assert finding.fix.applicability == "safe"
    assert apply_edits(broken, finding.fix.edits) == "a = 1 and b >= 2 or c != 3"
    # What a quote opens is the value: it stays as written.
    quoted = 'ｓｕｍｍａｒｙ ＝ ＂ＡＢ＂'
    [finding] = [f for f in check(quoted) if f.code.startswith("E")]
    assert finding.fix is not None
    assert apply_edits(quoted, finding.fix.edits) == 'summary = "ＡＢ"'


@given(expressions, st.sampled_from(_MISTAKES), st.integers(0, 10))
@examples(200)
def test_an_injected_mistake_is_fixed_back_to_the_same_query(tree: Expr, mistake: str,
                                                             which: int) -> None:
    text = to_text(tree)
    broken = _inject(text, mistake, which)
    assume(broken is not None)
    assert broken is not None
    findings = check(broken)
    syntax = [f for f in findings if f.code.startswith("E")]
    assert syntax, (broken, [f.code for f in findings])
    fix = syntax[0].fix
    assert fix is not None, (broken, syntax[0].code, syntax[0].message)
    assert fix.applicability == "safe"
    fixed = apply_edits(broken, fix.edits)
    assert to_text(parse_kind(fixed, "conditions")) == text


_any_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet='ab=!<>()"\'[]*%_, &|\u201c\u201d\u2264\u00a0.andorisnull0129-:TZ',
             max_size=60),
    expressions.flatmap(messy_text),
)


@given(_any_text, st.sampled_from(["conditions", "childConditions", "orderBy", "fields"]))
@examples(200)
def test_every_fix_offered_parses(text: str, kind: str) -> None:
    try:
        findings = check(text, kind, select=["ALL"])
    except CWQLError:
        raise AssertionError("check raised") from None
    for finding in findings:
        if finding.fix is not None and finding.code.startswith("E"):
            parse_kind(apply_edits(text, finding.fix.edits), kind)


# ---- V010: a date on a datetime field, one model with the DSL and the evaluator -------

_DAY_OPS = {"=": "__eq__", "!=": "__ne__", "<=": "__le__", "in": "in_", "not in": "not_in"}


@given(st.sampled_from(sorted(_DAY_OPS)),
       st.lists(st.dates(min_value=_dt.date(1, 1, 2)), min_size=1, max_size=3, unique=True),
       st.integers(0, 86_399))
@examples(200)
def test_date_as_midnight_fix_is_the_dsl_s_day_and_the_evaluator_agrees(
        op: str, days: list[_dt.date], second: int) -> None:
    """Issue 12: the linter flags `= [date]`, `<= [date]` (and `!=`, `in`, `not in`) on a
    datetime field; its fix is the query the DSL builds for Python dates
    (``cwql._semantics.day_range``), and it matches an instant inside the day exactly as
    the whole-day reading says, in ``cwql.evaluate``."""
    from cwql import F, evaluate

    listed = op in ("in", "not in")
    if not listed:
        days = days[:1]
    values = ", ".join(f"[{d.isoformat()}]" for d in days)
    text = f"dateEntered {op} ({values})" if listed else f"dateEntered {op} {values}"
    found = [f for f in check(text, select=["V010"]) if f.code == "V010"]
    assert len(found) == 1, text
    fix = found[0].fix
    assert fix is not None
    assert fix.applicability == "unsafe"  # it changes what the query matches
    fixed = parse_kind(apply_edits(text, fix.edits), "conditions")
    field = F.dateEntered
    dsl = getattr(field, _DAY_OPS[op])(days if listed else days[0])
    assert to_text(fixed) == to_text(dsl)
    assert check(to_text(fixed), select=["V010"]) == []  # fixed for good
    # An instant inside the first day: in the day for `=`, `<=`, `in`; outside for the others.
    at = _dt.datetime.combine(days[0], _dt.time(), _dt.UTC) + _dt.timedelta(seconds=second)
    record = {"dateEntered": at.isoformat().replace("+00:00", "Z")}
    assert evaluate(fixed, record) is (op in ("=", "<=", "in"))


def test_smart_quotes_around_a_line_break_are_repaired_as_a_pair() -> None:
    """Found by the injected-mistake property: the closing quote was only looked for on the
    opening one's line, so a string holding a line break got no fix."""
    broken = "A=\u201c\n\u201d and A=null"
    [finding] = [f for f in check(broken) if f.code == "E028"]
    assert finding.fix is not None
    assert apply_edits(broken, finding.fix.edits) == 'A="\n" and A=null'


def test_smart_quotes_across_a_line_break_are_paired_only_when_no_other_reading_closes() -> None:
    """Across a line break, an ASCII quote of the kind further on makes a second reading: the
    opening quote alone made ASCII, the look-alike held as text. Pairing the next look-alike
    instead lost the fix of a multi-line string holding an apostrophe, and gave a 'safe' fix
    that changed a string's value (`’’'` became an escaped quote)."""
    kept = {
        "summary = \u2018He said\nthe dogs\u2019' and id = 1":
            "summary = 'He said\nthe dogs\u2019' and id = 1",
        "summary = \u2018a\n\u2019\u2019' and id = 1": "summary = 'a\n\u2019\u2019' and id = 1",
        "a = \u20181\n\u2018\u2019a = 1'": "a = '1\n\u2018\u2019a = 1'",
    }
    for broken, meant in kept.items():
        [finding] = [f for f in check(broken) if f.code == "E028"]
        assert finding.fix is not None, broken
        assert apply_edits(broken, finding.fix.edits) == meant
