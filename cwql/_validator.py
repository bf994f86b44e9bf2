"""Validate filters that end users type into another application.

A portal, a dashboard, a chat bot or an LLM tool lets its users type a
condition. :func:`validate` accepts only what is safe and meaningful under a
:class:`Policy` (and the schema, when the endpoint is known), reports every
problem at once, and returns a :class:`Validated` whose :meth:`~Validated.scoped`
ANDs it under the application's own condition, so nothing a user types can
widen the application's scope: the combination is a tree, not spliced text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NoReturn

from ._codes import CODES
from ._invisible import describe, find_invisible
from ._literals import needs_escape
from ._parser import Limits, parse
from ._spec import KEYWORDS, ConditionKind, is_path, parameter
from .errors import (
    CWQLTypeError,
    Diagnostic,
    DiagnosticError,
    ParseError,
    UsageError,
    ValidationError,
    render_diagnostic,
)
from .schema._core import INFO_KEYS, Schema
from .syntax import And, Empty, Expr, Node, Op, Path, Predicate, String, not_a_condition, walk

__all__ = [
    "Policy",
    "Validated",
    "for_end_users",
    "is_valid",
    "render_for_end_users",
    "validate",
]

_INFO_KEYS = frozenset(k.lower() for k in INFO_KEYS)


def _field_key(path: str) -> str:
    """One spelling per field: ASCII lower case, and every ``_info`` key under ``_info/``.

    Only ever called with a path (``cwql._spec.is_path``), which is ASCII, so
    ``lower()`` changes ``A``-``Z`` and nothing else: the server's
    case-insensitive reading of a field name, with no Unicode folding that
    could make ``ı``, ``ſ`` or the Kelvin sign stand for ``i``, ``s`` or ``k``.
    The server reads ``lastUpdated`` as ``_info/lastUpdated`` at any depth
    (``company/lastUpdated`` too), so a policy must see them as one field,
    whichever spelling it lists and whichever the user types.
    """
    segments: list[str] = []
    for segment in path.lower().split("/"):
        if segment in _INFO_KEYS and (not segments or segments[-1] != "_info"):
            segments.append("_info")
        segments.append(segment)
    return "/".join(segments)


def _op(value: object) -> Op:
    if isinstance(value, Op):
        return value
    text = " ".join(str(value).split()).lower()
    for op in Op:
        if op.value == text:
            return op
    raise UsageError(f"unknown operator {value!r}; operators are {', '.join(o.value for o in Op)}")


@dataclass(frozen=True, slots=True)
class Policy:
    """What a user-typed filter may contain. Immutable, so one instance serves every request.

    ``allowed_fields`` (None allows any) and ``denied_fields`` hold paths;
    an entry ending in ``/*`` covers that path and everything under it
    (``company/*``). Any other allowed entry is exactly that path; any other
    denied entry is that path and everything under it (denying ``owner``
    denies ``owner/id``). Matching ignores ASCII letter case, as the server
    does, and treats ``_info/lastUpdated`` and ``lastUpdated`` as one field;
    paths are ASCII (``cwql._spec.PATH``), so no Unicode spelling such as
    ``company/ıd`` reaches a field. Denied wins over allowed. An entry no
    field can match (``"/company/id"``, ``"company.id"``, ``"company/id "``,
    ``"*/id"``) raises :class:`~cwql.UsageError`: it would deny nothing.
    ``allowed_operators`` (None allows all) takes :class:`~cwql.syntax.Op`
    members or their spellings (``"="``, ``"not in"``). Strings may not hold
    control or invisible formatting characters (tabs and line breaks are
    fine) unless ``allow_control_characters``, nor need a backslash escape
    to be written (both quote characters, a backslash next to a quote)
    unless ``allow_escapes``. ``leading_wildcard=False`` refuses ``like``
    patterns that start with a wildcard (a full scan on the server); as
    ``contains`` scans the same way, leave ``contains`` and ``not contains``
    out of ``allowed_operators`` too to keep users off full scans.
    """

    allowed_fields: frozenset[str] | None = None
    denied_fields: frozenset[str] = frozenset()
    allowed_operators: frozenset[Op] | None = None
    max_length: int = 2000
    max_depth: int = 8
    max_predicates: int = 50
    max_in_list: int = 100
    leading_wildcard: bool = True
    allow_control_characters: bool = False
    allow_escapes: bool = False
    _allowed: tuple[frozenset[str], tuple[str, ...]] | None = field(
        default=None, init=False, repr=False, compare=False)
    _denied: tuple[frozenset[str], tuple[str, ...]] = field(
        default=(frozenset(), ()), init=False, repr=False, compare=False)

    def __init__(
        self,
        *,
        allowed_fields: Iterable[str] | None = None,
        denied_fields: Iterable[str] = (),
        allowed_operators: Iterable[Op | str] | None = None,
        max_length: int = 2000,
        max_depth: int = 8,
        max_predicates: int = 50,
        max_in_list: int = 100,
        leading_wildcard: bool = True,
        allow_control_characters: bool = False,
        allow_escapes: bool = False,
    ) -> None:
        for name, value in (("max_length", max_length), ("max_depth", max_depth),
                            ("max_predicates", max_predicates), ("max_in_list", max_in_list)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"Policy.{name} must be a positive int, not {value!r}")
        allowed = None if allowed_fields is None else _collection(allowed_fields, "allowed_fields")
        denied = _collection(denied_fields, "denied_fields")
        ops = None if allowed_operators is None else frozenset(
            _op(o) for o in _collection(allowed_operators, "allowed_operators"))
        set_ = object.__setattr__
        set_(self, "allowed_fields", allowed)
        set_(self, "denied_fields", denied)
        set_(self, "allowed_operators", ops)
        set_(self, "max_length", max_length)
        set_(self, "max_depth", max_depth)
        set_(self, "max_predicates", max_predicates)
        set_(self, "max_in_list", max_in_list)
        set_(self, "leading_wildcard", bool(leading_wildcard))
        set_(self, "allow_control_characters", bool(allow_control_characters))
        set_(self, "allow_escapes", bool(allow_escapes))
        set_(self, "_allowed", None if allowed is None else _compile(allowed, "allowed_fields"))
        set_(self, "_denied", _compile(denied, "denied_fields"))

    def allows_field(self, path: str) -> bool:
        """Whether a filter may use the field ``path`` (False for text that is not a path)."""
        if not isinstance(path, str) or not is_path(path):
            return False
        key = _field_key(path)
        if _matches(self._denied, key):
            return False
        return self._allowed is None or _matches(self._allowed, key)


def _collection(value: object, option: str) -> frozenset[object]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise CWQLTypeError(
            f"Policy({option}=...) takes a collection (a list or set), not {type(value).__name__}")
    items = list(value)
    for item in items:
        if not isinstance(item, (str, Op)):
            raise CWQLTypeError(f"Policy({option}=...) holds a {type(item).__name__}; it takes str entries")
    return frozenset(items)


def _compile(entries: frozenset[object], option: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Exact keys and ``prefix/`` keys; a denied entry also covers the fields under it."""
    exact, prefixes = set(), []
    for entry in entries:
        path, wildcard = _entry_path(entry, option)
        key = _field_key(path)
        if wildcard or option == "denied_fields":
            prefixes.append(key + "/")
        if not wildcard:
            exact.add(key)
    return frozenset(exact), tuple(prefixes)


