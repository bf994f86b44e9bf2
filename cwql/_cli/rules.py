"""``cwql rule CODE`` and ``cwql rules``: every code cwql reports, explained."""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["register", "run_rule", "run_rules"]


def register(subs: Any) -> None:
    rule = subs.add_parser(
        "rule", help="explain a code: a lint rule, a syntax error, a schema or policy finding",
        description="Print what a code means, why it matters, an example and its fix.",
    )
    rule.add_argument("code", metavar="CODE",
                      help="a code (V001, E008, S001, P006) or its name (like-without-wildcard)")
    rule.set_defaults(run=f"{__name__}:run_rule")

    rules = subs.add_parser("rules", help="list every code, by family",
                            description="List every code cwql reports: the lint rules, and the "
                            "policy codes of cwql.validate.")
    rules.add_argument("--output-format", choices=("text", "json"), default="text")
    rules.set_defaults(run=f"{__name__}:run_rules")


def run_rule(args: argparse.Namespace) -> int:
    import sys

    from ..lint._catalogue import explain, find

    code = find(args.code)
    if code is None:
        print(f"cwql: no code {args.code!r}; `cwql rules` lists them", file=sys.stderr)
        return 2
    print(explain(code).rstrip())
    print(f"\n{code.url}")
    return 0


def run_rules(args: argparse.Namespace) -> int:
    from .._codes import CODES
    from ..lint._catalogue import table
    from ..lint._rules import RULES

    if args.output_format == "json":
        listed = []
        for c in CODES.values():
            rule = RULES.get(c.code)
            listed.append({
                "code": c.code, "name": c.name, "family": c.family.name, "severity": c.severity,
                "summary": c.summary, "fix": c.fixable,
                "default": None if rule is None else rule.default, "linted": rule is not None,
                "url": c.url,
            })
        print(json.dumps(listed, indent=2))
        return 0
    print("\n".join(table()))
    print("\n[*] safe fix (--fix)  [~] unsafe fix (--fix --unsafe-fixes)")
    return 0
