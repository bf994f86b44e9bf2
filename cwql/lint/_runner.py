"""One file at a time: read it, find its queries, lint, fix or format it.

The CLI drives this; a test or an editor integration can too. Nothing here
prints: notices come back as strings, results as :class:`FileResult`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .._record import Record
from ..errors import CWQLError
from ._config import Config
from ._engine import FileResult, Linter, apply_edits
from ._files import Source, Target, Unreadable, load
from ._format import format_site
from ._model import Edit, Fix
from ._rules import RULES
from ._sources import read
from ._sources.base import Extraction

__all__ = ["FormattedFile", "Runner"]

# Rounds of fixing: a fix can make another one possible (or visible).
_FIX_ROUNDS = 10


class FormattedFile(Record, frozen=False):
    """What ``cwql fmt`` did to one file."""

    __slots__ = ("changed", "refused", "result", "text")
    result: FileResult
    text: str
    changed: int
    #: Queries that could not be written back: (line, column, why).
    refused: list[tuple[int, int, str]]

    def __init__(
        self,
        result: FileResult,
        text: str,
        changed: int = 0,
        refused: list[tuple[int, int, str]] | None = None,
    ) -> None:
        self.result = result
        self.text = text
        self.changed = changed
        self.refused = [] if refused is None else refused


class Runner(Record, frozen=False):
    """The config and the linter that lint, fix and format files, one at a time."""

    __slots__ = ("_fixing", "_syntax", "config", "endpoint", "kind", "linter")
    config: Config
    linter: Linter
    kind: str | None
    endpoint: str | None

    def __init__(self, config: Config, linter: Linter, kind: str | None = None,
                 endpoint: str | None = None) -> None:
        self.config = config
        self.linter = linter
        self.kind = kind
        self.endpoint = endpoint
        # Made on first use and kept: the same runner verifying fixes, and one with the syntax
        # rules, whose fixes fmt applies.
        self._fixing: Runner | None = None
        self._syntax: Runner | None = None

    @property
    def fixing(self) -> Runner:
        """This runner with fixes verified (each fix re-parsed), made once and kept."""
        if self._fixing is None:
            if self.linter.verify_fixes:
                self._fixing = self
            else:
                verifying = Linter(self.linter.enabled, self.linter.settings, self.linter.schema,
                                   verify_fixes=True)
                self._fixing = Runner(self.config, verifying, self.kind, self.endpoint)
        return self._fixing

    def _extract(self, relative: str, filetype: str, text: str) -> Extraction:
        kind, endpoint = self.config.kind_and_endpoint(relative)
        return read(filetype, text, self.kind or kind, self.endpoint or endpoint,
                    self.config.about_connectwise(relative))

    def load(self, target: Target) -> Source | FileResult:
        """The file's text, or the result for a file that cannot be read (an F001 finding)."""
        try:
            if target.unlistable is not None:
                raise Unreadable(target.unlistable)
            return load(target.path, target.filetype, self.config.max_file_size)
        except Unreadable as e:
            enabled = self.config.enabled_for(target.relative, self.linter.enabled)
            result = self.linter.unreadable(target.display, str(e))
            result.findings = [f for f in result.findings if f.code in enabled]
            return result

    def lint_text(self, display: str, relative: str, filetype: str, text: str) -> FileResult:
        extraction = self._extract(relative, filetype, text)
        enabled = self.config.enabled_for(relative, self.linter.enabled)
        return self.linter.lint_extraction(display, text, extraction, enabled)

    def fix_text(self, display: str, relative: str, filetype: str, text: str,
                 unsafe: bool = False) -> tuple[str, int, FileResult]:
        """Apply fixes until none is left; returns the text, the number applied, the last result."""
        fixed = 0
        runner = self.fixing
        seen = {hash(text)}
        for _ in range(_FIX_ROUNDS):
            result = runner.lint_text(display, relative, filetype, text)
            chosen = _non_overlapping(
                f.fix for f in result.findings
                if f.fix is not None and (unsafe or f.fix.applicability == "safe")
                and any(text[e.start:e.end] != e.content for e in f.fix.edits)
            )
            if not chosen:
                return text, fixed, result
            new = apply_edits(text, [e for fix in chosen for e in fix.edits])
            # Stop when the fixes undo each other (a round comes back to an earlier text),
            # and when they leave the file unreadable (for Python: no longer valid Python).
            if hash(new) in seen or self._extract(relative, filetype, new).skipped is not None:
                return text, fixed, result
            seen.add(hash(new))
            text = new
            fixed += len(chosen)
        return text, fixed, runner.lint_text(display, relative, filetype, text)

    def format_text(self, display: str, relative: str, filetype: str, text: str) -> FormattedFile:
        """The file with the syntax errors that have an obvious repair repaired, and every query
        that parses in canonical form."""
        if self._syntax is None:
            syntax = Linter([c for c in RULES if c.startswith("E")], self.linter.settings,
                            verify_fixes=True)
            self._syntax = Runner(self.config, syntax, self.kind, self.endpoint)
        text, _, result = self._syntax.fix_text(display, relative, filetype, text)
        extraction = self._extract(relative, filetype, text)
        bad = {f.diagnostic.start for f in result.findings}
        edits: list[Edit] = []
        expected: list[str] = []
        out = FormattedFile(result, text)
        for site in extraction.sites:
            try:
                formatted = format_site(site)
            except CWQLError:
                expected.append(site.text)
                continue
            if formatted is None:
                expected.append(site.text)
                continue
            if formatted.edits is None:
                start = site.map.start(0)
                if start not in bad:
                    line = text.count("\n", 0, start) + 1
                    out.refused.append((line, start - text.rfind("\n", 0, start),
                                        formatted.reason or "cannot be written back"))
                expected.append(site.text)
                continue
            edits += formatted.edits
            expected.append(formatted.text)
            out.changed += 1
        if not edits:
            return out
        new = apply_edits(text, edits)
        check = self._extract(relative, filetype, new)
        if Counter(s.text for s in check.sites) != Counter(expected):
            out.refused.append((1, 1, "formatting would change the file in a way cwql cannot "
                                      "verify; it is left as it is (please report this)"))
            out.changed = 0
            return out
        out.text = new
        return out


def _non_overlapping(fixes: Iterable[Fix]) -> list[Fix]:
    """Fixes that touch no text another one (earlier in the file) already changes."""
    taken: list[Fix] = []
    end = -1
    for fix in sorted(fixes, key=lambda f: min(e.start for e in f.edits)):
        if min(e.start for e in fix.edits) >= end:
            taken.append(fix)
            end = max(e.end for e in fix.edits)
    return taken
