"""``cwql check``, ``cwql parse``, ``cwql encode``, ``cwql decode``: one query from the command line.

``check`` runs the lint rules on the query: it prints the canonical form when
there is nothing to report (exit 0), and the findings otherwise (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._spec import ALL_KINDS as KINDS

__all__ = ["register", "run"]


def add_query_args(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("expr", metavar="EXPR", help="the query text, or - to read it from stdin")
    sub.add_argument(
        "-k", "--kind", choices=KINDS, default="conditions",
        help="which parameter the text is for (default: conditions)",
    )


def register(subs: Any) -> None:
    from .lint import add_config_args, add_exit_args

    check = subs.add_parser(
        "check", help="check one query and print its canonical form",
        description="Parse EXPR and run the lint rules on it; print its canonical form (exit 0) "
        "or what is wrong (exit 1).",
    )
    add_query_args(check)
    check.add_argument("--output-format", choices=("text", "json", "github", "sarif"),
                       default="text", help="how to print findings (default: text)")
    add_exit_args(check)
    add_config_args(check, kind=False)
    check.set_defaults(run=f"{__name__}:run_check")

    parse = subs.add_parser(
        "parse", help="print the syntax tree of a query",
        description="Parse EXPR and print its syntax tree.",
    )
    add_query_args(parse)
    parse.add_argument("--json", action="store_true", help="print the tree as JSON")
    parse.set_defaults(run=f"{__name__}:run")

    encode = subs.add_parser(
        "encode", help="print a query percent-encoded for a URL",
        description="Parse EXPR and print its canonical form, percent-encoded for a query string.",
    )
    add_query_args(encode)
    encode.set_defaults(run=f"{__name__}:run")

    decode = subs.add_parser(
        "decode", help="print a percent-encoded query string value as text",
        description="Decode the %%XX escapes of TEXT (a value from a query string) and print the "
        "text; exit 2 when the escapes are not UTF-8 (a `%%` left unencoded, as in like \"%%ab%%\").",
    )
    decode.add_argument("text", metavar="TEXT", help="the encoded text, or - to read it from stdin")
    decode.set_defaults(run=f"{__name__}:run_decode")


def read_expr(args: argparse.Namespace, name: str = "expr") -> str:
    """The text of the argument ``name`` (stdin for ``-``); EncodingError unless it is UTF-8."""
    from ..errors import EncodingError

    given: str = getattr(args, name)
    text = sys.stdin.read().rstrip("\n") if given == "-" else given
    # Python hands bytes that are not UTF-8 over as lone surrogates (surrogateescape).
    for offset, char in enumerate(text):
        if "\udc80" <= char <= "\udcff":
            raise EncodingError(
                f"{name.upper()} is not UTF-8 text: byte 0x{ord(char) - 0xDC00:02X} at offset {offset}"
            )
    return text


def run_decode(args: argparse.Namespace) -> int:
    from .._encoding import decode
    from ..errors import EncodingError

    try:
        text = read_expr(args, "text")
        print(decode(text))
    except EncodingError as e:
        print(f"cwql decode: {e}", file=sys.stderr)
        return 2
    if "+" in text:  # decode() keeps it, as the inverse of encode(); the server does not
        print("cwql decode: warning: the server reads a raw `+` in a query string as a space; "
              "it is printed as `+` here (a `+` meant as itself is sent as %2B)", file=sys.stderr)
    return 0


def run_check(args: argparse.Namespace) -> int:
    from .._parser import parse_kind
    from ..errors import ConfigurationError
    from ..lint._engine import Linter
    from .lint import fails, load_config, load_schema

    text = read_expr(args)
    try:
        config = load_config(args, None)
        schema = load_schema(config)
    except ConfigurationError as e:
        print(f"cwql: {e}", file=sys.stderr)
        return 2
    linter = Linter(config.enabled(), config.settings, schema, verify_fixes=True)
    result = linter.lint_query(text, args.kind, args.endpoint or config.endpoint)
    if args.output_format != "text":
        from ..lint._outputs import write

        write([result], args.output_format, sys.stdout)
    elif result.findings:
        from ..lint._outputs import text_block

        print("\n".join(text_block(f, text, path=False) for f in result.findings))
    else:
        print(parse_kind(text, args.kind))
    return 1 if fails(args, config, [result]) else 0


def run(args: argparse.Namespace) -> int:
    from .._encoding import encode
    from .._parser import parse_kind
    from ..errors import CWQLError, ParseError
    from ..syntax import as_data

    text = read_expr(args)
    try:
        node = parse_kind(text, args.kind)
    except ParseError as e:
        print(e)
        return 1
    except CWQLError as e:  # defensive: every cwql error is a finding, never a traceback
        print(f"error: {e}")
        return 1
    if args.command == "parse":
        if args.json:
            import json

            print(json.dumps(as_data(node), indent=2, ensure_ascii=False))
        else:
            print(repr(node))
    elif args.command == "encode":
        try:
            print(encode(str(node)))
        except CWQLError as e:  # a value no URL can carry (a lone surrogate)
            print(f"cwql encode: {e}", file=sys.stderr)
            return 2
    else:
        print(node)
    return 0
