"""Parse speed against the floor any parser pays: one regex scan of the same text."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from lark import Lark, Transformer
from timing import best_of, table

import cwql
from cwql._parser import _Builder, _grammar_text, _lark

CORPUS = [
    line for line in (Path(__file__).parent / "corpus.txt").read_text().splitlines()
    if line and not line.startswith("#")
]

# What a hand-written tokenizer for this language would run: whitespace,
# strings, datetimes, numbers, words (keywords are words), operators.
TOKEN = re.compile(
    r"""\s+|"(?:[^"\\]|\\.|"")*+"|'(?:[^'\\]|\\.|'')*+'|\[[^\[\]\n]*\]|-?[0-9.]+"""
    r"""|[A-Za-z_][A-Za-z0-9_/]*|!=|<=|>=|[=<>(),]"""
)


def scan(text: str) -> None:
    for _ in TOKEN.finditer(text):
        pass


def _careless() -> Lark:
    """Lark's stock lexer, a parse tree, then a Transformer walk to the same AST."""
    builder = _Builder()

    class Walk(Transformer):  # type: ignore[type-arg]
        def __default__(self, data, children, meta):  # type: ignore[no-untyped-def]
            return getattr(builder, data)(children)

    parser = Lark(_grammar_text(), parser="lalr", lexer="basic", start=["conditions"])
    walker = Walk()
    return lambda text: walker.transform(parser.parse(text))  # type: ignore[return-value]


def clauses(n: int) -> str:
    parts = []
    for i in range(n):
        parts.append(
            [f"board/id={i}", f'summary contains "text {i}"', f"dateEntered>[2024-01-{i % 28 + 1:02d}T10:00:00Z]",
             f'status/name not in ("Closed","Resolved {i}")'][i % 4]
        )
    return " and ".join(parts)


def run(quick: bool) -> None:
    repeat = 3 if quick else 7
    number = 20 if quick else 200
    n = len(CORPUS)
    _lark()

    def all_of(fn):  # type: ignore[no-untyped-def]
        return lambda: [fn(q) for q in CORPUS]

    parse = best_of(all_of(cwql.parse), repeat=repeat, number=number) / n
    floor = best_of(all_of(scan), repeat=repeat, number=number) / n
    careless = best_of(all_of(_careless()), repeat=repeat, number=number) / n
    sizes = [len(q) for q in CORPUS]
    rows = [
        ("corpus", f"{n} queries, {min(sizes)}-{max(sizes)} characters, mean {sum(sizes) / n:.0f}"),
        ("regex scan (floor)", f"{floor * 1e6:8.2f} us/query"),
        ("cwql.parse", f"{parse * 1e6:8.2f} us/query   {parse / floor:5.1f}x the floor"),
        ("careless Lark (tree + walk)", f"{careless * 1e6:8.2f} us/query   {careless / floor:5.1f}x the floor"),
    ]
    short, long_ = clauses(10), clauses(200)
    t_short = best_of(lambda: cwql.parse(short), repeat=repeat, number=number)
    t_long = best_of(lambda: cwql.parse(long_, limits=cwql.Limits(max_length=10**6)), repeat=repeat,
                     number=max(1, number // 20))
    per_kb_short = t_short / (len(short) / 1024)
    per_kb_long = t_long / (len(long_) / 1024)
    rows += [
        ("10 clauses", f"{len(short):6d} chars {per_kb_short * 1e6:9.1f} us/KB"),
        ("200 clauses", f"{len(long_):6d} chars {per_kb_long * 1e6:9.1f} us/KB   "
                        f"{per_kb_long / per_kb_short:4.2f}x the 10-clause cost per KB"),
    ]
    big = cwql.Limits(max_length=10**8, max_depth=10**8, max_nodes=10**8)
    hostile = {
        "1 MB, default limits": ("a=1 and " * 131_072, cwql.Limits()),
        "100 KB of 'a=1 and ', no limits": ("a=1 and " * 12_800, big),
        "1 MB of 'a=1 and ', no limits": ("a=1 and " * 128_000, big),
        "100k-deep parentheses, default limits": ("(" * 100_000 + "a=1" + ")" * 100_000, cwql.Limits()),
        "100k-deep parentheses, max_length raised": ("(" * 100_000 + "a=1" + ")" * 100_000,
                                                      cwql.Limits(max_length=10**7)),
    }
    for label, (text, limits) in hostile.items():
        def attempt(text: str = text, limits: cwql.Limits = limits) -> None:
            with contextlib.suppress(cwql.ParseError):
                cwql.parse(text, limits=limits)
        t = best_of(attempt, repeat=1 if quick else 3)
        rows.append((label, f"{t * 1e3:9.2f} ms  ({t / (len(text) / 1024) * 1e6:.1f} us/KB)"))
    table(rows)
