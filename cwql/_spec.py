"""The facts of the language and its parameters, each written once.

Everything that more than one part of cwql must agree on lives here: the
keywords, what a field path and a number look like, how many digits a number
may have, how deep a tree may nest, the bounds on one parse, and the table of
query parameters (LANGUAGE.md §1) with every name each one goes by. Nothing
here imports the rest of cwql, so every layer can read it.

The keywords and the path and number patterns are the grammar's
(``grammar/cwql.lark``), read from the tables generated from it
(:mod:`cwql._tables`), so there is nothing to keep equal by hand.
"""

from __future__ import annotations

import re
from typing import Literal, TypeAlias

from . import _tables
from .errors import UsageError

__all__ = [
    "ALL_KINDS",
    "CONDITION_KINDS",
    "CUSTOM_FIELD_COLUMNS",
    "HOST_NAMES",
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_HEIGHT",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_PAGE_SIZE",
    "MAX_URL_LENGTH",
    "NUMBER",
    "PAGING_PARAMETERS",
    "PARAMETERS",
    "PATH",
    "SEGMENT",
    "ConditionKind",
    "Parameter",
    "digit_count",
    "is_path",
    "parameter",
]

# ---- words and shapes ---------------------------------------------------------

#: The language's keywords, in lower case; they match in any ASCII case, as whole words only.
KEYWORDS = frozenset(_tables.KEYWORDS)

#: One segment of a field path: ASCII letters, digits and ``_``, not starting with a digit.
#: ASCII only, whatever case-folding a regex engine or a policy applies (``ı``, ``ſ``, ``K``
#: are not letters here), so no two spellings of one name can pass for different fields.
SEGMENT: str = _tables.SEGMENT
#: A field path: segments joined by ``/`` (the grammar's PATH terminal).
PATH: str = _tables.PATH
#: A number as the server reads one: digits, an optional point, an optional leading minus
#: (the grammar's NUMBER terminal: not followed by a letter, digit, ``_`` or ``.``).
NUMBER: str = _tables.NUMBER

_PATH = re.compile(PATH, re.ASCII)


def is_path(text: str) -> bool:
    """Whether ``text`` is a field path (a keyword alone is not one)."""
    return _PATH.fullmatch(text) is not None and text.lower() not in KEYWORDS


# ---- limits -----------------------------------------------------------------------

#: The most digits a number may have: SQL Server's decimals hold 38, and Python
#: refuses to read integers past 4300.
MAX_DIGITS = 38


def digit_count(text: str) -> int:
    """How many digits a number's text holds (its sign and point aside)."""
    return len(text) - text.startswith("-") - ("." in text)


#: The deepest nesting of alternating ``and``/``or`` groups a tree may have. Every
#: traversal of a tree is iterative; this bound keeps Python's own recursive
#: ``==``, ``hash`` and ``repr`` of nodes far from the recursion limit.
MAX_HEIGHT = 100

#: Default bounds on one parse (``cwql.Limits``): characters, nested parentheses,
#: nodes of the tree. Hostile input fails fast at these.
MAX_LENGTH = 100_000
MAX_DEPTH = 64
MAX_NODES = 25_000

#: The server's hard maximum for ``pageSize`` (official "Pagination").
MAX_PAGE_SIZE = 1000
#: The longest request URL the official guide allows, in characters (LANGUAGE.md §4).
MAX_URL_LENGTH = 2000


# ---- the parameters ---------------------------------------------------------------

#: The columns of a custom-field row, all that ``customFieldConditions`` can test
#: (the Manage spec's ``CustomFieldValue``; a test checks the bundled schema agrees).
CUSTOM_FIELD_COLUMNS = frozenset({
    "id", "caption", "type", "entryMethod", "numberOfDecimals", "value", "connectWiseId",
})

ConditionKind: TypeAlias = Literal["conditions", "childConditions", "customFieldConditions"]


class Parameter:
    """One query parameter and every name it goes by.

    ``name`` is the API's (on GET, LANGUAGE.md §1); ``python_name`` the
    keyword of :class:`cwql.Query`; ``search_key`` the key in the JSON body of
    ``POST .../search`` (None: it stays on the URL); ``start`` the grammar's
    start symbol for its value; ``is_condition`` whether it holds a condition
    expression; ``host_names`` the keys and keywords that hold it in code and
    config files the linter reads; ``attribute`` the :class:`cwql.Query`
    attribute that holds its value (``order_by`` and ``fields`` are builder
    methods there, so those two are ``ordering`` and ``selected_fields``).
    """

    __slots__ = ("attribute", "host_names", "is_condition", "name", "python_name", "search_key", "start")

    def __init__(
        self, name: str, python_name: str, search_key: str | None, start: str,
        host_names: tuple[str, ...], attribute: str | None = None,
    ) -> None:
        self.name = name
        self.python_name = python_name
        self.attribute = attribute or python_name
        self.search_key = search_key
        self.start = start
        self.is_condition = start == "conditions"
        self.host_names = (name, *host_names)

    def __repr__(self) -> str:
        return f"Parameter({self.name!r})"


#: The parameters whose values cwql reads, in the order a request carries them.
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("conditions", "conditions", "conditions", "conditions", ()),
    Parameter("childConditions", "child_conditions", "childconditions", "conditions",
              ("child_conditions", "childconditions")),
    Parameter("customFieldConditions", "custom_field_conditions", "customfieldconditions",
              "conditions", ("custom_field_conditions", "customfieldconditions")),
    Parameter("orderBy", "order_by", "orderBy", "order_by", ("order_by",), "ordering"),
    Parameter("fields", "fields", None, "fields", (), "selected_fields"),
)
_BY_NAME = {p.name: p for p in PARAMETERS}

#: The paging parameters (LANGUAGE.md §1), API name -> :class:`cwql.Query` keyword.
#: Not values cwql parses, so :data:`PARAMETERS` does not hold them.
PAGING_PARAMETERS: dict[str, str] = {"page": "page", "pageSize": "page_size", "pageId": "page_id"}

#: The parameters that hold a condition expression (one grammar serves all three).
CONDITION_KINDS: tuple[ConditionKind, ...] = tuple(
    p.name for p in PARAMETERS if p.is_condition  # type: ignore[misc]
)
#: Every parameter a query text can be for.
ALL_KINDS: tuple[str, ...] = tuple(_BY_NAME)
#: The keys and keywords that hold a query in code and config files, and the parameter of each.
HOST_NAMES: dict[str, str] = {host: p.name for p in PARAMETERS for host in p.host_names}


def parameter(kind: object, *, conditions_only: bool = False) -> Parameter:
    """The parameter called ``kind``; raises :class:`~cwql.UsageError` naming the choices."""
    found = _BY_NAME.get(kind) if isinstance(kind, str) else None
    if found is None or (conditions_only and not found.is_condition):
        choices = CONDITION_KINDS if conditions_only else ALL_KINDS
        raise UsageError(f"kind must be one of {', '.join(choices)}; got {kind!r}")
    return found
