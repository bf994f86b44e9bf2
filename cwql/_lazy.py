"""Public names loaded on first use (PEP 562), for the package ``__init__`` modules.

``import cwql`` must stay cheap: ``cwql check`` should never pay for the
evaluator, the schema or HTTP code. Each package lists its public names once,
by the private module that defines them, and :func:`attach` derives
``__getattr__``, ``__dir__`` and ``__all__`` from that table.
"""

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def attach(
    package: str,
    table: Mapping[str, Iterable[str]],
    *,
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package``.

    ``table`` maps a module of the package (``"_parser"``) to the public names
    it defines, loaded on first use; ``submodules`` names the public
    subpackages reachable as attributes. Names the package has already bound
    when it calls this (its eager imports) are public unless they start with
    ``_``. ``dir()`` shows exactly the public names.
    """
    where = {name: module for module, names in table.items() for name in names}
    public_modules = frozenset(submodules)
    namespace = import_module(package).__dict__
    eager = [name for name in namespace if not name.startswith("_")]
    public = sorted({*where, *eager, *public_modules})

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is not None:
            value = getattr(import_module(f"{package}.{module}"), name)
        elif name in public_modules:
            value = import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return list(public)

    return __getattr__, __dir__, public
