"""Literals and values: patterns, datetimes, in-lists, string escapes."""

from __future__ import annotations

from collections.abc import Iterator

from ..._literals import format_datetime, quote_string, string_escapes
from ..._patterns import ANY, ONE, CharClass, escape_brackets, mask_escapes, parse_like
from ..._printer import to_text
from ..._semantics import day_range
from ...syntax import DateTime, Literal, Op, Predicate, String
from .._model import Context, Edit, Fix, Problem, Rule
from .base import literal_key, literal_type, message, requote, rule, source, span

__all__ = ["RULES"]

_LIKE = (Op.LIKE, Op.NOT_LIKE)
_CONTAINS = (Op.CONTAINS, Op.NOT_CONTAINS)
_MEMBER = (Op.IN, Op.NOT_IN)
# Brackets are read by cwql._patterns alone: one character in brackets is that
# character (`[[]`, `[%]`, `[_]`, `[*]`); see docs/language.md.
_masked = mask_escapes


@rule("V001", visits=(Predicate,))
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
        start, end, message("V001", operator=node.op.value),
        hint=f"for a substring write `{'contains' if node.op is Op.LIKE else 'not contains'}`, "
        f"for an exact match `{equal}`, or add `*` where any text may stand",
        fix=fix,
    )


@rule("V002", visits=(Predicate,))
def contains_with_wildcard(node: Predicate, ctx: Context) -> Iterator[Problem]:
    value = node.value
    if node.op not in _CONTAINS or not isinstance(value, String):
        return
    text = value.value
    masked = _masked(text)  # `[%]` and `[*]` are the characters, not wildcards
    if "*" not in masked and "%" not in masked:
        return
    start, end = span(value)
    # Each bare `*` and `%` written as the character itself, as the DSL's contains() writes
    # user text: the one reading that does not depend on what the server does with them.
    bracketed = "".join(f"[{c}]" if m in "*%" else c for c, m in zip(text, masked, strict=True))
    like = "like" if node.op is Op.CONTAINS else "not like"
    yield Problem(
        start, end, message("V002", operator=node.op.value),
        hint="`contains` already matches anywhere: drop a `*` or `%` meant as a wildcard, or use "
        f"`{like}` with a pattern; write `[%]` or `[*]` for the character itself",
        fix=Fix("Write the `*`/`%` as the character itself (`[*]`, `[%]`)",
                (Edit(start, end, requote(ctx, value, bracketed)),), "unsafe"),
    )


@rule("V003", visits=(DateTime,))
def naive_datetime(node: DateTime, ctx: Context) -> Iterator[Problem]:
    if node.is_naive:
        start, end = span(node)
        yield Problem(start, end, message("V003"),
                      hint="add `Z` for UTC, or an offset such as `+02:00`")


@rule("V004", visits=(DateTime,))
def non_canonical_datetime(node: DateTime, ctx: Context) -> Iterator[Problem]:
    canonical = format_datetime(node.value, node.fraction)
    written = source(ctx, node)
    if written != canonical:
        start, end = span(node)
        yield Problem(start, end, message("V004", canonical=canonical),
                      fix=Fix(f"Write {canonical}", (Edit(start, end, canonical),)))


@rule("V005", visits=(Predicate,))
def single_value_in(node: Predicate, ctx: Context) -> Iterator[Problem]:
    value = node.value
    if node.op in _MEMBER and isinstance(value, tuple) and len(value) == 1:
        equal = "=" if node.op is Op.IN else "!="
        start, end = span(node)
        yield Problem(
            start, end, message("V005", operator=node.op.value, equal=equal),
            fix=Fix(f"Use `{equal}`",
                    (Edit(span(node.path)[1], end, equal + source(ctx, value[0])),)),
        )


@rule("V006", visits=(Predicate,))
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
            start, end, message("V006", value=source(ctx, value)),
            fix=Fix("Remove the repeated value", (Edit(span(values[i - 1])[1], end, ""),)),
            related=(span(first),),
        )


@rule("V007", visits=(Predicate,))
def mixed_in_list_types(node: Predicate, ctx: Context) -> Iterator[Problem]:
    values = node.value
    if not isinstance(values, tuple) or len(values) < 2:
        return
    first = literal_type(values[0])
    for value in values[1:]:
        kind = literal_type(value)
        if kind != first:
            start, end = span(value)
            yield Problem(start, end, message("V007", type=kind, first_type=first),
                          hint="a field has one type: write every value the same way",
                          related=(span(values[0]),))
            return


