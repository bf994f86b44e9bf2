"""Conditions built with cwql's DSL in Python source, read without running the program.

An expression such as ``F.summary.like("printer") & (F.closedFlag == False)``
(or, with typed fields, ``Ticket.summary.like("printer")``) is rebuilt here
with the real DSL (:data:`cwql.F`, :mod:`cwql.fields`), so the condition is
the one the program builds, in the DSL's own conversion of each value; it is then
linted like any query, and its findings point at the whole expression. Only
what is written as literals is rebuilt: strings, numbers, booleans, ``None``,
lists and tuples of those, and ``date(...)``/``datetime(...)`` with literal
arguments. Anything else (a variable, a call into other code) leaves the
expression out: nothing here runs the user's code.
"""

from __future__ import annotations

import ast
import datetime as _dt
from collections.abc import Callable

from ...errors import CWQLError
from ...syntax import Expr

__all__ = ["build", "is_root", "mentions_f"]

_NOTHING = object()
# Python's datetime constructors by qualified name, and the UTC zone.
_DATES: dict[str, Callable[..., object]] = {
    "datetime.date": _dt.date, "datetime.datetime": _dt.datetime,
}
_UTC = frozenset({"datetime.timezone.utc", "datetime.UTC"})
# The deepest expression rebuilt: a generated chain of thousands of `&` is left out.
_MAX_DEPTH = 64


def build(expr: ast.expr, qualify: Callable[[ast.expr], str | None]) -> Expr | None:
    """The condition ``expr`` builds with the DSL, or None when it builds none from literals.

    ``qualify`` names what an expression's root is imported as (``cwql.F``).
    """
    value = _Builder(qualify).value(expr, 0)
    return value if is_condition(value) else None  # type: ignore[return-value]


def is_root(found: str | None) -> bool:
    """Whether a qualified name is a root of the DSL: ``cwql.F``, or a model of ``cwql.fields``."""
    if found is None or not found.startswith("cwql."):
        return False
    parts = found.split(".")
    return parts[-1] == "F" or (len(parts) == 3 and parts[1] == "fields")


def _dsl_object(value: object) -> bool:
    """A field, a field root or a typed model: what the DSL lets a program compare and call."""
    module = value.__module__ if isinstance(value, type) else type(value).__module__
    return module in ("cwql._dsl", "cwql._typed") or module.startswith("cwql.fields")


def mentions_f(expr: ast.expr, qualify: Callable[[ast.expr], str | None]) -> bool:
    """Whether the leftmost name of ``expr`` is a root of the DSL (``F``, a typed model): a
    cheap test before :func:`build`."""
    node: ast.expr = expr
    for _ in range(_MAX_DEPTH * 4):
        # By exact type: every node the Python reader sees comes here, and ast.parse makes
        # no subclasses of these.
        leftmost = _LEFTMOST.get(type(node))
        if leftmost is None:
            return type(node) is ast.Name and is_root(qualify(node))
        node = getattr(node, leftmost)
    return False


# Where the leftmost name of an expression is, by node type.
_LEFTMOST: dict[type[ast.AST], str] = {
    ast.Compare: "left", ast.BinOp: "left", ast.Call: "func", ast.Attribute: "value",
    ast.Subscript: "value", ast.UnaryOp: "operand",
}


def is_condition(value: object) -> bool:
    return isinstance(value, Expr)


class _Builder:
    def __init__(self, qualify: Callable[[ast.expr], str | None]) -> None:
        self.qualify = qualify

    def value(self, node: ast.expr, depth: int) -> object:
        if depth > _MAX_DEPTH:
            return _NOTHING
        try:
            return self._value(node, depth + 1)
        except (CWQLError, AttributeError, TypeError, ValueError, OverflowError):
            return _NOTHING  # the program would raise here: not a condition to lint

    def _value(self, node: ast.expr, depth: int) -> object:

        if isinstance(node, ast.Constant):
            return node.value if not isinstance(node.value, bytes) else _NOTHING
        if isinstance(node, (ast.List, ast.Tuple)):
            items = [self.value(e, depth) for e in node.elts]
            return _NOTHING if any(i is _NOTHING for i in items) else items
        if isinstance(node, ast.UnaryOp):
            operand = self.value(node.operand, depth)
            if operand is _NOTHING:
                return _NOTHING
            if isinstance(node.op, ast.USub) and isinstance(operand, (int, float)):
                return -operand
            if isinstance(node.op, ast.Invert) and is_condition(operand):
                return ~operand  # type: ignore[operator]
            return _NOTHING
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            left, right = self.value(node.left, depth), self.value(node.right, depth)
            if not (is_condition(left) and is_condition(right)):
                return _NOTHING
            return left & right if isinstance(node.op, ast.BitAnd) else left | right  # type: ignore[operator]
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = self.value(node.left, depth), self.value(node.comparators[0], depth)
            if not _dsl_object(left) or right is _NOTHING:
                return _NOTHING
            compare = _COMPARE.get(type(node.ops[0]))
            return _NOTHING if compare is None else compare(left, right)
        if isinstance(node, ast.Name | ast.Attribute):
            return self.name(node, depth)
        if isinstance(node, ast.Subscript):
            base = self.value(node.value, depth)
            key = self.value(node.slice, depth)
            if _dsl_object(base) and isinstance(key, str):
                return base[key]  # type: ignore[index]
            return _NOTHING
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        return _NOTHING

    def name(self, node: ast.Name | ast.Attribute, depth: int) -> object:
        from ... import _dsl

        found = self.qualify(node)
        if found is not None:
            if is_root(found):
                if found.split(".")[-1] == "F":
                    return _dsl.F
                from ... import fields  # a typed model: cwql's own code, loaded on first use

                return getattr(fields, found.split(".")[-1])
            if found in _UTC:
                return _dt.UTC
        if isinstance(node, ast.Attribute) and not node.attr.startswith("_"):
            base = self.value(node.value, depth)
            if _dsl_object(base):
                return getattr(base, node.attr)
        return _NOTHING

    def call(self, node: ast.Call, depth: int) -> object:
        if any(isinstance(a, ast.Starred) for a in node.args) or \
                any(kw.arg is None for kw in node.keywords):
            return _NOTHING
        args = [self.value(a, depth) for a in node.args]
        kwargs = {str(kw.arg): self.value(kw.value, depth) for kw in node.keywords}
        if any(a is _NOTHING for a in args) or any(v is _NOTHING for v in kwargs.values()):
            return _NOTHING
        found = self.qualify(node.func)
        if found in _DATES:
            return _DATES[found](*args, **kwargs)
        func = node.func
        if isinstance(func, ast.Attribute) and not func.attr.startswith("_"):
            receiver = self.value(func.value, depth)
            if _dsl_object(receiver) and not isinstance(receiver, type):
                method = getattr(type(receiver), func.attr, None)
                if callable(method):  # a DSL method: like, contains, in_, between...
                    return method(receiver, *args, **kwargs)
        return _NOTHING


_COMPARE: dict[type[ast.cmpop], Callable[[object, object], object]] = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,  # type: ignore[operator]
    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,  # type: ignore[operator]
}
