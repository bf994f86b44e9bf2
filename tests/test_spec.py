"""The parameter table in cwql._spec is the one home of every name a parameter goes by.

Whoever reads a parameter (Query, the executor's schema check, the fake, the
linter's readers) reads it from that table; these tests pin the table to the
places that must spell it the same way.
"""

from __future__ import annotations

import inspect

import cwql
from cwql._spec import ALL_KINDS, CONDITION_KINDS, HOST_NAMES, PARAMETERS, parameter


def test_query_takes_each_parameter_by_its_python_name_and_holds_it_in_its_attribute() -> None:
    keywords = inspect.signature(cwql.Query).parameters
    q = cwql.Query("a=1", child_conditions="b=2", custom_field_conditions='caption="c"',
                   order_by="id", fields="id")
    for p in PARAMETERS:
        assert p.python_name in keywords
        assert getattr(q, p.attribute) is not None, p.name
    assert list(q.params()) == [p.name for p in PARAMETERS]


def test_the_search_body_uses_the_tables_keys() -> None:
    q = cwql.Query("a=1", child_conditions="b=2", custom_field_conditions='caption="c"', order_by="id")
    assert set(q.search_body()) == {p.search_key for p in PARAMETERS if p.search_key}


def test_kinds_and_host_names_are_derived_from_the_table() -> None:
    assert cwql.CONDITION_KINDS == CONDITION_KINDS == ("conditions", "childConditions", "customFieldConditions")
    assert (*CONDITION_KINDS, "orderBy", "fields") == ALL_KINDS
    for p in PARAMETERS:
        assert parameter(p.name) is p
        for host in p.host_names:
            assert HOST_NAMES[host] == p.name
