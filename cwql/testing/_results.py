"""Which records answer a request: checked, filtered, sorted, paged and cut down to ``fields``.

Conditions run through cwql's evaluator, so the fake follows the same model
of the server as :func:`cwql.evaluate`. With a schema, a condition naming a
field the endpoint's records do not have, or reaching into an array from
``conditions``, is refused as the server refuses it (``ApiFindCondition``).

What a request costs: a filtered, sorted result is kept (a few at a time)
until its collection changes, so walking a result page by page costs one
filter and sort, then the page itself per request; forward-only paging finds
its ``pageId`` by bisection and reads on from there, O(log n + page).
"""

from __future__ import annotations

import bisect
import copy
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from .._evaluator import RecordPredicate, compile_predicate, getter
from .._parser import parse
from .._spec import PARAMETERS, ConditionKind
from ..errors import CWQLError, ParseError, SchemaError
from ..schema import Model, Schema, Unresolved
from ..syntax import Path, walk
from ._bodies import Reject, bad_conditions, bad_request, json_response, not_recognized
from ._params import Query
from ._store import Store
from ._wire import Response

__all__ = ["Results", "page_response", "project"]

# How many compiled conditions and how many filtered, sorted results are kept.
_TESTS_KEPT = 256
_RESULTS_KEPT = 16

# The fake's request carries each condition parameter under its Query keyword.
_KINDS: tuple[tuple[str, ConditionKind], ...] = tuple(
    (p.python_name, p.name) for p in PARAMETERS if p.is_condition  # type: ignore[misc]
)


def _record_id(record: Mapping[str, Any]) -> int:
    return record["id"]  # type: ignore[no-any-return]


class Results:
    """The records each request asks for, over one :class:`Store`.

    ``schema`` (or None) decides which names a condition may use on the
    collections it lists; ``check_names=False`` lets any name through (a
    name the records lack reads as null), as the fake did before it knew
    the schema.
    """

    def __init__(self, store: Store, schema: Schema | None, *, check_names: bool = True) -> None:
        self._store = store
        self._schema = schema if check_names else None
        self._lock = threading.Lock()
        self._models: dict[str, Model | None] = {}
        self._tests: OrderedDict[tuple[str, str, str], RecordPredicate | Reject] = OrderedDict()
        self._found: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()

    # ---- conditions ---------------------------------------------------------------

    def model(self, key: str) -> Model | None:
        """The schema's model for a collection (None: no schema, or it does not list the collection)."""
        if self._schema is None:
            return None
        if key not in self._models:
            try:
                _, model = self._schema.endpoint("/" + key)
            except SchemaError:
                model = None
            self._models[key] = model
        return self._models[key]

    def test(self, key: str, q: Query) -> RecordPredicate | None:
        """The request's conditions as one predicate (None: no conditions); raises :class:`Reject`."""
        tests = []
        for attr, kind in _KINDS:
            text = getattr(q, attr)
            if text is not None and text.strip():
                tests.append(self._compiled(key, kind, text))
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda r: all(t(r) for t in tests)

    def _compiled(self, key: str, kind: ConditionKind, text: str) -> RecordPredicate:
        model = self.model(key)
        cache_key = (model.name if model is not None else "", kind, text)
        with self._lock:
            found = self._tests.get(cache_key)
            if found is not None:
                self._tests.move_to_end(cache_key)
        if found is None:
            try:
                found = self._compile(key, model, kind, text)
            except Reject as rejected:
                found = rejected
            with self._lock:
                self._tests[cache_key] = found
                while len(self._tests) > _TESTS_KEPT:
                    self._tests.popitem(last=False)
        if isinstance(found, Reject):
            raise Reject(found.response)
        return found

    def _compile(self, key: str, model: Model | None, kind: ConditionKind, text: str) -> RecordPredicate:
        resource = model.name if model is not None else key.rsplit("/", 1)[-1]
        try:
            tree = parse(text, kind)
        except ParseError as e:
            raise Reject(bad_conditions(resource, kind, e)) from None
        except CWQLError as e:  # a bound of the parser: still the client's request
            raise bad_request(f"{kind} is invalid: {e}", field=kind) from None
        if model is not None:
            assert self._schema is not None
            for node in walk(tree):
                if not isinstance(node, Path):
                    continue
                found = self._schema.resolve(model, node.name, kind=kind)
                if isinstance(found, Unresolved) or (kind == "conditions" and found.array_at is not None):
                    raise Reject(not_recognized(node.name))
        return compile_predicate(tree, kind)

    # ---- results ----------------------------------------------------------------

    def matching(self, key: str, q: Query, order: tuple[tuple[str, bool], ...] = ()) -> list[dict[str, Any]]:
        """Every record that matches, sorted by ``order`` (shared lists: do not change them)."""
        version, records = self._store.view(key)
        cache_key = (key, version, q.conditions, q.child_conditions, q.custom_field_conditions, order)
        with self._lock:
            found = self._found.get(cache_key)
            if found is not None:
                self._found.move_to_end(cache_key)
                return found
        test = self.test(key, q)
        found = records if test is None else [r for r in records if test(r)]
        found = _sorted(found, order)
        with self._lock:
            self._found[cache_key] = found
            while len(self._found) > _RESULTS_KEPT:
                self._found.popitem(last=False)
        return found

    def forward(self, key: str, q: Query, after: int, size: int) -> tuple[list[dict[str, Any]], bool]:
        """Up to ``size`` matching records with an id above ``after``, and whether more follow.

        Costs O(log n) to find ``after`` plus the records read past it.
        """
        test = self.test(key, q)
        _, records = self._store.view(key)
        start = bisect.bisect_right(records, after, key=_record_id)
        if test is None:
            return records[start:start + size], start + size < len(records)
        page: list[dict[str, Any]] = []
        for i in range(start, len(records)):
            record = records[i]
            if test(record):
                if len(page) == size:
                    return page, True
                page.append(record)
        return page, False


