"""This checkout against another one, interleaved: ``python benchmarks/compare.py OTHER [--rounds N]``.

Measures the headline figures of the ``parse``, ``dsl`` and ``evaluate``
suites (and with ``--suites ...,lint`` the lint run and ``cwql check``'s start-up)
for the cwql in ``OTHER`` (a checkout, e.g. the code before a
restructuring) and for this one, in alternating processes (``OTHER`` first in
even rounds, this one first in odd rounds), with this checkout's measuring code
and only public API on both sides. Each process reports CPU seconds and its
ratios to the floors it measured itself; the table gives, per figure, both
sides' medians and the median of the per-round ratio this / other.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(quick: bool, suites: list[str]) -> dict[str, float]:
    """CPU seconds per unit, and ratios to floors, for the cwql this process imports."""
    sys.path.insert(0, str(HERE))
    import suite_parse

    import cwql

    # PYTHONPATH names the checkout; an installed cwql must not stand in for it silently.
    tree = Path.cwd().resolve()
    if tree not in Path(cwql.__file__).resolve().parents:
        raise SystemExit(f"measuring {cwql.__file__}, not the cwql in {tree}")
    out: dict[str, float] = {}
    if "parse" in suites:
        n = len(suite_parse.CORPUS)
        parse = suite_parse.corpus_figures(quick)["cwql.parse"]
        out["parse: us per corpus query"] = parse.seconds / n * 1e6
        out["parse: x the regex floor"] = parse.ratio
    if "dsl" in suites:
        out.update(_dsl(quick))
    if "evaluate" in suites:
        out.update(_evaluate(quick))
    if "lint" in suites:
        out.update(_lint(quick))
    return out


def _dsl(quick: bool) -> dict[str, float]:
    import suite_dsl
    from timing import interleave

    out = {}
    dsl = interleave(suite_dsl.glue, {
        "build with & and print": lambda: str(suite_dsl.build()),
        "build with all_of and print": lambda: str(suite_dsl.build_all_of()),
    }, rounds=5 if quick else 15, number=50 if quick else 300)
    for name, figure in dsl.items():
        out[f"dsl: {name}, us"] = figure.seconds * 1e6
        out[f"dsl: {name}, x the f-string floor"] = figure.ratio
    return out


def _evaluate(quick: bool) -> dict[str, float]:
    import suite_evaluate
    from timing import interleave

    import cwql

    out = {}
    records = suite_evaluate.make_records(20_000 if quick else 100_000)
    for text, hand in suite_evaluate.CASES:
        compiled = cwql.compile_predicate(text)
        figure = interleave(lambda hand=hand: sum(map(hand, records)),
                            {"compiled": lambda c=compiled: sum(map(c, records))},
                            rounds=3 if quick else 7)["compiled"]
        out[f"evaluate: {text}, ns per record"] = figure.seconds / len(records) * 1e9
        out[f"evaluate: {text}, x hand-written"] = figure.ratio
    return out


def _lint(quick: bool) -> dict[str, float]:
    """One ``cwql lint`` of the lint suite's tree, and ``cwql check 'a=1'``, each against ``python -c pass``.

    One lint round per process (the compare's rounds repeat it); as
    subprocesses of this interpreter, with PYTHONPATH naming the checkout.
    """
    import suite_lint

    queries, lint = suite_lint.lint_figure(quick=True)
    check = suite_lint.startup_figures(quick)["cwql check 'a=1'"]
    return {
        "lint: queries/s (higher is better)": queries / lint.seconds,
        "lint: x python -c pass": lint.ratio,
        "start-up: cwql check 'a=1', x python -c pass": check.ratio,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("other", nargs="?", help="the checkout to compare with")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--suites", default="parse,dsl,evaluate",
                        help="comma-separated, of parse, dsl, evaluate, lint (default: the first three)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.quick, args.suites.split(","))))
        return 0
    if not args.other:
        parser.error("name the checkout to compare with")
    trees = {"other": Path(args.other).resolve(), "this": HERE.parent}
    results: dict[str, list[dict[str, float]]] = {"other": [], "this": []}
    for r in range(args.rounds):
        for side in (["other", "this"] if r % 2 == 0 else ["this", "other"]):
            env = {**os.environ, "PYTHONPATH": str(trees[side])}
            command = [sys.executable, str(HERE / "compare.py"), "--measure", "--suites", args.suites]
            if args.quick:
                command.append("--quick")
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False,
                                  cwd=trees[side])
            if done.returncode:
                sys.stderr.write(done.stderr)
                return done.returncode
            results[side].append(json.loads(done.stdout.splitlines()[-1]))
    keys = list(results["this"][0])
    width = max(map(len, keys))
    print(f"  {'figure':<{width}}  {'other':>9}  {'this':>9}  this/other (middle half)")
    for key in keys:
        other = [row[key] for row in results["other"]]
        this = [row[key] for row in results["this"]]
        ratios = sorted(t / o for t, o in zip(this, other, strict=True))
        low, high = ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4 - (len(ratios) % 4 == 0)]
        print(f"  {key:<{width}}  {statistics.median(other):9.2f}  {statistics.median(this):9.2f}  "
              f"{statistics.median(ratios):5.2f} ({low:.2f}-{high:.2f})")
    print(f"\n  other: {trees['other']}\n  this:  {trees['this']}\n  rounds: {args.rounds}, CPU time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
