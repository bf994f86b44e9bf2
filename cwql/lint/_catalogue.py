"""The catalogue of codes as text: what ``cwql rule CODE`` prints and the docs pages are built from.

Every family of the registry is here, the policy codes of ``cwql.validate``
included; a code the linter reports also shows how the linter treats it.
"""

from __future__ import annotations

from .._codes import CODES, FAMILIES, Code
from .._codes import find as _find
from ._model import Rule
from ._rules import RULES

__all__ = ["example_context", "explain", "find", "fix_note", "inline", "shown", "table"]


def find(code_or_name: str) -> Code | None:
    """A code by its code (any case) or kebab-case name."""
    return _find(code_or_name)


def _fix_label(code: Code) -> str:
    return {"safe": "safe fix", "unsafe": "unsafe fix"}.get(code.fixable or "", "no fix")


def _facts(code: Code, rule: Rule | None) -> str:
    head = f"Family: {code.family.title} · severity: {code.severity}"
    if rule is None:
        return f"{head} · reported by `cwql.validate` under a `Policy`"
    if code.file is not None:
        kinds = "every file cwql reads"
    else:
        kinds = ", ".join(sorted(rule.kinds)) if rule.kinds else "every parameter"
    return (f"{head} · {_fix_label(code)} · {'on' if rule.default else 'off'} by default · "
            f"applies to: {kinds}")


def _call(name: str, keywords: tuple[tuple[str, object], ...]) -> str:
    return f"`{name}({', '.join(f'{k}={v!r}' for k, v in keywords)})`"


def example_context(code: Code) -> str:
    """What the example needs, in words: its parameter, endpoint, limits or policy ('' for none)."""
    if code.file is not None:
        return f"the whole of a file `{code.file}`"
    parts = []
    if code.kind != "conditions":
        parts.append(f"as `{code.kind}`")
    if code.endpoint:
        parts.append(f"on `{code.endpoint}`")
    if code.limits:
        parts.append("with " + _call("Limits", code.limits))
    if code.policy:
        parts.append("with " + _call("Policy", code.policy))
    return ", ".join(parts)


def shown(text: str, lines: bool = False) -> str:
    """``text`` with each invisible or control character written as ``<U+XXXX>``.

    With ``lines``, line breaks stay line breaks (a whole file's example).
    """
    if lines:
        return "\n".join(shown(line) for line in text.rstrip("\n").split("\n"))
    return "".join(c if c.isprintable() else f"<U+{ord(c):04X}>" for c in text)


def inline(text: str) -> str:
    """``text`` as a Markdown code span, which may hold backticks itself (a longer fence, padded)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def fix_note(code: Code) -> str:
    """Where the fix applies and who writes it: ``cwql lint --fix``, or the user by hand."""
    where = []
    if code.fix_endpoint:
        where.append(f"on `{code.fix_endpoint}`")
    if code.fix_kind:
        where.append(f"as `{code.fix_kind}`")
    head = f"**Fix** ({', '.join(where)})." if where else "**Fix.**"
    if code.fixable == "safe":
        how = "`cwql lint --fix` writes this (and `cwql fmt`, for a syntax error)."
    elif code.fixable == "unsafe":
        how = "`cwql lint --fix --unsafe-fixes` writes this: it may change what the query matches."
    elif code.family.linted:
        how = "By hand: `cwql lint --fix` has no fix for this code."
    else:
        how = "By hand."
    return f"{head} {how}"


def explain(code: Code, heading: str = "#") -> str:
    """The code's documentation in Markdown (also readable as plain text)."""
    context = example_context(code)
    lines = [
        f"{heading} {code.code} {code.name}",
        "",
        code.summary,
        "",
        _facts(code, RULES.get(code.code)),
        "",
        f"**What.** {code.what}",
        "",
        f"**Why.** {code.why}",
        "",
        f"**Message.** {inline(code.message)}",
        "",
        f"**Example** ({context})." if context else "**Example.**",
        "",
        "```text",
        shown(code.example, lines=code.file is not None),
        "```",
        "",
        fix_note(code),
        "",
        "```text",
        shown(code.fix, lines=code.file is not None),
        "```",
        "",
    ]
    return "\n".join(lines)


def table() -> list[str]:
    """One line per code, grouped by family: code, fix, name, severity, and when it is off."""
    out = []
    for family in FAMILIES:
        codes = [c for c in CODES.values() if c.family is family]
        note = "" if family.linted else "  (reported by cwql.validate, not the linter)"
        out.append(f"{family.letter}  {family.title}{note}")
        for c in codes:
            fix = {"safe": "[*]", "unsafe": "[~]"}.get(c.fixable or "", "   ")
            rule = RULES.get(c.code)
            off = "  (off by default)" if rule is not None and not rule.default else ""
            out.append(f"  {c.code}  {fix} {c.name:<28} {c.severity:<8}{off}")
    return out
