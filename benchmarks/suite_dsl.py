"""Building a query with the DSL: build and print a 10-predicate condition.

For context, in the same run: gluing the same text with an f-string (what
hand-written builders do, with none of the checks; the floor), and parsing
the printed text with cwql.parse. All interleaved with the floor
(:func:`timing.interleave`): ratios are the median of the rounds' ratios and
their middle half.
"""

from __future__ import annotations

import datetime as dt

from timing import interleave, table

import cwql
from cwql import F

SINCE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
BASE = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0"


def build() -> cwql.syntax.Expr:
    """Ten predicates, chained with & as users write them."""
    return (
        (F.board.id == 1)
        & (F.status.name != "Closed")
        & F.summary.contains("printer")
        & (F._info.lastUpdated > SINCE)
        & F.priority.id.in_([1, 2, 3])
        & (F.company.identifier == "ACME")
        & (F.closedFlag == False)  # noqa: E712  (not is_false(): compare.py runs this on older checkouts)
        & F.owner.id.is_not_null()
        & F.contactEmailAddress.like("*@example.com")
        & (F.budgetHours <= 10.5)
    )


def build_all_of() -> cwql.syntax.Expr:
    """The same ten, in one all_of call (one And, no intermediate trees)."""
    return cwql.all_of(
        F.board.id == 1,
        F.status.name != "Closed",
        F.summary.contains("printer"),
        F._info.lastUpdated > SINCE,
        F.priority.id.in_([1, 2, 3]),
        F.company.identifier == "ACME",
        F.closedFlag == False,  # noqa: E712
        F.owner.id.is_not_null(),
        F.contactEmailAddress.like("*@example.com"),
        F.budgetHours <= 10.5,
    )


def glue() -> str:
    """The same text by hand: no escaping, no checks, no encoding."""
    ids = ",".join(str(i) for i in [1, 2, 3])
    return (
        f"board/id={1} and status/name!=\"{'Closed'}\" and summary contains \"{'printer'}\" "
        f"and _info/lastUpdated>[{SINCE:%Y-%m-%dT%H:%M:%SZ}] and priority/id in ({ids}) "
        f"and company/identifier=\"{'ACME'}\" and closedFlag={'false'} and owner/id!=null "
        f"and contactEmailAddress like \"{'*@example.com'}\" and budgetHours<={10.5}"
    )


def run(quick: bool) -> None:
    rounds = 5 if quick else 15
    number = 200 if quick else 2000
    text = str(build())
    assert text == glue(), (text, glue())
    assert cwql.parse(text) == build() == build_all_of()
    query = cwql.Query(build(), order_by=F.id.desc(), page_size=100)

    figures = interleave(glue, {
        "build with &": build,
        "build with & and print": lambda: str(build()),
        "build with all_of and print": lambda: str(build_all_of()),
        "Query(...).url(...), built": lambda: cwql.Query(
            build(), order_by=F.id.desc(), page_size=100).url(BASE, "/service/tickets"),
        "cwql.parse of the same text": lambda: cwql.parse(text),
        "cwql.parse and print": lambda: str(cwql.parse(text)),
    }, rounds=rounds, number=number)
    floor = figures["build with &"].floor_seconds
    rows = [
        ("query", f"10 predicates, {len(text)} characters; URL {query.url_length(BASE, '/service/tickets')} characters"),
        ("f-string glue (floor)", f"{floor * 1e6:8.1f} us"),
    ]
    for name, figure in figures.items():
        rows.append((name, f"{figure.seconds * 1e6:8.1f} us   {figure.shown()} the floor"))
    # Build and print against parse, both to the same floor in the same rounds.
    build_str, parse = figures["build with & and print"], figures["cwql.parse of the same text"]
    rows.append(("build and print / parse", f"{build_str.ratio / parse.ratio:8.2f}x"))
    table(rows)
