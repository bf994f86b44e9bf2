"""Run the rules: over one query, and over every query a reader found in a file.

A :class:`Linter` is built once from the enabled rules; it parses each query
for its kind, walks the tree once, and calls each rule on the nodes it visits.
Findings are mapped to the host file through the site's offset map, filtered
through ``# cwql: noqa`` comments, and checked for unused suppressions.

A query that does not parse gets the syntax diagnostics' obvious repairs
(``cwql._diagnose.repair``) as one safe fix, repaired error by error until the
query parses; when it cannot be made to parse that way, it gets no fix. A
linter remembers what it found for each (text, kind, endpoint): a project
repeats its queries, and ``--fix`` lints a file once per round.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from .._parser import parse_kind
from .._record import Record
from ..errors import CWQLError, Diagnostic, ParseError
from ..syntax import Node, walk
from ._comments import Noqa, parse_comment
from ._model import Context, Edit, Finding, Fix, Problem, Rule, Settings
from ._rules import RULES
from ._rules.meta import DIRECTIVE, UNUSED_NOQA
from ._sources.base import HOLE, Comment, Extraction, LineIndex, OffsetMap, Site, Unchecked

__all__ = ["FileResult", "Linter", "apply_edits", "diff_edits", "host_edits"]

# Rounds of syntax repairs one query may take: each repairs what one parse reports.
_REPAIR_ROUNDS = 16
# Queries a linter remembers the problems of; past it, it starts over.
_CACHE_SIZE = 50_000
# Longer texts are replaced whole rather than diffed (the diff is quadratic).
_DIFF_LIMIT = 4000


def _schema_fix(d: Diagnostic) -> Fix:
    """The schema checker's safe rewrite of a finding's span (a spelling), carried in ``expected``."""
    return Fix(f"write {d.expected[0]}", (Edit(d.start, d.end, d.expected[0]),))


class FileResult(Record, frozen=False):
    """What linting one file found."""

    __slots__ = (
        "dynamic",
        "findings",
        "path",
        "queries",
        "sites",
        "skipped",
        "text",
        "unclaimed",
    )
    path: str
    text: str
    findings: list[Finding]
    queries: int
    #: Queries built at run time that could not be checked: (line, why).
    dynamic: list[tuple[int, str]]
    #: Why the file was not checked (or not completely); reported as a finding when its code is on.
    skipped: Unchecked | None
    #: Sites that fmt may rewrite, kept for it.
    sites: list[Site]
    #: Values under generic keys not read as queries, for want of ConnectWise evidence.
    unclaimed: int

    def __init__(
        self,
        path: str,
        text: str,
        findings: list[Finding] | None = None,
        queries: int = 0,
        dynamic: list[tuple[int, str]] | None = None,
        skipped: Unchecked | None = None,
        sites: list[Site] | None = None,
        unclaimed: int = 0,
    ) -> None:
        self.path = path
        self.text = text
        self.findings = [] if findings is None else findings
        self.queries = queries
        self.dynamic = [] if dynamic is None else dynamic
        self.skipped = skipped
        self.sites = [] if sites is None else sites
        self.unclaimed = unclaimed


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < max(b[1], b[0] + 1) and b[0] < max(a[1], a[0] + 1)


class Linter:
    """The enabled rules, ready to run."""

    def __init__(self, enabled: Iterable[str] | None = None, settings: Settings | None = None,
                 schema: Any = None, *, verify_fixes: bool = False) -> None:
        codes = set(RULES) if enabled is None else set(enabled)
        self.enabled = frozenset(codes)
        #: Re-parse each fix's result and drop fixes that break the query. Costs
        #: a parse per fixable finding, so it is on where fixes are applied.
        self.verify_fixes = verify_fixes
        self.settings = settings or Settings()
        self.schema = schema
        self._schema_codes = frozenset(c for c in codes if c.startswith("S"))
        self._by_type: dict[type[Node], list[Rule]] = {}
        self._per_query: list[Rule] = []
        # The same two tables narrowed to the rules of each kind, made on first use.
        self._for_kind: dict[str, tuple[dict[type[Node], list[Rule]], list[Rule]]] = {}
        for code in codes:
            rule = RULES[code]
            if rule.check is None:
                continue
            if rule.visits:
                for cls in rule.visits:
                    self._by_type.setdefault(cls, []).append(rule)
            else:
                self._per_query.append(rule)
        for rules in self._by_type.values():
            rules.sort(key=lambda r: r.code)
        self._per_query.sort(key=lambda r: r.code)
        self._cache: dict[tuple[str, str, str | None], tuple[tuple[Rule, Problem], ...]] = {}

    # ---- one query -----------------------------------------------------------

    def problems(self, text: str, kind: str, endpoint: str | None = None,
                 schema: Any = None) -> list[tuple[Rule, Problem]]:
        """Every enabled rule's problems with ``text``, in the query's offsets."""
        if schema is not None:
            return self._problems(text, kind, endpoint, schema)
        key = (text, kind, endpoint)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            found = self._cache[key] = tuple(self._problems(text, kind, endpoint, None))
        return list(found)

    def _problems(self, text: str, kind: str, endpoint: str | None,
                  schema: Any) -> list[tuple[Rule, Problem]]:
        try:
            root = parse_kind(text, kind)
        except ParseError as e:
            reported = [d for d in e.diagnostics if d.code in self.enabled]
            if not reported:
                return []
            fix = _syntax_fix(text, kind, e)
            return [
                (RULES.get(d.code, RULES["E001"]),
                 Problem(d.start, d.end, d.message, d.hint, fix if i == 0 else None))
                for i, d in enumerate(reported)
            ]
        except CWQLError as e:  # a tree too deep to build: report it, never crash
            if "E020" not in self.enabled:
                return []
            return [(RULES["E020"], Problem(0, len(text), str(e)))]
        by_type, per_query = self._rules_for(kind)
        nodes = tuple(walk(root))
        ctx = Context(text, kind, endpoint, schema if schema is not None else self.schema,
                      self.settings, nodes)
        found: list[tuple[Rule, Problem]] = []
        if by_type:
            get = by_type.get
            for node in nodes:
                rules = get(type(node))
                if rules:
                    for rule in rules:
                        for p in rule.check(node, ctx):  # type: ignore[misc]
                            found.append((rule, p))
        for rule in per_query:
            for p in rule.check(root, ctx):  # type: ignore[misc]
                found.append((rule, p))
        if ctx.endpoint is not None and self._schema_codes:
            found.extend(self._schema_problems(root, ctx))
        found.sort(key=lambda rp: (rp[1].start, rp[0].code))
        check = self._checked_fix if self.verify_fixes else _changing_fix
        return [(rule, check(p, text, kind) if p.fix is not None else p) for rule, p in found]

    def _schema_problems(self, root: Node, ctx: Context) -> list[tuple[Rule, Problem]]:
        """The schema family: the type checker runs once and its findings go to their rules."""
        from ..errors import SchemaError
        from ..schema import check, load

        schema = ctx.schema if ctx.schema is not None else load()
        assert ctx.endpoint is not None
        try:
            diagnostics = check(root, schema=schema, endpoint=ctx.endpoint, kind=ctx.kind, text=ctx.text)
        except SchemaError as e:
            if "S013" not in self.enabled:
                return []
            start, end = root.span or (0, len(ctx.text))
            return [(RULES["S013"], Problem(start, end, str(e),
                                            hint="fix the endpoint in the directive, config or --endpoint"))]
        found = []
        # L007 says it of a customFields/ path in conditions, with the rewritten condition.
        custom = "L007" in self.enabled and ctx.kind == "conditions"
        for d in diagnostics:
            if d.code not in self._schema_codes:
                continue
            if custom and d.code == "S004" and \
                    ctx.text[d.start:d.end].lower().startswith("customfields/"):
                continue
            rule = RULES[d.code]
            fix = _schema_fix(d) if rule.fixable == "safe" and len(d.expected) == 1 else None
            found.append((rule, Problem(d.start, d.end, d.message, d.hint, fix)))
        return found

    def _rules_for(self, kind: str) -> tuple[dict[type[Node], list[Rule]], list[Rule]]:
        tables = self._for_kind.get(kind)
        if tables is None:
            by_type = {cls: [r for r in rules if r.applies_to(kind)]
                       for cls, rules in self._by_type.items()}
            tables = ({cls: rules for cls, rules in by_type.items() if rules},
                      [r for r in self._per_query if r.applies_to(kind)])
            self._for_kind[kind] = tables
        return tables

    @staticmethod
    def _checked_fix(problem: Problem, text: str, kind: str) -> Problem:
        """Drop a fix that changes nothing, or whose result does not parse: a fix must never break a query."""
        assert problem.fix is not None
        fixed = apply_edits(text, problem.fix.edits)
        if fixed == text:
            return _without_fix(problem)
        try:
            parse_kind(fixed, kind)
        except CWQLError:
            return _without_fix(problem)
        return problem

    def unreadable(self, path: str, why: str) -> FileResult:
        """The result for a file that could not be read as text: an F001 finding when F001 is on."""
        unchecked = Unchecked("F001", RULES["F001"].entry.format(reason=why))
        return self.lint_extraction(path, "", Extraction(skipped=unchecked))

    def lint_query(self, text: str, kind: str, endpoint: str | None = None) -> FileResult:
        """Findings for one query given on its own (path ``-``), fixes included."""
        site = Site(text, kind, endpoint, OffsetMap.linear(len(text), 0), 1,
                    text.count("\n") + 1, _as_is)
        return self.lint_extraction("-", text, Extraction([site]))

    # ---- a file ----------------------------------------------------------------

    def lint_extraction(self, path: str, text: str, extraction: Extraction,
                        enabled: frozenset[str] | None = None) -> FileResult:
        """Findings for every site a reader found in ``text``, after noqa."""
        enabled = self.enabled if enabled is None else enabled
        lines = LineIndex(text)
        result = FileResult(path, text, queries=len(extraction.sites), skipped=extraction.skipped,
                            sites=extraction.sites, unclaimed=extraction.unclaimed)
        result.dynamic = [(lines.line(at), why) for at, why in extraction.dynamic]
        raw: list[tuple[Finding, Site | None]] = []
        for site in extraction.sites:
            for rule, problem in self.problems(site.text, site.kind, site.endpoint):
                if rule.code not in enabled:
                    continue
                if site.holes and any(
                    _overlaps(span, hole)
                    for span in ((problem.start, problem.end), *problem.related)
                    for hole in site.holes
                ):
                    continue
                raw.append((self._finding(path, lines, site, rule, problem), site))
        comments = [(c, parse_comment(c.body)) for c in extraction.comments]
        noqa: dict[int, list[tuple[Comment, Noqa, set[str]]]] = {}
        unchecked = extraction.skipped
        if unchecked is not None and unchecked.code in enabled:
            raw.append((self._at(path, lines, RULES[unchecked.code], unchecked.at, unchecked.at,
                                 unchecked.message), None))
        for comment, parsed in comments:
            if isinstance(parsed, Noqa):
                # With the codes it has suppressed so far.
                noqa.setdefault(comment.line, []).append((comment, parsed, set()))
            elif isinstance(parsed, str) and DIRECTIVE.code in enabled:
                raw.append((self._at(path, lines, DIRECTIVE, comment.start, comment.end,
                                     f"cannot read this `# cwql:` comment: {parsed}"), None))
        for finding, found_in in raw:
            if found_in is None or not self._suppressed(finding, found_in, noqa):
                result.findings.append(finding)
        if UNUSED_NOQA.code in enabled:
            result.findings += self._unused(path, text, lines, noqa, enabled)
        result.findings.sort(key=lambda f: (f.diagnostic.start, f.code))
        return result

    def _finding(self, path: str, lines: LineIndex, site: Site, rule: Rule,
                 problem: Problem) -> Finding:
        m = site.map
        start = m.start(problem.start)
        end = m.end(problem.end) if problem.end > problem.start else start
        fix = None
        if problem.fix is not None:
            fix = self._host_fix(site, problem.fix)
        return self._at(path, lines, rule, start, end, problem.message, fix, problem.hint)

    @staticmethod
    def _host_fix(site: Site, fix: Fix) -> Fix | None:
        edits = host_edits(site, fix.edits)
        return None if edits is None else Fix(fix.message, tuple(edits), fix.applicability)

    @staticmethod
    def _at(path: str, lines: LineIndex, rule: Rule, start: int, end: int, message: str,
            fix: Fix | None = None, hint: str | None = None) -> Finding:
        """A finding at host offsets ``[start, end)``."""
        line, column = lines.line_column(start)
        end_line, end_column = lines.line_column(end)
        diag = Diagnostic(rule.code, message, start, end, line, column, end_line, end_column,
                          (), hint, rule.severity)
        return Finding(path, rule, diag, fix)

    # ---- noqa ------------------------------------------------------------------

    @staticmethod
    def _suppressed(finding: Finding, site: Site,
                    noqa: dict[int, list[tuple[Comment, Noqa, set[str]]]]) -> bool:
        if not noqa:
            return False
        code = finding.code
        for line in range(site.first_line, site.last_line + 1):
            for _comment, parsed, used in noqa.get(line, ()):
                if parsed.codes is None or code in parsed.codes:
                    used.add(code)
                    return True
        return False

    def _unused(self, path: str, text: str, lines: LineIndex,
                noqa: dict[int, list[tuple[Comment, Noqa, set[str]]]],
                enabled: frozenset[str]) -> list[Finding]:
        out = []
        for entries in noqa.values():
            for comment, parsed, used in entries:
                if parsed.codes is None:
                    if used:
                        continue
                    message, keep = "`# cwql: noqa` suppresses nothing on this line", []
                else:
                    if UNUSED_NOQA.code in parsed.codes:
                        continue
                    unknown = [c for c in parsed.codes if c not in RULES]
                    unused = [c for c in parsed.codes if c in RULES and c in enabled and c not in used]
                    if not unknown and not unused:
                        continue
                    bits = []
                    if unused:
                        bits.append("nothing to suppress for " + ", ".join(unused))
                    if unknown:
                        bits.append("unknown code " + ", ".join(unknown))
                    message = "`# cwql: noqa`: " + "; ".join(bits)
                    keep = [c for c in parsed.codes if c not in unknown and c not in unused]
                if keep:
                    edit = Edit(comment.start, comment.end, "# cwql: noqa: " + ", ".join(keep))
                else:
                    # The comment and the blanks before it go.
                    start = comment.start
                    while start > 0 and text[start - 1] in " \t":
                        start -= 1
                    edit = Edit(start, comment.end, "")
                fix = Fix("Remove the unused suppression", (edit,))
                out.append(self._at(path, lines, UNUSED_NOQA, comment.start, comment.end,
                                    message, fix))
        return out


def _syntax_fix(text: str, kind: str, error: ParseError) -> Fix | None:
    """The diagnostics' repairs, round after round until the query parses; None when it does not.

    Each round applies the repair of every diagnostic the parse reported (a
    literal error and the syntax error after it, say); a diagnostic with no
    obvious repair ends the attempt, and so does a round that would not parse.
    """
    from .._diagnose import repair  # the error path only: it loads Lark's exceptions

    current = text
    messages: list[str] = []
    for _ in range(_REPAIR_ROUNDS):
        edits: list[Edit] = []
        for d in error.diagnostics:
            found = repair(current, d, kind)
            if found is None:
                return None
            messages.append(found.message)
            edits += (Edit(*e) for e in found.edits)
        edits.sort(key=lambda e: (e.start, e.end))
        if any(a.end > b.start for a, b in itertools.pairwise(edits)):
            return None
        current = apply_edits(current, edits)
        try:
            parse_kind(current, kind)
        except ParseError as e:
            error = e
            continue
        except CWQLError:
            return None
        said = list(dict.fromkeys(messages))
        message = "; then ".join([said[0], *(m[0].lower() + m[1:] for m in said[1:])])
        return Fix(message, tuple(diff_edits(text, current)))
    return None


def diff_edits(old: str, new: str) -> list[Edit]:
    """Edits that turn ``old`` into ``new``, each as small as a character diff makes it.

    Small edits keep a host's escapes and the parts of an implicit
    concatenation where the text does not change.
    """
    if len(old) + len(new) > _DIFF_LIMIT:
        return [Edit(0, len(old), new)]
    import difflib  # only fixes and fmt need it: `cwql check` starts without it

    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return [Edit(i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in ops if tag != "equal"]


def _without_fix(problem: Problem) -> Problem:
    return Problem(problem.start, problem.end, problem.message, problem.hint, None, problem.related)


def _changing_fix(problem: Problem, text: str, kind: str) -> Problem:
    """Drop a fix that leaves the query as it is: it would be offered, and counted, forever."""
    assert problem.fix is not None
    if all(text[e.start:e.end] == e.content for e in problem.fix.edits):
        return _without_fix(problem)
    return problem


def _as_is(part: int, text: str) -> str:
    return text


def host_edits(site: Site, edits: Iterable[Edit]) -> list[Edit] | None:
    """Query edits as host edits, or None when one cannot be written into the host literal.

    An edit must stay within one literal part and outside run-time holes, and
    the host must be able to spell its text (a raw string cannot escape).
    """
    if site.writer is None:
        return None
    m = site.map
    out = []
    for e in edits:
        parts = m.parts(e.start, e.end)
        if len(parts) != 1 or HOLE in parts:
            return None
        content = site.writer(parts.pop(), e.content)
        if content is None:
            return None
        start = m.start(e.start)
        out.append(Edit(start, m.end(e.end) if e.end > e.start else start, content))
    if site.verify is not None and not site.verify(out, apply_edits(site.text, edits)):
        return None
    return out


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied."""
    out = []
    at = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[at:e.start])
        out.append(e.content)
        at = e.end
    out.append(text[at:])
    return "".join(out)

