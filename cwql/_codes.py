"""Every code cwql can report, with its documentation: the one registry.

A code is one letter for its family and three digits, as in ruff: ``E``
syntax (the parser), ``S`` schema (``cwql.schema.check``), ``P`` policy
(``cwql.validate``), and the lint rules ``V`` values, ``L`` logic, ``C``
style, ``W`` wire and ``M`` the linter's own comments. A code never changes
meaning; a retired code is not reused.

Each :class:`Code` holds the code's name, default severity, summary, the
template of the message it is reported with, what it means and why it
matters, and an example with its fix, together with what the example needs
(the parameter, the endpoint, the :class:`cwql.Limits` or the policy). The
docs pages (``docs/errors.md``, ``docs/rules.md``), ``cwql rule CODE``,
:attr:`cwql.Diagnostic.name` and the linter's rules are all made from here,
and the tests check every example against the code that reports it.

This module is data only and imports nothing from cwql, so the lowest layer
(:mod:`cwql.errors`) can read it.
"""

from __future__ import annotations

import string
from typing import Literal

from ._record import Record

__all__ = [
    "CODES",
    "DOCS_URL",
    "FAMILIES",
    "Applicability",
    "Code",
    "Family",
    "Severity",
    "family",
    "find",
]

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "unsafe"]

#: Where the catalogue of codes lives; each code's anchor is ``#code-name``.
DOCS_URL = "https://cwql.readthedocs.io/en/latest/rules/"


class Family(Record):
    """A group of codes sharing their first letter."""

    __slots__ = ("description", "letter", "linted", "name", "title")
    letter: str
    name: str
    title: str
    description: str
    #: Whether the linter reports the family's codes (the policy family it does not).
    linted: bool

    def __init__(
        self,
        letter: str,
        name: str,
        title: str,
        description: str,
        linted: bool = True,
    ) -> None:
        _set = object.__setattr__
        _set(self, "letter", letter)
        _set(self, "name", name)
        _set(self, "title", title)
        _set(self, "description", description)
        _set(self, "linted", linted)


class Code(Record):
    """One code cwql can report, and its documentation.

    ``message`` is the template the reporting site formats, one ``{name}``
    placeholder per variable part (see :meth:`format`); where a code has
    several wordings it is the one the example gets. ``what`` says what is
    reported, ``why`` why it matters. ``example`` reports the code and
    ``fix`` does not, as a ``kind`` parameter, on ``endpoint`` for the schema
    family (the fix on ``fix_endpoint`` when the fix is to name another), under ``limits`` (:class:`cwql.Limits` keywords) or ``policy``
    (:class:`cwql.Policy` keywords) where the code needs them; the fix is for
    ``fix_kind`` when it moves the query to another parameter. ``fixable``
    says whether the linter has a fix, and whether it keeps the meaning; for a
    syntax code it is the fix of the mistake the example shows, where the repair
    is obvious (``cwql rule`` and ``cwql lint --fix`` agree on it: the tests
    apply the fix to the example and compare). ``file`` names the file whose
    content the example is, for the files family.
    """

    __slots__ = (
        "code",
        "endpoint",
        "example",
        "family",
        "file",
        "fix",
        "fix_endpoint",
        "fix_kind",
        "fixable",
        "kind",
        "limits",
        "message",
        "name",
        "policy",
        "severity",
        "summary",
        "what",
        "why",
    )
    code: str
    name: str
    family: Family
    severity: Severity
    summary: str
    message: str
    what: str
    why: str
    example: str
    fix: str
    fixable: Applicability | None
    kind: str
    endpoint: str | None
    fix_endpoint: str | None
    limits: tuple[tuple[str, object], ...]
    policy: tuple[tuple[str, object], ...]
    #: For the files family: the name of the file whose whole content ``example`` and ``fix`` are.
    file: str | None
    #: The parameter the fix is for, when the fix moves the query to another one.
    fix_kind: str | None

    def __init__(
        self,
        code: str,
        name: str,
        family: Family,
        severity: Severity,
        summary: str,
        message: str,
        what: str,
        why: str,
        example: str,
        fix: str,
        fixable: Applicability | None = None,
        kind: str = "conditions",
        endpoint: str | None = None,
        fix_endpoint: str | None = None,
        limits: tuple[tuple[str, object], ...] = (),
        policy: tuple[tuple[str, object], ...] = (),
        file: str | None = None,
        fix_kind: str | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "code", code)
        _set(self, "name", name)
        _set(self, "family", family)
        _set(self, "severity", severity)
        _set(self, "summary", summary)
        _set(self, "message", message)
        _set(self, "what", what)
        _set(self, "why", why)
        _set(self, "example", example)
        _set(self, "fix", fix)
        _set(self, "fixable", fixable)
        _set(self, "kind", kind)
        _set(self, "endpoint", endpoint)
        _set(self, "fix_endpoint", fix_endpoint)
        _set(self, "limits", limits)
        _set(self, "policy", policy)
        _set(self, "file", file)
        _set(self, "fix_kind", fix_kind)

    @property
    def default(self) -> bool:
        """Whether the linter reports the code unless told otherwise.

        The default selection holds what is wrong, not what could read better:
        the style family and every code of severity ``info`` are opt-in
        (``extend-select = ["C"]``, or ``select = ["ALL"]``).
        """
        return self.family is not STYLE and self.severity != "info"

    @property
    def url(self) -> str:
        """The code's section in the docs."""
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The names of the message template's placeholders, in order."""
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.message) if f is not None)

    def format(self, **values: object) -> str:
        """The message with ``values`` in its placeholders; every placeholder needs one."""
        return self.message.format(**values)


