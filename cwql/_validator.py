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

from ._literals import needs_escape
from ._parser import Limits, parse
from ._spec import ConditionKind, parameter
from .errors import CWQLTypeError, Diagnostic, ParseError, UsageError, ValidationError
from .schema._core import INFO_KEYS, Schema
from .syntax import And, Expr, Node, Op, Path, Predicate, String, walk

__all__ = ["Policy", "Validated", "is_valid", "validate"]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


_INFO_KEYS = frozenset(k.casefold() for k in INFO_KEYS)


def _field_key(path: str) -> str:
    """One spelling per field: case folded, and every ``_info`` key under ``_info/``.

    The server reads ``lastUpdated`` as ``_info/lastUpdated`` at any depth
    (``company/lastUpdated`` too), so a policy must see them as one field,
    whichever spelling it lists and whichever the user types.
    """
    segments: list[str] = []
    for segment in path.casefold().split("/"):
        if segment in _INFO_KEYS and (not segments or segments[-1] != "_info"):
            segments.append("_info")
        segments.append(segment)
    return "/".join(segments)


def _op(value: Op | str) -> Op:
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
    an entry ending in ``/*`` covers everything under that path
    (``company/*``), any other entry exactly that path. Matching ignores
    letter case, as the server does, and treats ``_info/lastUpdated`` and
    ``lastUpdated`` as one field. Denied wins over allowed.
    ``allowed_operators`` (None allows all) takes :class:`~cwql.syntax.Op`
    members or their spellings (``"="``, ``"not in"``). Strings may not hold
    control or invisible formatting characters (tabs and line breaks are
    fine) unless ``allow_control_characters``, nor need a backslash escape
    to be written (both quote characters, a backslash next to a quote)
    unless ``allow_escapes``; ``like`` patterns may not
    start with a wildcard (a full scan on the server) unless
    ``leading_wildcard``.
    """

    allowed_fields: frozenset[str] | None = None
    denied_fields: frozenset[str] = frozenset()
    allowed_operators: frozenset[Op] | None = None
    max_length: int = 2000
    max_depth: int = 8
    max_predicates: int = 50
    max_in_list: int = 100
    leading_wildcard: bool = False
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
        leading_wildcard: bool = False,
        allow_control_characters: bool = False,
        allow_escapes: bool = False,
    ) -> None:
        if isinstance(allowed_fields, str) or isinstance(denied_fields, str):
            raise CWQLTypeError("allowed_fields and denied_fields take a collection of paths, not one str")
        for name, value in (("max_length", max_length), ("max_depth", max_depth),
                            ("max_predicates", max_predicates), ("max_in_list", max_in_list)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise UsageError(f"Policy.{name} must be a positive int, not {value!r}")
        allowed = None if allowed_fields is None else frozenset(allowed_fields)
        denied = frozenset(denied_fields)
        ops = None if allowed_operators is None else frozenset(_op(o) for o in allowed_operators)
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
        set_(self, "_allowed", None if allowed is None else _compile(allowed))
        set_(self, "_denied", _compile(denied))

    def allows_field(self, path: str) -> bool:
        key = _field_key(path)
        if _matches(self._denied, key):
            return False
        return self._allowed is None or _matches(self._allowed, key)


def _compile(entries: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    exact, prefixes = set(), []
    for entry in entries:
        if not isinstance(entry, str) or not entry.strip("/*"):
            raise UsageError(f"a field entry must be a path such as 'status/id' or 'company/*', not {entry!r}")
        if entry.endswith("/*"):
            prefixes.append(_field_key(entry[:-2]) + "/")
        else:
            exact.add(_field_key(entry))
    return frozenset(exact), tuple(prefixes)


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
        if isinstance(other, (Expr, str)):
            return self.scoped(other)
        return NotImplemented

    __rand__ = __and__

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
    policy), each with a code, a message, a span and a hint, ready to show
    next to the input box. With ``endpoint``, fields and value types are
    checked against ``schema`` (the bundled Manage schema by default).
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
        raise ValidationError(text, e.diagnostics) from None
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

    def add(code: str, message: str, node: Node, hint: str | None) -> None:
        start, end = node.span if node.span is not None else (0, 0)
        found.append(Diagnostic.at(text, code, message, start, end, hint=hint))

    predicates = 0
    for node in walk(expr):
        if isinstance(node, Path):
            if not policy.allows_field(node.name):
                denied = _matches(policy._denied, _field_key(node.name))
                add("P002" if denied else "P001",
                    f"`{node.name}` cannot be used in this filter", node,
                    None if denied or policy.allowed_fields is None else
                    "fields you can filter on: " + ", ".join(sorted(policy.allowed_fields)))
        elif isinstance(node, Predicate):
            predicates += 1
            if predicates == policy.max_predicates + 1:
                add("P004", f"more than {policy.max_predicates} comparisons", node,
                    "narrow the filter to fewer conditions")
            if policy.allowed_operators is not None and node.op not in policy.allowed_operators:
                allowed = ", ".join(sorted(o.value for o in policy.allowed_operators))
                add("P003", f"`{node.op.value}` is not allowed here", node, f"use one of: {allowed}")
            if isinstance(node.value, tuple) and len(node.value) > policy.max_in_list:
                add("P005", f"the list has {len(node.value)} values; at most {policy.max_in_list} are allowed",
                    node, "split the filter or narrow the list")
            if (
                not policy.leading_wildcard and node.op in (Op.LIKE, Op.NOT_LIKE)
                and isinstance(node.value, String) and node.value.value[:1] in ("*", "%", "_")
            ):
                add("P006", "a pattern may not start with a wildcard here", node.value,
                    "start the pattern with text, e.g. \"abc*\"")
        elif isinstance(node, String):
            if not policy.allow_escapes and needs_escape(node.value):
                add("P008", "this string can only be sent with a backslash escape, which the server "
                    "may read differently", node,
                    "use one kind of quote inside the text, or no backslash next to a quote")
            bad = None if policy.allow_control_characters else _CONTROL.search(node.value)
            if bad is not None:
                add("P007", f"the string holds the control character U+{ord(bad.group()):04X}", node,
                    "remove invisible and control characters")
    return found
