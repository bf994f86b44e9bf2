"""cwql: the query language of the ConnectWise PSA (Manage) REST API, parsed and checked.

The public API lives here; submodules are implementation, except
:mod:`cwql.syntax` (the AST node classes) and :mod:`cwql.errors`.
"""

from .encoding import decode, encode
from .errors import ConditionError, CWQLError, Diagnostic, EncodingError, NestingError, ParseError
from .evaluate import compile_predicate, evaluate
from .parser import KINDS, Limits, parse, parse_fields, parse_order_by
from .printer import normalize
from .sql import to_sql

__all__ = [
    "KINDS",
    "CWQLError",
    "ConditionError",
    "Diagnostic",
    "EncodingError",
    "Limits",
    "NestingError",
    "ParseError",
    "compile_predicate",
    "decode",
    "encode",
    "evaluate",
    "normalize",
    "parse",
    "parse_fields",
    "parse_order_by",
    "to_sql",
]

__version__ = "0.1.0"
