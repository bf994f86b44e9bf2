"""``cwql rule CODE`` and ``cwql rules``: the lint rules, explained."""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["register", "run_rule", "run_rules"]


def register(subs: Any) -> None:
    rule = subs.add_parser(
        "rule", help="explain a lint rule",
        description="Print what a rule checks, why, an example and its fix.",
    )
    rule.add_argument("code", metavar="CODE", help="a rule code (V001) or name (like-without-wildcard)")
    rule.set_defaults(run=f"{__name__}:run_rule")

    rules = subs.add_parser("rules", help="list the lint rules", description="List every lint rule.")
    rules.add_argument("--output-format", choices=("text", "json"), default="text")
    rules.set_defaults(run=f"{__name__}:run_rules")


def run_rule(args: argparse.Namespace) -> int:
    import sys

    from ..lint._catalogue import explain, find

    rule = find(args.code)
    if rule is None:
        print(f"cwql: no rule {args.code!r}; `cwql rules` lists them", file=sys.stderr)
        return 2
    print(explain(rule).rstrip())
    print(f"\n{rule.url}")
    return 0


def run_rules(args: argparse.Namespace) -> int:
    from ..lint._catalogue import table
    from ..lint._rules import RULES

    if args.output_format == "json":
        print(json.dumps([{
            "code": r.code, "name": r.name, "family": r.family.name, "severity": r.severity,
            "summary": r.summary, "fix": r.fixable, "default": r.default, "url": r.url,
        } for r in RULES.values()], indent=2))
        return 0
    print("\n".join(table()))
    print("\n[*] safe fix (--fix)  [~] unsafe fix (--fix --unsafe-fixes)")
    return 0
