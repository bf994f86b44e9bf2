"""The linter's records: rules, what a rule reports, fixes, findings.

A rule reads one parsed query through a :class:`Context` and yields
:class:`Problem` records in the query's own offsets. The engine turns each into
a :class:`Finding` in the host file's offsets (a ``.cwql`` line, a Python string
literal, a YAML or JSON value), which is what every output format prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._codes import DOCS_URL, Applicability, Code, Family, Severity
from .._record import Record
from ..errors import Diagnostic
from ..syntax import Node

__all__ = [
    "DOCS_URL",
    "SEVERITIES",
    "Applicability",
    "Context",
    "Edit",
    "Family",
    "Finding",
    "Fix",
    "Problem",
    "Rule",
    "Settings",
    "Severity",
    "at_least",
]

#: Severities from the lowest.
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")


def at_least(severity: str, threshold: str) -> bool:
    """Whether ``severity`` is ``threshold`` or above it (``error`` > ``warning`` > ``info``)."""
    order: tuple[str, ...] = SEVERITIES
    return order.index(severity) >= order.index(threshold)


class Settings(Record):
    """What rules may be configured with (``[tool.cwql]`` keys in brackets)."""

    #: The URL budget the server documents [max-url-length].
    __slots__ = ("base_url", "max_url_length")
    max_url_length: int
    #: The base URL a request is built on, for the length budget [base-url].
    base_url: str

    def __init__(
        self,
        max_url_length: int = 2000,
        base_url: str = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0",
    ) -> None:
        _set = object.__setattr__
        _set(self, "max_url_length", max_url_length)
        _set(self, "base_url", base_url)


class Context(Record):
    """What a rule knows about the query it checks.

    ``kind`` is the parameter (``conditions``, ``childConditions``,
    ``customFieldConditions``, ``orderBy``, ``fields``); ``endpoint`` comes from
    a directive comment, the config or ``--endpoint``; ``schema`` is the field
    schema for that endpoint when one is available (rules that need it skip
    when it is None). ``text`` is the query as written, for fixes.
    """

    __slots__ = ("endpoint", "kind", "nodes", "schema", "settings", "text")
    text: str
    kind: str
    endpoint: str | None
    schema: Any
    settings: Settings
    #: Every node of the query in source order (the engine walks the tree once).
    nodes: tuple[Node, ...]

    def __init__(
        self,
        text: str,
        kind: str,
        endpoint: str | None = None,
        schema: Any = None,
        settings: Settings | None = None,
        nodes: tuple[Node, ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "text", text)
        _set(self, "kind", kind)
        _set(self, "endpoint", endpoint)
        _set(self, "schema", schema)
        _set(self, "settings", Settings() if settings is None else settings)
        _set(self, "nodes", nodes)


class Edit(Record):
    """Replace ``[start, end)`` with ``content`` (offsets into the query or the host file)."""

    __slots__ = ("content", "end", "start")
    start: int
    end: int
    content: str

    def __init__(self, start: int, end: int, content: str) -> None:
        _set = object.__setattr__
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "content", content)


class Fix(Record):
    """A change that resolves a problem; ``safe`` fixes keep the query's meaning."""

    __slots__ = ("applicability", "edits", "message")
    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability

    def __init__(
        self,
        message: str,
        edits: tuple[Edit, ...],
        applicability: Applicability = "safe",
    ) -> None:
        _set = object.__setattr__
        _set(self, "message", message)
        _set(self, "edits", edits)
        _set(self, "applicability", applicability)


class Problem(Record):
    """What a rule reports, in the query's offsets.

    ``related`` lists other spans the finding depends on (the first of two
    duplicates, say): a finding whose spans touch a part of the query that was
    only known at run time (an f-string hole) is dropped, not guessed at.
    """

    __slots__ = ("end", "fix", "hint", "message", "related", "start")
    start: int
    end: int
    message: str
    hint: str | None
    fix: Fix | None
    related: tuple[tuple[int, int], ...]

    def __init__(
        self,
        start: int,
        end: int,
        message: str,
        hint: str | None = None,
        fix: Fix | None = None,
        related: tuple[tuple[int, int], ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "message", message)
        _set(self, "hint", hint)
        _set(self, "fix", fix)
        _set(self, "related", related)


Check = Callable[[Any, Context], Iterable[Problem]]


class Rule(Record):
    """A lint rule: its code's entry in the registry, where it applies, and the check itself.

    Everything documented about the rule (name, family, severity, texts,
    example, fix, whether it is on by default) is the registry's
    (:data:`cwql.errors.CODES`); the rule adds ``kinds``, the parameters it
    applies to (empty: every one), and ``visits``, the node classes the engine
    calls ``check`` with (empty: once per query, with the root node). A rule
    with no ``check`` is reported by the engine itself (syntax errors, schema
    findings, noqa and directives) or by the runner (files it cannot read).
    """

    __slots__ = ("check", "entry", "kinds", "visits")
    entry: Code
    kinds: frozenset[str]
    visits: tuple[type[Node], ...]
    check: Check | None

    def __init__(
        self,
        entry: Code,
        kinds: frozenset[str] = frozenset(),
        visits: tuple[type[Node], ...] = (),
        check: Check | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "entry", entry)
        _set(self, "kinds", kinds)
        _set(self, "visits", visits)
        _set(self, "check", check)

    @property
    def default(self) -> bool:
        """On unless selected otherwise: what is wrong is; style and ``info`` codes are opt-in."""
        return self.entry.default

    @property
    def code(self) -> str:
        return self.entry.code

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def family(self) -> Family:
        return self.entry.family

    @property
    def severity(self) -> Severity:
        return self.entry.severity

    @property
    def summary(self) -> str:
        return self.entry.summary

    @property
    def what(self) -> str:
        return self.entry.what

    @property
    def why(self) -> str:
        return self.entry.why

    @property
    def example(self) -> str:
        return self.entry.example

    @property
    def fix(self) -> str:
        return self.entry.fix

    @property
    def fixable(self) -> Applicability | None:
        return self.entry.fixable

    @property
    def example_kind(self) -> str:
        return self.entry.kind

    @property
    def url(self) -> str:
        return self.entry.url

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class Finding(Record):
    """A problem in a file: the rule, a diagnostic in the host file's coordinates, a fix.

    ``diagnostic`` offsets, lines and columns are the host file's; ``fix``
    edits are in host offsets too, or None when there is no fix or it cannot be
    written back into the host literal.
    """

    __slots__ = ("diagnostic", "fix", "path", "rule")
    path: str
    rule: Rule
    diagnostic: Diagnostic
    fix: Fix | None

    def __init__(
        self,
        path: str,
        rule: Rule,
        diagnostic: Diagnostic,
        fix: Fix | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "rule", rule)
        _set(self, "diagnostic", diagnostic)
        _set(self, "fix", fix)

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def message(self) -> str:
        return self.diagnostic.message
