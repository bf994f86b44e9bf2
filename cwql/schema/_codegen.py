"""Typed field classes from a schema: the generator behind ``cwql schema codegen`` and :mod:`cwql.fields`.

:func:`generate` renders one Python module per model that a list endpoint
returns (and per model those reference), plus a package ``__init__`` that
imports each model on first use. The classes are made of the descriptors of
:mod:`cwql._typed`; the schema's types decide which field class each attribute
is (``integer`` → ``IntegerField``, an enum → ``EnumField[Literal[...]]``, a
reference → a typed sub-object, ...). The output depends on the schema alone,
so the bundled :mod:`cwql.fields` can be checked against the bundled schema.
"""

from __future__ import annotations

import keyword
import os
import re
from pathlib import Path

from .._typed import RUNTIME
from ..errors import SchemaError
from ._checker import _NAMED_LIKE_A_DATE
from ._core import INFO_KEYS, Field, Schema
from ._types import ArrayOf, FieldType, Ref, Scalar

__all__ = ["differences", "generate", "write"]

#: Attribute names the runtime's classes use themselves (and the generated modules' own names).
_RESERVED = frozenset({"is_null", "is_not_null", "query", "mro", "_f", "_t"})
#: The generated modules' own names; no model module may take one.
_BASE_MODULE = "_base"
_INFO_CLASS = "_Info"
_RECORD_CLASS = "_WithInfo"

_SCALAR_FIELD = {
    "integer": "IntegerField",
    "number": "NumberField",
    "boolean": "BooleanField",
    "string": "StringField",
    "datetime": "DateTimeField",
    "object": "AnyField",
    "any": "AnyField",
}
_INFO_FIELD = {"datetime": "DateTimeField", "string": "StringField"}


# ---- enum values ---------------------------------------------------------------------------


def _enum_values(schema: Schema, field: Field) -> tuple[str, ...]:
    """The values of ``field`` if it is an enum, in the schema's order; () otherwise."""
    return field.enum or ()


# ---- names -------------------------------------------------------------------------------------


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _is_identifier(name: str) -> bool:
    return name.isidentifier() and name.isascii() and not keyword.iskeyword(name)


def _attribute_name(field: str, taken: set[str]) -> str:
    """The Python attribute for an API field name: the name itself unless Python or cwql needs it."""
    name = field
    if (
        not _is_identifier(name)
        or name in _RESERVED
        or (name.startswith("__") and name.endswith("__"))
        or name.startswith("_cwql")
    ):
        name += "_"
    while name in taken:
        name += "_"
    return name


# ---- what to generate ----------------------------------------------------------------------------


def _innermost(ftype: FieldType) -> tuple[FieldType, bool]:
    array = False
    while isinstance(ftype, ArrayOf):
        ftype, array = ftype.item, True
    return ftype, array


def _reachable(schema: Schema) -> list[str]:
    """Every model a list endpoint returns, and every model reachable from those, sorted."""
    known = set(schema.model_names)
    seen: set[str] = set()
    stack = [m for m in schema.endpoints.values() if m in known]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for field in schema.model(name).fields.values():
            inner, _ = _innermost(field.type)
            if isinstance(inner, Ref) and inner.model in known:
                stack.append(inner.model)
    return sorted(seen)


def _default_endpoint(endpoints: list[str]) -> str | None:
    """The endpoint a model's ``query()`` uses: its one collection that the others extend.

    ``/service/tickets`` for Ticket (``/service/tickets/calculateSla`` extends
    it); None when no single plain path stands out.
    """
    plain = [e for e in endpoints if "{" not in e]
    for candidate in plain:
        if all(e == candidate or e.startswith(candidate + "/") for e in plain):
            return candidate
    return None


def _literal(text: str) -> str:
    # Double quotes unless the text holds one (repr's choice is the other way round).
    if '"' not in text:
        return '"' + text.replace("\\", "\\\\") + '"'
    return repr(text)


