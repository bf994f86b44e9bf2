"""The linter's records: rules, what a rule reports, fixes, findings.

A rule reads one parsed query through a :class:`Context` and yields
:class:`Problem` records in the query's own offsets. The engine turns each into
a :class:`Finding` in the host file's offsets (a ``.cwql`` line, a Python string
literal, a YAML or JSON value), which is what every output format prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .._codes import DOCS_URL, Applicability, Code, Family, Severity
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


@dataclass(frozen=True, slots=True)
class Settings:
    """What rules may be configured with (``[tool.cwql]`` keys in brackets)."""

    #: The URL budget the server documents [max-url-length].
    max_url_length: int = 2000
    #: The base URL a request is built on, for the length budget [base-url].
    base_url: str = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"


@dataclass(frozen=True, slots=True)
class Context:
    """What a rule knows about the query it checks.

    ``kind`` is the parameter (``conditions``, ``childConditions``,
    ``customFieldConditions``, ``orderBy``, ``fields``); ``endpoint`` comes from
    a directive comment, the config or ``--endpoint``; ``schema`` is the field
    schema for that endpoint when one is available (rules that need it skip
    when it is None). ``text`` is the query as written, for fixes.
    """

    text: str
    kind: str
    endpoint: str | None = None
    schema: Any = None
    settings: Settings = field(default_factory=Settings)
    #: Every node of the query in source order (the engine walks the tree once).
    nodes: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``[start, end)`` with ``content`` (offsets into the query or the host file)."""

    start: int
    end: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A change that resolves a problem; ``safe`` fixes keep the query's meaning."""

    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = "safe"


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule reports, in the query's offsets.

    ``related`` lists other spans the finding depends on (the first of two
    duplicates, say): a finding whose spans touch a part of the query that was
    only known at run time (an f-string hole) is dropped, not guessed at.
    """

    start: int
    end: int
    message: str
    hint: str | None = None
    fix: Fix | None = None
    related: tuple[tuple[int, int], ...] = ()


Check = Callable[[Any, Context], Iterable[Problem]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A lint rule: its code's entry in the registry, where it applies, and the check itself.

    Everything documented about the rule (name, family, severity, texts,
    example, fix, whether it is on by default) is the registry's
    (:data:`cwql.errors.CODES`); the rule adds ``kinds``, the parameters it
    applies to (empty: every one), and ``visits``, the node classes the engine
    calls ``check`` with (empty: once per query, with the root node). A rule
    with no ``check`` is reported by the engine itself (syntax errors, schema
    findings, noqa and directives) or by the runner (files it cannot read).
    """

    entry: Code
    kinds: frozenset[str] = frozenset()
    visits: tuple[type[Node], ...] = ()
    check: Check | None = None

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


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem in a file: the rule, a diagnostic in the host file's coordinates, a fix.

    ``diagnostic`` offsets, lines and columns are the host file's; ``fix``
    edits are in host offsets too, or None when there is no fix or it cannot be
    written back into the host literal.
    """

    path: str
    rule: Rule
    diagnostic: Diagnostic
    fix: Fix | None = None

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def message(self) -> str:
        return self.diagnostic.message