SYNTAX = Family(
    "E", "syntax", "Syntax",
    "The query does not parse, so the server answers 400. These are the parser's own error "
    "codes; each finding's hint says what to write instead.",
)
VALUES = Family(
    "V", "values", "Literals and values",
    "Values that parse but do not mean what they seem: patterns without wildcards, naive "
    "datetimes, odd in-lists, escapes the server is not known to read.",
)
LOGIC = Family(
    "L", "logic", "Operators and logic",
    "Conditions that parse but match nothing, or rely on behaviour the server does not "
    "document: precedence, contradictions, operators a parameter does not list.",
)
STYLE = Family(
    "C", "style", "Style",
    "Canonical spelling: lower-case keywords, no redundant parts. Every style rule has a safe fix.",
)
WIRE = Family(
    "W", "wire", "Wire and length",
    "What happens to the query on its way to the server: URL length, forms the server is not "
    "known to accept.",
)
SCHEMA = Family(
    "S", "schema", "Schema",
    "Fields checked against the Manage schema of the query's endpoint: unknown fields (with "
    "did-you-mean), references compared without a sub-field, values of the wrong type, paths "
    "into arrays. They run only when the endpoint is known (a directive, the config or "
    "--endpoint), against the bundled Manage 2025.1 schema or the one `schema` names.",
)
POLICY = Family(
    "P", "policy", "Policy",
    "What `cwql.validate` refuses in a filter an end user typed, under the application's "
    "`Policy`: fields, operators and sizes it does not allow, characters a typed filter should "
    "not hold. The linter does not report these: it has no policy.",
    linted=False,
)
META = Family(
    "M", "meta", "Suppressions and directives",
    "The linter's own comments: `# cwql: noqa` that suppresses nothing, directives it cannot read.",
)

FILES = Family(
    "F", "files", "Files",
    "A file the linter could not check: unreadable, not text, not valid Python, JSON or YAML. "
    "Each is a finding, as ruff's E902 is, so a run never passes over a file it did not read.",
)

#: Every family, in the order the docs list them.
FAMILIES = (SYNTAX, VALUES, LOGIC, STYLE, WIRE, SCHEMA, POLICY, META, FILES)
_FAMILY = {f.letter: f for f in FAMILIES}

_SYNTAX_WHY = (
    "The server cannot read the query and answers 400 Bad Request, with a message that does not "
    "say where the problem is."
)
_LIMITS_WHY = (
    "cwql bounds the work one query may cost; a query this large is almost always generated, "
    "and the server's URL limit would refuse it anyway."
)
_TICKETS = "/service/tickets"
_CONTACTS = "/company/contacts"


def _c(
    code: str,
    name: str,
    severity: Severity,
    *,
    summary: str,
    message: str,
    why: str,
    example: str,
    fix: str,
    what: str | None = None,
    fixable: Applicability | None = None,
    kind: str = "conditions",
    endpoint: str | None = None,
    fix_endpoint: str | None = None,
    limits: dict[str, object] | None = None,
    policy: dict[str, object] | None = None,
    file: str | None = None,
    fix_kind: str | None = None,
) -> Code:
    return Code(
        code, name, _FAMILY[code[0]], severity, summary, message, summary if what is None else what,
        why, example, fix, fixable, kind, endpoint, fix_endpoint, tuple((limits or {}).items()),
        tuple((policy or {}).items()), file, fix_kind,
    )


# A query over the server's 2000-character URL budget, and one within it.
_LONG_IN = "id in (" + ",".join(str(100000 + i) for i in range(300)) + ")"
_SHORT_IN = "id in (" + ",".join(str(100000 + i) for i in range(100)) + ")"