def _entry_path(entry: object, option: str) -> tuple[str, bool]:
    """``(path, ends with /*)`` for one policy entry; an entry that can never match raises.

    An entry no field can match would deny nothing (or allow nothing) without a
    word, so each is refused with what is wrong and, where it is plain, the fix.
    """
    if not isinstance(entry, str):
        raise CWQLTypeError(f"Policy({option}=...) takes paths as str, not {type(entry).__name__}")
    path, wildcard = (entry[:-2], True) if entry.endswith("/*") else (entry, False)
    if is_path(path):
        return path, wildcard
    problem, fixed = _entry_problem(entry)
    suggestion = f"; write {fixed!r}" if fixed is not None and fixed != entry and _is_entry(fixed) else ""
    raise UsageError(
        f"Policy({option}=...): {entry!r} can never match a field: {problem}{suggestion}. "
        "An entry is a field path (ASCII letters, digits and _ joined by /, such as "
        "'company/id'), or a path followed by /* for everything under it ('company/*')"
    )


def _is_entry(text: str) -> bool:
    return is_path(text.removesuffix("/*"))


def _entry_problem(entry: str) -> tuple[str, str | None]:
    """What keeps ``entry`` from being a path, and the entry it most likely meant."""
    if not entry.strip():
        return "it is empty", None
    if entry.strip() != entry:
        return "it has white space around it", entry.strip()
    if any(c.isspace() for c in entry):
        return "it holds white space", "".join(entry.split())
    if entry in ("*", "/*"):
        return "'*' alone is no field; leave the option out to mean every field", None
    if entry.startswith("/"):
        return "it starts with '/'", entry.lstrip("/")
    if entry.endswith("/"):
        return f"it ends with '/' (for everything under a path, write {entry.rstrip('/') + '/*'!r})", None
    if "." in entry:
        return "path segments are joined by '/', not '.'", entry.replace(".", "/")
    if "//" in entry:
        return "it has an empty segment ('//')", "/".join(s for s in entry.split("/") if s)
    if "*" in entry:
        return "'*' may only stand as the last segment, after '/' ('company/*')", None
    odd = next((c for c in entry if not (c.isascii() and (c.isalnum() or c in "_/"))), None)
    if odd is not None:
        how = "field names are ASCII letters, digits and _"
        return f"it holds {odd!r} (U+{ord(odd):04X}); {how}", None
    if entry.lower() in KEYWORDS:
        return f"{entry!r} is a keyword, never a field name", None
    return "a segment starts with a digit", None


