"""Queries too long for a URL: split the largest ``in (...)`` list into chunks that fit.

The language has no negation outside its operators, so every predicate sits
in a positive place of its tree: replacing ``x in (L)`` by ``x in (L1)``, then
``x in (L2)`` ... and uniting the answers gives exactly the answer for ``L``,
wherever the list is. Clients in the field split long ``id in (...)`` lists
this way (LANGUAGE.md §4); cwql does it for any ``in`` list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .._query import Query
from .._semantics import model_instant, text_key
from ..syntax import (
    EMPTY,
    And,
    Boolean,
    DateTime,
    Expr,
    Literal,
    Number,
    Op,
    Predicate,
    String,
    transform,
    walk,
)

__all__ = ["Split", "split_query"]

_PARAMS = ("conditions", "child_conditions", "custom_field_conditions")


@dataclass(frozen=True, slots=True)
class Split:
    """The chunk queries, and whether their counts may simply be added up.

    Counts add up when the list is a top-level conjunct of ``conditions`` and
    its values are of one type: a field holds one value, and values the
    server takes as equal were merged, so no record matches two chunks.
    Elsewhere (an ``or``, ``childConditions`` over several array members, or
    ``"1"`` beside ``1``, which one text field can equal both) a record can
    match several chunks, and only de-duplicating by id gives the true total.
    """

    queries: tuple[Query, ...]
    counts_add_up: bool


def split_query(query: Query, fits: Callable[[Query], bool]) -> Split | None:
    """Chunks of the largest ``in`` list, each query passing ``fits``; None if impossible."""
    best: tuple[int, str, Predicate] | None = None
    for attribute in _PARAMS:
        condition = getattr(query, attribute)
        if condition is EMPTY:
            continue
        for node in walk(condition):
            if isinstance(node, Predicate) and node.op is Op.IN and isinstance(node.value, tuple):
                size = len(str(node))
                if len(node.value) > 1 and (best is None or size > best[0]):
                    best = (size, attribute, node)
    if best is None:
        return None
    _, attribute, target = best
    assert isinstance(target.value, tuple)
    # Values the server takes as equal ("abc" and "ABC", 1 and 01) would match
    # the same records from two chunks: keep one of each.
    kept: dict[object, Literal] = {}
    for value in target.value:
        kept.setdefault(_server_key(value), value)
    values = tuple(kept.values())
    one_type = len({type(v) for v in values}) == 1

    def chunk(part: tuple[Literal, ...]) -> Query:
        replacement = Predicate(target.path, Op.IN, part)
        return query.replace(**{attribute: _replace(getattr(query, attribute), target, replacement)})

    def fits_first(rest: tuple[Literal, ...]) -> Callable[[int], bool]:
        return lambda n: fits(chunk(rest[:n]))

    queries: list[Query] = []
    start = 0
    while start < len(values):
        rest = values[start:]
        take = _largest_fitting(fits_first(rest), len(rest))
        if take == 0:
            return None  # even one value does not fit: the rest of the query is too long
        queries.append(chunk(rest[:take]))
        start += take
    root = getattr(query, attribute)
    top_level = root is target or (isinstance(root, And) and any(o is target for o in root.operands))
    return Split(tuple(queries), attribute == "conditions" and top_level and one_type)


def _server_key(value: Literal) -> object:
    """What the server takes as equal, as :mod:`cwql._semantics` models it.

    Strings through :func:`~cwql._semantics.text_key`, numbers by value,
    datetimes as instants; never a merge the evaluator would not make.
    """
    if isinstance(value, String):
        return ("text", text_key(value.value))
    if isinstance(value, Number):
        return ("number", value.scalar)
    if isinstance(value, DateTime):
        return ("instant", model_instant(value))
    if isinstance(value, Boolean):
        return ("boolean", value.value)
    return (type(value).__name__, str(value))


def _largest_fitting(fits: Callable[[int], bool], most: int) -> int:
    """The largest n in 1..most with fits(n), assuming fitting is monotone; 0 if none."""
    if not fits(1):
        return 0
    good = 1
    step = 2
    while good < most:
        trial = min(step, most)
        if not fits(trial):
            bad = trial
            break
        good = trial
        step *= 2
    else:
        return good
    while bad - good > 1:
        middle = (good + bad) // 2
        if fits(middle):
            good = middle
        else:
            bad = middle
    return good


def _replace(root: Expr, target: Predicate, replacement: Predicate) -> Expr:
    """``root`` with ``target`` (by identity) replaced; the rest of the tree is shared."""
    new = transform(root, lambda node: replacement if node is target else node, leaves=(Predicate,))
    assert isinstance(new, Expr)
    return new
