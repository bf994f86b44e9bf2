"""Value classes whose methods are derived, not generated: :class:`Record`.

Why not ``@dataclass``: it writes and compiles the source of ``__init__``,
``__repr__``, ``__eq__``, ``__hash__`` and, when frozen, ``__setattr__``
for every class as its module is imported, about a millisecond each, and
``dataclasses`` itself imports ``inspect`` (with ``ast``, ``dis`` and
``tokenize``). For the records ``cwql check`` makes at start-up (diagnostics,
codes, the linter's model, config and sites) that was a third of its start-up
time (issue 15). Modules on the light commands' start-up path use
:class:`Record`; the others may keep dataclasses.

A record writes its ``__init__``, whose parameters are its fields, in order
(positional or keyword, none keyword-only), and lists the same names in
``__slots__`` (in any order: ruff sorts them), with any private state its
``__init__`` derives (a slot named ``_...`` that is not a parameter: a cache,
an index; it is not compared, shown or copied); a frozen record (the default)
sets its fields with ``object.__setattr__``, and a mutable one is declared
with ``class X(Record, frozen=False)``. The rest follows dataclass
semantics, derived from the fields:

- equal when of the same class with equal fields (``NotImplemented`` for
  another class); a frozen record hashes its fields, a mutable one is
  unhashable;
- ``repr`` is ``Name(field=value, ...)``;
- assigning to or deleting a field of a frozen record raises
  :class:`AttributeError`;
- :meth:`replace` makes a copy with some fields changed (what
  ``dataclasses.replace`` did); ``__match_args__`` allows positional
  patterns; copies and pickles are made through ``__init__``.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

__all__ = ["Record"]

_R = TypeVar("_R", bound="Record")


class Record:
    """Base of cwql's value classes; see the module docstring."""

    __slots__ = ()
    #: The fields: the parameters of ``__init__``, in order.
    _fields: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, *, frozen: bool = True, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__init__.__code__
        fields = code.co_varnames[1:code.co_argcount]
        # A mistake here would make equality or copies quietly wrong: refuse it at import.
        # The slots of the whole line, not only the class's own: a subclass of a record (a
        # public one: Limits, Diagnostic) that adds nothing declares no slots, as with dataclasses.
        slots = {name for klass in cls.__mro__
                 for name in _names(klass.__dict__.get("__slots__", ()))}
        private = slots - set(fields)
        if code.co_kwonlyargcount or not slots >= set(fields) \
                or any(not name.startswith("_") for name in private):
            raise TypeError(f"{cls.__name__}: __slots__ must name exactly the parameters of "
                            "__init__ (none keyword-only), and private state as _names")
        cls._fields = fields
        setattr(cls, "__match_args__", fields)  # noqa: B010 (mypy will not let it be assigned)
        if frozen:
            # Set here, not defined on Record: a mutable record then keeps object's own
            # attribute setter, where an inherited Python-level one would slow every assignment.
            cls.__setattr__ = _refuse_assignment  # type: ignore[method-assign,assignment]
            cls.__delattr__ = _refuse_deletion  # type: ignore[method-assign,assignment]
        else:
            cls.__hash__ = None  # type: ignore[method-assign,assignment]

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, Record):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__class__, self._values()

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with the fields named in ``changes`` changed; TypeError for an unknown name."""
        values = {name: getattr(self, name) for name in self._fields}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(sorted(unknown))}")
        values.update(changes)
        return self.__class__(**values)


def _names(slots: str | tuple[str, ...]) -> tuple[str, ...]:
    return (slots,) if isinstance(slots, str) else tuple(slots)


def _refuse_assignment(self: Record, name: str, value: object) -> None:
    raise AttributeError(f"cannot assign to field {name!r}: a {type(self).__name__} is immutable")


def _refuse_deletion(self: Record, name: str) -> None:
    raise AttributeError(f"cannot delete field {name!r}: a {type(self).__name__} is immutable")
