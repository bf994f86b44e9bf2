"""Literals and values: patterns, datetimes, in-lists, string escapes."""

from __future__ import annotations

from collections.abc import Iterator

from ..._literals import format_datetime, quote_string, string_escapes
from ..._patterns import ANY, ONE, CharClass, escape_brackets, mask_escapes, parse_like
from ...syntax import DateTime, Literal, Op, Predicate, String
from .._model import Context, Edit, Fix, Problem, Rule
from .base import VALUES, literal_key, literal_type, requote, rule, source, span

__all__ = ["RULES"]

_LIKE = (Op.LIKE, Op.NOT_LIKE)
_CONTAINS = (Op.CONTAINS, Op.NOT_CONTAINS)
_MEMBER = (Op.IN, Op.NOT_IN)
# Brackets are read by cwql._patterns alone: one character in brackets is that
# character (`[[]`, `[%]`, `[_]`, `[*]`); see docs/language.md.
_masked = mask_escapes


@rule(
    "V001", "like-without-wildcard", VALUES, "warning",
    "`like` with a pattern that has no wildcard.",
    what="""A `like` or `not like` pattern with none of the wildcards `*`, `%` or `_` and no
    character class (`[%]` and the other one-character brackets are escapes, not wildcards).""",
    why="""Without a wildcard, `like` matches only values equal to the whole pattern, so
    `summary like "printer"` finds nothing about printers: a silently empty result. The author
    almost always meant `contains` or a pattern such as `"*printer*"`.""",
    example='summary like "printer"',
    fix='summary like "*printer*"',
    fixable="unsafe",
    visits=(Predicate,),
)
def like_without_wildcard(node: Predicate, ctx: Context) -> Iterator[Problem]:
    value = node.value
    if node.op not in _LIKE or not isinstance(value, String):
        return
    items = parse_like(value.value)
    if any(item is ANY or item is ONE or isinstance(item, CharClass) for item in items):
        return
    start, end = span(value)
    equal = "=" if node.op is Op.LIKE else "!="
    # `=` reads no escapes: `like "[[]x]"` is `="[x]"`.
    literal = "".join(item for item in items if isinstance(item, str))
    if literal == value.value:
        fix = Fix(f"Use `{equal}`", (Edit(span(node.path)[1], start, equal),), "unsafe")
    else:
        fix = Fix(f"Use `{equal}` with the brackets' characters as they are",
                  (Edit(span(node.path)[1], end, equal + requote(ctx, value, literal)),), "unsafe")
    yield Problem(
        start, end, f"`{node.op.value}` without a wildcard matches the whole value exactly",
        hint=f"for a substring write `{'contains' if node.op is Op.LIKE else 'not contains'}`, "
        f"for an exact match `{equal}`, or add `*` where any text may stand",
        fix=fix,
    )


@rule(
    "V002", "contains-with-wildcard", VALUES, "warning",
    "`contains` with a `*` or `%` that looks meant as a wildcard.",
    what="""A `contains` or `not contains` value holding `*` or `%` (but not the escapes
    `[*]` and `[%]`, which stand for the characters themselves).""",
    why="""`contains` already matches anywhere in the value. A `*` or `%` in it was most likely
    meant as a wildcard; whether the server then treats it as one or as the character itself is
    not documented, so the result depends on a detail nobody has verified.""",
    example='summary contains "*printer*"',
    fix='summary contains "printer"',
    fixable="unsafe",
    visits=(Predicate,),
)
def contains_with_wildcard(node: Predicate, ctx: Context) -> Iterator[Problem]:
    value = node.value
    if node.op not in _CONTAINS or not isinstance(value, String):
        return
    text = value.value
    masked = _masked(text)  # `[%]` and `[*]` are the characters, not wildcards
    if "*" not in masked and "%" not in masked:
        return
    start, end = span(value)
    lead = len(masked) - len(masked.lstrip("*%"))
    trail = len(masked) - len(masked.rstrip("*%"))
    inner = masked[lead:len(masked) - trail]
    fix = None
    if inner and "*" not in inner and "%" not in inner:
        fix = Fix("Drop the wildcards at the ends",
                  (Edit(start, end, requote(ctx, value, text[lead:len(text) - trail])),), "unsafe")
    like = "like" if node.op is Op.CONTAINS else "not like"
    yield Problem(
        start, end, f"`{node.op.value}` already matches anywhere; `*`/`%` here look like wildcards",
        hint=f"drop the wildcards, or use `{like}` with a pattern; write `[%]` or `[*]` for "
        "the character itself",
        fix=fix,
    )


