"""The rule catalogue: every rule, by code, from the family modules.

Codes are one letter for the family and three digits, as in ruff: ``E``
syntax (the parser's own codes), ``V`` values, ``L`` logic, ``C`` style, ``W``
wire, ``S`` schema (when the endpoint is known), ``M`` suppressions and directives. A code never
changes meaning; a retired rule's code is not reused.
"""

from __future__ import annotations

from .._model import Rule
from . import logic, meta, schema, style, syntax, values, wire
from .base import FAMILIES

__all__ = ["FAMILIES", "RULES"]

#: Every rule, by code, in catalogue order.
RULES: dict[str, Rule] = {
    r.code: r
    for module in (syntax, values, logic, style, wire, schema, meta)
    for r in module.RULES
}