# ---- sorting ---------------------------------------------------------------------------


def _sort_value(value: Any) -> tuple[int, Any]:
    # SQL Server puts nulls first in ascending order; strings compare case-insensitively.
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (2, value)
    if isinstance(value, str):
        return (3, value.lower())
    return (4, json.dumps(value, sort_keys=True))


def _sorted(records: list[dict[str, Any]], order: tuple[tuple[str, bool], ...]) -> list[dict[str, Any]]:
    if not order:
        return records
    result = list(records)  # in id order: ties stay in id order
    # One stable sort per key, the last key first: at most MAX_ORDER_KEYS passes.
    for name, descending in reversed(order):
        get: Callable[[Any], Any] = getter(name)
        result.sort(key=lambda r, get=get: _sort_value(get(r)), reverse=descending)  # type: ignore[misc]
    return result


# ---- fields --------------------------------------------------------------------------


def project(record: Mapping[str, Any], fields: list[tuple[str, ...]]) -> dict[str, Any]:
    """The record cut down to ``fields``, under the record's own key spellings.

    Field names match case-insensitively, as the server's do, but the answer
    keeps the API's names (``fields=ID`` still answers ``id``). Values are
    copied: the store's records are never changed in place.
    """
    out: dict[str, Any] = {}
    for segments in fields:
        value: Any = record
        names: list[str] = []
        for segment in segments:
            if not isinstance(value, Mapping):
                break
            key = segment if segment in value else next(
                (k for k in value if k.lower() == segment.lower()), None
            )
            if key is None:
                break
            names.append(key)
            value = value[key]
        else:
            holder = out
            for name in names[:-1]:
                inner = holder.get(name)
                if not isinstance(inner, dict):
                    inner = holder[name] = {}
                holder = inner
            if isinstance(holder.get(names[-1]), dict) and isinstance(value, Mapping):
                holder[names[-1]].update(copy.deepcopy(dict(value)))
            else:
                holder[names[-1]] = copy.deepcopy(value)
    return out


def page_response(
    page: list[dict[str, Any]], fields: list[tuple[str, ...]] | None, headers: list[tuple[str, str]],
) -> Response:
    """The JSON answer for a page of records."""
    shown = page if fields is None else [project(r, fields) for r in page]
    return json_response(200, shown, tuple(headers))
