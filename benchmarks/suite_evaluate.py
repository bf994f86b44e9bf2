"""cwql.compile_predicate against hand-written Python doing the same checks, over 1,000,000 records.

The hand-written functions are what a careful engineer writes without cwql:
null-safe, type-checked, and comparing strings as the model does (without case
or trailing spaces). Both run in this process on the same records, measured
interleaved (:func:`timing.interleave`): every round times both, in CPU time of
this process, and the ratio reported is the median of the rounds' ratios with
their middle half, so load on the machine moves both sides alike.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from timing import Figure, interleave, table

import cwql

UTC = dt.UTC


def make_records(n: int) -> list[dict[str, Any]]:
    rng = random.Random(6)
    distinct = []
    for i in range(min(n, 200_000)):
        record: dict[str, Any] = {
            "id": i,
            "summary": rng.choice(["Printer jam", "VPN slow", "Email down", "New user", "vpn drops"]) + f" #{i}",
            "status": {"id": rng.randint(1, 6), "name": rng.choice(["Open", "New", "Closed", "In Progress"])},
            "priority": {"id": rng.randint(1, 5)},
            "budgetHours": rng.choice([None, 1, 2.5, 8, 12]),
            "closedFlag": rng.random() < 0.3,
            "dateEntered": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z",
        }
        if rng.random() < 0.6:
            record["owner"] = {"id": rng.randint(1, 40), "name": "Ann"}
        distinct.append(record)
    # Repeating references keeps memory small; neither side caches anything per record.
    return (distinct * (n // len(distinct) + 1))[:n]


def _status_and_budget(r: dict[str, Any]) -> bool:
    status = r.get("status")
    name = status.get("name") if isinstance(status, dict) else None
    if not (isinstance(name, str) and name.rstrip(" ").casefold() == "open"):
        return False
    hours = r.get("budgetHours")
    return type(hours) in (int, float) and hours > 5


def _summary_text(r: dict[str, Any]) -> bool:
    summary = r.get("summary")
    if not isinstance(summary, str):
        return False
    lowered = summary.lower()
    return "printer" in lowered or lowered.startswith("vpn")


_JUNE = dt.datetime(2024, 6, 1, tzinfo=UTC)


def _date_and_flag(r: dict[str, Any]) -> bool:
    entered = r.get("dateEntered")
    if not isinstance(entered, str):
        return False
    try:
        moment = dt.datetime.fromisoformat(entered)
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment >= _JUNE and r.get("closedFlag") is False


def _priority_and_owner(r: dict[str, Any]) -> bool:
    priority = r.get("priority")
    pid = priority.get("id") if isinstance(priority, dict) else None
    return type(pid) is int and pid in (1, 2) and r.get("owner") is not None


def _owner_named_ann(r: dict[str, Any]) -> bool:
    owner = r.get("owner")
    name = owner.get("name") if isinstance(owner, dict) else None
    return isinstance(name, str) and name.rstrip(" ").casefold() == "ann"


#: A field missing from every record: the compiled reader's slow path (no exception either).
MISSING = ('owner/name = "ann"', _owner_named_ann)

CASES: list[tuple[str, Callable[[dict[str, Any]], bool]]] = [
    ('status/name = "open" and budgetHours > 5', _status_and_budget),
    ('summary contains "printer" or summary like "vpn*"', _summary_text),
    ("dateEntered >= [2024-06-01] and closedFlag = false", _date_and_flag),
    ("priority/id in (1, 2) and owner != null", _priority_and_owner),
]


def _over(fn: Callable[[dict[str, Any]], bool] | list[Callable[[dict[str, Any]], bool]],
          records: list[dict[str, Any]]) -> Callable[[], None]:
    functions = fn if isinstance(fn, list) else [fn]

    def run() -> None:
        for f in functions:
            for r in records:
                f(r)
    return run


def all_four_figure(records: list[dict[str, Any]], rounds: int) -> Figure:
    """The four compiled predicates against the four hand-written functions, in the same rounds."""
    compiled = [cwql.compile_predicate(text) for text, _ in CASES]
    hand = [fn for _, fn in CASES]
    return interleave(_over(hand, records), {"compiled": _over(compiled, records)},
                      rounds=rounds)["compiled"]


def run(quick: bool) -> None:
    n = 100_000 if quick else 1_000_000
    rounds = 5 if quick else 9
    records = make_records(n)
    rows = [("records", f"{n:,}, {rounds} interleaved rounds, CPU time")]
    for condition, hand in CASES:
        compiled = cwql.compile_predicate(condition)
        expected = sum(1 for r in records if hand(r))
        got = sum(1 for r in records if compiled(r))
        assert got == expected, (condition, got, expected)
        figure = interleave(_over(hand, records), {"compiled": _over(compiled, records)},
                            rounds=rounds)["compiled"]
        rows.append((
            condition,
            f"compiled {figure.seconds * 1e9 / n:5.0f} ns/record   "
            f"hand {figure.floor_seconds * 1e9 / n:5.0f} ns/record   {figure.shown()}   ({got:,} match)",
        ))
    rows.append(("all four", f"{all_four_figure(records, rounds).shown()} the hand-written functions "
                             "(target <= 1.2x)"))
    # The same reader when the field is missing from every record.
    ownerless = [{k: v for k, v in r.items() if k != "owner"} for r in records[:min(n, 200_000)]]
    ownerless = (ownerless * (n // len(ownerless) + 1))[:n]
    condition, hand = MISSING
    compiled = cwql.compile_predicate(condition)
    assert not any(map(compiled, ownerless))
    assert not any(map(hand, ownerless))
    figure = interleave(_over(hand, ownerless), {"compiled": _over(compiled, ownerless)},
                        rounds=rounds)["compiled"]
    rows.append((f"{condition}, field missing from every record",
                 f"compiled {figure.seconds * 1e9 / n:5.0f} ns/record   "
                 f"hand {figure.floor_seconds * 1e9 / n:5.0f} ns/record   {figure.shown()}"))
    table(rows)
