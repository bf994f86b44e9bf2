"""cwql: the query language of the ConnectWise PSA (Manage) REST API, parsed and checked.

The public API lives here; submodules are implementation, except
:mod:`cwql.syntax` (the AST node classes) and :mod:`cwql.errors`.
"""

from . import schema
from .combine import EMPTY, all_of, any_of
from .dsl import CF, F, allow_escapes
from .encoding import decode, encode
from .errors import (
    ConditionError,
    CWQLError,
    CWQLTypeError,
    Diagnostic,
    EncodingError,
    InvalidValueError,
    NestingError,
    ParseError,
    QueryError,
    SchemaError,
    UnsafeValueError,
    ValidationError,
)
from .evaluate import compile_predicate, evaluate
from .parser import KINDS, Limits, parse, parse_fields, parse_order_by
from .printer import normalize
from .query import Query
from .sql import to_sql
from .validate import Policy, Validated, is_valid, validate

__all__ = [
    "CF",
    "EMPTY",
    "KINDS",
    "CWQLError",
    "CWQLTypeError",
    "ConditionError",
    "Diagnostic",
    "EncodingError",
    "F",
    "InvalidValueError",
    "Limits",
    "NestingError",
    "ParseError",
    "Policy",
    "Query",
    "QueryError",
    "SchemaError",
    "UnsafeValueError",
    "Validated",
    "ValidationError",
    "all_of",
    "allow_escapes",
    "any_of",
    "compile_predicate",
    "decode",
    "encode",
    "evaluate",
    "is_valid",
    "normalize",
    "parse",
    "parse_fields",
    "parse_order_by",
    "schema",
    "to_sql",
    "validate",
]

__version__ = "0.1.0"
