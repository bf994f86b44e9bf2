"""The speed targets of issue 15, each figure measured interleaved with its floor.

| figure | floor | unit |
|---|---|---|
| ``cwql.parse``, ``benchmarks/corpus.txt`` | a regex scan of the same text | ratio |
| ``cwql check 'a=1'`` (the ``cwql`` script next to ``--python``) | ``python -c pass`` | ratio |
| ``import cwql`` | ``python -c pass`` | ratio |
| ``cwql lint``, 10,000 queries in 1,000 files, start-up included | ``python -c pass`` | queries/s |
| ``compile_predicate``, the four conditions of the evaluate suite | hand-written functions | ratio |
| the fake's forward-only paging, 500k records | the same walk over 50k | ratio of records/s |

Ratios are stable across machines; queries/s is this machine's. Each line
gives the median of the rounds and, in brackets, the middle half of them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import suite_fake
import suite_lint
import suite_parse
from timing import Figure

import cwql

#: (figure, target, moonshot), as issue 15 states them, and whether a measured median meets the target.
TARGETS: dict[str, tuple[str, str, str, Callable[[float], bool]]] = {
    "parse": ("cwql.parse vs regex floor, corpus.txt", "<= 9x", "<= 5x", lambda x: x <= 9),
    "check": ("cwql check 'a=1' vs python -c pass", "<= 6x", "<= 3x", lambda x: x <= 6),
    "import": ("import cwql vs python -c pass", "<= 2x", "-", lambda x: x <= 2),
    "lint": ("lint, 10,000 queries / 1,000 files, start-up included", ">= 10,000 q/s", "20,000",
             lambda x: x >= 10_000),
    "evaluate": ("compiled predicate vs hand-written, all four conditions", "<= 1.2x", "1.0x",
                 lambda x: x <= 1.2),
    "fake": ("fake forward paging, records/s at 500k vs at 50k", ">= 0.8", "1.0", lambda x: x >= 0.8),
}


def _cwql_script(python: str) -> list[str]:
    """The ``cwql`` console script installed next to ``python``, as users run it."""
    script = Path(python).with_name("cwql")
    return [str(script)] if script.exists() else [python, "-m", "cwql"]


def evaluate_figure(quick: bool) -> Figure:
    """All four conditions compiled, against the four hand-written functions, per round."""
    import suite_evaluate

    records = suite_evaluate.make_records(20_000 if quick else 200_000)
    for text, hand in suite_evaluate.CASES:
        compiled = cwql.compile_predicate(text)
        assert sum(map(compiled, records)) == sum(map(hand, records)), text
    return suite_evaluate.all_four_figure(records, rounds=3 if quick else 9)


def measure(quick: bool, python: str = sys.executable) -> dict[str, tuple[str, float]]:
    """Every target's figure: as shown (median and spread), and the median."""
    out: dict[str, tuple[str, float]] = {}
    parse = suite_parse.corpus_figures(quick)["cwql.parse"]
    out["parse"] = parse.shown(), parse.ratio
    startup = suite_lint.startup_figures(quick, python, cwql=_cwql_script(python))
    for key, name in (("check", "cwql check 'a=1'"), ("import", "import cwql")):
        out[key] = startup[name].shown(), startup[name].ratio
    queries, lint = suite_lint.lint_figure(quick)  # this interpreter: it has PyYAML for the .yaml files
    out["lint"] = suite_lint.rate(queries, lint).strip(), queries / lint.seconds
    evaluate = evaluate_figure(quick)
    out["evaluate"] = evaluate.shown(), evaluate.ratio
    small, large = suite_fake.sizes(quick)
    shown, ratio = suite_fake.rate_ratio(quick, suite_fake.streaming_figures(quick, True)[True])
    out["fake"] = shown + ("" if not quick else f"  ({large // 1000}k vs {small // 1000}k)"), ratio
    return out


def run(quick: bool, python: str = sys.executable) -> None:
    measured = measure(quick, python)
    width = max(len(target[0]) for target in TARGETS.values())
    shown_width = max(len(shown) for shown, _ in measured.values())
    print(f"  {'figure':<{width}}  {'measured (median, middle half)':<{shown_width}}  "
          f"{'target':<14}  {'met':<4}  moonshot")
    for key, (figure, target, moonshot, meets) in TARGETS.items():
        shown, value = measured[key]
        print(f"  {figure:<{width}}  {shown:<{shown_width}}  {target:<14}  "
              f"{'yes' if meets(value) else 'NO':<4}  {moonshot}")
