"""The Query object: every parameter of one list request, checked, printed and encoded.

A :class:`Query` is immutable; builder methods return new ones. Strings are
parsed with the right grammar, so a Query never holds text that does not
parse, and the parameters it emits are always canonical and fully encoded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeAlias
from urllib.parse import urlsplit

from ._combine import all_of
from ._dsl import Field
from ._encoding import encode
from ._parser import parse, parse_fields, parse_order_by
from ._spec import MAX_PAGE_SIZE, PARAMETERS, ConditionKind
from .errors import CWQLTypeError, QueryError
from .syntax import (
    EMPTY,
    And,
    Condition,
    Empty,
    Expr,
    Fields,
    Op,
    OrderBy,
    Path,
    Predicate,
    SortKey,
    String,
    not_a_condition,
    walk,
)

__all__ = ["Query"]


ConditionInput: TypeAlias = Expr | Empty | str | None
SortInput: TypeAlias = "str | Field | SortKey | OrderBy"
FieldInput: TypeAlias = "str | Field | Path | Fields"

# Where each parameter lives on a Query: conditions under their Python names,
# orderBy and fields under the names their builder methods leave free.
_ATTRIBUTE: dict[str, str] = {
    p.name: p.python_name for p in PARAMETERS if p.is_condition
} | {"orderBy": "ordering", "fields": "selected_fields"}
_SEARCH_KEYS = {p.name: p.search_key for p in PARAMETERS if p.search_key is not None}


@dataclass(frozen=True, slots=True, init=False, repr=False)
class Query:
    """The parameters of one request to a Manage list endpoint.

    ``conditions``, ``child_conditions`` and ``custom_field_conditions`` take a
    condition (from ``F``/``CF`` or ``cwql.parse``) or text, which is parsed
    for that parameter; ``None`` or :data:`cwql.EMPTY` leaves one out.
    ``order_by`` takes ``F.x.desc()``, a field, text such as ``"id desc"``, an
    ``OrderBy`` node, or a list of these; ``fields`` takes names, fields, text
    such as ``"id,summary"``, or a ``Fields`` node. ``page`` counts from 1,
    ``page_size`` is 1-1000, ``page_id`` selects forward-only paging.

    Raises :class:`~cwql.ParseError` for text that does not parse,
    :class:`~cwql.QueryError` for values out of range or parameters that do
    not go together, and :class:`~cwql.CWQLTypeError` for wrong types.
    """

    conditions: Condition
    child_conditions: Condition
    custom_field_conditions: Condition
    #: The ``orderBy`` parameter (the ``order_by=`` argument), or None.
    ordering: OrderBy | None
    #: The ``fields`` parameter (the ``fields=`` argument), or None.
    selected_fields: Fields | None
    page: int | None
    page_size: int | None
    page_id: int | None

    def __init__(
        self,
        conditions: ConditionInput = None,
        *,
        child_conditions: ConditionInput = None,
        custom_field_conditions: ConditionInput = None,
        order_by: SortInput | Iterable[SortInput] | None = None,
        fields: FieldInput | Iterable[FieldInput] | None = None,
        page: int | None = None,
        page_size: int | None = None,
        page_id: int | None = None,
    ) -> None:
        init = object.__setattr__
        init(self, "conditions", _condition(conditions, "conditions"))
        init(self, "child_conditions", _condition(child_conditions, "childConditions"))
        custom = _condition(custom_field_conditions, "customFieldConditions")
        if isinstance(custom, Expr):
            _check_custom_fields(custom)
        init(self, "custom_field_conditions", custom)
        init(self, "ordering", _ordering(order_by))
        init(self, "selected_fields", _selection(fields))
        init(self, "page", _integer("page", page, 1, None))
        init(self, "page_size", _integer("page_size", page_size, 1, MAX_PAGE_SIZE))
        init(self, "page_id", _integer("page_id", page_id, 0, None))
        if self.page_id is not None:
            if self.ordering is not None:
                raise QueryError(
                    "order_by cannot go with page_id: forward-only paging walks records in id "
                    "order and the server refuses orderBy with it; drop one of them"
                )
            if self.page is not None:
                raise QueryError(
                    "page cannot go with page_id: the server ignores page in forward-only "
                    "paging; drop one of them"
                )

    # ---- builders --------------------------------------------------------------

    def where(self, *conditions: Condition | str) -> Query:
        """A copy with each condition ANDed onto :attr:`conditions` (text is parsed)."""
        parsed = [_condition(c, "conditions") for c in conditions]
        return self.replace(conditions=all_of(self.conditions, *parsed))

    def order_by(self, *keys: SortInput) -> Query:
        """A copy sorted by ``keys`` (replacing any ordering); no keys removes it."""
        return self.replace(order_by=keys or None)

    def fields(self, *paths: FieldInput) -> Query:
        """A copy that returns only ``paths`` (replacing any list); no paths removes it."""
        return self.replace(fields=paths or None)

    def replace(self, **changes: Any) -> Query:
        """A copy with some constructor arguments changed: ``q.replace(page=2)``."""
        arguments: dict[str, Any] = {
            "conditions": self.conditions,
            "child_conditions": self.child_conditions,
            "custom_field_conditions": self.custom_field_conditions,
            "order_by": self.ordering,
            "fields": self.selected_fields,
            "page": self.page,
            "page_size": self.page_size,
            "page_id": self.page_id,
        }
        unknown = changes.keys() - arguments.keys()
        if unknown:
            raise CWQLTypeError(
                f"Query.replace() got unknown argument(s) {', '.join(sorted(unknown))}; "
                f"it takes {', '.join(arguments)}"
            )
        arguments.update(changes)
        return Query(**arguments)

    # ---- output ------------------------------------------------------------------

    def params(self) -> dict[str, str]:
        """The parameters that are set, by their API names, as canonical text.

        Always in the order conditions, childConditions, customFieldConditions,
        orderBy, fields, page, pageSize, pageId.
        """
        out: dict[str, str] = {}
        for name, attribute in _ATTRIBUTE.items():
            value = getattr(self, attribute)
            if value is not None and value is not EMPTY:
                out[name] = str(value)
        if self.page is not None:
            out["page"] = str(self.page)
        if self.page_size is not None:
            out["pageSize"] = str(self.page_size)
        if self.page_id is not None:
            out["pageId"] = str(self.page_id)
        return out

    def headers(self) -> dict[str, str]:
        """Request headers the parameters need: ``pagination-type`` for ``page_id``."""
        return {"pagination-type": "forward-only"} if self.page_id is not None else {}

    def to_query_string(self) -> str:
        """The parameters percent-encoded (LANGUAGE.md §4), without a leading ``?``."""
        return _query_string(self.params())

    def url(self, base_url: str, path: str) -> str:
        """The full request URL: ``base_url`` joined with ``path``, plus the query string.

        ``base_url`` is the API root (``https://host/v4_6_release/apis/3.0``, with
        or without a trailing ``/``); ``path`` the endpoint (``/service/tickets``).
        """
        query = self.to_query_string()
        joined = _join(base_url, path)
        return f"{joined}?{query}" if query else joined

    def url_length(self, base_url: str, path: str) -> int:
        """The exact length of :meth:`url`; the official limit is 2000 characters."""
        return len(self.url(base_url, path))

    def search_body(self) -> dict[str, str]:
        """The JSON body for ``POST .../search`` (``/service/tickets``, ``/project/tickets``).

        The body holds the filters, under the names that endpoint uses
        (``childconditions``, ``customfieldconditions``); ``fields`` and the
        paging parameters stay on the URL: see :meth:`search_params`.
        """
        return {_SEARCH_KEYS[k]: v for k, v in self.params().items() if k in _SEARCH_KEYS}

    def search_params(self) -> dict[str, str]:
        """The parameters that stay on the URL of a ``POST .../search``."""
        return {k: v for k, v in self.params().items() if k not in _SEARCH_KEYS}

    def __repr__(self) -> str:
        shown = [
            f"{p.python_name}={text!r}" for p in PARAMETERS
            if (text := self.params().get(p.name)) is not None
        ]
        for attribute in ("page", "page_size", "page_id"):
            value = getattr(self, attribute)
            if value is not None:
                shown.append(f"{attribute}={value}")
        return f"Query({', '.join(shown)})"


# ---- checking the arguments ---------------------------------------------------


def _condition(value: object, kind: ConditionKind) -> Condition:
    if value is None:
        return EMPTY
    if isinstance(value, (Expr, Empty)):
        return value
    if isinstance(value, str):
        return parse(value, kind)
    raise CWQLTypeError(not_a_condition(value, kind))


def _ordering(value: object) -> OrderBy | None:
    if value is None:
        return None
    # A Field defines __iter__ (to refuse it), so it is tested before Iterable.
    items = (
        list(value)
        if isinstance(value, Iterable) and not isinstance(value, (str, OrderBy, Field))
        else [value]
    )
    keys: list[SortKey] = []
    for item in items:
        if isinstance(item, str):
            keys.extend(parse_order_by(item).keys)
        elif isinstance(item, OrderBy):
            keys.extend(item.keys)
        elif isinstance(item, SortKey):
            keys.append(item)
        elif isinstance(item, Field):
            keys.append(item.asc())
        else:
            raise CWQLTypeError(
                "order_by takes F.x.asc(), F.x.desc(), a field, text such as 'id desc' or an "
                f"OrderBy node, not {type(item).__name__}"
            )
    if not keys:
        return None
    seen: dict[str, SortKey] = {}
    for key in keys:
        folded = key.path.name.lower()  # the server's names are case-insensitive
        if folded in seen:
            raise QueryError(
                f"order_by names {key.path.name} twice ({seen[folded]}, {key}); "
                "SQL Server refuses a column twice in ORDER BY"
            )
        seen[folded] = key
    return OrderBy(tuple(keys))


def _selection(value: object) -> Fields | None:
    if value is None:
        return None
    items = (
        list(value)
        if isinstance(value, Iterable) and not isinstance(value, (str, Fields, Field))
        else [value]
    )
    paths: list[Path] = []
    for item in items:
        if isinstance(item, str):
            paths.extend(parse_fields(item).paths)
        elif isinstance(item, Fields):
            paths.extend(item.paths)
        elif isinstance(item, Path):
            paths.append(item)
        elif isinstance(item, Field):
            paths.append(Path(str(item)))
        else:
            raise CWQLTypeError(
                "fields takes names such as 'id,summary', F.x fields or a Fields node, "
                f"not {type(item).__name__}"
            )
    if not paths:
        return None
    unique: dict[str, Path] = {}
    for path in paths:
        unique.setdefault(path.name.lower(), path)  # a repeat adds nothing
    return Fields(tuple(unique.values()))


def _integer(name: str, value: object, low: int, high: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise CWQLTypeError(f"{name} takes an int, not {type(value).__name__}")
    if value < low or (high is not None and value > high):
        bounds = f"{low}-{high}" if high is not None else f"at least {low}"
        raise QueryError(f"{name} must be {bounds}, not {value}")
    return value


# customFieldConditions is evaluated against one custom field at a time (the
# server model: a record matches when one of its custom-field rows does).
_NEGATIVE = frozenset({Op.NE, Op.NOT_IN, Op.NOT_CONTAINS, Op.NOT_LIKE})


def _check_custom_fields(expr: Expr) -> None:
    for node in walk(expr):
        if isinstance(node, Predicate) and node.path.name.lower() == "caption":
            if node.op in _NEGATIVE:
                raise QueryError(
                    f"customFieldConditions: `{node}` matches every other custom field, so nearly "
                    "every record passes. To say a custom field does not hold a value, negate "
                    'the value and keep the caption: CF("Region") != "West" is '
                    '`caption="Region" and value!="West"` (`~` negates the caption too)'
                )
        elif isinstance(node, And):
            _check_captions(node)


def _check_captions(node: And) -> None:
    allowed: set[str] | None = None
    pins: list[str] = []
    for operand in node.operands:
        names = _caption_names(operand)
        if names is None:
            continue
        pins.append(str(operand))
        allowed = names if allowed is None else allowed & names
        if not allowed:
            raise QueryError(
                f"customFieldConditions: {' and '.join(pins)} can never hold together. Each "
                "custom field is matched on its own, so one and-group cannot test two custom "
                "fields: `CF(\"A\") == x & CF(\"B\") == y` never matches. Use | for either one, "
                "or filter on one custom field here and the other in your code"
            )


def _caption_names(node: Expr) -> set[str] | None:
    """The captions a predicate pins ``caption`` to (compared as the server does), or None."""
    if not isinstance(node, Predicate) or node.path.name.lower() != "caption":
        return None
    values = node.value if isinstance(node.value, tuple) else (node.value,)
    if node.op not in (Op.EQ, Op.IN) or not all(isinstance(v, String) for v in values):
        return None
    # SQL Server's default collation ignores case and trailing spaces.
    return {v.value.rstrip(" ").casefold() for v in values}  # type: ignore[attr-defined]


# ---- URLs ---------------------------------------------------------------------------


def _query_string(params: dict[str, str]) -> str:
    return "&".join(f"{encode(name)}={encode(value)}" for name, value in params.items())


def _join(base_url: str, path: str) -> str:
    if not isinstance(base_url, str) or not isinstance(path, str):
        raise CWQLTypeError("url() takes base_url and path as str")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        _bad_url(f"base_url must be an http(s) URL such as https://host/v4_6_release/apis/3.0, not {base_url!r}")
    if parts.query or parts.fragment or base_url.endswith(("?", "#")):
        _bad_url(f"base_url must not hold a query or fragment: {base_url!r}")
    if "://" in path:
        _bad_url(f"path must be relative to base_url, such as /service/tickets, not {path!r}")
    for char, why in (("?", "a query"), ("#", "a fragment"), ("%", "percent-escapes"),
                      ("{", "a template"), ("}", "a template")):
        if char in path:
            _bad_url(f"path must not hold {why} ({char!r}): {path!r}; pass parameters to Query")
    segments = path.strip("/")
    joined = base_url.rstrip("/")
    if segments:
        joined += "/" + encode(segments)
        if path.endswith("/"):
            joined += "/"
    return joined


def _bad_url(message: str) -> NoReturn:
    raise QueryError(message)
