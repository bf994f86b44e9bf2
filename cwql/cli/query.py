"""``cwql check``, ``cwql parse``, ``cwql encode``: one query from the command line."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from ..encoding import encode
from ..errors import CWQLError, ParseError
from ..parser import parse, parse_fields, parse_order_by
from ..syntax import Node, as_data

__all__ = ["run"]


def _parse(text: str, kind: str) -> Node:
    if kind == "orderBy":
        return parse_order_by(text)
    if kind == "fields":
        return parse_fields(text)
    return parse(text, kind)  # type: ignore[arg-type]


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    text: str = stdin.read() if args.expr == "-" else args.expr
    if args.expr == "-":
        text = text.rstrip("\n")
    try:
        node = _parse(text, args.kind)
    except ParseError as e:
        print(e, file=stdout)
        return 1
    except CWQLError as e:  # a limit or nesting error outside the parser's own checks
        print(f"error: {e}", file=stdout)
        return 1
    if args.command == "parse":
        if args.json:
            print(json.dumps(as_data(node), indent=2, ensure_ascii=False), file=stdout)
        else:
            print(repr(node), file=stdout)
    elif args.command == "encode":
        print(encode(str(node)), file=stdout)
    else:
        print(node, file=stdout)
    return 0
