"""The error tree and the diagnostic record."""

from __future__ import annotations

import json
import pickle

import pytest

import cwql
from cwql import F
from cwql.errors import Diagnostic, render_diagnostic
from cwql.syntax import Null, Number, Op, Path, Predicate


def error_of(text: str, kind: str = "conditions") -> cwql.ParseError:
    with pytest.raises(cwql.ParseError) as info:
        cwql.normalize(text, kind)
    return info.value


def test_every_error_is_a_cwql_error_and_a_value_error() -> None:
    e = error_of("a==1")
    assert isinstance(e, cwql.CWQLError)
    assert isinstance(e, ValueError)
    assert issubclass(cwql.EncodingError, cwql.CWQLError)


def test_diagnostic_fields() -> None:
    d = error_of("a = 1 and\n  b == 2").diagnostics[0]
    assert (d.code, d.name, d.line, d.column, d.end_line, d.end_column) == (
        "E009", "double-equals", 2, 5, 2, 7,
    )
    assert (d.start, d.end) == (14, 16)
    assert d.hint == "write a single `=`"
    assert d.severity == "error"
    data = d.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "code", "name", "message", "severity", "start", "end", "line", "column",
        "end_line", "end_column", "expected", "hint",
    }


def test_expected_lists_human_labels() -> None:
    d = error_of("a=1 $").diagnostics[0]
    assert d.expected == ("`and`", "`or`", "the end of the text")
    d = error_of("(a=1 $").diagnostics[0]
    assert d.expected == ("`)`", "`and`", "`or`")
    d = error_of("a=").diagnostics[0]
    assert d.expected == ("a string", "a number", "a [datetime]", "`true`", "`false`", "`null`")


def test_rendering_shows_the_line_and_a_caret() -> None:
    e = error_of('x = 1 and\nsummary contains 5 and y = 2')
    assert str(e) == (
        "2:18: E025 `contains` takes a quoted string, not `5`\n"
        "  summary contains 5 and y = 2\n"
        "                   ^\n"
        '  hint: quote the pattern, e.g. summary contains "text"'
    )


def test_rendering_control_characters_keeps_the_caret_aligned() -> None:
    d = Diagnostic.at("a\tb\x01c", "E002", "m", 4, 5)
    assert render_diagnostic("a\tb\x01c", d).splitlines()[1:] == ["  a\ufffdb\ufffdc", "      ^"]


def test_rendering_leaves_out_a_crlf_line_break() -> None:
    text = "a = 1\r\nb == 2\r\n"
    d = Diagnostic.at(text, "E009", "x", 9, 11)
    assert render_diagnostic(text, d).splitlines()[1:] == ["  b == 2", "    ^~"]


def test_parse_error_pickles() -> None:
    e = error_of("a=")
    again = pickle.loads(pickle.dumps(e))
    assert isinstance(again, cwql.ParseError)
    assert again.diagnostics == e.diagnostics
    assert str(again) == str(e)


def test_parse_error_needs_a_diagnostic() -> None:
    with pytest.raises(ValueError, match="at least one"):
        cwql.ParseError("x", [])


def test_no_lark_exception_escapes() -> None:
    from lark.exceptions import LarkError

    for text in ["", "(", ")", "a", "a=", "\x00", "[", '"', "not", "a in (", "1=1", "\u201c"]:
        for kind in ("conditions", "orderBy", "fields"):
            try:
                cwql.normalize(text, kind)
            except cwql.ParseError as e:
                assert not isinstance(e, LarkError)
                assert e.__cause__ is None or not isinstance(e.__cause__, LarkError)


def test_encoding_errors() -> None:
    with pytest.raises(cwql.EncodingError, match="surrogate"):
        cwql.encode("a\ud800")
    with pytest.raises(cwql.EncodingError, match="UTF-8"):
        cwql.decode("like%20%22%ab%25%22")
    assert cwql.decode("a+b%20c") == "a+b c"


# One mistake, one exception class and code, whatever the entry point: text
# through the parser, a node built by hand, or the DSL.
SAME_MISTAKE = [
    ("dotted path", "a.b = 1", lambda: Path("a.b"), lambda: F["a.b"], "E022"),
    ("empty segment", "a//b = 1", lambda: Path("a//b"), lambda: F["a//b"], "E022"),
    ("non-ASCII letter", "company/\u0131d = 5", lambda: Path("company/\u0131d"),
     lambda: F["company/\u0131d"], None),
    ("keyword alone", "null = 1", lambda: Path("null"), lambda: F["null"], "E030"),
    ("null with <", "a < null", lambda: Predicate(Path("a"), Op.LT, Null()), lambda: F.a < None, "E016"),
    ("contains a number", "a contains 5", lambda: Predicate(Path("a"), Op.CONTAINS, Number("5")),
     lambda: F.a.contains(5), "E025"),
    ("empty in-list", "a in ()", lambda: Predicate(Path("a"), Op.IN, ()), lambda: F.a.in_([]), "E007"),
    ("exponent", "a = 1e5", lambda: Number("1e5"), None, "E017"),
    ("too many digits", "a = " + "9" * 40, lambda: Number("9" * 40), None, "E017"),
]


@pytest.mark.parametrize(("text", "node", "dsl", "code"), [row[1:] for row in SAME_MISTAKE],
                         ids=[row[0] for row in SAME_MISTAKE])
def test_the_same_mistake_raises_the_same_class_everywhere(text, node, dsl, code) -> None:
    raised = []
    for build in (lambda: cwql.parse(text), node, dsl):
        if build is None:
            continue
        with pytest.raises(cwql.CWQLError) as info:
            build()
        raised.append(info.value)
    assert {type(e) for e in raised} == {cwql.ParseError}, raised
    if code is not None:
        assert {e.code for e in raised} == {code}
