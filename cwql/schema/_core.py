"""The schema: endpoints, models, fields, and how a query path resolves through them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .._record import Record
from ..errors import SchemaError
from ._types import ArrayOf, FieldType, Ref, Scalar, parse_type, type_to_data

__all__ = ["INFO_KEYS", "Field", "Model", "Resolved", "Schema", "Unresolved"]

#: The format :meth:`Schema.to_data` writes: version 2 adds ``enums``.
FORMAT = "cwql-schema/2"
#: Every format a schema file may be in; version 1 files (no enums) still load.
FORMATS = ("cwql-schema/1", FORMAT)

#: The ``_info`` keys that conditions filter on (LANGUAGE.md §2.13), bare or
#: as ``_info/key``. Other ``_info`` entries are links, not filterable data.
INFO_KEYS: Mapping[str, FieldType] = MappingProxyType({
    "lastUpdated": Scalar("datetime"),
    "dateEntered": Scalar("datetime"),
    "enteredBy": Scalar("string"),
    "updatedBy": Scalar("string"),
})
_INFO = Scalar("info")

#: The model of a customFieldConditions row.
CUSTOM_FIELD_MODEL = "CustomFieldValue"


class Field(Record):
    """One field of a model: its name as the schema spells it, its type, and its enum values.

    ``enum`` holds the values a ``string`` field may take, as the spec spells
    them (the server compares them case-insensitively); None when any string goes.
    """

    __slots__ = ("enum", "name", "owner", "type")
    name: str
    type: FieldType
    owner: str
    enum: tuple[str, ...] | None

    def __init__(
        self,
        name: str,
        type: FieldType,
        owner: str,
        enum: tuple[str, ...] | None = None,
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "type", type)
        _set(self, "owner", owner)
        _set(self, "enum", enum)


class Model(Record):
    """A model of the schema: its fields by name (read-only)."""

    __slots__ = ("_folded", "fields", "name")
    name: str
    fields: Mapping[str, Field]
    _folded: Mapping[str, Field]

    def __init__(self, name: str, fields: Mapping[str, Field]) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "fields", fields)
        # The fields by case-folded name, for the server's case-insensitive matching.
        _set(self, "_folded", MappingProxyType({k.casefold(): f for k, f in fields.items()}))

    def field(self, name: str) -> Field | None:
        """The field called ``name``, matched exactly, else case-insensitively."""
        found = self.fields.get(name)
        return found if found is not None else self._folded.get(name.casefold())

    def suggest(self, name: str, extra: tuple[str, ...] = ()) -> list[str]:
        """Field names close to ``name``, best first."""
        names = [*self.fields, *extra]
        by_fold = {n.casefold(): n for n in names}
        close = _close_matches(name.casefold(), list(by_fold), n=3, cutoff=0.6)
        return [by_fold[c] for c in close]


class Resolved(Record):
    """A path that names a field.

    ``type`` is the type at the end of the path. ``array_at`` is the index of
    the segment that entered an array (None if none did); ``canonical`` is the
    path spelled as the schema spells it, which differs from what was written
    only in letter case.
    """

    __slots__ = ("array_at", "canonical", "fields", "path", "type")
    path: str
    canonical: str
    type: FieldType
    array_at: int | None
    fields: tuple[Field, ...]

    def __init__(
        self,
        path: str,
        canonical: str,
        type: FieldType,
        array_at: int | None,
        fields: tuple[Field, ...],
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "canonical", canonical)
        _set(self, "type", type)
        _set(self, "array_at", array_at)
        _set(self, "fields", fields)

    @property
    def case_differs(self) -> bool:
        return self.canonical != self.path

    @property
    def enum(self) -> tuple[str, ...] | None:
        """The enum values of the field the path ends at (None: not an enum field)."""
        # An _info key at the end has no Field, so the last Field is not the end.
        if not self.fields or len(self.fields) != self.canonical.count("/") + 1:
            return None
        return self.fields[-1].enum


class Unresolved(Record):
    """A path whose segment ``index`` names nothing in ``model``."""

    __slots__ = ("index", "model", "name", "path", "reason", "suggestions")
    path: str
    index: int
    name: str
    model: str
    suggestions: tuple[str, ...]
    reason: str

    def __init__(
        self,
        path: str,
        index: int,
        name: str,
        model: str,
        suggestions: tuple[str, ...],
        reason: str,
    ) -> None:
        _set = object.__setattr__
        _set(self, "path", path)
        _set(self, "index", index)
        _set(self, "name", name)
        _set(self, "model", model)
        _set(self, "suggestions", suggestions)
        _set(self, "reason", reason)

    @property
    def offset(self) -> int:
        """Where the failing segment starts in ``path``."""
        return sum(len(s) + 1 for s in self.path.split("/")[: self.index])


def _close_matches(word: str, candidates: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    # difflib is imported only when a name is wrong, to keep imports light.
    import difflib

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)


# Bound on remembered path resolutions; past it the memory starts afresh.
_RESOLVED_MAX = 10_000

_TEMPLATE = re.compile(r"\{[^/{}]+\}")


class Schema:
    """Endpoints and models of one Manage API version.

    Build one with :func:`cwql.schema.load`. Models are turned into objects
    on first use, so loading the bundled schema stays cheap.
    """

    def __init__(self, data: Mapping[str, Any], *, source: str = "<data>") -> None:
        if not isinstance(data, Mapping) or data.get("format") not in FORMATS:
            raise SchemaError(
                f"{source}: not a cwql schema (its 'format' must be one of {', '.join(map(repr, FORMATS))})"
            )
        endpoints, models = data.get("endpoints"), data.get("models")
        if not isinstance(endpoints, Mapping) or not isinstance(models, Mapping):
            raise SchemaError(f"{source}: a schema needs 'endpoints' and 'models' objects")
        enums = data.get("enums", {}) if data["format"] != FORMATS[0] else {}
        if not isinstance(enums, Mapping) or not all(isinstance(v, Mapping) for v in enums.values()):
            raise SchemaError(f"{source}: 'enums' maps model names to objects of field names and values")
        for path, model in endpoints.items():
            if not isinstance(path, str) or not isinstance(model, str):
                raise SchemaError(f"{source}: endpoints map paths to model names, not {path!r}: {model!r}")
        self.source = source
        self.version: str = str(data.get("api_version", ""))
        self._raw_models = models
        self._raw_enums: Mapping[str, Mapping[str, Any]] = enums
        self._models: dict[str, Model] = {}
        self._resolved: dict[tuple[str, str, str], Resolved | Unresolved] = {}
        self.endpoints: Mapping[str, str] = MappingProxyType(dict(endpoints))
        self._exact: dict[str, str] = {}
        for path in endpoints:
            if "{" not in path:
                self._exact[path.rstrip("/").casefold()] = path
        self._compiled_templates: list[tuple[re.Pattern[str], str]] | None = None

    @property
    def _templates(self) -> list[tuple[re.Pattern[str], str]]:
        """Endpoint templates as regexes (``{parentId}`` matches one segment), in schema order.

        Compiled on the first path that is not a plain endpoint: the bundled
        schema has over 300 of them, and compiling them was most of the cost of
        loading it, which every ``cwql lint`` with an endpoint paid.
        """
        templates = self._compiled_templates
        if templates is None:
            # Made whole, then published: a schema is shared (the bundled one by every
            # validator), and another thread must never see the list half made.
            templates = []
            for path in self.endpoints:
                if "{" in path:
                    key = path.rstrip("/").casefold()
                    pattern = _TEMPLATE.sub(
                        "[^/]+", re.escape(key).replace(r"\{", "{").replace(r"\}", "}"))
                    templates.append((re.compile(pattern + "$"), path))
            self._compiled_templates = templates
        return templates

    def __repr__(self) -> str:
        return f"<Schema {self.version or '?'} from {self.source}: {len(self.endpoints)} endpoints>"

    # ---- models ------------------------------------------------------------

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(self._raw_models)

    def model(self, name: str) -> Model:
        """The model called ``name``. Raises :class:`~cwql.errors.SchemaError`."""
        found = self._models.get(name)
        if found is not None:
            return found
        raw = self._raw_models.get(name)
        if not isinstance(raw, Mapping):
            close = _close_matches(name, list(self._raw_models), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SchemaError(f"no model {name!r} in the schema{hint}")
        fields = {
            fname: Field(fname, parse_type(ftype, f"{name}.{fname}"), name)
            for fname, ftype in raw.items()
        }
        for fname, values in self._raw_enums.get(name, {}).items():
            where = f"{self.source}: enums of {name}.{fname}"
            plain = fields.get(fname)
            if plain is None:
                raise SchemaError(f"{where}: {name} has no field {fname!r}")
            if plain.type != Scalar("string"):
                raise SchemaError(f"{where}: only string fields have enum values; this one is {plain.type}")
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                raise SchemaError(f"{where}: enum values are a non-empty list of strings")
            fields[fname] = Field(fname, plain.type, name, tuple(dict.fromkeys(values)))
        model = Model(name, MappingProxyType(fields))
        self._models[name] = model
        return model

    # ---- endpoints ---------------------------------------------------------

    def endpoint(self, path: str) -> tuple[str, Model]:
        """The endpoint template a request path matches, and the model it lists.

        Accepts ``/service/tickets``, ``service/tickets``, a concrete path
        such as ``/service/tickets/123/notes``, or a full URL ending in one.
        """
        key = _endpoint_key(path)
        template = self._exact.get(key)
        if template is None:
            for pattern, candidate in self._templates:
                if pattern.match(key):
                    template = candidate
                    break
        if template is None:
            known = list(self._exact)
            close = _close_matches(key, known, n=3, cutoff=0.7)
            hint = f"; did you mean {', '.join(self._exact[c] for c in close)}?" if close else ""
            raise SchemaError(f"{path!r} is not a list endpoint of the schema{hint}")
        return template, self.model(self.endpoints[template])

    # ---- paths -------------------------------------------------------------

    def resolve(self, model: Model | str, path: str, *, kind: str = "conditions") -> Resolved | Unresolved:
        """Follow ``path`` (``status/name``) from ``model`` through references and arrays.

        ``kind`` is the query parameter: ``customFieldConditions`` resolves
        against the custom-field row whatever ``model`` is. Letter case is
        matched loosely, as the server does; :attr:`Resolved.canonical` tells
        the schema's spelling. Bare ``lastUpdated`` and the other ``_info``
        keys resolve on any model that has ``_info`` (LANGUAGE.md §2.13).
        Answers are remembered (a project uses the same paths over and over,
        and an unknown one costs a did-you-mean search).
        """
        key = (model if isinstance(model, str) else model.name, path, kind)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(key[0], path, kind)
            if len(self._resolved) >= _RESOLVED_MAX:
                self._resolved.clear()
            self._resolved[key] = found
        return found

    def _resolve(self, model: str, path: str, kind: str) -> Resolved | Unresolved:
        current = self.model(CUSTOM_FIELD_MODEL if kind == "customFieldConditions" else model)
        segments = path.split("/")
        canonical: list[str] = []
        fields: list[Field] = []
        array_at: int | None = None
        ftype: FieldType = Ref(current.name)
        for i, name in enumerate(segments):
            if isinstance(ftype, Scalar) and ftype.name == "info":
                info = _info_key(name)
                if info is None:
                    return Unresolved(path, i, name, "_info", tuple(_suggest_info(name)),
                                      "not an _info key that conditions can filter on")
                canonical.append(info)
                ftype = INFO_KEYS[info]
                continue
            if not isinstance(ftype, Ref):
                return Unresolved(path, i, name, str(ftype), (), f"{'/'.join(canonical)} is a {ftype} and has no fields")
            current = self.model(ftype.model)
            found = current.field(name)
            if found is None and "_info" in current.fields and _info_key(name) is not None:
                info = _info_key(name)
                assert info is not None
                canonical.append(info)
                ftype = INFO_KEYS[info]
                continue
            if found is None:
                extra = tuple(INFO_KEYS) if "_info" in current.fields else ()
                return Unresolved(path, i, name, current.name, tuple(current.suggest(name, extra)),
                                  f"{current.name} has no field {name!r}")
            canonical.append(found.name)
            fields.append(found)
            ftype = found.type
            if isinstance(ftype, ArrayOf):
                if array_at is None:
                    array_at = i
                # Through an array, the path continues into its items.
                if i < len(segments) - 1 or kind == "childConditions":
                    while isinstance(ftype, ArrayOf):
                        ftype = ftype.item
        return Resolved(path, "/".join(canonical), ftype, array_at, tuple(fields))

    def to_data(self) -> dict[str, Any]:
        """The schema in its JSON format (the newest, :data:`FORMAT`)."""
        models = {}
        enums: dict[str, dict[str, list[str]]] = {}
        for name in self._raw_models:
            model = self.model(name)
            models[name] = {f.name: type_to_data(f.type) for f in model.fields.values()}
            values = {f.name: list(f.enum) for f in model.fields.values() if f.enum is not None}
            if values:
                enums[name] = values
        return {
            "format": FORMAT,
            "api_version": self.version,
            "endpoints": dict(self.endpoints),
            "models": models,
            "enums": enums,
        }


def _endpoint_key(path: str) -> str:
    key = path.strip()
    key = key.split("?", 1)[0].split("#", 1)[0]
    # A full URL or a base-relative path: keep what follows /apis/3.0.
    marker = key.casefold().find("/apis/3.0")
    if marker >= 0:
        key = key[marker + len("/apis/3.0"):]
    if not key.startswith("/"):
        key = "/" + key
    return key.rstrip("/").casefold()


def _info_key(name: str) -> str | None:
    if name in INFO_KEYS:
        return name
    folded = name.casefold()
    for key in INFO_KEYS:
        if key.casefold() == folded:
            return key
    return None


def _suggest_info(name: str) -> list[str]:
    return _close_matches(name, list(INFO_KEYS), n=3, cutoff=0.5)
