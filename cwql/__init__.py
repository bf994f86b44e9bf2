"""cwql: the query language of the ConnectWise PSA (Manage) REST API, parsed and checked.

The public API lives here; submodules are implementation, except
:mod:`cwql.syntax` (the AST node classes) and :mod:`cwql.errors`.
"""

from . import schema
from .encoding import decode, encode
from .errors import (
    ConditionError,
    CWQLError,
    Diagnostic,
    EncodingError,
    NestingError,
    ParseError,
    SchemaError,
    ValidationError,
)
from .evaluate import compile_predicate, evaluate
from .parser import KINDS, Limits, parse, parse_fields, parse_order_by
from .printer import normalize
from .sql import to_sql
from .validate import Policy, Validated, is_valid, validate

__all__ = [
    "KINDS",
    "CWQLError",
    "ConditionError",
    "Diagnostic",
    "EncodingError",
    "Limits",
    "NestingError",
    "ParseError",
    "Policy",
    "SchemaError",
    "Validated",
    "ValidationError",
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
