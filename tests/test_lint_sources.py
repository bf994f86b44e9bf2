"""Finding queries in host files, and mapping their offsets back: Python, JSON, YAML, .cwql.

The property tests let Python itself be the judge: literals are written by
``repr``/``ascii`` or by hand in every quote style, and what the reader
recovers must equal what ``ast.literal_eval`` reads.
"""

from __future__ import annotations

import ast
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cwql.lint._config import Config
from cwql.lint._engine import Linter
from cwql.lint._runner import Runner
from cwql.lint._sources import cwqlfile, jsonfile, python, yamlfile
from cwql.lint._sources.base import HOLE

from .conftest import examples
from .strategies import expressions, messy_text

# These tests are about reading and mapping literals, so generic keys are queries everywhere
# (tests/test_lint_evidence.py has where they are not).
EVERYWHERE = Config(generic_keys="everywhere")
RUNNER = Runner(EVERYWHERE, Linter())


def lint(text: str, filetype: str = "python") -> list[tuple[str, int, int]]:
    result = RUNNER.lint_text("x", "x", filetype, text)
    return [(f.code, f.diagnostic.line, f.diagnostic.column) for f in result.findings]


def column_of(text: str, needle: str, line: int = 1) -> int:
    return text.split("\n")[line - 1].index(needle) + 1


# ---- Python ------------------------------------------------------------------


def test_keyword_dict_key_subscript_and_cwql_calls() -> None:
    source = (
        "import cwql as c\n"
        "from cwql import parse_order_by as pob\n"
        'client.get("/x", conditions="a == 1")\n'
        'params = {"childConditions": "b == 2", "other": "c == 3"}\n'
        'params["customFieldConditions"] = "d == 4"\n'
        'c.parse("e == 5")\n'
        'c.parse("f == 6", kind="childConditions")\n'
        'pob("g DESC, h")\n'
        'api(order_by="i asc", child_conditions="j == 1", custom_field_conditions="k == 1")\n'
        'x = "l == 7"\n'
    )
    found = lint(source)
    assert sorted(line for code, line, _ in found if code == "E009") == [3, 4, 5, 6, 7, 9, 9]
    assert ("C002", 9, column_of(source, "asc", 9)) in found
    assert ("W002", 8, column_of(source, "h\")", 8)) in found


def test_columns_count_characters_not_bytes() -> None:
    source = 'x = "é€😀"; f(conditions="a == 1")\n'
    assert lint(source) == [("E009", 1, column_of(source, "=="))]


def test_escapes_and_implicit_concatenation_map_to_the_right_place() -> None:
    source = (
        'f(conditions=("status/name = \\"Open\\" "\n'
        "              'and summary like \\'x\\' '\n"
        '              r"and d like \'\\d\'"))\n'
    )
    found = lint(source)
    assert ("V001", 2, column_of(source, "\\'x\\'", 2)) in found
    assert ("V001", 3, column_of(source, "'\\d'", 3)) in found


def test_crlf_and_escaped_newlines() -> None:
    source = 'f(\r\n  conditions="a = 1 \\\r\n and b == 2")\r\n'
    assert lint(source) == [("E009", 3, column_of(source.replace("\r", ""), "==", 3))]


def test_f_strings_are_checked_around_their_holes() -> None:
    source = (
        'f(conditions=f"id = {x} and summary like \'y\'")\n'   # V001 outside the hole: reported
        'f(conditions=f"summary like \'{p}\'")\n'              # V001 inside the hole: dropped
        'f(conditions=f"id == {x}")\n'                          # does not parse: skipped
        'f(conditions=f"{{a}} = 1")\n'                          # no hole at all: {{ is a brace
        'f(conditions="x=" + str(v) + " and y == 2")\n'         # + with a hole
        "f(conditions=query)\n"                                 # not a literal: skipped
    )
    result = RUNNER.lint_text("x", "x", "python", source)
    codes = [(f.code, f.diagnostic.line) for f in result.findings]
    assert ("V001", 1) in codes
    assert all(line != 2 for _, line in codes)
    assert ("E002", 4) in codes
    assert [line for line, _ in result.dynamic] == [3, 5, 6]


def test_fstring_holes_map_to_their_source() -> None:
    extraction = python.read('f(conditions=f"a = {b!r:>{w}} and c = 1")\n', None, True)
    (site,) = extraction.sites
    assert site.text == "a = 0 and c = 1"
    hole = next(s for s in site.map.segments if s.part == HOLE)
    assert (hole.h_start, hole.h_end) == (19, 29)
    assert site.writer is None  # never rewrite a query built at run time


