"""Write ``cwql/_tables.py``: the grammar's terminals and LALR(1) tables, as Lark builds them.

    python grammar/build_tables.py            # rewrite cwql/_tables.py
    python grammar/build_tables.py --check    # exit 1 if it differs from the grammar

``grammar/cwql.lark`` is the single source of truth for what parses. Lark
analyses it (the LALR(1) construction, conflicts refused, the order its lexer
tries the terminals in, which strings are keywords of which regexp terminal);
this script writes that analysis out as plain Python data, so that cwql parses
with its own small driver (``cwql._parser``) and never imports Lark unless a
parse fails and needs explaining. ``tests/test_grammar.py`` runs
:func:`render` and fails if the committed module differs.

Lark numbers its states in an order that depends on string hashing, so the
states are renumbered here, breadth first from the start symbols: the output
depends on the grammar and Lark's analysis only.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

from lark import Lark
from lark.lexer import PatternStr
from lark.parsers.lalr_analysis import Shift

HERE = Path(__file__).resolve().parent
GRAMMAR = HERE / "cwql.lark"
TARGET = HERE.parent / "cwql" / "_tables.py"
START = ("conditions", "order_by", "fields")

#: The token kinds the driver adds to the grammar's terminals: the end of the
#: text, and a character no terminal can start with.
END, ERROR = "$END", "$ERROR"


def analyse(grammar: str) -> dict[str, object]:
    """Lark's analysis of ``grammar``, as plain data with deterministic numbering."""
    parser = Lark(grammar, parser="lalr", lexer="basic", start=list(START), maybe_placeholders=False)
    lexer = parser.parser.lexer
    scanner = lexer.scanner  # Lark's own order of alternatives, keywords folded out
    ignore = sorted(lexer.ignore_types)
    if len(ignore) != 1:
        raise SystemExit(f"expected one %ignore terminal (whitespace), found {ignore}")

    # Keywords: the strings Lark only ever finds as the whole text of a regexp terminal.
    keywords: dict[str, str] = {}
    retyped: set[str] = set()
    for name, callback in lexer.callback.items():
        retyped.add(name)
        for term in callback.scanner.terminals:
            if not isinstance(term.pattern, PatternStr) or term.pattern.flags != frozenset("i"):
                raise SystemExit(f"keyword {term.name} must be a case-insensitive string")
            keywords[term.pattern.value.lower()] = term.name
    if retyped != {"PATH"}:
        raise SystemExit(f"only PATH may hold keywords, not {sorted(retyped)}")
    in_scanner = {t.name for t in scanner.terminals}
    if in_scanner & set(keywords.values()):
        raise SystemExit("a keyword is tried on its own: give PATH the keywords' `i` flag")

    regexps = {t.name: t.pattern.to_regexp() for t in scanner.terminals}
    for name, regexp in regexps.items():
        if re.compile(regexp).groups:
            raise SystemExit(f"{name} has a capturing group; use (?:...)")
    (space,) = ignore
    for name, regexp in regexps.items():
        if name != space and any(re.match(regexp, c + "a0") for c in " \t\r\n"):
            raise SystemExit(f"{name} can start with whitespace; it cannot follow the whitespace prefix")

    # The token pattern: optional whitespace, then one terminal in Lark's order,
    # the end of the text, or any other character (an error). Group n is kind n.
    kinds = [t.name for t in scanner.terminals if t.name != space] + [END, ERROR]
    alternatives = [f"({regexps[name]})" for name in kinds[:-2]] + [r"(\Z)", r"([\s\S])"]
    token = f"(?:{regexps[space]})?+(?:" + "|".join(alternatives) + ")"
    kinds += sorted(keywords.values(), key=list(keywords.values()).index)
    kind_of = {name: i + 1 for i, name in enumerate(kinds)}

    # The tables, states renumbered breadth first from the start symbols.
    table = parser.parser.parser.parser.parse_table
    rules = list(parser.rules)
    rule_index = {rule: i for i, rule in enumerate(rules)}
    nonterminals: list[str] = []
    for rule in rules:
        if rule.origin.name not in nonterminals:
            nonterminals.append(str(rule.origin.name))
        if not rule.expansion:
            raise SystemExit(f"{rule}: empty rules are not supported by cwql's driver")
    symbol_order = {name: i for i, name in enumerate([*kinds, *nonterminals])}
    order: list[int] = []
    seen: set[int] = set()
    queue = [table.start_states[s] for s in START]
    while queue:
        state = queue.pop(0)
        if state in seen:
            continue
        seen.add(state)
        order.append(state)
        row = table.states[state]
        for symbol in sorted(row, key=symbol_order.__getitem__):
            action, arg = row[symbol]
            if action is Shift:
                queue.append(arg)
    for s in START:  # an accepting state has no actions of its own
        if table.end_states[s] not in seen:
            seen.add(table.end_states[s])
            order.append(table.end_states[s])
    number = {old: new for new, old in enumerate(order)}

    actions: list[dict[int, int]] = []
    gotos: list[dict[int, int]] = []
    for old in order:
        row: dict[int, int] = {}
        goto: dict[int, int] = {}
        for symbol, (action, arg) in sorted(table.states[old].items(),
                                             key=lambda item: symbol_order[item[0]]):
            if symbol in kind_of:
                row[kind_of[symbol]] = number[arg] if action is Shift else ~rule_index[arg]
            elif action is Shift:
                goto[nonterminals.index(symbol)] = number[arg]
            else:
                raise SystemExit(f"unexpected reduce on nonterminal {symbol}")
        actions.append(row)
        gotos.append(goto)
    for s in START:
        actions[number[table.end_states[s]]][kind_of[END]] = ~len(rules)  # accept

    path = regexps["PATH"]
    m = re.fullmatch(r"\(\?i:\(\?-i:(?P<seg>.+)\(\?:\\/(?P=seg)\)\*\)\)", path)
    if m is None:
        raise SystemExit(f"PATH must be segments joined by /, written seg(?:\\/seg)*; got {path}")
    return {
        "sha256": hashlib.sha256(grammar.encode()).hexdigest(),
        "keywords": dict(sorted(keywords.items(), key=lambda kv: kind_of[kv[1]])),
        "segment": m["seg"],
        "path": f"{m['seg']}(?:/{m['seg']})*",
        "number": regexps["NUMBER"],
        "string": regexps["STRING"],
        "token": token,
        "kinds": kinds,
        "start": {s: number[table.start_states[s]] for s in START},
        "actions": actions,
        "gotos": gotos,
        "nonterminals": nonterminals,
        "rules": [(str(rule.alias or rule.origin.name), nonterminals.index(rule.origin.name),
                   len(rule.expansion)) for rule in rules],
        "rule_text": [f"{rule.origin.name}: {' '.join(s.name for s in rule.expansion)}"
                      for rule in rules],
    }