@rule(
    "V003", "naive-datetime", VALUES, "warning",
    "A date-time with no time zone.",
    what="""A bracketed date-time with a time of day but neither `Z` nor an offset.""",
    why="""The server reads a naive time in a time zone it does not document (its own, the
    member's, or UTC), so the same query can select different records on different servers.""",
    example="dateEntered > [2024-01-01T12:00:00]",
    fix="dateEntered > [2024-01-01T12:00:00Z]",
    visits=(DateTime,),
)
def naive_datetime(node: DateTime, ctx: Context) -> Iterator[Problem]:
    if node.is_naive:
        start, end = span(node)
        yield Problem(start, end, "date-time without a time zone; the server's zone for it is unknown",
                      hint="add `Z` for UTC, or an offset such as `+02:00`")


@rule(
    "V004", "non-canonical-datetime", VALUES, "warning",
    "A datetime written in a form other than `[YYYY-MM-DDTHH:MM:SSZ]` or `[YYYY-MM-DD]`.",
    what="""A datetime with an offset, a space instead of `T`, minutes but no seconds, a
    lower-case `z` or spaces inside the brackets.""",
    why="""The only form ConnectWise documents is `[2016-08-20T18:04:26Z]`. Other forms reach
    the server from scripts, and nobody has shown which of them it reads, or how.""",
    example="dateEntered > [2024-01-01 09:00:00+02:00]",
    fix="dateEntered > [2024-01-01T07:00:00Z]",
    fixable="safe",
    visits=(DateTime,),
)
def non_canonical_datetime(node: DateTime, ctx: Context) -> Iterator[Problem]:
    canonical = format_datetime(node.value, node.fraction)
    written = source(ctx, node)
    if written != canonical:
        start, end = span(node)
        yield Problem(start, end, f"write the datetime as {canonical}",
                      fix=Fix(f"Write {canonical}", (Edit(start, end, canonical),)))


@rule(
    "V005", "single-value-in", VALUES, "info",
    "`in` or `not in` with a single value.",
    what="""An in-list with one value: `status/id in (5)`.""",
    why="""`=` says the same thing in fewer characters, and `=` is documented for every parameter
    while `in` is not listed for `childConditions` and `customFieldConditions`.""",
    example="status/id in (5)",
    fix="status/id=5",
    fixable="safe",
    visits=(Predicate,),
)
def single_value_in(node: Predicate, ctx: Context) -> Iterator[Problem]:
    value = node.value
    if node.op in _MEMBER and isinstance(value, tuple) and len(value) == 1:
        equal = "=" if node.op is Op.IN else "!="
        start, end = span(node)
        yield Problem(
            start, end, f"`{node.op.value}` with one value: write `{equal}`",
            fix=Fix(f"Use `{equal}`",
                    (Edit(span(node.path)[1], end, equal + source(ctx, value[0])),)),
        )


@rule(
    "V006", "duplicate-in-value", VALUES, "warning",
    "The same value twice in one in-list.",
    what="""An in-list that repeats a value (`1` and `1.0` are the same number).""",
    why="""The repeat changes nothing but the URL's length, and is often a typo for a value
    that was meant and is now missing.""",
    example="board/id in (1,2,1)",
    fix="board/id in (1,2)",
    fixable="safe",
    visits=(Predicate,),
)
def duplicate_in_value(node: Predicate, ctx: Context) -> Iterator[Problem]:
    values = node.value
    if not isinstance(values, tuple) or len(values) < 2:
        return
    seen: dict[object, Literal] = {}
    for i, value in enumerate(values):
        key = literal_key(value)
        first = seen.get(key)
        if first is None:
            seen[key] = value
            continue
        start, end = span(value)
        yield Problem(
            start, end, f"{source(ctx, value)} is already in the list",
            fix=Fix("Remove the repeated value", (Edit(span(values[i - 1])[1], end, ""),)),
            related=(span(first),),
        )


