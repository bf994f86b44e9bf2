"""The classic ways to misuse a query builder, each of which must fail loudly.

Every row is a mistake that other builders in this field turn silently into
a wrong query: Python's ``and``/``or`` evaluating one side, a chained
comparison dropping a bound, ``&`` binding tighter than ``==``, an empty list,
a naive datetime, NaN, a bool sent as 1. Each raises, with a message that
names the fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import cwql
from cwql import CF, EMPTY, F

PITFALLS: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    ("python and", lambda: (F.a == 1) and (F.b == 2), TypeError, "`&` \\(and\\)"),
    ("python or", lambda: (F.a == 1) or (F.b == 2), TypeError, "`\\|` \\(or\\)"),
    ("python not", lambda: not (F.a == 1), TypeError, "`~` \\(not\\)"),  # noqa: SIM201
    ("if condition", lambda: 1 if F.a == 1 else 0, TypeError, "no truth value"),
    ("chained comparison", lambda: 1 < F.x < 5, TypeError, "between"),
    ("chained equality", lambda: F.x == F.y == 1, TypeError, "another field"),
    ("== precedence with &", lambda: F.a == 1 & F.b == 2, TypeError, "\\(F.a == 1\\) & \\(F.b == 2\\)"),
    ("== precedence with |", lambda: F.a == 1 | F.b == 2, TypeError, "parentheses"),
    ("half-parenthesised &", lambda: (F.a == 1) & F.b == 2, TypeError, "parentheses"),
    ("field used as condition", lambda: (F.a == 1) & F.b.is_null, TypeError, "takes conditions"),
    ("`is None` instead of is_null", lambda: (F.a == 1) & (F.b is None), TypeError, "is_null"),
    ("python in", lambda: F.x in [1, 2], TypeError, "in_"),
    ("any() over conditions", lambda: any([F.a == 1, F.b == 2]), TypeError, "no truth value"),
    ("empty in-list", lambda: F.x.in_([]), cwql.ParseError, "(?s)E007.*at least\\s+one"),
    ("empty not-in list", lambda: F.x.not_in([]), cwql.ParseError, "E007"),
    ("string as in-list", lambda: F.x.in_("open"), TypeError, "split into characters"),
    ("None in an in-list", lambda: F.x.in_([1, None]), cwql.ParseError, "(?s)E016.*is_null"),
    ("empty any_of", lambda: cwql.any_of(), ValueError, "no record"),
    ("or with the empty condition", lambda: EMPTY | (F.a == 1), TypeError, "any_of"),
    ("naive datetime", lambda: F.x > dt.datetime(2024, 1, 1), ValueError, "naive.*time zone"),
    ("naive datetime in a list", lambda: F.x.in_([dt.datetime(2024, 1, 1)]), ValueError, "naive"),
    ("naive datetime in between", lambda: F.x.between(dt.date(2024, 1, 1), dt.datetime(2024, 2, 1)), ValueError, "naive"),
    ("NaN", lambda: F.x == float("nan"), ValueError, "not a number"),
    ("NaN from arithmetic", lambda: F.x < float("inf") - float("inf"), ValueError, "not a number"),
    ("infinity", lambda: F.x < float("inf"), ValueError, "not a number"),
    ("bool as int in an ordering", lambda: F.x > True, TypeError, "True is not 1"),
    ("bool as int in between", lambda: F.x.between(False, True), TypeError, "booleans"),
    ("None with an ordering", lambda: F.x < None, cwql.ParseError, "(?s)E016.*is_null"),
    ("number with contains", lambda: F.x.contains(42), cwql.ParseError, "(?s)E025.*str\\(value\\)"),
    ("swapped between", lambda: F.x.between(10, 1), ValueError, "swapped"),
    ("both quote characters", lambda: F.x == "it's \"quoted\"", cwql.UnsafeValueError, "allow_escapes"),
    ("trailing backslash", lambda: F.x == "C:\\temp\\", cwql.UnsafeValueError, "backslash"),
    ("dotted path", lambda: F["status.id"], cwql.ParseError, "status/id"),
    ("keyword as a field", lambda: F.null, AttributeError, "keyword"),
    ("method that does not exist", lambda: F.name.isin(["A"]), TypeError, "in_"),
    ("two custom fields in one and", lambda: cwql.Query(custom_field_conditions=(CF("A") == 1) & (CF("B") == 2)), cwql.QueryError, "never"),
    ("negated custom field", lambda: cwql.Query(custom_field_conditions=~(CF("A") == 1)), cwql.QueryError, "CF\\(\"Region\"\\) != \"West\""),
    ("orderBy with forward-only paging", lambda: cwql.Query(order_by=F.id.desc(), page_id=10), cwql.QueryError, "page_id"),
    ("page size over the maximum", lambda: cwql.Query(page_size=5000), cwql.QueryError, "1-1000"),
    ("page counted from 0", lambda: cwql.Query(page=0), cwql.QueryError, "at least 1"),
    ("bool as page size", lambda: cwql.Query(page_size=True), TypeError, "int"),
    ("unfilled path template", lambda: cwql.Query().url("https://h/apis/3.0", "/service/tickets/{id}/notes"), cwql.QueryError, "template"),
    ("query string spliced into the path", lambda: cwql.Query().url("https://h/apis/3.0", "/service/tickets?conditions=id=1"), cwql.QueryError, "Query"),
]


@pytest.mark.parametrize(("build", "error", "match"), [row[1:] for row in PITFALLS],
                         ids=[row[0] for row in PITFALLS])
def test_pitfall_fails_loudly(build: Callable[[], Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match) as info:
        build()
    if not isinstance(info.value, AttributeError):
        assert isinstance(info.value, cwql.CWQLError)
