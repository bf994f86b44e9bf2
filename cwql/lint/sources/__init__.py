"""Readers that find queries in files, one module per kind of file."""

from __future__ import annotations

from . import cwqlfile, jsonfile, python, yamlfile
from .base import Extraction

__all__ = ["SUFFIXES", "read"]

#: File suffixes the linter reads, and the reader for each.
SUFFIXES = {".cwql": "cwql", ".py": "python", ".pyi": "python", ".json": "json",
            ".yaml": "yaml", ".yml": "yaml"}


def read(kind: str, text: str, default_kind: str, endpoint: str | None) -> Extraction:
    """Find the queries in ``text``, a file of ``kind`` (a value of :data:`SUFFIXES`)."""
    if kind == "cwql":
        return cwqlfile.read(text, default_kind, endpoint)
    if kind == "python":
        return python.read(text, endpoint)
    if kind == "json":
        return jsonfile.read(text, endpoint)
    return yamlfile.read(text, endpoint)
