"""Printing findings: text, json (ruff's shape), GitHub workflow commands, SARIF 2.1.0."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote

from .._version import __version__
from ..errors import render_diagnostic
from ._engine import FileResult
from ._model import DOCS_URL, Finding, Fix
from ._rules import RULES
from ._sources.base import LineIndex

__all__ = ["FORMATS", "write"]

FORMATS = ("text", "json", "github", "sarif")

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def text_block(finding: Finding, text: str, *, color: bool = False, path: bool = True) -> str:
    """``path:line:col: CODE [*] severity: message``, the line with a caret under the span, hint, fix."""
    d = finding.diagnostic
    # A file that could not be read has no line to show.
    lines = render_diagnostic(text, d).split("\n") if text else [""]
    marker = " [*]" if finding.fix is not None and finding.fix.applicability == "safe" else ""
    head = f"{d.line}:{d.column}: "
    paint = "1;" + _COLORS.get(d.severity, "31")
    code = _paint(d.code, paint, color)
    lines[0] = head + f"{code}{marker} {_paint(d.severity, _COLORS.get(d.severity, '31'), color)}: {d.message}"
    if path:
        lines[0] = _paint(finding.path, "1", color) + ":" + lines[0]
    if len(lines) > 2:
        lines[2] = _paint(lines[2], _COLORS.get(d.severity, "31"), color)
    if finding.fix is not None:
        lines.append(f"  fix: {finding.fix.message}"
                     + ("" if finding.fix.applicability == "safe" else " (unsafe: --unsafe-fixes)"))
    return "\n".join(lines)


def _fixable(findings: list[Finding]) -> tuple[int, int]:
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
    unsafe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe")
    return safe, unsafe


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "All checks passed."
    n = len(findings)
    counts = Counter(f.diagnostic.severity for f in findings)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}"
             for s in ("error", "warning", "info") if counts[s]]
    line = f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(parts)})."
    safe, unsafe = _fixable(findings)
    if safe:
        line += f"\n[*] {safe} fixable with `cwql lint --fix`."
    if unsafe:
        line += f"\n{unsafe} more fixable with `--fix --unsafe-fixes`."
    return line


def _location(row: int, column: int) -> dict[str, int]:
    return {"column": column, "row": row}


def _edits_json(fix: Fix, lines: LineIndex) -> list[dict[str, Any]]:
    out = []
    for e in fix.edits:
        out.append({
            "content": e.content,
            "location": _location(*lines.line_column(e.start)),
            "end_location": _location(*lines.line_column(e.end)),
        })
    return out


def as_json(results: Iterable[FileResult]) -> list[dict[str, Any]]:
    """Findings as ruff's ``--output-format json`` writes them (plus ``name`` and ``severity``)."""
    out = []
    for result in results:
        lines = LineIndex(result.text)
        for f in result.findings:
            d = f.diagnostic
            out.append({
                "cell": None,
                "code": d.code,
                "end_location": _location(d.end_line, d.end_column),
                "filename": f.path,
                "fix": None if f.fix is None else {
                    "applicability": f.fix.applicability,
                    "edits": _edits_json(f.fix, lines),
                    "message": f.fix.message,
                },
                "location": _location(d.line, d.column),
                "message": d.message,
                "name": f.rule.name,
                "noqa_row": d.line,
                "severity": d.severity,
                "url": f.rule.url,
            })
    return out


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def github_lines(results: Iterable[FileResult]) -> list[str]:
    """One workflow command per finding: ``::error file=...,line=...::message``."""
    out = []
    for result in results:
        for f in result.findings:
            d = f.diagnostic
            props = ",".join(f"{k}={_escape_property(str(v))}" for k, v in (
                ("title", f"cwql ({d.code})"), ("file", f.path), ("line", d.line),
                ("col", d.column), ("endLine", d.end_line), ("endColumn", d.end_column),
            ))
            message = f"{f.path}:{d.line}:{d.column}: {d.code} {d.message}"
            out.append(f"::{_GITHUB_LEVEL[d.severity]} {props}::{_escape_data(message)}")
    return out


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def sarif(results: Iterable[FileResult]) -> dict[str, Any]:
    """A SARIF 2.1.0 log: the whole rule catalogue, and a result per finding."""
    rules = list(RULES.values())
    index = {r.code: i for i, r in enumerate(rules)}
    runs_results = []
    for result in results:
        for f in result.findings:
            d = f.diagnostic
            runs_results.append({
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(f.path)},
                        "region": {
                            "startLine": d.line, "startColumn": d.column,
                            "endLine": d.end_line, "endColumn": d.end_column,
                        },
                    },
                }],
            })
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "cwql",
                "version": __version__,
                "informationUri": DOCS_URL,
                "rules": [{
                    "id": r.code,
                    "name": r.name,
                    "shortDescription": {"text": r.summary},
                    "fullDescription": {"text": f"{r.what} {r.why}"},
                    "helpUri": r.url,
                    "help": {"text": f"{r.what}\n\nWhy: {r.why}\n\nExample: {r.example}\n\nFix: {r.fix}"},
                    "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity],
                                             "enabled": r.default},
                    "properties": {"family": r.family.name},
                } for r in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": runs_results,
        }],
    }


def statistics(results: Iterable[FileResult]) -> list[str]:
    counts: Counter[str] = Counter()
    fixable: set[str] = set()
    for result in results:
        for f in result.findings:
            counts[f.code] += 1
            if f.fix is not None and f.fix.applicability == "safe":
                fixable.add(f.code)
    width = len(str(max(counts.values(), default=0)))
    return [
        f"{n:>{width}}  {code}  {'[*]' if code in fixable else '   '} {RULES[code].name}"
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def write(results: list[FileResult], fmt: str, stream: TextIO, *, color: bool = False,
          stats: bool = False) -> None:
    """Print ``results`` to ``stream`` in the chosen format."""
    if stats and fmt == "text":
        for line in statistics(results):
            print(line, file=stream)
        return
    if fmt == "json":
        json.dump(as_json(results), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    elif fmt == "github":
        for line in github_lines(results):
            print(line, file=stream)
    elif fmt == "sarif":
        json.dump(sarif(results), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    else:
        findings = [f for r in results for f in r.findings]
        for result in results:
            for f in result.findings:
                print(text_block(f, result.text, color=color), file=stream)
        print(summary(findings), file=stream)