@rule("V008", visits=(String,))
def escaped_quote(node: String, ctx: Context) -> Iterator[Problem]:
    written = source(ctx, node)
    escapes = string_escapes(written)
    if not escapes:
        return
    start, end = span(node)
    value = node.value
    quotes = any(c != "\\" for _, c in escapes)
    said = (message("V008") if quotes
            else "an escaped backslash (`\\\\`) inside a string; whether the server reads "
            "backslash escapes is not documented")
    # The value written with no escape at all, where it can be: then it reads the same
    # whichever way the server treats escapes.
    plain = quote_string(value)
    if string_escapes(plain):
        yield Problem(
            start, end, said,
            hint="no form is known to carry this value safely (it holds both quote characters, "
            "or a backslash before a quote or at the end): match the text around it with "
            "`like` and `_` instead",
        )
        return
    yield Problem(
        start, end, said,
        hint="quote the string with the other quote character" if quotes
        else "write the backslash once: before any other character it stands for itself",
        fix=Fix("Write the string without escapes", (Edit(start, end, plain),)),
    )


@rule("V009", visits=(Predicate,))
def unescaped_bracket(node: Predicate, ctx: Context) -> Iterator[Problem]:
    value = node.value
    if node.op not in _LIKE + _CONTAINS or not isinstance(value, String) or "[" not in value.value:
        return
    fixed = escape_brackets(value.value)  # every `[` that does not start a one-character escape
    if fixed is not None:
        start, end = span(value)
        yield Problem(
            start, end, message("V009"),
            hint="write `[[]` for a literal `[`; keep `[...]` only if a character class is meant",
            fix=Fix("Escape `[` as `[[]`", (Edit(start, end, requote(ctx, value, fixed)),), "unsafe"),
        )


# What a date at each operator misses of the day (`<`, `>=` and `>` are not reported:
# midnight is the day's edge for the first two, and `> [date]` reads either way).
_MIDNIGHT_EFFECT = {
    Op.EQ: "matches that instant only, not the day",
    Op.NE: "leaves out that instant only, not the day",
    Op.LE: "stops at the day's first instant and leaves out the rest of the day",
    Op.IN: "matches those instants only, not the days",
    Op.NOT_IN: "leaves out those instants only, not the days",
}


def _holds_datetimes(path: str, ctx: Context) -> bool:
    """Whether the field at ``path`` holds date-times: by the schema, else by its name."""
    # Imported here: only a date at one of these operators gets this far.
    from ...schema import holds_datetimes, load

    schema = None
    if ctx.endpoint is not None:
        schema = ctx.schema if ctx.schema is not None else load()
    return holds_datetimes(path, schema=schema, endpoint=ctx.endpoint, kind=ctx.kind)


@rule("V010", kinds=frozenset({"conditions", "childConditions"}), visits=(Predicate,))
def date_as_midnight(node: Predicate, ctx: Context) -> Iterator[Problem]:
    effect = _MIDNIGHT_EFFECT.get(node.op)
    if effect is None:
        return
    whole_day = day_range(node)  # cwql._semantics' model: the DSL writes the same for a `date`
    if whole_day is None or not _holds_datetimes(node.path.name, ctx):
        return
    start, end = span(node)
    if isinstance(whole_day, Predicate):
        # One comparison (`<= [d]` is `< [d+1]`): keep the spacing as written.
        path_end = span(node.path)[1]
        assert isinstance(node.value, DateTime)
        assert isinstance(whole_day.value, DateTime)
        gap = ctx.text[path_end:span(node.value)[0]]
        replacement = (ctx.text[start:path_end] + gap.replace(gap.strip(), whole_day.op.value, 1)
                       + to_text(whole_day.value))
        said = replacement
    else:
        said = to_text(whole_day)
        # Inside `and`/`or` it stays one operand (`or` binds looser than `and`).
        replacement = said if ctx.nodes and ctx.nodes[0] is node else f"({said})"
    days = "days" if isinstance(node.value, tuple) and len(node.value) > 1 else "day"
    yield Problem(
        start, end, message("V010", condition=to_text(node), effect=effect),
        hint=f"for the whole UTC {days} write `{said}`; for midnight itself, write the time "
        "(`T00:00:00Z`)",
        fix=Fix(f"Cover the whole UTC {days}", (Edit(start, end, replacement),), "unsafe"),
    )


RULES: tuple[Rule, ...] = (
    like_without_wildcard, contains_with_wildcard, naive_datetime, non_canonical_datetime,
    single_value_in, duplicate_in_value, mixed_in_list_types, escaped_quote, unescaped_bracket,
    date_as_midnight,
)
