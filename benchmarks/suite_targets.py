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

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import suite_lint
import suite_parse
from timing import Figure, interleave

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


_NEXT = re.compile(r'<([^>]*)>;\s*rel="next"')


def _forward_walk(n: int) -> Callable[[], int]:
    """A walk over ``n`` tickets with forward-only paging through the fake's handler."""
    from cwql.testing import FakePSA

    psa = FakePSA.from_records(
        {"/service/tickets": [{"id": i, "summary": f"ticket {i}"} for i in range(1, n + 1)]},
        requests_per_minute=None, log_limit=10,
    )
    headers = {**psa.auth_headers(), "pagination-type": "forward-only"}
    first = f"{psa.base_url}service/tickets?pageSize=1000"

    def walk() -> int:
        url: str | None = first
        seen = 0
        while url:
            response = psa.handle("GET", url, headers)
            assert response.status == 200, response.body[:200]
            seen += len(json.loads(response.body))
            link = _NEXT.search(response.header("Link") or "")
            url = link.group(1) if link else None
        assert seen == n, (seen, n)
        return seen

    return walk


def fake_figure(quick: bool) -> tuple[int, int, Figure]:
    """(small n, large n, the large walk's time against the small one's)."""
    small, large = (5_000, 50_000) if quick else (50_000, 500_000)
    figure = interleave(_forward_walk(small), {"large": _forward_walk(large)},
                        rounds=1 if quick else 3)["large"]
    return small, large, figure


def _rate_ratio(scale: float, figure: Figure) -> str:
    """records/s at the large size over records/s at the small one, with its spread."""
    return f"{scale / figure.ratio:5.2f} ({scale / figure.high:.2f}-{scale / figure.low:.2f})"


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
    small, large, walk = fake_figure(quick)
    out["fake"] = (_rate_ratio(large / small, walk)
                   + ("" if not quick else f"  ({large // 1000}k vs {small // 1000}k)"),
                   large / small / walk.ratio)
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
