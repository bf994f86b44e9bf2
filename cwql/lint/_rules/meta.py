"""Suppressions and directives: rules the engine reports itself, about the linter's own comments."""

from __future__ import annotations

from .._model import Rule
from .base import META

__all__ = ["DIRECTIVE", "RULES", "UNUSED_NOQA"]

UNUSED_NOQA = Rule(
    "M001", "unused-noqa", META, "warning",
    "A `# cwql: noqa` comment that suppresses nothing.",
    what=(
        "A `# cwql: noqa` with no finding to suppress on its line, or naming a code that does not "
        "fire there or that cwql does not know."
    ),
    why=(
        "A stale suppression hides the next real problem on that line, and an unknown code is "
        "usually a typo that suppresses nothing."
    ),
    example='summary contains "x"  # cwql: noqa: V001',
    fix='summary contains "x"',
    fixable="safe",
    kinds=frozenset(),
)

DIRECTIVE = Rule(
    "M002", "invalid-directive", META, "error",
    "A `# cwql:` comment the linter cannot read.",
    what=(
        "A `# cwql:` comment that is neither `noqa` nor `key=value` settings with the keys "
        "`kind` and `endpoint`, or that names an unknown kind."
    ),
    why="A misspelt directive is silently ignored by a reader, and the queries below it are then "
    "checked as the wrong parameter.",
    example="# cwql: kind=childCondition",
    fix="# cwql: kind=childConditions",
    kinds=frozenset(),
)

RULES: tuple[Rule, ...] = (UNUSED_NOQA, DIRECTIVE)
