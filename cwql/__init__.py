"""cwql: the query language of the ConnectWise PSA (Manage) REST API, parsed and checked.

The public API lives here; submodules are implementation, except
:mod:`cwql.syntax` (the AST node classes), :mod:`cwql.errors`,
:mod:`cwql.schema`, :mod:`cwql.lint`, :mod:`cwql.http` and :mod:`cwql.testing`.

Names are imported on first use (PEP 562), so ``import cwql`` is cheap and a
command such as ``cwql check`` loads only the parser and the linter, never the
evaluator, the schema or HTTP code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from . import schema
    from .combine import EMPTY, all_of, any_of
    from .dsl import CF, F, allow_escapes
    from .encoding import decode, encode
    from .evaluator import compile_predicate, evaluate
    from .parser import KINDS, Limits, parse, parse_fields, parse_order_by
    from .printer import normalize
    from .query import Query
    from .sql import to_sql
    from .validator import Policy, Validated, is_valid, validate

# Public name -> the module that defines it.
_LAZY = {
    "KINDS": "parser", "Limits": "parser", "parse": "parser", "parse_fields": "parser",
    "parse_order_by": "parser",
    "normalize": "printer",
    "decode": "encoding", "encode": "encoding",
    "CF": "dsl", "F": "dsl", "allow_escapes": "dsl",
    "EMPTY": "combine", "all_of": "combine", "any_of": "combine",
    "Query": "query",
    "compile_predicate": "evaluator", "evaluate": "evaluator",
    "to_sql": "sql",
    "Policy": "validator", "Validated": "validator", "is_valid": "validator", "validate": "validator",
}
# Subpackages and modules reachable as attributes after ``import cwql``.
_SUBMODULES = frozenset({
    "syntax", "errors", "schema", "lint", "http", "testing", "parser", "printer", "literals",
    "encoding", "dsl", "combine", "query", "evaluator", "sql", "validator", "diagnose", "lexer", "cli",
})


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})


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