def _matches(compiled: tuple[frozenset[str], tuple[str, ...]], key: str) -> bool:
    exact, prefixes = compiled
    return key in exact or key.startswith(prefixes) or key + "/" in prefixes


DEFAULT_POLICY = Policy()



@dataclass(frozen=True, slots=True)
class Validated:
    """A filter :func:`validate` accepted: its tree, its canonical text, and any warnings."""

    expr: Expr
    text: str
    kind: str
    endpoint: str | None = None
    warnings: tuple[Diagnostic, ...] = ()

    def scoped(self, app_condition: Expr | str) -> Expr:
        """``app_condition and (the user's filter)``, as one tree.

        The user's filter is an operand of the ``and`` however it is built,
        so no text it holds can reach outside that operand. A string is
        parsed as the application's own (trusted) condition.
        """
        app = parse(app_condition) if isinstance(app_condition, str) else app_condition
        if not isinstance(app, Expr):
            raise CWQLTypeError(f"the application's condition must be a condition node or str, not {type(app).__name__}")
        return And((app, self.expr))

    def __cwql_expr__(self) -> Expr:
        # How `app_condition & validated` and all_of(...) take this filter:
        # as one operand, its tree.
        return self.expr

    def __and__(self, other: object) -> Expr:
        # Every case is answered here, never with NotImplemented: Python's own
        # TypeError would leave the API (only CWQLError may).
        if isinstance(other, Validated):
            raise CWQLTypeError(
                "`&` joins a user's filter with the application's own condition, and both "
                "sides here are user filters. Scope each under the application's condition "
                "(validated.scoped(app_condition)); to require both, cwql.all_of(app_condition, "
                "first, second)"
            )
        if isinstance(other, (Expr, str)):
            return self.scoped(other)
        if isinstance(other, Empty):
            return self.expr
        raise CWQLTypeError(not_a_condition(other, "`&`"))

    __rand__ = __and__

    def __cwql_misuse__(self, where: str) -> str:
        # How cwql.syntax words `app | validated` and any_of(app, validated).
        return (
            f"a user's validated filter cannot be used with {where}: that would widen the "
            "application's scope. Join it with `&` under the application's own condition: "
            "app_condition & validated, or validated.scoped(app_condition)"
        )

    def __or__(self, other: object) -> NoReturn:
        raise CWQLTypeError(self.__cwql_misuse__("`|`"))

    __ror__ = __or__

    def __invert__(self) -> NoReturn:
        raise CWQLTypeError(
            "~ cannot negate a user's validated filter: the negation holds operators the "
            "policy never checked (`=` becomes `!=`, `in` becomes `not in`). Validate the "
            "negated text instead"
        )

    def __str__(self) -> str:
        return self.text


