"""Combining and negating conditions: ``&``, ``|``, ``~``, all_of, any_of, and EMPTY.

The operators on :class:`cwql.syntax.Expr` delegate here, so parsed and built
conditions combine the same way. Everything is plain boolean algebra on the
tree and knows nothing about which parameter a condition is for.

Negation is pushed down to the operators the language has (LANGUAGE.md §2.5:
there is no standalone ``not``): ``=`` and ``!=``, ``<`` and ``>=``, ``in`` and
``not in``, ``contains`` and ``not contains``, ``like`` and ``not like`` swap,
and De Morgan turns ``and`` into ``or``. A negated comparison is the SQL one,
so a record whose field is null matches neither ``x=1`` nor ``~(x=1)``.

The empty condition (:data:`EMPTY`) matches every record and is sent as no
parameter at all. It is not an :class:`~cwql.syntax.Expr`, so it can never sit
inside an ``And`` or ``Or``, and ``cwql.parse`` never returns it.
"""

from __future__ import annotations

from typing import NoReturn, TypeAlias, overload

from .errors import CWQLTypeError, InvalidValueError
from .syntax import And, Expr, Or, Predicate

__all__ = ["EMPTY", "Condition", "Empty", "all_of", "any_of", "conjoin", "disjoin", "negate"]

NO_TRUTH_VALUE = (
    "a cwql condition has no truth value, so Python's `and`, `or`, `not`, `if`, `in` and "
    "chained comparisons (`1 < F.x < 5`) cannot use it. Combine conditions with `&` (and), "
    "`|` (or) and `~` (not), with parentheses around each comparison: "
    "(F.a == 1) & ((F.b > 2) | ~(F.c == 3)); for a range write F.x.between(low, high), "
    "for a list F.x.in_([...])"
)


class Empty:
    """The type of :data:`EMPTY`, the condition with no terms.

    It matches every record and produces no parameter. ``EMPTY & c`` is ``c``;
    ``EMPTY | c`` and ``~EMPTY`` raise, because an ``or`` with "everything" is
    "everything" (almost always a bug when collecting alternatives) and "nothing"
    cannot be written in the language.
    """

    __slots__ = ()
    _instance: Empty | None = None

    def __new__(cls) -> Empty:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __and__(self, other: Condition) -> Condition:
        return conjoin(self, other)

    def __rand__(self, other: object) -> Condition:
        return conjoin(other, self)

    def __or__(self, other: Condition) -> NoReturn:
        disjoin(self, other)
        raise AssertionError("unreachable")  # pragma: no cover

    def __ror__(self, other: object) -> NoReturn:
        disjoin(other, self)
        raise AssertionError("unreachable")  # pragma: no cover

    def __invert__(self) -> NoReturn:
        raise CWQLTypeError(
            "~cwql.EMPTY would match no record, and the language has no way to say that; "
            "skip the request instead"
        )

    def __bool__(self) -> NoReturn:
        raise CWQLTypeError(NO_TRUTH_VALUE + "; to test for the empty condition use `cond is cwql.EMPTY`")

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "cwql.EMPTY"

    def __reduce__(self) -> str:
        return "EMPTY"


#: The empty condition: the identity of ``&``; a Query sends no parameter for it.
EMPTY = Empty()

#: What a condition parameter holds: a tree, or the empty condition.
Condition: TypeAlias = Expr | Empty


def _conjunct(value: object) -> object:
    """A validated filter (anything with ``__cwql_expr__``) joins ``&`` as its tree.

    Only ``&`` and :func:`all_of` take it: ANDing a user's validated filter
    under the application's condition is the safe use, and ``|`` would widen
    the application's scope, so ``|`` keeps refusing it.
    """
    convert = getattr(type(value), "__cwql_expr__", None)
    return convert(value) if convert is not None else value


def _require(value: object, where: str) -> None:
    if isinstance(value, (Expr, Empty)):
        return
    raise CWQLTypeError(not_a_condition(value, where))


