"""Parse speed against the floor any parser pays: one regex scan of the same text.

Every ratio here is measured with :func:`timing.interleave`: the floor and the
subject in the same rounds, the median of the per-round ratios and its spread.
Only public API is used, so ``benchmarks/compare.py`` can run this against an
older checkout of cwql too.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from pathlib import Path

from timing import Figure, interleave, table

import cwql

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


def _lark_tree() -> Callable[[str], object]:
    """Lark's own LALR parser and lexer on the same grammar, making only a parse tree (no AST)."""
    from lark import Lark

    grammar = (Path(__file__).resolve().parent.parent / "grammar" / "cwql.lark").read_text()
    parser = Lark(grammar, parser="lalr", lexer="basic", start="conditions")
    return parser.parse


def clauses(n: int) -> str:
    parts = []
    for i in range(n):
        parts.append(
            [f"board/id={i}", f'summary contains "text {i}"', f"dateEntered>[2024-01-{i % 28 + 1:02d}T10:00:00Z]",
             f'status/name not in ("Closed","Resolved {i}")'][i % 4]
        )
    return " and ".join(parts)


def _over_corpus(fn: Callable[[str], object]) -> Callable[[], None]:
    def run() -> None:
        for q in CORPUS:
            fn(q)
    return run


def corpus_figures(quick: bool, *, lark: bool = False) -> dict[str, Figure]:
    """``cwql.parse`` over the corpus against the regex floor (and Lark's parser, if asked)."""
    subjects = {"cwql.parse": _over_corpus(cwql.parse)}
    if lark:
        subjects["Lark LALR, parse tree only"] = _over_corpus(_lark_tree())
    return interleave(_over_corpus(scan), subjects, rounds=5 if quick else 25,
                      number=5 if quick else 40)


def lark_cache_rows(quick: bool) -> list[tuple[str, str]]:
    """Making Lark's parser for the error path, in this process: read back from its cache, and built.

    ``import lark`` comes first and is not counted (it is the start-up suite's
    business); the two are timed in alternate rounds, in CPU time.
    """
    import gc
    import os
    import shutil
    import statistics
    import tempfile

    import lark  # noqa: F401  (imported before timing: only the parser's construction is measured)

    from cwql import _lark

    folder = tempfile.mkdtemp(prefix="cwql-lark-cache-bench-")
    saved = os.environ.get("CWQL_CACHE_DIR")
    times: dict[str, list[float]] = {folder: [], "": []}
    try:
        os.environ["CWQL_CACHE_DIR"] = folder
        _lark.lark_parser.cache_clear()
        _lark.lark_parser()  # writes the cache
        for r in range(3 if quick else 15):
            for where in ((folder, "") if r % 2 == 0 else ("", folder)):
                os.environ["CWQL_CACHE_DIR"] = where
                _lark.lark_parser.cache_clear()
                gc.collect()
                started = time.process_time()
                _lark.lark_parser()
                times[where].append(time.process_time() - started)
    finally:
        _lark.lark_parser.cache_clear()
        if saved is None:
            os.environ.pop("CWQL_CACHE_DIR", None)
        else:
            os.environ["CWQL_CACHE_DIR"] = saved
        shutil.rmtree(folder, ignore_errors=True)
    read, built = statistics.median(times[folder]), statistics.median(times[""])
    return [
        ("Lark's parser, read from its cache", f"{read * 1e3:9.2f} ms  (the error path, after import lark)"),
        ("Lark's parser, built from the grammar", f"{built * 1e3:9.2f} ms  ({built / read:.1f}x the read-back)"),
    ]


def run(quick: bool) -> None:
    n = len(CORPUS)
    sizes = [len(q) for q in CORPUS]
    figures = corpus_figures(quick, lark=True)
    floor = figures["cwql.parse"].floor_seconds / n
    rows = [
        ("corpus", f"{n} queries, {min(sizes)}-{max(sizes)} characters, mean {sum(sizes) / n:.0f}"),
        ("regex scan (floor)", f"{floor * 1e6:8.2f} us/query"),
    ]
    for name, figure in figures.items():
        rows.append((name, f"{figure.seconds / n * 1e6:8.2f} us/query   {figure.shown()} the floor"))

    # Growth: the cost per KB of a long query against a short one, in the same rounds.
    short, long_ = clauses(10), clauses(200)
    big = cwql.Limits(max_length=10**6)
    growth = interleave(lambda: cwql.parse(short), {"long": lambda: cwql.parse(long_, limits=big)},
                        rounds=5 if quick else 15, number=5 if quick else 20)["long"]
    per_kb = len(short) / len(long_)
    rows += [
        ("10 clauses", f"{len(short):6d} chars {growth.floor_seconds / (len(short) / 1024) * 1e6:9.1f} us/KB"),
        ("200 clauses", f"{len(long_):6d} chars {growth.seconds / (len(long_) / 1024) * 1e6:9.1f} us/KB   "
                        f"{growth.ratio * per_kb:4.2f}x ({growth.low * per_kb:.2f}-{growth.high * per_kb:.2f}) "
                        "the 10-clause cost per KB"),
    ]

    # Hostile input: absolute CPU times (this machine's), once each, default limits and none.
    unlimited = cwql.Limits(max_length=10**8, max_depth=10**8, max_nodes=10**8)
    hostile = {
        "1 MB, default limits": ("a=1 and " * 131_072, cwql.Limits()),
        "100 KB of 'a=1 and ', no limits": ("a=1 and " * 12_800, unlimited),
        "1 MB of 'a=1 and ', no limits": ("a=1 and " * 128_000, unlimited),
        "100 KB of 'a = 1 or (b = 2 and ', no limits": ("a = 1 or (b = 2 and " * 5_120, unlimited),
        "1 MB of 'a = 1 or (b = 2 and ', no limits": ("a = 1 or (b = 2 and " * 51_200, unlimited),
        "100k-deep parentheses, default limits": ("(" * 100_000 + "a=1" + ")" * 100_000, cwql.Limits()),
        "100k-deep parentheses, no limits": ("(" * 100_000 + "a=1" + ")" * 100_000, unlimited),
    }
    with contextlib.suppress(cwql.ParseError):
        cwql.parse("a ==")  # the error path's first use loads Lark: not what is measured
    for label, (text, limits) in hostile.items():
        if quick and len(text) > 200_000 and limits is unlimited:
            continue
        started = time.process_time()
        with contextlib.suppress(cwql.ParseError):
            cwql.parse(text, limits=limits)
        t = time.process_time() - started
        rows.append((label, f"{t * 1e3:9.2f} ms  ({t / (len(text) / 1024) * 1e6:.1f} us/KB)"))
    rows += lark_cache_rows(quick)
    table(rows)
