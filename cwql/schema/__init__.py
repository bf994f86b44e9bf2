"""The ConnectWise Manage field schema: which fields each endpoint's records have.

``cwql.schema.load()`` gives the bundled Manage 2025.1 schema (loaded on first
use); ``cwql.schema.load(path)`` one built for another PSA version with
``cwql schema import``. :func:`check` type-checks a parsed query against it.
Names are imported on first use, like the package's own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .codes import SCHEMA_CODES, SchemaCode

if TYPE_CHECKING:
    from .checker import check
    from .core import INFO_KEYS, Field, Model, Resolved, Schema, Unresolved
    from .loader import BUNDLED_VERSION, load
    from .openapi import from_openapi
    from .types import ArrayOf, FieldType, Ref, Scalar

_LAZY = {
    "check": "checker",
    "INFO_KEYS": "core", "Field": "core", "Model": "core", "Resolved": "core", "Schema": "core",
    "Unresolved": "core",
    "BUNDLED_VERSION": "loader", "load": "loader",
    "from_openapi": "openapi",
    "ArrayOf": "types", "FieldType": "types", "Ref": "types", "Scalar": "types",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
    "SchemaCode",
    "Unresolved",
    "check",
    "from_openapi",
    "load",
]
