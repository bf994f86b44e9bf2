"""The registry of codes keeps its promises.

Every code cwql can report is in ``cwql._codes.CODES`` with a name, an
explanation, a message template and an example with its fix, and each example
is true: a syntax example raises its code and its fix parses, a schema example
reports its code on its endpoint, a policy example is refused by
``cwql.validate`` under its policy. (The lint rules' examples are linted by
``cwql lint`` in tests/test_lint_rules.py.) Every code literal in cwql's
sources is registered, so ``Diagnostic.name`` is never empty for a code cwql
emits.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cwql
from cwql._codes import CODES, FAMILIES, Code, find
from cwql._parser import parse_kind
from cwql._validator import Policy
from cwql.errors import Diagnostic
from cwql.schema import check, load
from tests.support import matches_template

CWQL = Path(cwql.__file__).parent


def _family(letter: str) -> list[Code]:
    return [c for c in CODES.values() if c.code.startswith(letter)]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cwql", *args], capture_output=True, text=True,
                          timeout=120)


# ---- every entry is complete --------------------------------------------------


@pytest.mark.parametrize("code", CODES.values(), ids=lambda c: c.code)
def test_every_code_is_documented(code: Code) -> None:
    assert re.fullmatch(r"[A-Z]\d{3}", code.code)
    assert CODES[code.code] is code
    assert code.family.letter == code.code[0]
    assert code.family in FAMILIES
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code.name)
    assert code.severity in ("error", "warning", "info")
    for text in (code.summary, code.what, code.why):
        assert text.strip()
        assert text.endswith((".", ".)"))
    assert code.message
    assert code.example  # E018 (empty-expression) is blanks
    assert code.fix.strip()
    assert code.example != code.fix or code.fix_endpoint, "the fix must differ from the example"
    assert (code.endpoint is not None) == (code.family.letter == "S")
    assert not code.policy or code.family.letter == "P"
    assert not code.limits or code.family.letter == "E"


def test_names_and_codes_are_unique_and_found_both_ways() -> None:
    names = [c.name for c in CODES.values()]
    assert len(set(names)) == len(names)
    for c in CODES.values():
        assert find(c.code) is c
        assert find(c.code.lower()) is c
        assert find(c.name) is c
    assert find("Z999") is None


def test_every_family_has_codes_and_the_registry_is_in_family_order() -> None:
    letters = [c.family.letter for c in CODES.values()]
    assert letters == sorted(letters, key=[f.letter for f in FAMILIES].index)
    assert {f.letter for f in FAMILIES} == set(letters)


# ---- each example is true -------------------------------------------------------


def _limits(code: Code) -> cwql.Limits:
    return cwql.Limits(**dict(code.limits))  # type: ignore[arg-type]


@pytest.mark.parametrize("code", _family("E"), ids=lambda c: c.code)
def test_syntax_example_raises_its_code_and_the_fix_parses(code: Code) -> None:
    with pytest.raises(cwql.ParseError) as info:
        parse_kind(code.example, code.kind, limits=_limits(code))
    assert info.value.code == code.code
    first = info.value.diagnostics[0]
    assert first.name == code.name
    assert matches_template(code.message, first.message), first.message
    parse_kind(code.fix, code.kind, limits=_limits(code))


def _schema_findings(text: str, code: Code, endpoint: str) -> list[Diagnostic]:
    node = parse_kind(text, code.kind)
    return check(node, schema=load(), endpoint=endpoint, kind=code.kind, text=text)


@pytest.mark.parametrize("code", [c for c in _family("S") if c.code != "S013"], ids=lambda c: c.code)
def test_schema_example_reports_its_code_on_its_endpoint(code: Code) -> None:
    assert code.endpoint is not None
    found = [d for d in _schema_findings(code.example, code, code.endpoint) if d.code == code.code]
    assert found
    assert found[0].name == code.name
    assert found[0].severity == code.severity
    assert matches_template(code.message, found[0].message), found[0].message
    assert _schema_findings(code.fix, code, code.fix_endpoint or code.endpoint) == []


def test_unknown_endpoint_example() -> None:
    """S013 is the linter's: the schema raises SchemaError, worded as the registry says."""
    code = CODES["S013"]
    assert code.endpoint is not None
    with pytest.raises(cwql.SchemaError) as info:
        _schema_findings(code.example, code, code.endpoint)
    assert matches_template(code.message, str(info.value)), str(info.value)
    assert code.fix_endpoint is not None
    assert _schema_findings(code.fix, code, code.fix_endpoint) == []