def not_a_condition(value: object, where: str) -> str:
    """Why ``value`` cannot be used with ``where`` (an operator or function name)."""
    from .dsl import _Comparable  # dsl imports this module

    kind = type(value).__name__
    if isinstance(value, _Comparable):
        return (
            f"{value!r} is a field, not a condition, so it cannot be used with {where}. "
            "`&` and `|` bind tighter than `==`: `F.a == 1 & F.b == 2` means "
            "`F.a == (1 & F.b) == 2`. Put parentheses around each comparison: "
            "(F.a == 1) & (F.b == 2)"
        )
    if isinstance(value, bool):
        return (
            f"{where} got a bool, not a condition: a Python test such as `F.x is None` "
            "(always False) or `x in list` was evaluated. Use F.x.is_null(), F.x.in_([...])"
        )
    if isinstance(value, str):
        return f"{where} got a str, not a condition: parse text first with cwql.parse(text)"
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "__next__"):
        return (
            f"{where} got a {kind}, not a condition: pass conditions as separate "
            "arguments, all_of(*conditions)"
        )
    return f"{where} takes conditions, not {kind}"


def conjoin(left: object, right: object) -> Condition:
    """``left & right``: both hold. ``EMPTY`` is the identity."""
    left, right = _conjunct(left), _conjunct(right)
    _require(left, "`&`")
    _require(right, "`&`")
    if isinstance(left, Empty):
        return right  # type: ignore[return-value]
    if isinstance(right, Empty):
        return left  # type: ignore[return-value]
    return And((left, right))  # type: ignore[arg-type]


def disjoin(left: object, right: object) -> Expr:
    """``left | right``: at least one holds. ``EMPTY`` is refused."""
    _require(left, "`|`")
    _require(right, "`|`")
    if isinstance(left, Empty) or isinstance(right, Empty):
        raise CWQLTypeError(_EMPTY_OR)
    return Or((left, right))  # type: ignore[arg-type]


_EMPTY_OR = (
    "cwql.EMPTY | condition would match every record, dropping the condition. To build an "
    "`or` of several conditions collect them and use cwql.any_of(*conditions)"
)


def negate(expr: object) -> Expr:
    """``~expr``: the condition with every operator negated and ``and``/``or`` swapped.

    Built without recursion: a post-order walk over an explicit stack.
    """
    if isinstance(expr, Predicate):
        return Predicate(expr.path, expr.op.negated, expr.value)
    if isinstance(expr, Empty):
        expr.__invert__()  # raises, with the reason
    _require(expr, "`~`")
    assert isinstance(expr, (And, Or))
    done: dict[int, Expr] = {}
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if isinstance(node, Predicate):
            done[id(node)] = Predicate(node.path, node.op.negated, node.value)
        elif not expanded:
            stack.append((node, True))
            stack.extend((child, False) for child in node.operands)  # type: ignore[attr-defined]
        else:
            flipped = Or if type(node) is And else And
            done[id(node)] = flipped(
                tuple(done[id(child)] for child in node.operands)  # type: ignore[attr-defined]
            )
    return done[id(expr)]


@overload
def all_of() -> Empty: ...
@overload
def all_of(first: Expr, /, *rest: Condition) -> Expr: ...
@overload
def all_of(*conditions: Condition) -> Condition: ...


def all_of(*conditions: Condition) -> Condition:
    """Every condition holds: ``a & b & ...`` in one step (linear, however many).

    With no conditions (or only ``EMPTY``) it is :data:`EMPTY`.
    """
    operands: list[Expr] = []
    for given in conditions:
        condition = _conjunct(given)
        _require(condition, "all_of()")
        if isinstance(condition, Expr):
            operands.append(condition)
    if not operands:
        return EMPTY
    if len(operands) == 1:
        return operands[0]
    return And(tuple(operands))


def any_of(*conditions: Expr) -> Expr:
    """At least one condition holds: ``a | b | ...`` in one step.

    Needs at least one condition: an ``or`` of nothing matches no record, which
    the language cannot say. ``EMPTY`` is refused as it is by ``|``.
    """
    if not conditions:
        raise InvalidValueError(
            "any_of() of no conditions would match no record, which the language cannot say; "
            "skip the request when there is nothing to match"
        )
    for condition in conditions:
        _require(condition, "any_of()")
        if isinstance(condition, Empty):
            raise CWQLTypeError(_EMPTY_OR)
    if len(conditions) == 1:
        return conditions[0]
    return Or(tuple(conditions))
