"""Timing shared by the suites: a floor and its subjects, interleaved in every round.

A ratio is only as honest as its two timings are comparable. Timed at different
moments, a floor and a subject see different loads on a shared machine, and the
ratio moves twofold between runs. So :func:`interleave` times the floor and every
subject once per round, in an order that rotates from round to round, and reports
each subject's *per-round* ratio to the floor: its median, and its spread (the
middle half of the rounds, the 25th to the 75th percentile). Absolute times are
reported too, as medians; they are this machine's, under this load.

Times are CPU seconds, not wall time: the CPU time of this process for code run
in it, and that of the child processes for commands (:func:`command`). On a shared
machine, wall time also counts the time spent waiting for a core, which has
nothing to do with the code measured; CPU time does not, and interleaving takes
care of what remains (caches, frequency). ``clock=time.perf_counter`` gives wall
time where that is wanted.

GC stays on (users run with it), but garbage is collected before each timed block,
so one subject's garbage is not another's cost.
"""

from __future__ import annotations

import gc
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One subject's timings against the floor of the same rounds."""

    name: str
    #: Median seconds per call, of the subject and of the floor.
    seconds: float
    floor_seconds: float
    #: Per-round ratios subject / floor: median, 25th and 75th percentiles.
    ratio: float
    low: float
    high: float
    rounds: int

    def shown(self, unit: str = "x") -> str:
        """``14.6x (14.1-15.2)``: the median ratio and its spread."""
        return f"{self.ratio:5.2f}{unit} ({self.low:.2f}-{self.high:.2f})"


def _quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    if len(ordered) < 4:
        return statistics.median(ordered), ordered[0], ordered[-1]
    q1, q2, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return q2, q1, q3


def interleave(
    floor: Callable[[], object],
    subjects: dict[str, Callable[[], object]],
    *,
    rounds: int = 15,
    number: int = 1,
    warmup: bool = True,
    clock: Callable[[], float] | None = None,
) -> dict[str, Figure]:
    """Time ``floor`` and each subject ``number`` times per round, for ``rounds`` rounds.

    Returns a :class:`Figure` per subject. Each round runs the floor and the
    subjects in a rotated order, so none always follows another.
    """
    now = cpu_time if clock is None else clock
    names = ["", *subjects]
    calls: dict[str, Callable[[], object]] = {"": floor, **subjects}
    if warmup:
        for fn in calls.values():
            fn()  # caches, lazy construction, bytecode
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            fn = calls[name]
            gc.collect()
            started = now()
            for _ in range(number):
                fn()
            times[name].append((now() - started) / number)
    floors = times[""]
    figures = {}
    for name in subjects:
        ratio, low, high = _quartiles([s / f for s, f in zip(times[name], floors, strict=True)])
        figures[name] = Figure(name, statistics.median(times[name]), statistics.median(floors),
                               ratio, low, high, rounds)
    return figures


def cpu_time() -> float:
    """CPU seconds used so far by this process and by its finished children (in ns and us steps)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def command(argv: Sequence[str], env: dict[str, str] | None = None) -> Callable[[], object]:
    """A callable that runs ``argv`` to completion, output discarded (for start-up timings)."""

    def run() -> object:
        return subprocess.run(list(argv), env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, check=False)

    return run


def best_of(fn: Callable[[], object], *, repeat: int = 7, number: int = 1) -> float:
    """Best wall time in seconds of ``number`` calls, over ``repeat`` rounds.

    For absolute figures only; a ratio of two ``best_of`` results compares two
    moments of the machine, which is what :func:`interleave` avoids.
    """
    best = float("inf")
    fn()  # warm up caches and lazy construction
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, time.perf_counter() - start)
    return best / number


def table(rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