def validate(
    text: str,
    *,
    kind: ConditionKind = "conditions",
    endpoint: str | None = None,
    schema: Schema | None = None,
    policy: Policy | None = None,
) -> Validated:
    """Check a user-typed filter; return it validated or raise :class:`~cwql.ValidationError`.

    The error's ``diagnostics`` hold every problem found (syntax, schema and
    policy), each with a code, a message, a span and a hint, in the
    developer's words; :func:`for_end_users` and :func:`render_for_end_users`
    give them in plain words for the person at the input box. With
    ``endpoint``, fields and value types are checked against ``schema`` (the
    bundled Manage schema by default).

    Without ``policy``, the default ``Policy()`` applies. It lets every field
    and operator through and judges no cost but size: at most 2,000
    characters, 8 nested groups, 50 comparisons and 100 values in one
    ``in`` list; ``like "*x"`` passes (``contains`` scans the same way). It
    refuses strings that hold an invisible or control character (P007) and
    strings that could only be written with a backslash escape (P008), whose
    reading by the server is unverified. Pass a :class:`Policy` to name the
    fields and operators a form allows.
    """
    if not isinstance(text, str):
        raise CWQLTypeError(f"validate takes the filter as str, not {type(text).__name__}")
    parameter(kind, conditions_only=True)
    policy = policy or DEFAULT_POLICY
    # The parser's node limit stays at its default: it bounds work, and the
    # policy's own counts (predicates, list sizes) get precise findings below.
    limits = Limits(max_length=policy.max_length, max_depth=policy.max_depth)
    try:
        expr = parse(text, kind, limits=limits)
    except ParseError as e:
        raise ValidationError(text, [_policy_limit_hint(d, policy) for d in e.diagnostics]) from None
    problems = list(_policy_findings(expr, text, policy))
    warnings: list[Diagnostic] = []
    if endpoint is not None:
        from .schema import check, load

        # An unknown endpoint is the application's mistake, not the user's: it
        # raises SchemaError rather than joining the user's ValidationError.
        found = check(expr, schema=schema or load(), endpoint=endpoint, kind=kind, text=text)
        problems += [d for d in found if d.severity == "error"]
        warnings = [d for d in found if d.severity != "error"]
    if problems:
        problems.sort(key=lambda d: (d.start, d.code))
        raise ValidationError(text, problems)
    return Validated(expr, str(expr), kind, endpoint, tuple(warnings))


def _policy_limit_hint(diagnostic: Diagnostic, policy: Policy) -> Diagnostic:
    """The parser's limit hints name ``Limits``; here the policy sets them."""
    hint = {
        "E019": f"shorten the filter; the policy allows {policy.max_length:,} characters "
                "(Policy(max_length=...))",
        "E020": f"use fewer nested groups; the policy allows {policy.max_depth} levels "
                "(Policy(max_depth=...))",
        "E021": "split the filter; it holds more conditions and values than cwql parses at once",
    }.get(diagnostic.code)
    return diagnostic if hint is None else diagnostic.replace(hint=hint)