@pytest.mark.parametrize("code", _family("P"), ids=lambda c: c.code)
def test_policy_example_is_refused_under_its_policy(code: Code) -> None:
    policy = Policy(**dict(code.policy))  # type: ignore[arg-type]
    with pytest.raises(cwql.ValidationError) as info:
        cwql.validate(code.example, policy=policy)
    found = [d for d in info.value.diagnostics if d.code == code.code]
    assert found, [d.code for d in info.value.diagnostics]
    assert found[0].name == code.name
    assert found[0].to_dict()["name"] == code.name
    assert matches_template(code.message, found[0].message), found[0].message
    assert str(cwql.validate(code.fix, policy=policy))


def test_validate_diagnostics_carry_their_names() -> None:
    """Syntax, schema and policy findings of one validate call are all named."""
    with pytest.raises(cwql.ValidationError) as info:
        cwql.validate('sumary like "*printer" and status = 1', endpoint="/service/tickets",
                      policy=cwql.Policy(leading_wildcard=False))
    named = {d.code: d.name for d in info.value.diagnostics}
    assert named == {"S001": "unknown-field", "P006": "leading-wildcard",
                     "S003": "reference-without-subfield"}
    with pytest.raises(cwql.ValidationError) as info:
        cwql.validate("id == 1")
    assert [(d.code, d.name) for d in info.value.diagnostics] == [("E009", "double-equals")]


# ---- every code cwql emits is registered ----------------------------------------

# A code literal in the sources: one family letter and three digits, quoted.
_LITERAL = re.compile(rf"""["']([{"".join(f.letter for f in FAMILIES)}]\d{{3}})["']""")


def _emitted() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted(CWQL.rglob("*.py")):
        relative = path.relative_to(CWQL).as_posix()
        # The registry itself; and the fake PSA's demo data, whose record values
        # ('M365') are not codes.
        if relative == "_codes.py" or relative.startswith("testing/"):
            continue
        for code in _LITERAL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, set()).add(relative)
    return found


def test_every_code_in_the_sources_is_registered_and_named() -> None:
    emitted = _emitted()
    assert len(emitted) >= 50  # the scan itself works
    unknown = {code: sorted(where) for code, where in emitted.items() if code not in CODES}
    assert unknown == {}, "register these codes in cwql/_codes.py"
    for code in emitted:
        assert Diagnostic(code, "m", 0, 0, 1, 1, 1, 1).name == CODES[code].name


def test_every_registered_code_is_reported_somewhere() -> None:
    """No dead entries: each code appears in the code that reports it."""
    assert set(CODES) - set(_emitted()) == set()


def test_diagnostic_name_for_every_code() -> None:
    for c in CODES.values():
        assert Diagnostic(c.code, "m", 0, 0, 1, 1, 1, 1).name == c.name
    assert Diagnostic("X123", "m", 0, 0, 1, 1, 1, 1).name == ""


# ---- the CLI explains every code --------------------------------------------------


@pytest.mark.parametrize(("code", "shows"), [
    ("S001", ["# S001 unknown-field", "Family: Schema", 'sumary contains "printer"',
              "on `/service/tickets`"]),
    ("P006", ["# P006 leading-wildcard", "Family: Policy", "cwql.validate",
              "Policy(leading_wildcard=False)", 'summary like "*printer"']),
    ("E019", ["# E019 text-too-long", "Limits(max_length=10)"]),
    ("leading-wildcard", ["# P006 leading-wildcard"]),
])
def test_cwql_rule_explains_schema_and_policy_codes(code: str, shows: list[str]) -> None:
    r = _run("rule", code)
    assert r.returncode == 0, r.stderr
    for text in shows:
        assert text in r.stdout
    assert r.stdout.rstrip().endswith(find(code).url)  # type: ignore[union-attr]


def test_cwql_rules_lists_every_family_and_code() -> None:
    listing = _run("rules").stdout
    for family in FAMILIES:
        assert f"\n{family.letter}  {family.title}" in "\n" + listing
    for c in CODES.values():
        assert f"  {c.code}  " in listing
    data = json.loads(_run("rules", "--output-format", "json").stdout)
    assert [d["code"] for d in data] == list(CODES)
    policy = [d for d in data if d["family"] == "policy"]
    assert policy
    assert all(not d["linted"] and d["default"] is None for d in policy)
