"""Readers that find queries in files, one module per kind of file.

Each reader is imported when a file of its kind is read, so ``cwql check``
(which reads no file) never loads ``ast``, ``tokenize`` or YAML support.
"""

from __future__ import annotations

import importlib

from .base import Extraction

__all__ = ["SUFFIXES", "read"]

#: File suffixes the linter reads, and the reader for each.
SUFFIXES = {".cwql": "cwql", ".py": "python", ".pyi": "python", ".json": "json",
            ".yaml": "yaml", ".yml": "yaml"}

_MODULES = {"cwql": "cwqlfile", "python": "python", "json": "jsonfile", "yaml": "yamlfile"}


def read(kind: str, text: str, default_kind: str, endpoint: str | None,
         connectwise: bool = False) -> Extraction:
    """Find the queries in ``text``, a file of ``kind`` (a value of :data:`SUFFIXES`).

    ``connectwise`` says the file is about ConnectWise whatever it holds, so the
    generic keys (``conditions``, ``orderBy``, ``fields``) hold queries in it.
    """
    module = importlib.import_module(f"{__name__}.{_MODULES[kind]}")
    if kind == "cwql":
        found: Extraction = module.read(text, default_kind, endpoint)
    else:
        found = module.read(text, endpoint, connectwise)
    return found