def is_valid(
    text: str,
    *,
    kind: ConditionKind = "conditions",
    endpoint: str | None = None,
    schema: Schema | None = None,
    policy: Policy | None = None,
) -> bool:
    """Whether :func:`validate` would accept ``text``."""
    try:
        validate(text, kind=kind, endpoint=endpoint, schema=schema, policy=policy)
    except ValidationError:
        return False
    return True


def _policy_findings(expr: Node, text: str, policy: Policy) -> list[Diagnostic]:
    found: list[Diagnostic] = []

    def add_at(code: str, start: int, end: int, hint: str | None, **values: object) -> None:
        # The message is the registry's template (cwql._codes), filled in.
        found.append(Diagnostic.at(text, code, CODES[code].format(**values), start, end, hint=hint))

    def add(code: str, node: Node, hint: str | None, **values: object) -> None:
        start, end = node.span if node.span is not None else (0, 0)
        add_at(code, start, end, hint, **values)

    predicates = 0
    for node in walk(expr):
        if isinstance(node, Path):
            if not policy.allows_field(node.name):
                denied = _matches(policy._denied, _field_key(node.name))
                add("P002" if denied else "P001", node,
                    None if denied or policy.allowed_fields is None else _allowed_hint(policy.allowed_fields),
                    path=node.name)
        elif isinstance(node, Predicate):
            predicates += 1
            if predicates == policy.max_predicates + 1:
                add("P004", node, "narrow the filter to fewer conditions", limit=policy.max_predicates)
            if policy.allowed_operators is not None and node.op not in policy.allowed_operators:
                allowed = ", ".join(sorted(o.value for o in policy.allowed_operators))
                add("P003", node, f"use one of: {allowed}", operator=node.op.value)
            if isinstance(node.value, tuple) and len(node.value) > policy.max_in_list:
                add("P005", node, "split the filter or narrow the list",
                    count=len(node.value), limit=policy.max_in_list)
            if (
                not policy.leading_wildcard and node.op in (Op.LIKE, Op.NOT_LIKE)
                and isinstance(node.value, String) and node.value.value[:1] in ("*", "%", "_")
            ):
                add("P006", node.value, "start the pattern with text, e.g. \"abc*\"")
        elif isinstance(node, String):
            if not policy.allow_escapes and needs_escape(node.value):
                add("P008", node, "use one kind of quote inside the text, or no backslash next to a quote")
            bad = None if policy.allow_control_characters else _invisible(node, text)
            if bad is not None:
                start, end, character = bad
                add_at("P007", start, end, "remove invisible and control characters from the text",
                       character=describe(character))
    return found


def _allowed_hint(allowed: frozenset[str]) -> str:
    exact = sorted(e for e in allowed if not e.endswith("/*"))
    under = [f"any field under {e[:-1]}" for e in sorted(allowed) if e.endswith("/*")]
    return "fields you can filter on: " + ", ".join(exact + under)


def _invisible(node: String, text: str) -> tuple[int, int, str] | None:
    """Where a string value's first invisible or control character stands, and which it is."""
    bad = find_invisible(node.value)
    if bad is None:
        return None
    start, end = node.span if node.span is not None else (0, 0)
    # Escapes only touch quotes and backslashes, so the character stands in
    # the source as it does in the value: point at it there.
    at = find_invisible(text[start:end])
    if at is not None:
        start, end = start + at, start + at + 1
    return start, end, node.value[bad]


# ---- the end user's view ------------------------------------------------------------