class _ModelWriter:
    def __init__(self, schema: Schema, name: str, endpoints: list[str], modules: dict[str, str]) -> None:
        self.schema = schema
        self.name = name
        self.model = schema.model(name)
        self.endpoints = endpoints
        self.modules = modules
        self.imports: set[str] = set()  # models referenced, imported for type checkers only
        self.uses_literal = False

    def field_line(self, field: Field, attribute: str) -> str:
        inner, array = _innermost(field.type)
        options = []
        if attribute != field.name:
            options.append(f"name={_literal(field.name)}")
        if array:
            options.append("array=True")
        extra = "".join(", " + o for o in options)
        if field.name == "customFields" and array:
            named = f"name={_literal(field.name)}" if attribute != field.name else ""
            return f"{attribute} = _f.CustomFieldsAttr({named})"
        if isinstance(inner, Ref) and inner.model in self.modules:
            if inner.model != self.name:
                self.imports.add(inner.model)
            return f"{attribute}: _f.Ref[{inner.model}] = _f.Ref({_literal(inner.model)}{extra})"
        if isinstance(inner, Scalar) and inner.name == "info":
            return f"{attribute}: _f.Ref[{_INFO_CLASS}] = _f.Ref({_INFO_CLASS}{extra})"
        kind = _SCALAR_FIELD.get(inner.name, "AnyField") if isinstance(inner, Scalar) else "AnyField"
        if kind == "StringField":
            values = _enum_values(self.schema, field)
            if values:
                self.uses_literal = True
                listed = ", ".join(_literal(v) for v in values)
                return f"{attribute} = _f.Attr(_f.EnumField[_t.Literal[{listed}]]{extra})"
            if _NAMED_LIKE_A_DATE.search(field.name):
                # The spec types some date fields as text (closedDate); the checker takes dates there too.
                kind = "DateStringField"
        return f"{attribute} = _f.Attr(_f.{kind}{extra})"

    def render(self, version: str) -> str:
        bases = []
        if self.name in set(self.schema.endpoints.values()):
            bases.append("_f.EndpointModel")
        info = self.model.fields.get("_info")
        has_info = info is not None and info.type == Scalar("info")
        if has_info:
            bases.append(_RECORD_CLASS)
        if not bases:
            bases.append("_f.Model")
        taken: set[str] = set()
        body = []
        for field in self.model.fields.values():
            attribute = _attribute_name(field.name, taken)
            taken.add(attribute)
            line = self.field_line(field, attribute)
            if has_info and field.name in INFO_KEYS and _info_kind(field) != _INFO_FIELD[str(INFO_KEYS[field.name])]:
                line += "  # type: ignore[assignment]"  # another type than the _info key of that name
            body.append(line)
        doc = _class_doc(self.name, self.endpoints, version)
        head = [f'class {self.name}({", ".join(bases)}):', f"    {doc}", "", "    __slots__ = ()"]
        if "_f.EndpointModel" in bases:
            default = _default_endpoint(self.endpoints)
            head.append(f"    _cwql_endpoint = {_literal(default) if default else None}")
            listed = ", ".join(_literal(e) for e in self.endpoints)
            head.append(f"    _cwql_endpoints = ({listed}{',' if len(self.endpoints) == 1 else ''})")
        lines = [*head, "", *(f"    {line}" for line in body)] if body else head
        sections = [["from cwql import _typed as _f"]]
        if self.uses_literal or self.imports:
            sections.insert(0, ["import typing as _t"])
        base = [n for n in (_INFO_CLASS, _RECORD_CLASS) if any(n in line for line in lines)]
        if base:
            sections.append([f"from .{_BASE_MODULE} import {', '.join(base)}"])
        checking = [_import(self.modules[m], m, "") for m in sorted(self.imports, key=self.modules.__getitem__)]
        if checking:
            sections.append(["if _t.TYPE_CHECKING:", *checking])
        return _module(f"The {self.name} model of Manage {version}.", sections, lines)


def _info_kind(field: Field) -> str:
    inner, _ = _innermost(field.type)
    return _SCALAR_FIELD.get(str(inner), "AnyField")


def _class_doc(name: str, endpoints: list[str], version: str) -> str:
    if endpoints:
        shown = ", ".join(endpoints[:3]) + (f" and {len(endpoints) - 3} more" if len(endpoints) > 3 else "")
        return f'"""Records of {shown} (Manage {version})."""'
    return f'"""The {name} model (Manage {version}), reached through references."""'


def _import(module: str, name: str, alias: str) -> str:
    """One import under ``if TYPE_CHECKING:``, wrapped as ruff's isort wraps a long line."""
    line = f"    from .{module} import {name}{alias}"
    return line if len(line) <= 100 else f"    from .{module} import (\n        {name}{alias},\n    )"


_HEADER = "# Generated by `cwql schema codegen`: do not edit. Regenerate with cwql schema codegen SCHEMA -o DIR."


def _module(doc: str, sections: list[list[str]], body: list[str], *, future: bool = True) -> str:
    """A module's text: header, docstring, import sections one blank line apart, then ``body``."""
    parts = [_HEADER, f'"""{doc}"""']
    if future:  # the classes' annotations name models that only type checkers import
        parts += ["", "from __future__ import annotations"]
    for section in sections:
        parts += ["", *section]
    return "\n".join([*parts, "", "", *body]) + "\n"


def _base_module(version: str) -> str:
    keys = [f"    {key} = _f.Attr(_f.{_INFO_FIELD[str(t)]})" for key, t in INFO_KEYS.items()]
    body = [
        f"class {_INFO_CLASS}(_f.Model):",
        '    """The `_info` block: the keys that conditions filter on."""',
        "",
        "    __slots__ = ()",
        "",
        *keys,
        "",
        "",
        f"class {_RECORD_CLASS}(_f.Model):",
        '    """A model with an `_info` block, whose keys conditions may also name bare (lastUpdated)."""',
        "",
        "    __slots__ = ()",
        "",
        f"    _info: _f.Ref[{_INFO_CLASS}] = _f.Ref({_INFO_CLASS})",
        *keys,
    ]
    return _module(f"What the models of Manage {version} share.", [["from cwql import _typed as _f"]], body)


