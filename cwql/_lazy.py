"""Public names loaded on first use (PEP 562), for the package ``__init__`` modules.

``import cwql`` must stay cheap: it loads no other module of cwql, and ``cwql
check`` never pays for the evaluator, the schema or HTTP code. Each package
lists its public names once, by the private module that defines them, and
:func:`attach` derives ``__getattr__``, ``__dir__`` and ``__all__`` from that
table. Nothing here imports ``typing`` or ``collections`` at run time: this
module is loaded by every ``import cwql``.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (mypy reads it the same)
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any


def _not_installed() -> None:
    raise AssertionError("cwql/__init__.py installs load_printer")


#: Loads ``cwql._printer``, which installs itself as the way nodes print
#: (``str(node)`` in :mod:`cwql.syntax`). ``cwql/__init__.py`` sets it: the
#: package sits above the printer, the nodes below it, so they ask through here
#: the first time one is printed.
load_printer: Callable[[], object] = _not_installed


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
    # Identifiers only: pytest's assertion rewriting (which rewrites cwql as the
    # distribution of a pytest11 plugin) binds "@py_builtins" in every module.
    eager = [name for name in namespace if name.isidentifier() and not name.startswith("_")]
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
