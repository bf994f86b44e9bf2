"""The ConnectWise Manage field schema: which fields each endpoint's records have.

``cwql.schema.load()`` gives the bundled Manage 2025.1 schema (loaded on first
use); ``cwql.schema.load(path)`` one built for another PSA version with
``cwql schema import``. :func:`check` type-checks a parsed query against it.
"""

from .check import SCHEMA_CODES, check
from .core import INFO_KEYS, Field, Model, Resolved, Schema, Unresolved
from .loader import BUNDLED_VERSION, load
from .openapi import from_openapi
from .types import ArrayOf, FieldType, Ref, Scalar

__all__ = [
    "BUNDLED_VERSION",
    "INFO_KEYS",
    "SCHEMA_CODES",
    "ArrayOf",
    "Field",
    "FieldType",
    "Model",
    "Ref",
    "Resolved",
    "Scalar",
    "Schema",
    "Unresolved",
    "check",
    "from_openapi",
    "load",
]