@pytest.mark.skipif(sys.version_info < (3, 12), reason="PEP 701 f-strings")
def test_pep701_nested_quotes() -> None:
    source = 'f(conditions=f"a = {d["k"]} and b == 1")\n'
    assert [code for code, _, _ in lint(source)] == ["E009"]


def test_one_literal_under_two_keys_is_one_query() -> None:
    source = 'x["conditions"] = y["conditions"] = "a = 1 AND b == 2"\nx["orderBy"] = y["orderBy"] = z\n'
    extraction = python.read(source, None, True)
    assert [s.text for s in extraction.sites] == ["a = 1 AND b == 2"]
    assert len(extraction.dynamic) == 1
    assert lint(source) == [("E009", 1, column_of(source, "=="))]
    fixable = 'x["conditions"] = y["conditions"] = "a = 1 AND b = 2"\n'
    done = RUNNER.format_text("x", "x", "python", fixable)
    assert done.refused == []
    assert done.text == 'x["conditions"] = y["conditions"] = "a=1 and b=2"\n'


def test_a_cwql_parse_call_as_the_value_is_read_once_at_the_call() -> None:
    source = (
        "import cwql\n"
        "from cwql import parse_order_by as order\n"
        'Query(conditions=cwql.parse("id == 1"), orderBy=order("id DESC"))\n'
        'Query(conditions=cwql.parse(text), fields=cwql.normalize(cwql.parse("x = 1")))\n'
    )
    extraction = python.read(source, None, True)
    assert sorted((s.text, s.kind) for s in extraction.sites) == [
        ("id == 1", "conditions"), ("id DESC", "orderBy"), ("x = 1", "conditions")]
    # Only `text` is unknown: the calls themselves are not "not a string literal".
    assert [why for _, why in extraction.dynamic] == ["not a string literal"]
    assert extraction.dynamic[0][0] == source.index("text")


def test_bytes_and_non_strings_are_not_queries() -> None:
    assert lint('f(conditions=b"a == 1", fields=["a", "a"], orderBy=None)\n') == []


def test_python_directive_sets_the_endpoint() -> None:
    source = '# cwql: endpoint=/company/contacts\nf(conditions="a=1")\n'
    (site,) = python.read(source, "/service/tickets", True).sites
    assert site.endpoint == "/company/contacts"
    (site,) = python.read('client.get("/company/companies", params={"conditions": "a=1"})\n',
                          None, True).sites
    assert site.endpoint == "/company/companies"


# ---- the property tests --------------------------------------------------------

_texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


def _hand_written(value: str, quote: str) -> str:
    keep = "\t\n" if len(quote) == 3 else "\t"
    escaped = "".join(
        "\\" + c if c in ("\\", quote[0])
        else f"\\x{ord(c):02x}" if (c < " " or c == "\x7f") and c not in keep
        else c
        for c in value
    )
    return f"{quote}{escaped}{quote}"


@st.composite
def literals(draw: st.DrawFn) -> tuple[str, str]:
    """(value, Python source of a literal, perhaps in several concatenated parts)."""
    parts = draw(st.lists(_texts, min_size=1, max_size=3))
    written = []
    for part in parts:
        how = draw(st.sampled_from(["repr", "ascii", "'", '"', "'''", '"""']))
        if how == "repr":
            written.append(repr(part))
        elif how == "ascii":
            written.append(ascii(part))
        else:
            written.append(_hand_written(part, how))
    joiner = draw(st.sampled_from([" ", "\n    ", " \\\n "]))
    return "".join(parts), "(" + joiner.join(written) + ")"


@given(literals())
@examples(300)
def test_reader_recovers_every_literal(pair: tuple[str, str]) -> None:
    value, literal = pair
    source = f"f(conditions={literal})\n"
    assert ast.literal_eval(literal) == value
    extraction = python.read(source, None, True)
    assert extraction.dynamic == []
    (site,) = extraction.sites
    assert site.text == value
    body = (source.index(literal), source.index(literal) + len(literal))
    assert body[0] < site.map.start(0) <= site.map.end(len(value)) < body[1]
    for seg in site.map.segments:
        if seg.q_end - seg.q_start == seg.h_end - seg.h_start:
            assert source[seg.h_start:seg.h_end] == value[seg.q_start:seg.q_end]
        else:  # an escape: Python reads the host text as exactly this character
            unit = source[seg.h_start:seg.h_end]
            assert ast.literal_eval('"' + unit + '"') == value[seg.q_start:seg.q_end] or \
                unit in ("\r\n", "\r")