_CODES = (
    _c("E001", "unexpected-token", "error",
        summary="A word or symbol where the grammar allows something else.",
        message="unexpected {token}",
        why=_SYNTAX_WHY,
        example="status/id = 1,",
        fix="status/id = 1",
    ),
    _c("E002", "unexpected-character", "error",
        summary="A character that no part of the language uses.",
        message="unexpected character `{character}`",
        why=_SYNTAX_WHY,
        example="status/id = 1 $",
        fix="status/id = 1",
    ),
    _c("E003", "unterminated-string", "error",
        summary="A string that is opened but never closed.",
        message="unterminated string: it opens here and never closes",
        why=_SYNTAX_WHY,
        example='summary = "printer',
        fix='summary = "printer"',
    ),
    _c("E004", "unbalanced-parentheses", "error",
        summary="A `(` without its `)`, or a `)` without its `(`.",
        message="`(` is never closed",
        why=_SYNTAX_WHY,
        example="(a = 1 or b = 2",
        fix="(a = 1 or b = 2)",
    ),
    _c("E005", "missing-value", "error",
        summary="An operator with no value after it.",
        message="`{operator}` has no value after it",
        why=_SYNTAX_WHY,
        example="status/id = and b = 1",
        fix="status/id = 1 and b = 1",
    ),
    _c("E006", "dangling-connective", "error",
        summary="`and`/`or` with no condition on one side.",
        message="`{connective}` at the end has no condition after it",
        why=_SYNTAX_WHY,
        example="a = 1 and",
        fix="a = 1",
    ),
    _c("E007", "empty-in-list", "error",
        summary="`in ()` with no values; the language needs at least one.",
        message="`in ()` needs at least one value",
        why=_SYNTAX_WHY,
        example="id in ()",
        fix="id in (1)",
    ),
    _c("E008", "unbracketed-datetime", "error",
        summary="A date or time written without the square brackets.",
        message="`{value}` looks like a datetime but has no square brackets",
        why=_SYNTAX_WHY,
        example="dateEntered > 2024-01-01",
        fix="dateEntered > [2024-01-01]",
        fixable="safe",
    ),
    _c("E009", "double-equals", "error",
        summary="`==` instead of `=`.",
        message="`==` is not an operator",
        why=_SYNTAX_WHY,
        example="status/id == 1",
        fix="status/id = 1",
        fixable="safe",
    ),
    _c("E010", "c-style-logic", "error",
        summary="`&&`, `||`, `&`, `|` or `!` instead of `and`, `or`, `not`.",
        message="`{operator}` is not an operator here",
        what=("`&&`, `||`, `&`, `|` or `!` where the language spells `and`, `or`, `not`. The fix "
              "writes `and` for `&&` and `&`, `or` for `||` and `|`; a lone `!` has no one repair."),
        why=_SYNTAX_WHY,
        example="a = 1 && b = 2",
        fix="a = 1 and b = 2",
        fixable="safe",
    ),
    _c("E011", "standalone-not", "error",
        summary="`not` before a condition or group; it only prefixes in/contains/like.",
        message="`not` cannot stand before a condition or group",
        why=_SYNTAX_WHY,
        example="not (status/id = 1)",
        fix="status/id != 1",
    ),
    _c("E012", "sql-null-test", "error",
        summary="SQL's `is null` / `is not null` instead of `= null` / `!= null`.",
        message="`{test}` is SQL",
        why=_SYNTAX_WHY,
        example="closedDate is null",
        fix="closedDate = null",
        fixable="safe",
    ),
    _c("E013", "sql-not-equal", "error",
        summary="SQL's `<>` instead of `!=`.",
        message="`<>` is SQL; this language writes not-equal as `!=`",
        why=_SYNTAX_WHY,
        example="status/id <> 1",
        fix="status/id != 1",
        fixable="safe",
    ),
    _c("E014", "invalid-date", "error",
        summary="A date or time that is not on the calendar or the clock.",
        message="invalid date: {reason}",
        why=_SYNTAX_WHY,
        example="dateEntered > [2023-02-29]",
        fix="dateEntered > [2023-02-28]",
    ),
    _c("E015", "invalid-datetime-format", "error",
        summary="Square brackets that do not hold an ISO 8601 date or time.",
        message="locale date format [{value}] is ambiguous and not ISO 8601",
        why=_SYNTAX_WHY,
        example="dateEntered > [05/01/2024]",
        fix="dateEntered > [2024-05-01]",
    ),
    _c("E016", "null-with-operator", "error",
        summary="`null` with an operator other than `=` or `!=`, or in a list.",
        message="`null` cannot be compared with `{operator}`",
        why=_SYNTAX_WHY,
        example="closedDate < null",
        fix="closedDate = null",
    ),
    _c("E017", "invalid-number", "error",
        summary="A number in a form the server refuses (exponent, `+`, two points).",
        message="`{number}` is not a number the server accepts",
        what=("A number with an exponent, a leading `+`, two points or letters. The fix writes an "
              "exponent out in digits and drops a leading `+`; the other forms have no one repair."),
        why=_SYNTAX_WHY,
        example="budget > 1e5",
        fix="budget > 100000",
        fixable="safe",
    ),
    _c("E018", "empty-expression", "error",
        summary="No expression at all.",
        message="empty condition: there is nothing to parse",
        why=_SYNTAX_WHY,
        example="   ",
        fix="id > 0",
    ),
    _c("E019", "text-too-long", "error",
        summary="The text is longer than the configured limit.",
        message="text is {length} characters long; the limit is {limit}",
        why=_LIMITS_WHY,
        example='summary contains "printer"',
        fix="id = 1",
        limits={"max_length": 10},
    ),
    _c("E020", "nesting-too-deep", "error",
        summary="Parentheses or and/or groups nested deeper than the limit.",
        message="parentheses nest deeper than {limit} levels",
        why=_LIMITS_WHY,
        example="(a = 1 and (b = 2 or (c = 3 and d = 4)))",
        fix="a = 1 and (b = 2 or c = 3)",
        limits={"max_depth": 2},
    ),
    _c("E021", "too-many-nodes", "error",
        summary="More conditions and values than the configured limit.",
        message="the query has more than {limit} conditions and values",
        why=_LIMITS_WHY,
        example="id in (1, 2, 3)",
        fix="id = 1",
        limits={"max_nodes": 3},
    ),
    _c("E022", "malformed-path", "error",
        summary="A field path with spaces, dots or an empty segment.",
        message="`{path}`: path segments are separated by `/`, not `.`",
        what=("A field path with spaces, dots or an empty segment. The fix writes `/` for the dots of "
              "`status.id`; spaces and empty segments have no one repair."),
        why=_SYNTAX_WHY,
        example="status.id = 1",
        fix="status/id = 1",
        fixable="safe",
    ),
    _c("E023", "unterminated-datetime", "error",
        summary="A `[` without its `]`.",
        message="`[` opens a datetime that is not closed by `]` on the same line",
        what=("A `[` without its `]`. The fix closes the bracket after the date or time that follows "
              "it, when one does."),
        why=_SYNTAX_WHY,
        example="dateEntered > [2024-01-01",
        fix="dateEntered > [2024-01-01]",
        fixable="safe",
    ),
    _c("E024", "missing-operator", "error",
        summary="A field followed by something that is not an operator.",
        message="{token} after the field `{field}`: an operator is missing",
        why=_SYNTAX_WHY,
        example="status/id 1",
        fix="status/id = 1",
    ),
    _c("E025", "string-required", "error",
        summary="`contains` or `like` followed by something that is not a string.",
        message="`{operator}` takes a quoted string, not {token}",
        why=_SYNTAX_WHY,
        example="summary contains 42",
        fix='summary contains "42"',
    ),
    _c("E026", "quoted-field", "error",
        summary="A field name in quotes; fields are written bare.",
        message="{token}: field names are not quoted",
        what=("A field name in quotes. The fix removes the quotes when what they hold is a field path."),
        why=_SYNTAX_WHY,
        example='"summary" = "x"',
        fix='summary = "x"',
        fixable="safe",
    ),
    _c("E027", "missing-connective", "error",
        summary="Two conditions side by side without `and`/`or` between them.",
        message="{token} follows a complete condition",
        why=_SYNTAX_WHY,
        example="a = 1 b = 2",
        fix="a = 1 and b = 2",
    ),
    _c("E028", "lookalike-character", "error",
        summary="A typographic look-alike of an ASCII quote, operator or space.",
        message="`{character}` ({name}) looks like ASCII but is not",
        what=("A typographic look-alike of an ASCII quote, operator or space, as editors, chat tools "
              "and word processors write them. The fix writes the ASCII character (both quotes of a "
              "pair), a plain space, or nothing for an invisible character."),
        why=_SYNTAX_WHY,
        example="summary = “printer”",
        fix='summary = "printer"',
        fixable="safe",
    ),
    _c("E029", "in-list-required", "error",
        summary="`in` not followed by a parenthesised list of values.",
        message="`in` takes a parenthesised list, not {token}",
        why=_SYNTAX_WHY,
        example="id in 1, 2",
        fix="id in (1, 2)",
    ),
    _c("E030", "keyword-as-field", "error",
        summary="A keyword where a field name belongs.",
        message="`{word}` is a keyword, not a field name",
        why=_SYNTAX_WHY,
        example="a = 1 and null = 2",
        fix="a = 1 and b = 2",
    ),
    _c("E031", "parameter-in-value", "error",
        summary="Another query parameter (`conditions=`, `&orderBy=`, `&pageSize=`...) inside a value.",
        message="`{parameter}` is a separate query parameter, not part of the value",
        what=("A value that starts with a parameter name and `=` (`conditions=`, "
              "`childConditions=`, `customFieldConditions=`, `orderBy=`, `fields=`, in any case), "
              "or that holds `&orderBy=`, `&pageSize=`, `&page=`, `&pageId=`, `&fields=`, "
              "`&conditions=` and the like: a query string pasted where one parameter's value "
              "belongs. The hint lists each parameter with its value. The fix removes a leading "
              "name that is the parameter's own (`conditions=` in conditions); the others have to "
              "move to their parameters by hand."),
        why=("cwql (like any HTTP client) encodes the value, so `&` becomes `%26` and the server "
             "reads the whole text as one condition: it answers 400, or the page size, page or "
             "ordering silently never applies."),
        example="conditions=priority/id=7",
        fix="priority/id=7",
        fixable="safe",
    ),
    _c("E032", "reversed-comparison", "error",
        summary="`=<` or `=>` instead of `<=` or `>=`.",
        message="`{operator}` is not an operator",
        why=_SYNTAX_WHY,
        example="priority/id => 3",
        fix="priority/id >= 3",
        fixable="safe",
    ),
    _c("V001", "like-without-wildcard", "warning",
        summary="`like` with a pattern that has no wildcard.",
        message="`{operator}` without a wildcard matches the whole value exactly",
        what=("A `like` or `not like` pattern with none of the wildcards `*`, `%` or `_` and no "
              "character class (`[%]` and the other one-character brackets are escapes, not "
              "wildcards)."),
        why=("Without a wildcard, `like` matches only values equal to the whole pattern, so "
             '`summary like "printer"` finds nothing about printers: a silently empty result. '
             'The author almost always meant `contains` or a pattern such as `"*printer*"`.'),
        example='summary like "printer"',
        fix='summary="printer"',
        fixable="unsafe",
    ),
    _c("V002", "contains-with-wildcard", "warning",
        summary="`contains` with a `*` or `%` that looks meant as a wildcard.",
        message="`{operator}` already matches anywhere; `*`/`%` here look like wildcards",
        what=("A `contains` or `not contains` value holding `*` or `%` (but not the escapes "
              "`[*]` and `[%]`, which stand for the characters themselves)."),
        why=("`contains` already matches anywhere in the value. A `*` or `%` in it was most "
             "likely meant as a wildcard; whether the server then treats it as one or as the "
             "character itself is not documented, so the result depends on a detail nobody has "
             "verified. The fix writes each one in brackets (`[%]`, `[*]`), the character itself, "
             "as the DSL does with `contains(\"50%\")`; where a wildcard was meant, drop it instead: "
             "`contains` already matches anywhere."),
        example='summary contains "50%"',
        fix='summary contains "50[%]"',
        fixable="unsafe",
    ),
    _c("V003", "naive-datetime", "warning",
        summary="A date-time with no time zone.",
        message="date-time without a time zone; the server's zone for it is unknown",
        what="A bracketed date-time with a time of day but neither `Z` nor an offset.",
        why=("The server reads a naive time in a time zone it does not document (its own, the "
             "member's, or UTC), so the same query can select different records on different "
             "servers."),
        example="dateEntered > [2024-01-01T12:00:00]",
        fix="dateEntered > [2024-01-01T12:00:00Z]",
    ),
    _c("V004", "non-canonical-datetime", "warning",
        summary=("A datetime written in a form other than `[YYYY-MM-DDTHH:MM:SSZ]` or "
                 "`[YYYY-MM-DD]`."),
        message="write the datetime as {canonical}",
        what=("A datetime with an offset, a space instead of `T`, minutes but no seconds, a "
              "lower-case `z` or spaces inside the brackets."),
        why=("The only form ConnectWise documents is `[2016-08-20T18:04:26Z]`. Other forms reach "
             "the server from scripts, and nobody has shown which of them it reads, or how."),
        example="dateEntered > [2024-01-01 09:00:00+02:00]",
        fix="dateEntered > [2024-01-01T07:00:00Z]",
        fixable="safe",
    ),
    _c("V005", "single-value-in", "info",
        summary="`in` or `not in` with a single value.",
        message="`{operator}` with one value: write `{equal}`",
        what="An in-list with one value: `status/id in (5)`.",
        why=("`=` says the same thing in fewer characters, and `=` is documented for every "
             "parameter while `in` is not listed for `childConditions` and "
             "`customFieldConditions`."),
        example="status/id in (5)",
        fix="status/id=5",
        fixable="safe",
    ),
    _c("V006", "duplicate-in-value", "warning",
        summary="The same value twice in one in-list.",
        message="{value} is already in the list",
        what="An in-list that repeats a value (`1` and `1.0` are the same number).",
        why=("The repeat changes nothing but the URL's length, and is often a typo for a value "
             "that was meant and is now missing."),
        example="board/id in (1,2,1)",
        fix="board/id in (1,2)",
        fixable="safe",
    ),
    _c("V007", "mixed-in-list-types", "warning",
        summary="An in-list mixing numbers, strings, datetimes or booleans.",
        message="a {type} in a list of {first_type}s",
        what='An in-list whose values are not all of one type: `id in (1, "2")`.',
        why=("A field has one type, so some of the values can never match, or the server rejects "
             "the list. It is usually a quoting mistake."),
        example='board/id in (1, "2")',
        fix="board/id in (1, 2)",
    ),
    _c("V008", "escaped-quote", "warning",
        summary="A quote or backslash inside a string written with an escape.",
        message="a quote escaped inside a string; the server's escaping is not documented",
        what=('A string holding `\\"`, `\\\'`, a doubled delimiter (`\'it\'\'s\'`) or an escaped '
              "backslash `\\\\`."),
        why=("How the server reads escapes inside a string is not documented: clients send "
             "backslash escapes and doubled quotes, and nobody has shown which the server "
             'understands. If it reads no backslash escapes, `"C:\\\\temp"` looks for two '
             "backslashes. Quoting the string with the other quote character needs no quote "
             "escape, and a backslash before any character but a quote or a backslash means "
             'itself either way (`"C:\\temp"`).'),
        example="summary contains 'it\\'s'",
        fix='summary contains "it\'s"',
        fixable="safe",
    ),
    _c("V009", "unescaped-bracket", "warning",
        summary="A literal `[` in a `like` or `contains` value not written `[[]`.",
        message="`[` starts a character class in a pattern; a literal `[` is written `[[]`",
        what=("A `[` in a `like` or `contains` value that does not start a one-character "
              "bracket: `[[]` (the documented escape for `[`), `[%]`, `[_]` or `[*]` stand for "
              "the character itself and are left alone."),
        why=("The server matches these values with SQL Server's LIKE, where `[...]` is a "
             'character class: `"[urgent]"` matches one of the letters u, r, g, e, n, t. '
             "ConnectWise documents `[[]` as the way to match a literal `[`."),
        example='summary contains "[urgent]"',
        fix='summary contains "[[]urgent]"',
        fixable="unsafe",
    ),
    _c("V010", "date-as-midnight", "warning",
        summary="`= [date]` or `<= [date]` on a datetime field: the date is one instant, midnight UTC.",
        message="a date on a datetime field is midnight UTC: `{condition}` {effect}",
        what=("A bracketed date (no time) compared with `=`, `!=`, `<=`, `in` or `not in` to a "
              "field that holds date-times: the schema's type when the endpoint is known, else a "
              "field named like a date (`dateEntered`, `closedDate`). `<` and `>=` are left alone "
              "(midnight is the day's edge), and so is `>`, which reads either way. The fix writes "
              "the whole UTC day, as the DSL does for a Python `date` (see the date table in "
              "docs/language.md); to mean midnight itself, write the time: `[2024-03-31T00:00:00Z]`."),
        why=("The server reads a bracketed date as midnight (cwql models it as UTC), so "
             "`dateEntered <= [2024-03-31]` leaves out every record of 31 March after midnight, and "
             "`dateEntered = [2024-03-31]` matches almost nothing: a result that looks right and is "
             "not. The fix changes what the query matches, so it is unsafe."),
        example="dateEntered <= [2024-03-31]",
        fix="dateEntered < [2024-04-01]",
        fixable="unsafe",
    ),
    _c("L001", "mixed-and-or", "warning",
        summary="`and` and `or` mixed without parentheses.",
        message="`and` inside `or` without parentheses: the server's precedence is not documented",
        what="An `and` group directly inside an `or` without parentheses: `a=1 or b=2 and c=3`.",
        why=("ConnectWise does not document whether `and` binds tighter than `or`. cwql reads it "
             "the SQL way, `a=1 or (b=2 and c=3)`; if the server reads it left to right the "
             "query returns different records. Parentheses make the meaning explicit whichever "
             "way the server goes."),
        example="status/id=1 or status/id=2 and board/id=3",
        fix="status/id=1 or (status/id=2 and board/id=3)",
        fixable="unsafe",
    ),
    _c("L002", "duplicate-condition", "warning",
        summary="The same condition twice in one `and` or `or` group.",
        message="`{condition}` repeats a condition earlier in the same `{connective}`",
        what="A condition repeated among the operands of one `and` or `or`.",
        why=("The repeat adds nothing but length; it is usually a copy-and-paste slip where a "
             "different field or value was meant."),
        example="status/id=1 and board/id=2 and status/id=1",
        fix="status/id=1 and board/id=2",
        fixable="safe",
    ),
    _c("L003", "contradiction", "error",
        summary="Conditions joined by `and` that can never all hold.",
        message="`{first}` and `{second}` cannot both hold: this never matches",
        what=("Two conditions on the same field, joined by `and`, that no value satisfies "
              "together: `x=1 and x=2`, `x=null and x!=null`, `x>5 and x<3`, `x=1 and x not in "
              "(1,2)`. Values compare as SQL Server compares them: strings without regard to "
              'case or trailing spaces (`"a"`, `"A"` and `"a "` are one value), datetimes as '
              "instants with a date at midnight UTC. A time without a zone is compared only with "
              "another such time."),
        why=("The query can only return nothing. That is never what was meant: usually `or` was "
             "intended, or one of the values is wrong."),
        example="status/id=1 and status/id=2",
        fix="status/id=1 or status/id=2",
    ),
    _c("L004", "ordering-on-boolean", "error",
        summary="`<`, `<=`, `>` or `>=` with a boolean.",
        message="`{operator}` on a boolean: booleans take `=` and `!=`",
        what=("An ordering operator with `true` or `false`: `closedFlag > false`. (With `null` "
              "it is a syntax error, E016.)"),
        why=("Booleans take `=` and `!=` only; the server's own message says so, and an ordering "
             "on a boolean is refused or meaningless."),
        example="closedFlag > false",
        fix="closedFlag=true",
    ),
    _c("L005", "in-not-documented", "warning",
        summary="`in` or `not in` in childConditions or customFieldConditions.",
        message="`{operator}` is not documented for {kind}",
        what="An in-list in `childConditions` or `customFieldConditions`.",
        why=("ConnectWise's guide lists the operators for these parameters without `in`; nobody "
             "has shown that the server accepts it there. The same test written with `or` (or "
             "`and` for `not in`) is documented."),
        example='communicationItems/value in ("a@example.com", "b@example.com")',
        fix='communicationItems/value="a@example.com" or communicationItems/value="b@example.com"',
        fixable="safe",
        kind="childConditions",
    ),
    _c("L006", "custom-field-path", "warning",
        summary="customFieldConditions on a field other than `caption` or `value`.",
        message="`{path}` is not `caption` or `value`",
        what="A condition in `customFieldConditions` on anything but `caption` and `value`.",
        why=("customFieldConditions filters the custom fields of a record through two "
             "pseudo-fields, `caption` (the custom field's name) and `value`. Other names are "
             "not documented there."),
        example='caption="Region" and name="West"',
        fix='caption="Region" and value="West"',
        kind="customFieldConditions",
    ),
    _c("L007", "custom-field-in-conditions", "error",
        summary="A `customFields/...` path in conditions; custom fields take customFieldConditions.",
        message="`{path}` is a custom field: conditions cannot filter on it",
        what=("A path under `customFields/` in `conditions`. Custom fields are a list of rows, "
              "which customFieldConditions filters through `caption` (the custom field's name) "
              "and `value`; the hint gives the condition rewritten for it."),
        why=("conditions cannot look inside the customFields array, so the server refuses the "
             "path. childConditions are not the route either: ConnectWise documents "
             '`customFieldConditions=caption="Region" and value="West"`, which `CF("Region") == '
             '"West"` builds.'),
        example='customFields/caption = "Region" and customFields/value = "West"',
        fix='caption = "Region" and value = "West"',
        fix_kind="customFieldConditions",
    ),
    _c("C001", "keyword-case", "info",
        summary="Keywords or `true`/`false`/`null` not in lower case.",
        message="keywords are written in lower case: {keywords}",
        what="`AND`, `Or`, `NOT IN`, `Like`, `True`, `NULL`, `DESC` and the like.",
        why=("Keywords are case-insensitive, so this is about reading: one spelling everywhere "
             "makes queries easy to compare, search and review. Lower case is cwql's canonical "
             "form."),
        example='status/name = "Open" AND closedFlag = False',
        fix='status/name = "Open" and closedFlag = false',
        fixable="safe",
    ),
    _c("C002", "explicit-asc", "info",
        summary="`asc` in orderBy, which is the default direction.",
        message="`asc` is the default direction",
        what="A sort key written `field asc`.",
        why="Ascending is the default; the word only adds length to the URL.",
        example="dateEntered asc",
        fix="dateEntered",
        fixable="safe",
        kind="orderBy",
    ),
    _c("C003", "prefer-in", "info",
        summary="Equality tests on one field joined by `or`, where an in-list says it once.",
        message="{count} tests of `{path}` joined by `or`: use `in`",
        what="An `or` whose every operand is `field=value` on the same field (conditions only).",
        why=("`status/id in (1,2,3)` is shorter on the wire and easier to read than three "
             "comparisons. Off by default: select `C003` to use it."),
        example="status/id=1 or status/id=2 or status/id=3",
        fix="status/id in (1,2,3)",
        fixable="safe",
    ),
    _c("C004", "duplicate-field", "warning",
        summary="The same field twice in `fields` or `orderBy`.",
        message="`{path}` is already listed",
        what=("A path listed twice in a `fields` or `orderBy` value (field names are compared "
              "without regard to case, as the server does)."),
        why=("The second mention changes nothing: a field is returned once, and a second sort on "
             "the same field never breaks a tie."),
        example="id,summary,id",
        fix="id,summary",
        fixable="safe",
        kind="fields",
    ),
    _c("W001", "url-too-long", "error",
        summary="The encoded query makes the request URL longer than the server's budget.",
        message=("the request URL would be about {length} characters (the query is {encoded} "
                 "encoded), over the {limit}-character limit"),
        what=("A query whose percent-encoded form, added to the base URL, the endpoint and the "
              "parameter name, makes a URL longer than `max-url-length` (2000 by default)."),
        why=("ConnectWise documents 2000 characters as the limit for a request URL; longer ones "
             "fail before the query is read. Long `in` lists are the usual cause, and encoding "
             "makes every space, quote and `%` three characters."),
        example=_LONG_IN,
        fix=_SHORT_IN,
    ),
    _c("W002", "several-order-keys", "info",
        summary="More than one key in orderBy.",
        message="several orderBy keys are not documented; only the first is certain",
        what="An `orderBy` with several comma-separated keys.",
        why=("ConnectWise documents one sort key. Clients send several and some servers seem to "
             "honour them, but nobody has shown that every version does; a result that must be "
             "in a given order should not depend on it."),
        example="dateEntered desc,id",
        fix="dateEntered desc",
        kind="orderBy",
    ),
    _c("S001", "unknown-field", "error",
        summary="A path names a field the endpoint's records do not have.",
        message="{model} has no field '{field}'",
        why=("The server answers 400 for a field it does not know, or, on some versions, ignores "
             "the condition and returns records the query meant to exclude."),
        example='sumary contains "printer"',
        fix='summary contains "printer"',
        endpoint=_TICKETS,
    ),
    _c("S002", "field-case", "warning",
        summary="A field written in another letter case than the schema's.",
        message="`{path}` is spelled `{canonical}` in the schema",
        why=("Field names are case-insensitive on the server, so this works; the schema's "
             "spelling keeps queries searchable and consistent."),
        example='Status/Name = "Open"',
        fix='status/name = "Open"',
        fixable="safe",
        endpoint=_TICKETS,
    ),
    _c("S003", "reference-without-subfield", "error",
        summary=("A reference (status, company, ...) compared as a whole instead of through a "
                 "sub-field."),
        message="`{path}` is a reference to {model}; compare one of its fields",
        why=("A reference is an object; the server compares its sub-fields, so the condition "
             "fails with 400 or matches nothing."),
        example="status = 1",
        fix="status/id = 1",
        endpoint=_TICKETS,
    ),
    _c("S004", "array-in-conditions", "error",
        summary=("A conditions path that goes into an array field; arrays are filtered with "
                 "childConditions."),
        message="`{array}` is an array; conditions cannot look inside it",
        why=("conditions cannot look inside array fields; the server refuses the path. "
             "childConditions exist for exactly this."),
        example='communicationItems/value like "*@example.com"',
        fix='firstName = "Ann"',
        endpoint=_CONTACTS,
    ),
    _c("S005", "child-path-without-array", "error",
        summary="A childConditions path that does not go into an array field.",
        message="`{path}` does not go into an array field",
        why="childConditions filter the members of array fields; a plain field there is refused.",
        example='firstName = "Ann"',
        fix='communicationItems/value like "*@example.com"',
        kind="childConditions",
        endpoint=_CONTACTS,
    ),
    _c("S006", "text-operator-on-non-text", "error",
        summary="`contains` or `like` on a field that is not text.",
        message="`{operator}` needs a text field; `{field}` is {type}",
        why=("`contains` and `like` compare text; on numbers, booleans or dates the server "
             "answers 400 or converts the field in ways that depend on its version."),
        example='budgetHours like "1*"',
        fix="budgetHours >= 1",
        endpoint=_TICKETS,
    ),
    _c("S007", "ordering-on-boolean-field", "error",
        summary="`<`, `<=`, `>` or `>=` on a true/false field.",
        message="`{field}` is true or false; `{operator}` does not order those",
        why=("true and false have no order; the server refuses the comparison or treats it as a "
             "number, which says nothing useful."),
        example="closedFlag > false",
        fix="closedFlag = true",
        endpoint=_TICKETS,
    ),
    _c("S008", "value-type-mismatch", "error",
        summary="A value of another type than the field's.",
        message="`{field}` is {type}, but the value is {value_type}",
        why=("The server converts one side to the other's type; a string that is not a number "
             "makes the whole request fail, and a quoted number on a text field compares as text."),
        example='budgetHours = "2"',
        fix="budgetHours = 2",
        endpoint=_TICKETS,
    ),
    _c("S009", "datetime-as-string", "error",
        summary=("A date written as a quoted string where the field holds a datetime; it needs "
                 "brackets."),
        message='`{field}` holds datetimes; "{value}" is a string',
        why=("A quoted date is a string: compared with a datetime field it fails to convert or "
             "compares as text. Datetimes need square brackets."),
        example='requiredDate > "2024-01-01"',
        fix="requiredDate > [2024-01-01]",
        endpoint=_TICKETS,
    ),
    _c("S010", "not-a-custom-field-column", "error",
        summary=("A customFieldConditions path other than the custom-field row's own fields "
                 "(caption, value, ...)."),
        message="`{path}` is not a column of a custom-field row",
        why=("customFieldConditions filter the rows of a record's custom fields, whose columns "
             "are the custom-field row's own (caption, value, ...); other names are refused."),
        example='name = "Region"',
        fix='caption = "Region" and value = "West"',
        kind="customFieldConditions",
        endpoint=_TICKETS,
    ),
    _c("S011", "decimal-for-integer", "warning",
        summary="A number with a decimal point for a whole-number field.",
        message="`{field}` holds whole numbers; `{value}` has a decimal point",
        why=("The server truncates or refuses a decimal for a whole-number field; say what you "
             "mean."),
        example="id = 5.0",
        fix="id = 5",
        endpoint=_TICKETS,
    ),
    _c("S012", "no-custom-fields", "error",
        summary="customFieldConditions on an endpoint whose records have no custom fields.",
        message="{model} records have no custom fields",
        why=("The endpoint's records carry no custom fields, so customFieldConditions match "
             "nothing."),
        example='caption = "Region"',
        fix='caption = "Region"',
        kind="customFieldConditions",
        endpoint="/service/boards",
        fix_endpoint=_TICKETS,
    ),
    _c("S013", "unknown-endpoint", "error",
        summary="The endpoint given for the query is not a list endpoint of the schema.",
        message="{endpoint} is not a list endpoint of the schema; did you mean {suggestions}?",
        what=("The endpoint from a `# cwql: endpoint=...` directive, the config or `--endpoint` "
              "is not one of the schema's list endpoints, so the query's fields cannot be "
              "checked."),
        why=("A typo in the endpoint switches the schema rules off silently for every query "
             "under it; a request to it would answer 404."),
        example='summary contains "x"',
        fix='summary contains "x"',
        endpoint="/service/tikets",
        fix_endpoint=_TICKETS,
    ),
    _c("S014", "unknown-enum-value", "error",
        summary=("A value that is none of the field's enum values, compared with `=`, `!=`, `in` "
                 "or `not in`."),
        message="{value} is not a value of `{field}`, so `{op}` with it {effect}",
        what=("A string compared with a field whose values the spec lists as an enum "
              "(`chargeToType`, `status` of a time entry, a priority's `color`, ...) that matches "
              "none of them, even ignoring letter case. The hint names the closest values."),
        why=("The server compares an enum field with its values: any other value matches no "
             "record, so `=` and `in` come back silently empty and `!=` and `not in` exclude "
             "nothing; some versions answer 400 \"Enum value supplied was invalid\" instead."),
        example='chargeToType = "Project"',
        fix='chargeToType = "ProjectTicket"',
        endpoint="/time/entries",
    ),
    _c("S015", "enum-value-case", "warning",
        summary="An enum value written in another letter case than the spec's.",
        message="{value} is spelled {canonical} in the spec",
        why=("The server compares strings case-insensitively, so this matches; the spec's "
             "spelling keeps queries searchable and consistent with the values records carry."),
        example='chargeToType = "projectticket"',
        fix='chargeToType = "ProjectTicket"',
        fixable="safe",
        endpoint="/time/entries",
    ),
    _c("S016", "enum-pattern-matches-nothing", "warning",
        summary="A `like` or `contains` pattern on an enum field that none of its values match.",
        message="`{op} {pattern}` matches none of the values of `{field}`, so it {effect}",
        what=("A `like`, `contains` or negated pattern on an enum field that fits none of the "
              "field's values, read as the evaluator reads patterns (wildcards, brackets, letter "
              "case)."),
        why=("None of the field's values fits the pattern, so `like` and `contains` match no "
             "record (and their negations exclude none): usually a misremembered value."),
        example='status like "Approved"',
        fix='status like "Approved*"',
        endpoint="/time/entries",
    ),
    _c("P001", "field-not-allowed", "error",
        summary="A field outside the policy's allowed fields.",
        message="`{path}` cannot be used in this filter",
        what=("A path that no entry of `allowed_fields` covers (an entry ending in `/*` covers "
              "that path and everything under it; ASCII letter case and the `_info/` prefix do "
              "not matter)."),
        why=("The application decides which fields its users may filter on; a field outside that "
             "list can reveal records or values the user is not meant to search by."),
        example='company/name = "Contoso"',
        fix='summary contains "printer"',
        policy={"allowed_fields": ("summary", "status/name")},
    ),
    _c("P002", "field-denied", "error",
        summary="A field the policy denies.",
        message="`{path}` cannot be used in this filter",
        what=("A path covered by an entry of `denied_fields` (an entry covers its path and "
              "everything under it, in any ASCII letter case); it is refused even when "
              "`allowed_fields` lists it too."),
        why=("A denied field is one the application keeps from its users; a filter on it would "
             "let them learn its values one query at a time."),
        example='company/name = "Contoso"',
        fix='summary contains "printer"',
        policy={"denied_fields": ("company/*",)},
    ),
    _c("P003", "operator-not-allowed", "error",
        summary="An operator the policy does not allow.",
        message="`{operator}` is not allowed here",
        what="An operator outside the policy's `allowed_operators`.",
        why=("An application may keep its users to the operators it can explain and afford, such "
             "as `=` and `contains`."),
        example='summary like "print*"',
        fix='summary contains "print"',
        policy={"allowed_operators": ("=", "contains")},
    ),
    _c("P004", "too-many-predicates", "error",
        summary="More comparisons than the policy allows.",
        message="more than {limit} comparisons",
        what="A filter with more comparisons than the policy's `max_predicates` (50 by default).",
        why=("Each comparison costs the server work and lengthens the request URL; a filter with "
             "hundreds of them was generated, not typed."),
        example="status/id = 1 and board/id = 2 and priority/id = 3",
        fix="status/id = 1 and board/id = 2",
        policy={"max_predicates": 2},
    ),
    _c("P005", "in-list-too-long", "error",
        summary="An in-list longer than the policy allows.",
        message="the list has {count} values; at most {limit} are allowed",
        what=("An `in` or `not in` list with more values than the policy's `max_in_list` (100 by "
              "default)."),
        why=("A long list costs the server work and can push the request URL past the server's "
             "2000-character limit."),
        example="id in (1, 2, 3, 4)",
        fix="id in (1, 2, 3)",
        policy={"max_in_list": 3},
    ),
    _c("P006", "leading-wildcard", "error",
        summary="A `like` pattern that starts with a wildcard, which the policy forbids.",
        message="a pattern may not start with a wildcard here",
        what=("A `like` or `not like` pattern whose first character is `*`, `%` or `_`, when "
              "the policy sets `leading_wildcard=False`. The default lets such patterns through: "
              "`contains` makes the server scan the same way."),
        why=("A pattern that starts with a wildcard cannot use an index: the server scans every "
             "record for it."),
        example='summary like "*printer"',
        fix='summary like "printer*"',
        policy={"leading_wildcard": False},
    ),
    _c("P007", "control-character", "error",
        summary="An invisible or control character inside a string value.",
        message="the string holds the invisible or control character {character}",
        what=("A string value holding a control character (tab, line feed and carriage return "
              "aside), a format character (bidi controls and marks, zero-width characters, the "
              "soft hyphen, tag characters), another default-ignorable code point (U+034F, the "
              "Hangul fillers, variation selectors), a line or paragraph separator, a lone "
              "surrogate or a noncharacter: one rule, derived from Unicode's properties, which the "
              "DSL applies too. The policy's `allow_control_characters` turns the check off."),
        why=("An invisible character makes a filter look like one thing and match another, and a "
             "control character has no place in a value typed into a form."),
        example='summary contains "print\u200ber"',
        fix='summary contains "printer"',
        policy={"allow_control_characters": False},
    ),
    _c("P008", "escape-needed", "error",
        summary="A string value that can only be written with a backslash escape.",
        message=("this string can only be sent with a backslash escape, which the server may read "
                 "differently"),
        what=("A string value holding both quote characters, or a backslash next to a quote, so "
              "that no quoting writes it without an escape. The policy's `allow_escapes` turns "
              "the check off."),
        why=("How the server reads backslash escapes is not documented (LANGUAGE.md section 2.6): "
             "a value that needs one may end the string early on the server, which is where an "
             "injection would start."),
        example='summary contains "say \\"it\'s\\""',
        fix='summary contains "say it\'s"',
        policy={"allow_escapes": False},
    ),
    _c("M001", "unused-noqa", "warning",
        summary="A `# cwql: noqa` comment that suppresses nothing.",
        message="`# cwql: noqa`: nothing to suppress for {codes}",
        what=("A `# cwql: noqa` with no finding to suppress on its line, or naming a code that "
              "does not fire there or that cwql does not know."),
        why=("A stale suppression hides the next real problem on that line, and an unknown code "
             "is usually a typo that suppresses nothing."),
        example='summary contains "x"  # cwql: noqa: V001',
        fix='summary contains "x"',
        fixable="safe",
    ),
    _c("M002", "invalid-directive", "error",
        summary="A `# cwql:` comment the linter cannot read.",
        message="cannot read this `# cwql:` comment: {reason}",
        what=("A `# cwql:` comment that is neither `noqa` nor `key=value` settings with the keys "
              "`kind` and `endpoint`, or that names an unknown kind."),
        why=("A misspelt directive is silently ignored by a reader, and the queries below it are "
             "then checked as the wrong parameter."),
        example="# cwql: kind=childCondition",
        fix="# cwql: kind=childConditions",
    ),
    _c("F001", "unreadable-file", "error",
        summary="A file cwql cannot read as text.",
        message="cannot read the file: {reason}",
        what=("A file found in a folder or named on the command line that cwql cannot read as "
              "text: an I/O error, a binary file (a NUL byte), bytes not valid in its encoding, an "
              "unknown encoding, more bytes than `max-file-size`, or YAML without PyYAML."),
        why=("A file that was not read was not checked. A run that passed over it quietly would "
             "report a clean result it cannot vouch for; exclude the file in the config if it is "
             "not meant to be linted."),
        example="# -*- coding: utf-9 -*-\nimport cwql\n",
        fix="# -*- coding: utf-8 -*-\nimport cwql\n",
        file="tickets.py",
    ),
    _c("F002", "unparsable-file", "error",
        summary="A Python, JSON or YAML file that does not parse.",
        message="cannot read the file as {language}: {reason}",
        what=("A Python, JSON or YAML file that does not parse, nests deeper than its reader "
              "takes, or holds more YAML nodes than one file may: the queries in it cannot be "
              "found, or not all of them."),
        why=("A file that was not read was not checked. A run that passed over it quietly would "
             "report a clean result it cannot vouch for."),
        example='{"conditions": "id = 1",}\n',
        fix='{"conditions": "id = 1"}\n',
        file="queries.json",
    ),
)

#: Every code, by code, in the order of :data:`FAMILIES`.
CODES: dict[str, Code] = {c.code: c for c in sorted(_CODES, key=lambda c: FAMILIES.index(c.family))}


def family(letter: str) -> tuple[Code, ...]:
    """The codes of the family with this letter, in order."""
    return tuple(c for c in CODES.values() if c.family.letter == letter)


def find(code_or_name: str) -> Code | None:
    """A code by its code (any case) or its kebab-case name; None when there is none."""
    found = CODES.get(code_or_name.upper())
    if found is not None:
        return found
    name = code_or_name.lower()
    return next((c for c in CODES.values() if c.name == name), None)
