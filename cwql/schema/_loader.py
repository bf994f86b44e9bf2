"""Loading schemas: the bundled Manage 2025.1 schema (with its enum values), or a file of the same format."""

from __future__ import annotations

import functools
import json
import os
import pkgutil
from pathlib import Path

from ..errors import SchemaError
from ._core import Schema

__all__ = ["BUNDLED_VERSION", "load"]

#: The Manage API version of the schema that ships with cwql.
BUNDLED_VERSION = "2025.1"


@functools.cache
def _bundled() -> Schema:
    # pkgutil reads package data wherever the package is (a folder or a zip) and costs a
    # quarter of what importlib.resources imports (tempfile, shutil, random), which every
    # `cwql lint` with a schema rule on paid.
    data = pkgutil.get_data("cwql.schema", f"data/manage-{BUNDLED_VERSION}.json")
    if data is None:  # a loader that cannot read data: not one Python ships
        raise SchemaError(f"cannot read the bundled Manage {BUNDLED_VERSION} schema")
    return Schema(json.loads(data), source=f"bundled Manage {BUNDLED_VERSION}")


def load(path: str | os.PathLike[str] | None = None) -> Schema:
    """The bundled schema (``path=None``, loaded once and shared), or the one in ``path``.

    ``path`` is a JSON file in the ``cwql-schema/2`` format (enum values
    included), such as ``cwql schema import`` writes from an OpenAPI file, or
    in the older ``cwql-schema/1`` (no enum values). Raises
    :class:`~cwql.errors.SchemaError` when it cannot be read.
    """
    if path is None:
        return _bundled()
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as e:
        raise SchemaError(f"cannot read schema {file}: {e.strerror or e}") from None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SchemaError(f"{file} is not JSON: {e}") from None
    return Schema(data, source=str(file))