@rule(
    "V007", "mixed-in-list-types", VALUES, "warning",
    "An in-list mixing numbers, strings, datetimes or booleans.",
    what="""An in-list whose values are not all of one type: `id in (1, "2")`.""",
    why="""A field has one type, so some of the values can never match, or the server rejects
    the list. It is usually a quoting mistake.""",
    example='board/id in (1, "2")',
    fix="board/id in (1, 2)",
    visits=(Predicate,),
)
def mixed_in_list_types(node: Predicate, ctx: Context) -> Iterator[Problem]:
    values = node.value
    if not isinstance(values, tuple) or len(values) < 2:
        return
    first = literal_type(values[0])
    for value in values[1:]:
        kind = literal_type(value)
        if kind != first:
            start, end = span(value)
            yield Problem(start, end, f"a {kind} in a list of {first}s",
                          hint="a field has one type: write every value the same way",
                          related=(span(values[0]),))
            return


@rule(
    "V008", "escaped-quote", VALUES, "warning",
    "A quote or backslash inside a string written with an escape.",
    what="""A string holding `\\"`, `\\'`, a doubled delimiter (`'it''s'`) or an escaped
    backslash `\\\\`.""",
    why="""How the server reads escapes inside a string is not documented: clients send
    backslash escapes and doubled quotes, and nobody has shown which the server understands. If
    it reads no backslash escapes, `"C:\\\\temp"` looks for two backslashes. Quoting the
    string with the other quote character needs no quote escape, and a backslash before any
    character but a quote or a backslash means itself either way (`"C:\\temp"`).""",
    example="summary contains 'it\\'s'",
    fix='summary contains "it\'s"',
    fixable="safe",
    visits=(String,),
)
def escaped_quote(node: String, ctx: Context) -> Iterator[Problem]:
    written = source(ctx, node)
    escapes = string_escapes(written)
    if not escapes:
        return
    start, end = span(node)
    value = node.value
    quotes = any(c != "\\" for _, c in escapes)
    message = ("a quote escaped inside a string; the server's escaping is not documented" if quotes
               else "an escaped backslash (`\\\\`) inside a string; whether the server reads "
               "backslash escapes is not documented")
    # The value written with no escape at all, where it can be: then it reads the same
    # whichever way the server treats escapes.
    plain = quote_string(value)
    if string_escapes(plain):
        yield Problem(
            start, end, message,
            hint="no form is known to carry this value safely (it holds both quote characters, "
            "or a backslash before a quote or at the end): match the text around it with "
            "`like` and `_` instead",
        )
        return
    yield Problem(
        start, end, message,
        hint="quote the string with the other quote character" if quotes
        else "write the backslash once: before any other character it stands for itself",
        fix=Fix("Write the string without escapes", (Edit(start, end, plain),)),
    )


@rule(
    "V009", "unescaped-bracket", VALUES, "warning",
    "A literal `[` in a `like` or `contains` value not written `[[]`.",
    what="""A `[` in a `like` or `contains` value that does not start a one-character bracket:
    `[[]` (the documented escape for `[`), `[%]`, `[_]` or `[*]` stand for the character
    itself and are left alone.""",
    why="""The server matches these values with SQL Server's LIKE, where `[...]` is a character
    class: `"[urgent]"` matches one of the letters u, r, g, e, n, t. ConnectWise documents
    `[[]` as the way to match a literal `[`.""",
    example='summary contains "[urgent]"',
    fix='summary contains "[[]urgent]"',
    fixable="unsafe",
    visits=(Predicate,),
)
def unescaped_bracket(node: Predicate, ctx: Context) -> Iterator[Problem]:
    value = node.value
    if node.op not in _LIKE + _CONTAINS or not isinstance(value, String) or "[" not in value.value:
        return
    fixed = escape_brackets(value.value)  # every `[` that does not start a one-character escape
    if fixed is not None:
        start, end = span(value)
        yield Problem(
            start, end, "`[` starts a character class in a pattern; a literal `[` is written `[[]`",
            hint="write `[[]` for a literal `[`; keep `[...]` only if a character class is meant",
            fix=Fix("Escape `[` as `[[]`", (Edit(start, end, requote(ctx, value, fixed)),), "unsafe"),
        )


RULES: tuple[Rule, ...] = (
    like_without_wildcard, contains_with_wildcard, naive_datetime, non_canonical_datetime,
    single_value_in, duplicate_in_value, mixed_in_list_types, escaped_quote, unescaped_bracket,
)
