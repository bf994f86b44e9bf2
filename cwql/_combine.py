"""``all_of`` and ``any_of``: *and* / *or* of any number of conditions in one step.

``&``, ``|``, ``~`` and :data:`~cwql.syntax.EMPTY` are defined with the nodes
(:mod:`cwql.syntax`); these two build the same trees from many conditions at
once, in time linear in their number.
"""

from __future__ import annotations

from typing import overload

from .errors import CWQLTypeError, InvalidValueError
from .syntax import EMPTY, EMPTY_OR, And, Condition, Empty, Expr, Or, _conjunct, require_condition

__all__ = ["all_of", "any_of"]


@overload
def all_of() -> Empty: ...
@overload
def all_of(first: Expr, /, *rest: Condition) -> Expr: ...
@overload
def all_of(*conditions: Condition) -> Condition: ...


def all_of(*conditions: Condition) -> Condition:
    """Every condition holds: ``a & b & ...``.

    With no conditions (or only ``EMPTY``) it is :data:`~cwql.EMPTY`. Raises
    :class:`~cwql.CWQLTypeError` for an argument that is not a condition.
    """
    operands: list[Expr] = []
    for given in conditions:
        condition = _conjunct(given)
        require_condition(condition, "all_of()")
        if isinstance(condition, Expr):
            operands.append(condition)
    if not operands:
        return EMPTY
    if len(operands) == 1:
        return operands[0]
    return And(tuple(operands))


def any_of(*conditions: Expr) -> Expr:
    """At least one condition holds: ``a | b | ...``.

    Needs at least one condition: an ``or`` of nothing matches no record, which
    the language cannot say (:class:`~cwql.InvalidValueError`). ``EMPTY`` is
    refused as it is by ``|`` (:class:`~cwql.CWQLTypeError`).
    """
    if not conditions:
        raise InvalidValueError(
            "any_of() of no conditions would match no record, which the language cannot say; "
            "skip the request when there is nothing to match"
        )
    for condition in conditions:
        require_condition(condition, "any_of()")
        if isinstance(condition, Empty):
            raise CWQLTypeError(EMPTY_OR)
    if len(conditions) == 1:
        return conditions[0]
    return Or(tuple(conditions))
