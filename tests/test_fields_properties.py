"""Properties of the typed fields, checked with hypothesis.

A condition built from typed fields is the very tree the untyped DSL builds
for the same paths, operators and values (so printing, encoding, linting and
evaluation cannot differ); a value the field's type does not allow is always a
CWQLTypeError, whatever the value.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import cwql.fields
from cwql import F
from cwql._typed import (
    AnyField,
    BooleanField,
    CustomFieldsAttr,
    DateStringField,
    DateTimeField,
    EndpointModel,
    EnumField,
    IntegerField,
    Model,
    NumberField,
    Ref,
    StringField,
    TypedField,
    _attributes,
    _Ordered,
    _Text,
)
from cwql.errors import CWQLError, CWQLTypeError

from .conftest import examples
from .strategies import aware_datetimes, orderable_values, python_values, safe_text

ENDPOINT_MODELS = sorted(
    name for name in cwql.fields.__all__ if issubclass(getattr(cwql.fields, name), EndpointModel)
)

VALUES: dict[type, st.SearchStrategy[Any]] = {
    IntegerField: st.integers(-(10**15), 10**15),
    NumberField: st.one_of(st.integers(-(10**9), 10**9), st.floats(-1e9, 1e9).map(lambda x: round(x, 6)), st.decimals(-(10**6), 10**6, places=3)),
    BooleanField: st.booleans(),
    StringField: safe_text,
    DateStringField: st.one_of(safe_text, st.dates(), aware_datetimes),
    DateTimeField: st.one_of(st.dates(), aware_datetimes),
    AnyField: orderable_values,
}


@st.composite
def typed_paths(draw: st.DrawFn) -> Any:
    """A typed field or reference reached from an endpoint model, never through an array."""
    current: Any = getattr(cwql.fields, draw(st.sampled_from(ENDPOINT_MODELS)))
    for depth in range(4):
        cls = current if isinstance(current, type) else type(current)
        choices = [
            a for a in _attributes(cls).values()
            if not a.array and not isinstance(a, CustomFieldsAttr) and (depth < 3 or not isinstance(a, Ref))
        ]
        attribute = draw(st.sampled_from(sorted(choices, key=lambda a: a.attribute)))
        current = getattr(current, attribute.attribute)
        if isinstance(current, TypedField) or draw(st.booleans()):
            return current
    return current


def _values(field: TypedField[Any]) -> st.SearchStrategy[Any]:
    if isinstance(field, EnumField):
        return st.sampled_from(field.members)
    return VALUES[type(field)]


@st.composite
def typed_conditions(draw: st.DrawFn) -> tuple[Any, Any]:
    """One comparison, built twice: from the typed field and from F on the same path."""
    typed = draw(typed_paths())
    untyped = F[str(typed)]
    if isinstance(typed, Model):
        method = draw(st.sampled_from(["== None", "!= None", "is_null", "is_not_null"]))
    else:
        methods = ["==", "!=", "== None", "is_null", "is_not_null", "in_", "not_in"]
        if isinstance(typed, _Ordered):
            methods += ["<", "<=", ">", ">=", "between"]
        if isinstance(typed, _Text):
            methods += ["contains", "not_contains", "like", "not_like"]
        method = draw(st.sampled_from(methods))
    if method == "== None":
        return typed == None, untyped == None  # noqa: E711
    if method == "!= None":
        return typed != None, untyped != None  # noqa: E711
    if method in ("is_null", "is_not_null"):
        return getattr(typed, method)(), getattr(untyped, method)()
    if method in ("contains", "not_contains", "like", "not_like"):
        text = draw(safe_text)
        return getattr(typed, method)(text), getattr(untyped, method)(text)
    values = _values(typed)
    if method in ("in_", "not_in"):
        items = draw(st.lists(values, min_size=1, max_size=4))
        return getattr(typed, method)(items), getattr(untyped, method)(items)
    if method == "between":
        low, high = draw(values), draw(values)
        return _both(lambda f: f.between(low, high), typed, untyped)
    value = draw(values)
    operator = {"==": "__eq__", "!=": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}[method]
    return _both(lambda f: getattr(f, operator)(value), typed, untyped)


def _both(build: Any, typed: Any, untyped: Any) -> tuple[Any, Any]:
    """Both results, or both errors as (class, message): the DSL's own refusals must be the same."""
    results = []
    for field in (typed, untyped):
        try:
            results.append(build(field))
        except CWQLError as e:
            results.append((type(e), str(e)))
    return results[0], results[1]


def _combine(children: st.SearchStrategy[tuple[Any, Any]]) -> st.SearchStrategy[tuple[Any, Any]]:
    pairs = st.tuples(children, children).filter(
        lambda p: not isinstance(p[0][0], tuple) and not isinstance(p[1][0], tuple)
    )
    return st.one_of(
        pairs.map(lambda p: (p[0][0] & p[1][0], p[0][1] & p[1][1])),
        pairs.map(lambda p: (p[0][0] | p[1][0], p[0][1] | p[1][1])),
        children.filter(lambda c: not isinstance(c[0], tuple)).map(lambda c: (~c[0], ~c[1])),
    )


@examples(300)
@given(st.recursive(typed_conditions(), _combine, max_leaves=6))
def test_typed_conditions_are_the_trees_f_builds(pair: tuple[Any, Any]) -> None:
    typed, untyped = pair
    assert typed == untyped
    if not isinstance(typed, tuple):
        assert str(typed) == str(untyped)
        assert cwql.parse(str(typed)) == typed


@examples(300)
@given(typed_paths(), python_values)
def test_a_value_of_another_type_is_always_a_type_error(field: Any, value: Any) -> None:
    if isinstance(field, Model):
        accepted = value is None
    elif isinstance(field, EnumField):
        accepted = value in field.members
    else:
        accepted = type(field)._cwql_accepts(value)
    try:
        field == value
    except CWQLTypeError:
        assert not accepted
    except CWQLError:
        assert accepted  # the DSL's own refusal of a value of the right type (naive datetime, ...)
    else:
        assert accepted
