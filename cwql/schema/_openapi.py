"""Build a cwql schema from an OpenAPI 3 file (``cwql schema import``).

ConnectWise publishes the Manage API as OpenAPI; each PSA version differs a
little. A user downloads the file for their version and turns it into the
``cwql-schema/2`` format, which every cwql entry point takes in place of the
bundled 2025.1 schema. A string property's ``enum`` (inline, or through a
``$ref`` to a string schema) becomes the field's enum values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import SchemaError
from ._core import FORMAT, Schema

__all__ = ["from_openapi"]

_REF_PREFIX = "#/components/schemas/"
# Bounds on a hostile or broken file: references are followed, not expanded,
# so depth only matters for inline schemas nested in one another, and for
# chains of references to schemas that are not objects (string enums).
_MAX_INLINE_DEPTH = 32


def from_openapi(spec: Mapping[str, Any], *, source: str = "<openapi>") -> Schema:
    """A :class:`Schema` from a parsed OpenAPI 3 document.

    Models come from ``components.schemas``; endpoints are the paths whose
    ``get`` answers 200 with an array of one of those models (a list
    endpoint, which is where conditions apply). Raises
    :class:`~cwql.errors.SchemaError` for anything that is not a well-formed
    OpenAPI 3 document.
    """
    try:
        return _from_openapi(spec, source)
    except SchemaError:
        raise
    except (AttributeError, TypeError, KeyError) as e:
        # A part of the document of another shape than OpenAPI gives it.
        raise SchemaError(f"{source}: not a well-formed OpenAPI 3 document ({type(e).__name__}: {e})") from None


def _from_openapi(spec: Mapping[str, Any], source: str) -> Schema:
    if not isinstance(spec, Mapping) or not str(spec.get("openapi", "")).startswith("3"):
        raise SchemaError(f"{source}: not an OpenAPI 3 document (no 'openapi: 3.x' field)")
    components = spec.get("components", {}).get("schemas", {})
    if not isinstance(components, Mapping):
        raise SchemaError(f"{source}: components.schemas is not an object")
    objects = {name: _properties(schema, components) for name, schema in components.items()}
    reader = _Reader(components, frozenset(n for n, p in objects.items() if p is not None))
    models: dict[str, dict[str, Any]] = {}
    enums: dict[str, dict[str, list[str]]] = {}
    for name, properties in objects.items():
        if properties is None:
            continue
        models[name] = {}
        for prop, sub in properties.items():
            ftype, values = reader.read(sub, f"{name}.{prop}", prop)
            models[name][prop] = ftype
            if values is not None and ftype == "string":
                enums.setdefault(name, {})[prop] = values
    endpoints: dict[str, str] = {}
    for path, item in (spec.get("paths") or {}).items():
        model = _list_model(item)
        if model is not None and model in models:
            endpoints[path] = model
    info = spec.get("info") or {}
    data = {
        "format": FORMAT,
        "api_version": str(info.get("version", "")),
        "derived_from": f"{info.get('title', 'OpenAPI')} {info.get('version', '')}".strip(),
        "endpoints": dict(sorted(endpoints.items())),
        "models": models,
        "enums": enums,
    }
    return Schema(data, source=source)


def _ref_name(schema: Any) -> str | None:
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
            return ref[len(_REF_PREFIX):]
        for combinator in ("allOf", "oneOf", "anyOf"):
            parts = schema.get(combinator)
            if isinstance(parts, list) and len(parts) == 1:
                return _ref_name(parts[0])
    return None


def _properties(schema: Any, components: Mapping[str, Any]) -> dict[str, Any] | None:
    """A model's properties, merging ``allOf`` parts; None when it is not an object."""
    if not isinstance(schema, Mapping):
        return None
    if _ref_name(schema) is not None and "properties" not in schema and schema.get("type") != "object":
        return None  # another name for the schema it refers to, which is read in its place
    merged: dict[str, Any] = {}
    # Post-order over allOf, without recursion: a part's properties come
    # before the properties of the schema that includes it.
    pending: list[tuple[Any, bool]] = [(schema, False)]
    seen: set[int] = set()
    while pending:
        current, expanded = pending.pop()
        if expanded:
            props = current.get("properties")
            if isinstance(props, Mapping):
                merged.update(props)
            continue
        if id(current) in seen or not isinstance(current, Mapping):
            continue
        seen.add(id(current))
        pending.append((current, True))
        for part in reversed(current.get("allOf") or []):
            name = _ref_name(part)
            pending.append((components.get(name, {}) if name else part, False))
    if not merged and schema.get("type") not in (None, "object"):
        return None
    return merged


class _Reader:
    """Reads one property's schema into a cwql type and its enum values."""

    def __init__(self, components: Mapping[str, Any], models: frozenset[str]) -> None:
        self.components = components
        self.models = models

    def read(self, schema: Any, where: str, prop: str) -> tuple[Any, list[str] | None]:
        # A reference to a component that is not an object (a string enum, a
        # date) stands for that schema itself: follow it, a bounded number of times.
        for _ in range(_MAX_INLINE_DEPTH):
            name = _ref_name(schema)
            if name is None or name in self.models or name not in self.components:
                break
            schema = self.components[name]
        else:
            raise SchemaError(f"{where}: references chained more than {_MAX_INLINE_DEPTH} deep")
        return _type(schema, where, prop), _enum(schema)


def _enum(schema: Any) -> list[str] | None:
    """The string values of a schema's ``enum``, in order, once each; None when it has none."""
    values = schema.get("enum") if isinstance(schema, Mapping) else None
    if not isinstance(values, list):
        return None
    strings = list(dict.fromkeys(v for v in values if isinstance(v, str)))  # OpenAPI 3.1 may list null
    return strings or None


def _type(schema: Any, where: str, prop: str, depth: int = 0) -> Any:
    if depth > _MAX_INLINE_DEPTH:
        raise SchemaError(f"{where}: inline schemas nested more than {_MAX_INLINE_DEPTH} deep")
    name = _ref_name(schema)
    if name is not None:
        return {"model": name}
    if not isinstance(schema, Mapping):
        return "any"
    kind = schema.get("type")
    if isinstance(kind, list):  # OpenAPI 3.1: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array":
        return {"array": _type(schema.get("items"), where, prop, depth + 1)}
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    if kind == "boolean":
        return "boolean"
    if kind == "string" or (kind is None and _enum(schema) is not None):
        return "datetime" if schema.get("format") in ("date-time", "date") else "string"
    if prop == "_info":
        return "info"
    if kind == "object" or "properties" in schema:
        return "object"
    return "any"


def _list_model(item: Any) -> str | None:
    get = item.get("get") if isinstance(item, Mapping) else None
    responses = get.get("responses") if isinstance(get, Mapping) else None
    ok = responses.get("200") if isinstance(responses, Mapping) else None
    content = ok.get("content") if isinstance(ok, Mapping) else None
    if not isinstance(content, Mapping):
        return None
    for media in content.values():
        schema = media.get("schema") if isinstance(media, Mapping) else None
        if isinstance(schema, Mapping) and schema.get("type") == "array":
            return _ref_name(schema.get("items"))
    return None
