"""The rule catalogue as text: what ``cwql rule CODE`` prints and the docs page is built from."""

from __future__ import annotations

from ._model import Rule
from ._rules import FAMILIES, RULES

__all__ = ["explain", "find", "table"]


def find(code_or_name: str) -> Rule | None:
    """A rule by code (any case) or kebab-case name."""
    rule = RULES.get(code_or_name.upper())
    if rule is not None:
        return rule
    return next((r for r in RULES.values() if r.name == code_or_name.lower()), None)


def _fix_label(rule: Rule) -> str:
    return {"safe": "safe fix", "unsafe": "unsafe fix"}.get(rule.fixable or "", "no fix")


def explain(rule: Rule, heading: str = "#") -> str:
    """The rule's documentation in Markdown (also readable as plain text)."""
    kinds = ", ".join(sorted(rule.kinds)) if rule.kinds else "every parameter"
    lines = [
        f"{heading} {rule.code} {rule.name}",
        "",
        rule.summary,
        "",
        f"Family: {rule.family.title} · severity: {rule.severity} · {_fix_label(rule)} · "
        f"{'on' if rule.default else 'off'} by default · applies to: {kinds}",
        "",
        f"**What.** {rule.what}",
        "",
        f"**Why.** {rule.why}",
        "",
    ]
    if rule.example:
        lines += ["**Example.**", "", "```text", rule.example, "```", "",
                  "**Fix.**", "", "```text", rule.fix, "```", ""]
    return "\n".join(lines)


def table() -> list[str]:
    """One line per rule, grouped by family: code, name, severity, fix, default."""
    out = []
    for family in FAMILIES:
        rules = [r for r in RULES.values() if r.family is family]
        out.append(f"{family.letter}  {family.title}" + ("" if rules else "  (reserved)"))
        for r in rules:
            fix = {"safe": "[*]", "unsafe": "[~]"}.get(r.fixable or "", "   ")
            off = "" if r.default else "  (off by default)"
            out.append(f"  {r.code}  {fix} {r.name:<28} {r.severity:<8}{off}")
    return out
