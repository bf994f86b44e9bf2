"""cwql: the query language of the ConnectWise PSA (Manage) REST API, parsed and checked.

The public API lives here; submodules are implementation, except
:mod:`cwql.syntax` (the AST node classes) and :mod:`cwql.errors`.
"""

from . import schema
from .encoding import decode, encode
from .errors import (
    CWQLError,
    Diagnostic,
    EncodingError,
    NestingError,
    ParseError,
    SchemaError,
    ValidationError,
)
from .parser import KINDS, Limits, parse, parse_fields, parse_order_by
from .printer import normalize
from .validate import Policy, Validated, is_valid, validate

__all__ = [
    "KINDS",
    "CWQLError",
    "Diagnostic",
    "EncodingError",
    "Limits",
    "NestingError",
    "ParseError",
    "Policy",
    "SchemaError",
    "Validated",
    "ValidationError",
    "decode",
    "encode",
    "is_valid",
    "normalize",
    "parse",
    "parse_fields",
    "parse_order_by",
    "schema",
    "validate",
]

__version__ = "0.1.0"
