"""The ``cwql`` command.

Each subcommand lives in a module of this package that defines
``register(subparsers)``. ``register`` adds the subcommand's arguments and sets
``run`` to ``"module:function"``. :data:`COMMANDS` says which module registers
which command, so ``cwql check ...`` imports and builds only the ``query``
module's subcommands, never the others' (nor HTTP or schema code), and ``cwql
--version`` builds no parser at all. Keep module-level imports in command
modules light for the same reason. Only ``cwql``, ``cwql --help`` and an
unknown command build the whole parser.

Exit status: 0 success, 1 findings (a query that does not parse is a
finding) or a failed request, 2 usage or configuration error, or a bad query
given to a command that runs it.
"""

from __future__ import annotations

import importlib
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `cwql --version` is instant
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any

__all__ = ["main"]

#: Every command, and the module (in this package) that registers it; in help order.
COMMANDS: dict[str, str] = {
    "check": "query", "parse": "query", "encode": "query", "decode": "query",
    "lint": "lint", "fmt": "lint",
    "rule": "rules", "rules": "rules",
    "schema": "schema",
    "get": "fetch", "count": "fetch",
    "serve": "serve",
}


def _version() -> str:
    from .._version import __version__

    return f"cwql {__version__}"


def _columns() -> int:
    """The terminal's width, as ``shutil.get_terminal_size`` finds it (``$COLUMNS`` first)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def _build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser for ``command``'s arguments (with its module's siblings), or for all commands."""
    import argparse

    class Formatter(argparse.HelpFormatter):
        # argparse makes a formatter for every argument it adds, and the stock
        # one imports shutil (and with it zlib, bz2, lzma) to measure the terminal.
        def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                     width: int | None = None) -> None:
            super().__init__(prog, indent_increment, max_help_position,
                             _columns() - 2 if width is None else width)

    class Parser(argparse.ArgumentParser):
        # Subcommands' parsers are made with the parent's class: they get the formatter too.
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", Formatter)
            super().__init__(*args, **kwargs)

    parser = Parser(
        prog="cwql",
        description="Parse, check and encode ConnectWise PSA (Manage) API queries.",
    )
    parser.add_argument("--version", action="version", version=_version())
    subs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(subs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    words = sys.argv[1:] if argv is None else list(argv)
    if words == ["--version"]:
        print(_version())
        return 0
    parser = _build_parser(words[0] if words else None)
    args, unknown = parser.parse_known_args(words)
    if unknown:
        # Said by the subcommand's parser, so the usage shown is that command's.
        import argparse

        subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        subcommands.choices[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    module, _, function = args.run.partition(":")
    handler = getattr(importlib.import_module(module), function)
    from ..errors import CWQLError

    try:
        status: int = handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except CWQLError as e:  # input a command could not take, said plainly
        print(f"cwql {args.command}: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # a crash is a bug: say so in one line, never a traceback
        if os.environ.get("CWQL_DEBUG"):
            raise
        print(f"cwql: internal error, please report it: {type(e).__name__}: {e} "
              "(set CWQL_DEBUG=1 for the traceback)", file=sys.stderr)
        return 2
    return status