# Hints whose developer wording names an API or a query parameter, in words the
# person at the input box can act on.
_END_USER_HINTS = {
    "E019": "shorten the filter",
    "E020": "use fewer nested parentheses",
    "E021": "use fewer conditions and values",
    "S004": "this filter cannot look inside a list; choose another field",
    "S005": "choose a field of the list's members",
    "S010": "filter on the custom field's caption and value",
}
# What only a developer reads: cwql's names, Python calls with keywords, the
# query parameters' API names. A hint clause holding one is left out.
_DEVELOPER = re.compile(
    r"\bcwql\b|\b[A-Za-z_]\w*\((?:\w+=|\.\.\.|\[|\))|\b(?:childConditions|customFieldConditions|"
    r"orderBy|Limits|Policy|Query|F\.\w+)\b"
)
# A code span; "```" is the span of one backtick (the user typed one); a lone backtick is dropped.
_CODE = re.compile(r"(?P<tick>```)|`(?P<code>[^`]*)`|`")


def _plain(text: str) -> str:
    """Markdown code spans as quoted words: `x` becomes “x”, a quoted value keeps its own quotes."""
    def quote(m: re.Match[str]) -> str:
        inner = "`" if m.group("tick") else m.group("code")
        if inner is None:
            return ""
        return inner if inner[:1] in ("'", '"', "[") else f"\u201c{inner}\u201d"
    return _CODE.sub(quote, text)


def _plain_hint(diagnostic: Diagnostic) -> str | None:
    override = _END_USER_HINTS.get(diagnostic.code)
    if override is not None:
        return override
    if diagnostic.hint is None:
        return None
    kept = [clause for clause in diagnostic.hint.split("; ") if not _DEVELOPER.search(clause)]
    return _plain("; ".join(kept)) if kept else None


def for_end_users(problems: DiagnosticError | Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics reworded for the person who typed the filter.

    Same codes, spans, lines and columns; ``message``, ``hint`` and
    ``expected`` in plain words: no Markdown backticks (a code span becomes a
    quoted word, “between”), no developer API names (``Limits(...)``,
    ``Policy(...)``, ``cwql.encode``, query parameter names). Takes a
    :class:`~cwql.ValidationError` (or any error with diagnostics) or the
    diagnostics themselves, such as :attr:`Validated.warnings`; ``to_dict()``
    of each is ready to send to a browser. The error itself keeps the
    developer's wording, for logs.
    """
    if isinstance(problems, DiagnosticError):
        diagnostics: Iterable[object] = problems.diagnostics
    elif isinstance(problems, Iterable) and not isinstance(problems, (str, bytes)):
        diagnostics = problems
    else:
        raise CWQLTypeError(
            f"for_end_users takes a ValidationError or diagnostics, not {type(problems).__name__}")
    out = []
    for d in diagnostics:
        if not isinstance(d, Diagnostic):
            raise CWQLTypeError(f"for_end_users takes diagnostics, not {type(d).__name__}")
        out.append(d.replace(
            message=_plain(d.message), hint=_plain_hint(d),
            expected=tuple(_plain(label) for label in d.expected if not _DEVELOPER.search(label)),
        ))
    return out


def render_for_end_users(error: DiagnosticError) -> str:
    """The error as plain text for the person who typed it: where, what, and what to do.

    One paragraph per problem: ``Line 1, column 4: “between” is not an
    operator. Write id>=1 and id<=5.``, then the line of the filter with a
    caret under the problem. No codes, no Markdown, no developer API names
    (:func:`for_end_users` gives the same wording as data). For a chat bot, a
    command-line tool or an LLM; ``str(error)`` stays the developer's view.
    """
    if not isinstance(error, DiagnosticError):
        raise CWQLTypeError(f"render_for_end_users takes a ValidationError, not {type(error).__name__}")
    text = error.text
    one_line = "\n" not in text
    paragraphs = []
    for d in for_end_users(error):
        where = f"Column {d.column}" if one_line else f"Line {d.line}, column {d.column}"
        sentence = _sentence(d.message) + (" " + _sentence(d.hint) if d.hint else "")
        caret = render_diagnostic(text, d).split("\n")[1:3]  # the source line and its caret
        paragraphs.append("\n".join([f"{where}: {sentence}", *caret]))
    return "\n".join(paragraphs)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + ("" if text.endswith(("?", "!")) else ".")
