"""cwql: the query language of the ConnectWise PSA (Manage) REST API, parsed and checked.

The public API is what ``dir(cwql)`` lists, plus the public subpackages and
modules: :mod:`cwql.syntax` (the tree), :mod:`cwql.errors` (the exception
tree), :mod:`cwql.schema`, :mod:`cwql.lint`, :mod:`cwql.http` and
:mod:`cwql.testing`. Modules whose names start with ``_`` are implementation.

Names are imported on first use (PEP 562), the exceptions too, so ``import
cwql`` loads nothing but this file and ``cwql._lazy``, and a command such as
``cwql check`` loads only the parser and the linter, never the evaluator, the
schema or HTTP code.
"""

from . import _lazy
from ._version import __version__ as __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from . import http as http
    from . import lint as lint
    from . import schema as schema
    from . import syntax as syntax
    from . import testing as testing
    from ._combine import all_of as all_of
    from ._combine import any_of as any_of
    from ._dsl import CF as CF
    from ._dsl import F as F
    from ._dsl import allow_control_characters as allow_control_characters
    from ._dsl import allow_escapes as allow_escapes
    from ._encoding import decode as decode
    from ._encoding import encode as encode
    from ._evaluator import compile_predicate as compile_predicate
    from ._evaluator import evaluate as evaluate
    from ._parser import Limits as Limits
    from ._parser import normalize as normalize
    from ._parser import parse as parse
    from ._parser import parse_fields as parse_fields
    from ._parser import parse_order_by as parse_order_by
    from ._query import Query as Query
    from ._spec import CONDITION_KINDS as CONDITION_KINDS
    from ._sql import to_sql as to_sql
    from ._validator import Policy as Policy
    from ._validator import Validated as Validated
    from ._validator import for_end_users as for_end_users
    from ._validator import is_valid as is_valid
    from ._validator import render_for_end_users as render_for_end_users
    from ._validator import validate as validate
    from .errors import APIError as APIError
    from .errors import ConfigurationError as ConfigurationError
    from .errors import CWQLError as CWQLError
    from .errors import CWQLTypeError as CWQLTypeError
    from .errors import Diagnostic as Diagnostic
    from .errors import EncodingError as EncodingError
    from .errors import InvalidValueError as InvalidValueError
    from .errors import ParseError as ParseError
    from .errors import QueryError as QueryError
    from .errors import SchemaError as SchemaError
    from .errors import UnsafeValueError as UnsafeValueError
    from .errors import UsageError as UsageError
    from .errors import ValidationError as ValidationError
    from .syntax import EMPTY as EMPTY
del TYPE_CHECKING


def _load_printer() -> None:
    from . import _printer  # noqa: F401  (it installs itself: see cwql.syntax)


_lazy.load_printer = _load_printer

__getattr__, __dir__, __all__ = _lazy.attach(
    __name__,
    {
        "errors": [
            "APIError", "CWQLError", "CWQLTypeError", "ConfigurationError", "Diagnostic",
            "EncodingError", "InvalidValueError", "ParseError", "QueryError", "SchemaError",
            "UnsafeValueError", "UsageError", "ValidationError",
        ],
        "syntax": ["EMPTY"],
        "_combine": ["all_of", "any_of"],
        "_dsl": ["CF", "F", "allow_control_characters", "allow_escapes"],
        "_encoding": ["decode", "encode"],
        "_evaluator": ["compile_predicate", "evaluate"],
        "_parser": ["Limits", "normalize", "parse", "parse_fields", "parse_order_by"],
        "_query": ["Query"],
        "_spec": ["CONDITION_KINDS"],
        "_sql": ["to_sql"],
        "_validator": [
            "Policy", "Validated", "for_end_users", "is_valid", "render_for_end_users", "validate",
        ],
    },
    submodules=["errors", "http", "lint", "schema", "syntax", "testing"],
)