@given(_texts, st.sampled_from(["'", '"', "'''", '"""', "f'", 'f"']))
@examples(300)
def test_writer_writes_what_python_reads(value: str, quote: str) -> None:
    prefix, quote = ("f", quote[1:]) if quote.startswith("f") else ("", quote)
    extraction = python.read(f"f(conditions={prefix}{quote}x{quote})\n", None, True)
    (site,) = extraction.sites
    assert site.writer is not None
    body = site.writer(0, value)
    assert body is not None
    # An f-string without holes is a constant; eval runs no code of ours here.
    assert eval(f"{prefix}{quote}{body}{quote}", {}) == value


@given(st.data())
@examples(150)
def test_fmt_in_python_is_canonical_and_idempotent(data: st.DataObject) -> None:
    tree = data.draw(expressions)
    text = data.draw(messy_text(tree))
    literal = data.draw(st.sampled_from([repr(text), ascii(text), _hand_written(text, '"""')]))
    source = f"f(conditions={literal})\n"
    once = RUNNER.format_text("x", "x", "python", source)
    assert once.refused == []
    (site,) = python.read(once.text, None, True).sites
    assert site.text.replace("'", '"') == str(tree).replace("'", '"') or site.text == str(tree)
    assert RUNNER.format_text("x", "x", "python", once.text).text == once.text


def test_fmt_keeps_the_host_quotes_and_the_rest_of_the_line() -> None:
    source = 'x = f(conditions="Status/Name = \'Open\' AND id IN (1, 2)", other="a  =  b")  # hi\n'
    out = RUNNER.format_text("x", "x", "python", source).text
    assert out == 'x = f(conditions="Status/Name=\'Open\' and id in (1,2)", other="a  =  b")  # hi\n'
    single = "f(conditions='a = \"x\"')\n"
    assert RUNNER.format_text("x", "x", "python", single).text == "f(conditions='a=\"x\"')\n"


def test_fmt_leaves_a_raw_string_it_cannot_write_with_a_notice() -> None:
    # The canonical form is a = 'say "hi"': a ' cannot be written into r'...'.
    source = "f(conditions=r'a = \"say \"\"hi\"\"\"')\n"
    done = RUNNER.format_text("x", "x", "python", source)
    assert done.text == source
    assert len(done.refused) == 1


# ---- JSON, YAML, .cwql ---------------------------------------------------------


def test_json_values_at_any_depth_with_escapes() -> None:
    source = '{"a": [{"conditions": "x = \\"\\u00e9\\" and y == 1"}], "orderBy": ["id asc"]}'
    found = lint(source, "json")
    assert ("E009", 1, column_of(source, "==")) in found
    assert ("C002", 1, column_of(source, "asc")) in found
    (site, _) = jsonfile.read(source, None, True).sites
    assert site.text == 'x = "é" and y == 1'


def test_json_keys_are_not_values() -> None:
    assert jsonfile.read('{"conditions": {"conditions": "a=1"}, "x": "conditions"}', None, True).sites[0].text == "a=1"


def test_yaml_values_anchors_and_styles() -> None:
    source = (
        "base: &q\n"
        "  conditions: 'a = ''x'' and b == 1'\n"
        "other: *q\n"
        "list:\n"
        "  childConditions:\n"
        '    - "v in (1, 2)"\n'
        "folded:\n"
        "  conditions: >\n"
        "    a ==\n"
        "    1\n"
        'escaped: {conditions: "s = \\"\\u00e9\\" and t == 1"}\n'
    )
    found = lint(source, "yaml")
    assert ("E009", 11, column_of(source, "==", 11)) in found
    assert ("E009", 2, column_of(source, "==", 2)) in found
    assert ("L005", 6, column_of(source, "v in", 6)) in found
    assert ("E009", 8, 15) in found  # folded: the whole value
    assert len([f for f in found if f[0] == "E009"]) == 3  # the alias is not linted twice


def test_yaml_fixes_are_written_in_the_scalars_own_style() -> None:
    source = (
        "jobs:\n"
        "  - conditions: status/id = 1 AND board/id in (2)   # plain\n"
        "    orderBy: 'id asc, name'\n"
        '    childConditions: "value in (\'a\')"\n'
        '    flow: {conditions: a = 1 AND b in (2), fields: "id, id"}\n'
        "    folded:\n      conditions: >\n        a AND b = 1\n"
    )
    fixed, n, _ = RUNNER.fix_text("x", "x", "yaml", source)
    assert n == 7
    assert fixed == (
        "jobs:\n"
        "  - conditions: status/id = 1 and board/id=2   # plain\n"
        "    orderBy: 'id, name'\n"
        '    childConditions: "value=\'a\'"\n'
        '    flow: {conditions: a = 1 and b=2, fields: "id"}\n'
        "    folded:\n      conditions: >\n        a AND b = 1\n"  # folded: not rewritten
    )