def _init_module(version: str, table: dict[str, str], counts: tuple[int, int, int]) -> str:
    models, endpoints, enums = counts
    checking = [_import(module, name, f" as {name}") for name, module in sorted(table.items(), key=lambda i: i[1])]
    rows = [f"        {_literal(name)}: {_literal(module)}," for name, module in table.items()]
    doc = (
        f"Typed fields for the records of Manage {version}: {models} models, {endpoints} list "
        f"endpoints, {enums} enum fields.\n\n"
        "``from cwql.fields import Ticket``: ``Ticket.status.name == \"New\"`` builds the\n"
        "condition ``F.status.name == \"New\"`` builds, after checking the value's type;\n"
        "``Ticket.query(...)`` binds a query to the endpoint. Each model is imported on first use.\n"
        "See docs/typed-fields.md.\n"
    )
    body = [
        "__getattr__, __dir__, __all__ = _f.models_package(",
        "    __name__,",
        "    {",
        *rows,
        "    },",
        f"    runtime={RUNTIME},",
        ")",
        "del _t, _f",
    ]
    sections = [["import typing as _t"], ["from cwql import _typed as _f"], ["if _t.TYPE_CHECKING:", *checking]]
    return _module(doc, sections, body, future=False)


def generate(schema: Schema) -> dict[str, str]:
    """The files of a typed-fields package for ``schema``: ``{file name: text}``.

    The package holds ``__init__.py``, ``_base.py`` and one module per model
    (``_ticket.py`` for Ticket). Raises :class:`~cwql.errors.SchemaError` for
    a model whose name cannot be a Python class name.
    """
    version = schema.version or "?"
    names = _reachable(schema)
    by_model: dict[str, list[str]] = {}
    for path, model in schema.endpoints.items():
        by_model.setdefault(model, []).append(path)
    modules: dict[str, str] = {}
    used = {_BASE_MODULE}
    for name in names:
        if not _is_identifier(name) or name in (_INFO_CLASS, _RECORD_CLASS) or name.startswith("__"):
            raise SchemaError(f"model {name!r} cannot be a Python class name")
        module = "_" + _snake(name)
        while module.casefold() in used:  # two names one file apart on a case-blind disk
            module += "_"
        used.add(module.casefold())
        modules[name] = module
    files = {f"{_BASE_MODULE}.py": _base_module(version)}
    enums = 0
    for name in names:
        writer = _ModelWriter(schema, name, by_model.get(name, []), modules)
        files[f"{modules[name]}.py"] = writer.render(version)
        enums += sum(1 for f in writer.model.fields.values() if _enum_values(schema, f))
    endpoints = sum(1 for m in schema.endpoints.values() if m in modules)
    files["__init__.py"] = _init_module(version, modules, (len(names), endpoints, enums))
    return files



# ---- writing a package ---------------------------------------------------------------------------


def differences(files: dict[str, str], directory: str | os.PathLike[str]) -> list[str]:
    """The file names in ``directory`` that differ from ``files``: changed, missing or stale.

    Stale means generated by this command once (its first line says so) and no
    longer part of the package.
    """
    folder = Path(directory)
    changed = []
    for name, text in files.items():
        try:
            if (folder / name).read_text(encoding="utf-8") != text:
                changed.append(name)
        except (OSError, UnicodeDecodeError):
            changed.append(name)
    changed += [p.name for p in _stale(files, folder)]
    return sorted(changed)


def write(files: dict[str, str], directory: str | os.PathLike[str]) -> tuple[int, int]:
    """Write the package ``files`` into ``directory``; ``(files written, stale files removed)``.

    Files whose text is unchanged are left alone. Refuses (``SchemaError``)
    to write into a folder holding Python files that this command did not
    write, so a mistyped ``-o`` cannot overwrite someone's code.
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise SchemaError(f"{folder} is not a folder")
    if folder.is_dir():
        foreign = [  # an empty file (a fresh __init__.py) holds nothing to lose
            p.name for p in sorted(folder.glob("*.py")) if p.stat().st_size and not _is_generated(p)
        ]
        if foreign:
            raise SchemaError(
                f"{folder} holds Python files that cwql did not generate ({', '.join(foreign[:3])}"
                f"{', ...' if len(foreign) > 3 else ''}); write the package into its own folder"
            )
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, text in files.items():
        target = folder / name
        try:
            if target.read_text(encoding="utf-8") == text:
                continue
        except (OSError, UnicodeDecodeError):
            pass
        target.write_text(text, encoding="utf-8")
        written += 1
    stale = _stale(files, folder)
    for path in stale:
        path.unlink()
    return written, len(stale)


def _is_generated(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as f:
            return f.readline().rstrip("\n") == _HEADER
    except (OSError, UnicodeDecodeError):
        return False


def _stale(files: dict[str, str], folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob("*.py")) if p.name not in files and _is_generated(p)]