def render(grammar: str | None = None) -> str:
    """The text of ``cwql/_tables.py`` for ``grammar`` (default: ``grammar/cwql.lark``)."""
    data = analyse(GRAMMAR.read_text(encoding="utf-8") if grammar is None else grammar)
    kinds: list[str] = data["kinds"]  # type: ignore[assignment]
    out = [
        '"""The grammar\'s terminals and LALR(1) tables: GENERATED from grammar/cwql.lark, do not edit.',
        "",
        "Run ``python grammar/build_tables.py`` after changing the grammar; tests/test_grammar.py",
        "fails while this module and the grammar disagree. The data is Lark's own analysis of the",
        "grammar, renumbered; cwql._lexer and cwql._parser run it, cwql._spec reads the keywords",
        "and the path pattern from it.",
        '"""',
        "",
        "# ruff: noqa: S105  (TOKEN is a regular expression, not a password)",
        "",
        "#: SHA-256 of the grammar these tables were built from.",
        f"GRAMMAR_SHA256 = {data['sha256']!r}",
        "",
        "#: The keywords, lower case, and their terminals: a PATH token whose whole text is one,",
        "#: in any (ASCII) case, is that keyword.",
        f"KEYWORDS: dict[str, str] = {data['keywords']!r}",
        "#: One segment of a field path, and a whole path (the PATH terminal).",
        f"SEGMENT = {data['segment']!r}",
        f"PATH = {data['path']!r}",
        "#: The NUMBER and STRING terminals.",
        f"NUMBER = {data['number']!r}",
        f"STRING = {data['string']!r}",
        "",
        "#: One token: optional whitespace (the %ignore terminal), then group n for kind n, in the",
        "#: order Lark's lexer tries the terminals; $END matches at the end of the text and $ERROR",
        "#: any character no terminal starts with. Keyword kinds follow the groups.",
        f"TOKEN = {data['token']!r}",
        "KINDS: tuple[str, ...] = (",
        '    "",  # kinds count from 1, as regex groups do',
        *(f"    {name!r},  # {i}" for i, name in enumerate(kinds, 1)),
        ")",
        "",
        "#: The state each start symbol's parse begins in.",
        f"START: dict[str, int] = {data['start']!r}",
        "",
        "#: ACTIONS[state][kind]: n >= 0 shifts the token and goes to state n; ~r reduces by",
        "#: RULES[r], and ~len(RULES) accepts; a kind missing from the row is a syntax error.",
        "ACTIONS: tuple[dict[int, int], ...] = (",
        *(f"    {row!r},  # {i}" for i, row in enumerate(data["actions"])),  # type: ignore[arg-type]
        ")",
        "",
        "#: GOTO[state][n]: the state after a reduction to NONTERMINALS[n] uncovers ``state``.",
        "GOTO: tuple[dict[int, int], ...] = (",
        *(f"    {row!r},  # {i}" for i, row in enumerate(data["gotos"])),  # type: ignore[arg-type]
        ")",
        f"NONTERMINALS: tuple[str, ...] = {tuple(data['nonterminals'])!r}",  # type: ignore[arg-type]
        "",
        "#: RULES[r] = (callback name, index in NONTERMINALS, number of symbols).",
        "RULES: tuple[tuple[str, int, int], ...] = (",
        *(f"    {rule!r},  # {i}: {text}" for i, (rule, text)
          in enumerate(zip(data["rules"], data["rule_text"], strict=True))),  # type: ignore[call-overload]
        ")",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is out of date: run python grammar/build_tables.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