def test_fixing_stops_when_a_round_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from cwql.lint import _engine as engine
    from cwql.lint._model import Edit, Fix, Problem
    from cwql.syntax import Predicate

    def same(node: Predicate, ctx: object) -> list[Problem]:  # a "fix" that rewrites nothing
        start, end = node.span  # type: ignore[misc]
        return [Problem(start, end, "x", fix=Fix("no-op", (Edit(start, end, str(node)),)))]

    def swap(old: str, new: str) -> object:
        def check(node: Predicate, ctx: object) -> list[Problem]:
            start, end = node.span  # type: ignore[misc]
            if str(node) != old:
                return []
            return [Problem(start, end, "x", fix=Fix("swap", (Edit(start, end, new),)))]
        return check

    base = engine.RULES["V005"]

    def made_up(code: str, check: object) -> object:
        return base.replace(entry=base.entry.replace(code=code), check=check, visits=(Predicate,))

    rules = {
        "X001": made_up("X001", same),
        "X002": made_up("X002", swap("a=1", "a=2")),
        "X003": made_up("X003", swap("a=2", "a=1")),
    }
    monkeypatch.setattr(engine, "RULES", {**engine.RULES, **rules})
    runner = Runner(EVERYWHERE, Linter(["X001"]))
    fixed, n, result = runner.fix_text("x", "x", "cwql", "b=1\n")
    assert (fixed, n) == ("b=1\n", 0)
    assert [f.fix for f in result.findings] == [None]  # not offered as a fix either
    # Two fixes that undo each other: one round, then the loop sees the text come back.
    runner = Runner(EVERYWHERE, Linter(["X002", "X003"]))
    fixed, n, _ = runner.fix_text("x", "x", "cwql", "a=1\n")
    assert (fixed, n) == ("a=2\n", 1)


def test_yaml_fix_that_would_change_the_value_is_refused() -> None:
    from cwql.lint._engine import host_edits
    from cwql.lint._model import Edit

    (site,) = yamlfile.read('conditions: a = "x"\n', None, True).sites
    assert host_edits(site, [Edit(4, 7, '"y"')]) == [Edit(16, 19, '"y"')]
    assert host_edits(site, [Edit(4, 7, '"y #z"')]) is None  # ` #` would start a comment
    assert host_edits(site, [Edit(4, 7, '"y: z"')]) is None  # `: ` would start a mapping


def test_yaml_cwql_text_inside_a_scalar_is_data_not_a_comment() -> None:
    source = (
        "help: |\n"
        "  end it with # cwql: noqa\n"
        "  # cwql: noqa: V001\n"
        "quoted: 'a # cwql: noqa\n"
        "  b # cwql: noqa'\n"
        '- {conditions: summary like "x", note: "a # cwql: noqa\n'
        '   b"}  # a real comment\n'
    ).replace("- {", "list:\n- {")
    assert yamlfile.read(source, None, True).comments == []
    fixed, n, result = RUNNER.fix_text("x", "x", "yaml", source)
    assert (fixed, n) == (source, 0)  # --fix leaves the data alone
    assert [f.code for f in result.findings] == ["V001"]  # and the fake noqa suppresses nothing


def test_yaml_real_comments_next_to_scalars_are_read() -> None:
    source = (
        "help: |\n"
        "  text\n"
        "# cwql: noqa\n"
        "list:\n"
        '- {conditions: summary like "x", note: "# x"}  # cwql: noqa: V001\n'
        "other: 'it''s' # cwql: noqa\n"
    )
    comments = yamlfile.read(source, None, True).comments
    assert [(c.line, c.body, c.own_line) for c in comments] == [
        (3, "noqa", True), (5, "noqa: V001", False), (6, "noqa", False)]
    assert source[comments[1].start:comments[1].end] == "# cwql: noqa: V001"
    assert lint(source, "yaml") == [("M001", 3, 1), ("M001", 6, 16)]


