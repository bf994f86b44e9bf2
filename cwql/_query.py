"""The Query object: every parameter of one list request, checked, printed and encoded.

A :class:`Query` is immutable; builder methods return new ones. Strings are
parsed with the right grammar, so a Query never holds text that does not
parse, and the parameters it emits are always canonical and fully encoded.

It also holds the one model of a request's URL length (:meth:`Query.url_length`):
what each paging strategy adds to a query (:meth:`Query.walk_request`: the
keyset walk's ``id > N``, the offset walk's tie-breaking ``id``, page numbers,
``pageId``) is written here once, and the executor's budget checks, its
pagers and the linter all measure through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeAlias
from urllib.parse import urlsplit

from ._combine import all_of
from ._dsl import _CAPTION, Field
from ._encoding import encode, redact_url
from ._parser import parse, parse_fields, parse_order_by
from ._spec import CUSTOM_FIELD_COLUMNS, MAX_PAGE_SIZE, PARAMETERS, ConditionKind
from .errors import CWQLTypeError, QueryError, UsageError
from .syntax import (
    EMPTY,
    And,
    Condition,
    Empty,
    Expr,
    Fields,
    Number,
    Op,
    OrderBy,
    Path,
    Predicate,
    SortKey,
    String,
    not_a_condition,
    walk,
)

__all__ = ["PAGING_MODES", "WIDEST_ID", "WIDEST_PAGE", "Query", "check_base_url", "paging_modes"]

#: The paging strategies of the executor (docs/executor.md): ``auto`` picks one.
PAGING_MODES = ("auto", "forward", "link", "page", "keyset")
#: The largest id a walk accepts in a record, and so the widest a keyset
#: condition or a ``pageId`` can carry: SQL Server's bigint (Manage's ids are ints).
WIDEST_ID = 2**63 - 1
#: The highest page number an offset walk is budgeted for.
WIDEST_PAGE = 10**10 - 1

_ID = Path("id")


ConditionInput: TypeAlias = Expr | Empty | str | None
SortInput: TypeAlias = "str | Field | SortKey | OrderBy"
FieldInput: TypeAlias = "str | Field | Path | Fields"

# Where each parameter lives on a Query (orderBy and fields under the names
# their builder methods leave free).
_ATTRIBUTE: dict[str, str] = {p.name: p.attribute for p in PARAMETERS}
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
        kinds: tuple[tuple[str, ConditionInput, ConditionKind], ...] = (
            ("conditions", conditions, "conditions"),
            ("child_conditions", child_conditions, "childConditions"),
        )
        for name, value, kind in kinds:
            condition = _condition(value, kind)
            if isinstance(condition, Expr):
                _refuse_custom_field_condition(condition, name)
            init(self, name, condition)
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

    def url_length(self, base_url: str, path: str, *, paging: str | None = None) -> int:
        """The length of a request URL for this query; the official limit is 2000 characters.

        Without ``paging``, the exact length of :meth:`url`. With a paging
        mode (one of :data:`PAGING_MODES`), the longest URL any request of
        that walk can have: every form :meth:`walk_request` builds for it,
        with page numbers at :data:`WIDEST_PAGE` and ids at :data:`WIDEST_ID`.
        This is the one measure the executor's budget checks, its pagers and
        the linter use.
        """
        if paging is None:
            return len(self.url(base_url, path))
        size = self.page_size or MAX_PAGE_SIZE
        longest = 0
        for mode in paging_modes(paging, ordered=self.ordering is not None):
            forms = [self.walk_request(mode, page=WIDEST_PAGE, page_size=size)]
            if mode in ("forward", "keyset"):
                forms.append(self.walk_request(mode, page_size=size, after=WIDEST_ID))
            for form in forms:
                longest = max(longest, len(form.url(base_url, path)))
        return longest

    def walk_request(
        self, paging: str, *, page: int | None = None, page_size: int | None = None,
        after: int | None = None,
    ) -> Query:
        """The query one request of a walk in ``paging`` mode sends (docs/executor.md).

        ``page``/``link`` (an offset walk): ``page`` and ``page_size`` set,
        ``id`` added as the last ``orderBy`` key so that ties keep one order
        from request to request, and a ``page_id`` turned into ``id > page_id``.
        ``keyset``: ordered by ``id``, with ``id > after`` ANDed onto the
        conditions when ``after`` is given. ``forward``: ``pageId=after`` (the
        caller adds the ``pagination-type`` header). In an id walk, ``page``
        asks for the walk's first request by offset, in id order. Raises
        :class:`~cwql.QueryError` for values out of range.
        """
        size = page_size if page_size is not None else self.page_size
        if paging in ("page", "link"):
            base = self
            if self.page_id is not None:
                base = self.replace(page_id=None, conditions=_after_id(self.conditions, self.page_id))
            return base.replace(order_by=_total_order(base.ordering), page=page, page_size=size)
        if paging not in ("forward", "keyset"):
            raise UsageError(f"paging must be one of {', '.join(PAGING_MODES[1:])}; got {paging!r}")
        if self.ordering is not None:
            raise QueryError(
                f"{paging} paging walks records in id order, so it cannot go with orderBy; "
                "use paging='link' or 'page', or drop the order"
            )
        if page is not None:  # the walk's first request, by offset in id order
            return self.replace(order_by=OrderBy((SortKey(_ID),)), page=page, page_size=size, page_id=None)
        if paging == "forward":
            return self.replace(page=None, page_size=size, page_id=after)
        conditions = self.conditions if after is None else _after_id(self.conditions, after)
        return self.replace(conditions=conditions, order_by=OrderBy((SortKey(_ID),)), page=None,
                            page_size=size, page_id=None)

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


# ---- paging --------------------------------------------------------------------------


def paging_modes(paging: str, *, ordered: bool) -> tuple[str, ...]:
    """The strategies a walk asked for as ``paging`` may use, first the one it starts with.

    ``auto`` is ``link`` with an ``orderBy``, else ``forward``; ``forward``
    hands over to ``keyset`` on a server that ignores it. Raises
    :class:`~cwql.UsageError` for an unknown mode.
    """
    if paging not in PAGING_MODES:
        raise UsageError(f"paging must be one of {', '.join(PAGING_MODES)}; got {paging!r}")
    if paging == "auto":
        paging = "link" if ordered else "forward"
    return ("forward", "keyset") if paging == "forward" else (paging,)


def _after_id(conditions: Condition, after: int) -> Expr:
    """``conditions`` and ``id > after``: where a keyset walk (or ``pageId``) resumes."""
    return all_of(Predicate(_ID, Op.GT, Number(str(after))), conditions)


def _total_order(ordering: OrderBy | None) -> OrderBy:
    """``ordering`` with ``id`` as its last key (unless it sorts by id already).

    SQL Server returns rows that tie on every key in any order it likes, and
    may choose another for the next page; an offset walk needs one order.
    """
    keys = ordering.keys if ordering is not None else ()
    if any(key.path.name.lower() == "id" for key in keys):
        return ordering  # type: ignore[return-value]
    return OrderBy((*keys, SortKey(_ID)))


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
_COLUMNS = {name.lower(): name for name in CUSTOM_FIELD_COLUMNS}


def _refuse_custom_field_condition(expr: Expr, name: str) -> None:
    """A condition ``CF()`` built belongs in ``custom_field_conditions``, nowhere else.

    It is recognised by the caption test ``CF()`` makes (text that happens to
    say ``caption=... and value=...`` is left to the schema check: a few
    endpoints have such fields of their own).
    """
    for node in walk(expr):
        if isinstance(node, Predicate) and node.path is _CAPTION:
            raise QueryError(
                f"{name}: `{node}` comes from CF(), which builds customFieldConditions; pass it as "
                f"custom_field_conditions=..., not {name}"
            )


def _check_custom_fields(expr: Expr) -> None:
    for node in walk(expr):
        if isinstance(node, Predicate) and node.path.name.lower() not in _COLUMNS:
            columns = ", ".join(sorted(CUSTOM_FIELD_COLUMNS, key=lambda c: (c not in ("caption", "value"), c)))
            raise QueryError(
                f"customFieldConditions: `{node}` is not a custom-field condition: it filters each "
                f"custom field's row, whose columns are {columns}; `{node.path.name}` belongs in "
                'conditions (or write CF("Caption") == value)'
            )
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
    check_base_url(base_url)
    if "://" in path:
        _bad_url(f"path must be relative to base_url, such as /service/tickets, not {path!r}")
    for char, why in (("?", "a query"), ("#", "a fragment"), ("%", "percent-escapes"),
                      ("{", "a template"), ("}", "a template"), ("\\", "a backslash")):
        if char in path:
            _bad_url(f"path must not hold {why} ({char!r}): {path!r}; pass parameters to Query")
    if any(c < " " or c == "\x7f" for c in path):
        _bad_url(f"path must not hold control characters: {path!r}")
    segments = path.strip("/")
    if any(segment in (".", "..") for segment in segments.split("/")):
        # httpx (like a browser) would resolve them, and the request, with
        # its credentials, would leave the API for another path on the host.
        _bad_url(f"path must not hold . or .. segments: {path!r}")
    joined = base_url.rstrip("/")
    if segments:
        joined += "/" + encode(segments)
        if path.endswith("/"):
            joined += "/"
    return joined


def check_base_url(base_url: str) -> None:
    """Refuse an API root that is not a plain http(s) URL (the message shows it without secrets)."""
    shown = redact_url(base_url)
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 - reading it checks the port
    except ValueError:
        _bad_url(f"base_url is not a URL: {shown!r}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _bad_url(f"base_url must be an http(s) URL such as https://host/v4_6_release/apis/3.0, not {shown!r}")
    if parts.query or parts.fragment or base_url.endswith(("?", "#")):
        _bad_url(f"base_url must not hold a query or fragment: {shown!r}")
    if "@" in parts.netloc:
        _bad_url(
            f"base_url must not hold credentials ({shown!r}): the API takes them in headers; "
            "pass company_id, public_key, private_key and client_id"
        )
    if any(c <= " " or c in "\\\x7f" for c in base_url):
        _bad_url(f"base_url must not hold spaces, backslashes or control characters: {shown!r}")


def _bad_url(message: str) -> NoReturn:
    raise QueryError(message)
