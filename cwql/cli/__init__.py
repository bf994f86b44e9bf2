"""The ``cwql`` command.

Subcommands import what they need when they run, so ``cwql check`` never
pays for HTTP or schema code it does not use.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

__all__ = ["main"]

#: What ``--kind`` accepts: the three condition parameters, then orderBy and fields.
KIND_CHOICES = ("conditions", "childConditions", "customFieldConditions", "orderBy", "fields")


def _add_query_args(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("expr", metavar="EXPR", help="the query text, or - to read it from stdin")
    sub.add_argument(
        "-k", "--kind", choices=KIND_CHOICES, default="conditions",
        help="which parameter the text is for (default: conditions)",
    )


def _build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="cwql",
        description="Parse, check and encode ConnectWise PSA (Manage) API queries.",
    )
    parser.add_argument("--version", action="version", version=f"cwql {__version__}")
    subs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = subs.add_parser(
        "check", help="check one query and print its canonical form",
        description="Parse EXPR; print its canonical form (exit 0) or what is wrong (exit 1).",
    )
    _add_query_args(check)

    parse = subs.add_parser(
        "parse", help="print the syntax tree of a query",
        description="Parse EXPR and print its syntax tree.",
    )
    _add_query_args(parse)
    parse.add_argument("--json", action="store_true", help="print the tree as JSON")

    encode = subs.add_parser(
        "encode", help="print a query percent-encoded for a URL",
        description="Parse EXPR and print its canonical form, percent-encoded for a query string.",
    )
    _add_query_args(encode)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _build_parser().parse_args(argv)
    from .query import run

    return run(args, sys.stdin, sys.stdout)