def test_json_and_yaml_readers_do_not_load_the_python_reader() -> None:
    import subprocess

    code = ("import sys\nfrom cwql.lint._sources import read\n"
            "read('json', '{\"conditions\": \"a=1\"}', 'conditions', None)\n"
            "read('yaml', 'conditions: a=1', 'conditions', None)\n"
            "print('cwql.lint._sources.python' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout == "False\n", r.stderr


def test_a_runner_builds_its_fixing_linter_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from cwql.lint import _runner as runner_module

    built = []

    class Counting(Linter):
        def __init__(self, *args: object, **kwargs: object) -> None:
            built.append(kwargs.get("verify_fixes", False))
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module, "Linter", Counting)
    runner = Runner(EVERYWHERE, Linter())
    for text in ("a = 1 AND b = 2\n", "c in (1)\n", "d = 1\n"):
        runner.fix_text("x", "x", "cwql", text)
        runner.format_text("x", "x", "cwql", text)
    # One verifying linter for the fixes, one with the syntax rules whose fixes fmt applies.
    assert sorted(built) == [True, True]


def test_yaml_bomb_is_bounded() -> None:
    lines = ["a0: &a0 [conditions, conditions]"]
    for i in range(1, 40):
        lines.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]")
    extraction = yamlfile.read("\n".join(lines) + "\n", None, True)
    assert extraction.skipped is None
    assert extraction.sites == []


def test_cwql_file_comments_and_directives() -> None:
    source = (
        "# heading\n"
        'summary contains "#1"  # a comment\n'
        "\n"
        "# cwql: kind=orderBy endpoint=/service/tickets\n"
        "  id desc\n"
    )
    a, b = cwqlfile.read(source, "conditions", None).sites
    assert (a.text, a.kind, a.first_line) == ('summary contains "#1"', "conditions", 2)
    assert (b.text, b.kind, b.endpoint, b.map.start(0)) == ("id desc", "orderBy", "/service/tickets",
                                                            source.index("id desc"))


# ---- nothing crashes ------------------------------------------------------------

_query_like = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="ab=!<>()\"'[]*%_, \\andorinlike0129-:TZ", max_size=60),
    expressions.flatmap(messy_text),
)


def _host(text: str, filetype: str) -> str:
    import json

    if filetype == "cwql":
        return text.replace("\n", " ").replace("\r", " ") + "\n"
    if filetype == "python":
        return f"f(conditions={text!r}, orderBy={text[:10]!r})\n"
    if filetype == "yaml":
        plain = text if text.strip() == text and text[:1].isalpha() else "x"
        return (f"a:\n  conditions: {json.dumps(text, ensure_ascii=False)}\n"
                f"  childConditions: '{text.replace(chr(39), chr(39) * 2)}'\n"
                f"  orderBy: {plain}\n")
    return json.dumps({"conditions": text, "x": [{"fields": text}]})


@given(_query_like, st.sampled_from(["cwql", "python", "json", "yaml"]))
@examples(300)
def test_lint_fix_and_fmt_never_crash(text: str, filetype: str) -> None:
    source = _host(text, filetype)
    RUNNER.lint_text("x", "x", filetype, source)
    fixed, _, result = RUNNER.fix_text("x", "x", filetype, source, unsafe=True)
    assert result.skipped is None or filetype == "yaml"  # not every text is a YAML scalar
    again, n, _ = RUNNER.fix_text("x", "x", filetype, fixed, unsafe=True)
    assert (again, n) == (fixed, 0)  # fixes converge: a second run changes nothing
    RUNNER.format_text("x", "x", filetype, source)


_file_bytes = st.one_of(
    st.binary(max_size=300),
    st.text(alphabet='ab=:-\n\r\t #"\'{}[](),\\fconditions_orderBy*%&é\x00', max_size=300)
    .map(str.encode),
)


@given(_file_bytes, st.sampled_from(["cwql", "python", "json", "yaml"]))
@examples(300)
def test_any_bytes_are_read_or_refused(data: bytes, filetype: str) -> None:
    from cwql.lint._files import Unreadable, decode

    try:
        text = decode(data, filetype).text
    except Unreadable:
        return
    RUNNER.lint_text("x", "x", filetype, text)
    RUNNER.fix_text("x", "x", filetype, text)


def test_the_python_reader_walks_every_node_in_ast_walk_order() -> None:
    """The reader's own walk (a list, for speed) must see what ast.walk sees, in its order."""
    import ast
    from pathlib import Path

    from cwql.lint._sources.python import _walk

    for path in sorted(Path(__file__).parent.glob("test_lint_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert [id(n) for n in _walk(tree)] == [id(n) for n in ast.walk(tree)], path
