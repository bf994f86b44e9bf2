"""The ``cwql`` command.

Each subcommand lives in a module of this package that defines
``register(subparsers)``. ``register`` adds the subcommand's arguments and sets
``run`` to ``"module:function"``; main imports that module only when the
subcommand runs, so ``cwql check`` never pays for HTTP or schema code. Keep
module-level imports in command modules light for the same reason.

Exit status: 0 success, 1 findings (a query that does not parse is a
finding) or a failed request, 2 usage or configuration error, or a bad query
given to a command that runs it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

__all__ = ["main"]

#: The modules (in this package) that register subcommands, in help order.
COMMAND_MODULES: tuple[str, ...] = ("query", "lint", "rules", "schema", "fetch", "serve")


def _build_parser() -> argparse.ArgumentParser:
    from .._version import __version__

    parser = argparse.ArgumentParser(
        prog="cwql",
        description="Parse, check and encode ConnectWise PSA (Manage) API queries.",
    )
    parser.add_argument("--version", action="version", version=f"cwql {__version__}")
    subs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(subs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # Said by the subcommand's parser, so the usage shown is that command's.
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
