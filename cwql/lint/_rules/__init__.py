"""The rule catalogue: a rule for every code of the linted families, by code.

Codes, names and documentation are the registry's (``cwql._codes``). The
family modules attach a check to each code of theirs (``V`` values, ``L``
logic, ``C`` style, ``W`` wire); the other codes are reported by the engine
itself: ``E`` the parser's syntax errors, ``S`` the schema checker's findings
(when the endpoint is known), ``M`` suppressions and directives.
"""

from __future__ import annotations

from ..._codes import CODES
from .._model import Rule
from . import logic, meta, style, values, wire
from .base import FAMILIES

__all__ = ["FAMILIES", "RULES"]

_DEFINED = {r.code: r for module in (values, logic, style, wire, meta) for r in module.RULES}

#: Every rule, by code, in catalogue order.
RULES: dict[str, Rule] = {
    code: _DEFINED.get(code) or Rule(entry)
    for code, entry in CODES.items()
    if entry.family.linted
}
