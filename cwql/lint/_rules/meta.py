"""Suppressions and directives: rules the engine reports itself, about the linter's own comments."""

from __future__ import annotations

from ..._codes import CODES
from .._model import Rule

__all__ = ["DIRECTIVE", "RULES", "UNUSED_NOQA"]

UNUSED_NOQA = Rule(CODES["M001"])
DIRECTIVE = Rule(CODES["M002"])

RULES: tuple[Rule, ...] = (UNUSED_NOQA, DIRECTIVE)
