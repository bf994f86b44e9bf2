"""Field types of the cwql schema format (``cwql-schema/1``), as Python values.

In the JSON a type is a scalar name (``"integer"``, ``"datetime"``, ...),
``{"model": NAME}`` for a reference or nested object, or ``{"array": TYPE}``
for what ``childConditions`` reaches into.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from .._record import Record
from ..errors import SchemaError

__all__ = ["SCALARS", "ArrayOf", "FieldType", "Ref", "Scalar", "parse_type", "type_to_data"]

#: Scalar type names: ``info`` is the ``_info`` string map, ``object`` and
#: ``any`` hold values cwql cannot type.
SCALARS = frozenset({"integer", "number", "boolean", "string", "datetime", "info", "object", "any"})


class Scalar(Record):
    __slots__ = ("name",)
    name: str

    def __init__(self, name: str) -> None:
        _set = object.__setattr__
        _set(self, "name", name)

    def __str__(self) -> str:
        return self.name


class Ref(Record):
    """A reference to, or an embedded copy of, another model."""

    __slots__ = ("model",)
    model: str

    def __init__(self, model: str) -> None:
        _set = object.__setattr__
        _set(self, "model", model)

    def __str__(self) -> str:
        return self.model


class ArrayOf(Record):
    __slots__ = ("item",)
    item: FieldType

    def __init__(self, item: FieldType) -> None:
        _set = object.__setattr__
        _set(self, "item", item)

    def __str__(self) -> str:
        return f"array of {self.item}"


FieldType: TypeAlias = Scalar | Ref | ArrayOf

_SCALAR_CACHE = {name: Scalar(name) for name in SCALARS}


def parse_type(raw: Any, where: str) -> FieldType:
    """The type for one JSON type entry; ``where`` names it in errors."""
    # Arrays of arrays are rare and shallow in practice; bound them anyway.
    depth = 0
    wrappers = 0
    while isinstance(raw, dict) and set(raw) == {"array"}:
        raw = raw["array"]
        wrappers += 1
        depth += 1
        if depth > 8:
            raise SchemaError(f"{where}: arrays nested more than 8 deep")
    inner: FieldType
    if isinstance(raw, str) and raw in _SCALAR_CACHE:
        inner = _SCALAR_CACHE[raw]
    elif isinstance(raw, dict) and set(raw) == {"model"} and isinstance(raw["model"], str):
        inner = Ref(raw["model"])
    else:
        raise SchemaError(
            f"{where}: unknown type {raw!r}; expected one of {', '.join(sorted(SCALARS))}, "
            '{"model": NAME} or {"array": TYPE}'
        )
    for _ in range(wrappers):
        inner = ArrayOf(inner)
    return inner


def type_to_data(t: FieldType) -> Any:
    """The JSON form of a type (the inverse of :func:`parse_type`)."""
    wrappers = 0
    while isinstance(t, ArrayOf):
        t = t.item
        wrappers += 1
    data: Any = t.name if isinstance(t, Scalar) else {"model": t.model}
    for _ in range(wrappers):
        data = {"array": data}
    return data
