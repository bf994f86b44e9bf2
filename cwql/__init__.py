"""cwql: the query language of the ConnectWise PSA (Manage) REST API, parsed and checked.

The public API lives here; submodules are implementation, except
:mod:`cwql.syntax` (the AST node classes) and :mod:`cwql.errors`.
"""

from .combine import EMPTY, all_of, any_of
from .dsl import CF, F, allow_escapes
from .encoding import decode, encode
from .errors import (
    CWQLError,
    CWQLTypeError,
    Diagnostic,
    EncodingError,
    InvalidValueError,
    NestingError,
    ParseError,
    QueryError,
    UnsafeValueError,
)
from .parser import KINDS, Limits, parse, parse_fields, parse_order_by
from .printer import normalize
from .query import Query

__all__ = [
    "CF",
    "EMPTY",
    "KINDS",
    "CWQLError",
    "CWQLTypeError",
    "Diagnostic",
    "EncodingError",
    "F",
    "InvalidValueError",
    "Limits",
    "NestingError",
    "ParseError",
    "Query",
    "QueryError",
    "UnsafeValueError",
    "all_of",
    "allow_escapes",
    "any_of",
    "decode",
    "encode",
    "normalize",
    "parse",
    "parse_fields",
    "parse_order_by",
]

__version__ = "0.1.0"
