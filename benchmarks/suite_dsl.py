"""Building a query with the DSL: build and print a 10-predicate condition.

For context, in the same run: gluing the same text with an f-string (what
hand-written builders do, with none of the checks; the floor), and parsing
the printed text with cwql.parse.
"""

from __future__ import annotations

import datetime as dt

from timing import best_of, table

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
        & F.closedFlag.is_false()
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
        F.closedFlag.is_false(),
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
    repeat = 3 if quick else 7
    number = 200 if quick else 3000
    text = str(build())
    assert text == glue(), (text, glue())
    assert cwql.parse(text) == build() == build_all_of()
    query = cwql.Query(build(), order_by=F.id.desc(), page_size=100)

    floor = best_of(glue, repeat=repeat, number=number)
    t_build = best_of(build, repeat=repeat, number=number)
    t_build_str = best_of(lambda: str(build()), repeat=repeat, number=number)
    t_all_of_str = best_of(lambda: str(build_all_of()), repeat=repeat, number=number)
    t_query = best_of(
        lambda: cwql.Query(build(), order_by=F.id.desc(), page_size=100).url(BASE, "/service/tickets"),
        repeat=repeat, number=number,
    )
    t_parse = best_of(lambda: cwql.parse(text), repeat=repeat, number=number)
    t_parse_str = best_of(lambda: str(cwql.parse(text)), repeat=repeat, number=number)

    def us(t: float) -> str:
        return f"{t * 1e6:8.1f} us   {t / floor:6.1f}x the floor"

    table([
        ("query", f"10 predicates, {len(text)} characters; URL {query.url_length(BASE, '/service/tickets')} characters"),
        ("f-string glue (floor)", us(floor)),
        ("build with &", us(t_build)),
        ("build with & and print", us(t_build_str)),
        ("build with all_of and print", us(t_all_of_str)),
        ("Query(...).url(...), built", us(t_query)),
        ("cwql.parse of the same text", us(t_parse)),
        ("cwql.parse and print", us(t_parse_str)),
        ("build and print / parse", f"{t_build_str / t_parse:8.2f}x"),
    ])
