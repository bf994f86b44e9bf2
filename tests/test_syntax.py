"""The AST: immutability, structural equality, flattening, height cap, walking."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import inspect
import pickle
from decimal import Decimal
from typing import Any

import pytest

import cwql
from cwql import syntax
from cwql.syntax import (
    MAX_HEIGHT,
    And,
    Boolean,
    DateTime,
    Null,
    Number,
    Op,
    Or,
    Path,
    Predicate,
    Span,
    String,
    as_data,
    walk,
)

NODE_CLASSES = [
    obj for obj in vars(syntax).values()
    if isinstance(obj, type) and issubclass(obj, syntax.Node)
]


def p(name: str, value: int) -> Predicate:
    return Predicate(Path(name), Op.EQ, Number(str(value)))


def test_equality_ignores_spans_and_parentheses() -> None:
    parsed = cwql.parse("(a=1 and b=2) or c=3")
    built = Or((And((p("a", 1), p("b", 2))), p("c", 3)))
    assert parsed == built
    assert hash(parsed) == hash(built)
    assert parsed.span == Span(0, 20)
    assert built.span is None
    assert parsed.operands[0].parenthesized
    assert not built.operands[0].parenthesized


def test_nodes_are_frozen_and_slotted() -> None:
    node = cwql.parse("a=1 and b=2")
    for current in walk(node):
        with pytest.raises(AttributeError, match="immutable"):
            current.span = None  # type: ignore[misc]
        assert not hasattr(current, "__dict__")  # slotted: no dict to smuggle state into
    for cls in NODE_CLASSES:
        assert "__slots__" in vars(cls), cls


def test_nodes_survive_pickle_and_copy() -> None:
    node = cwql.parse('a=1 and (b in ("x", "y") or d>[2024-01-01T00:00:00Z])')
    for clone in (pickle.loads(pickle.dumps(node)), copy.deepcopy(node), copy.copy(node)):
        assert clone == node
        assert str(clone) == str(node)


@pytest.mark.parametrize("cls", [c for c in NODE_CLASSES if "__init__" in vars(c)],
                         ids=lambda c: c.__name__)
def test_constructors_take_the_declared_fields_in_order(cls: type) -> None:
    # One declaration (_fields) drives equality, pickling and as_data; the
    # constructor must take exactly those, in order, and the span by keyword.
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    positional = [q.name for q in params if q.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    assert tuple(positional) == cls._fields  # type: ignore[attr-defined]
    assert "span" in [q.name for q in params if q.kind is inspect.Parameter.KEYWORD_ONLY]
    # Plain code, so a traceback through it shows a real line of cwql/syntax.py.
    assert cls.__init__.__code__.co_filename == syntax.__file__


def test_connectives_flatten_and_need_two_operands() -> None:
    a, b, c = p("a", 1), p("b", 2), p("c", 3)
    assert And((And((a, b)), c)).operands == (a, b, c)
    assert Or((a, Or((b, c)))).operands == (a, b, c)
    assert And((Or((a, b)), c)).operands[0] == Or((a, b))
    with pytest.raises(ValueError, match="at least two"):
        And((a,))
    with pytest.raises(TypeError, match="condition nodes"):
        And((a, "b=2"))  # type: ignore[arg-type]


def test_height_counts_the_tree_after_flattening() -> None:
    a, b, c = p("a", 1), p("b", 2), p("c", 3)
    assert And((a, And((b, c)))).height == 1
    assert And((Or((a, b)), And((Or((b, c)), a)))).height == 2
    assert Or((a, Or((b, And((a, c)))))).height == 2


def test_height_is_capped_so_recursive_dunders_stay_safe() -> None:
    node: syntax.Expr = p("a", 0)
    for i in range(1, MAX_HEIGHT + 1):
        node = (And if i % 2 else Or)((node, p("x", i)))
    assert node.height == MAX_HEIGHT
    assert hash(node)
    assert node == copy.deepcopy(node)
    assert repr(node)
    with pytest.raises(cwql.ParseError, match="E020"):
        (Or if isinstance(node, And) else And)((node, p("y", 0)))


def test_walk_is_in_source_order() -> None:
    node = cwql.parse('a=1 and (b in (2, 3) or c contains "x")')
    kinds = [type(n).__name__ for n in walk(node)]
    assert kinds == [
        "And", "Predicate", "Path", "Number", "Or", "Predicate", "Path", "Number", "Number",
        "Predicate", "Path", "String",
    ]


def test_walk_does_not_recurse() -> None:
    node: syntax.Expr = p("a", 0)
    for i in range(1, MAX_HEIGHT):
        node = (And if i % 2 else Or)((node, p("x", i)))
    # three nodes for the first predicate, then a connective and a predicate per level
    assert sum(1 for _ in walk(node)) == 3 + 4 * (MAX_HEIGHT - 1)


def test_spans_point_into_the_text() -> None:
    text = 'status/id = 1 and summary contains "x"'
    node = cwql.parse(text)
    assert isinstance(node, And)
    first, second = node.operands
    assert isinstance(first, Predicate)
    assert isinstance(second, Predicate)
    assert first.path.span is not None
    assert first.span is not None
    assert text[slice(*first.path.span)] == "status/id"
    assert text[slice(*first.span)] == "status/id = 1"
    assert second.value.span is not None
    assert not isinstance(second.value, tuple)
    assert text[slice(*second.value.span)] == '"x"'


def test_literal_values() -> None:
    assert Number("2.50").value == Decimal("2.50")
    assert Number("-3").value == -3
    assert Path("status/id").segments == ("status", "id")
    assert DateTime(dt.date(2024, 1, 2)).is_date
    naive = DateTime(dt.datetime(2024, 1, 2, 3, 4))
    assert naive.is_naive
    assert not naive.is_date


def test_datetime_normalises_to_utc_and_derives_the_fraction() -> None:
    plus2 = dt.timezone(dt.timedelta(hours=2))
    node = DateTime(dt.datetime(2024, 1, 1, 12, 0, 0, 123000, tzinfo=plus2))
    assert node.value == dt.datetime(2024, 1, 1, 10, 0, 0, 123000, tzinfo=dt.UTC)
    assert node.value.tzinfo is dt.UTC
    assert node.fraction == "123"
    assert str(node) == "[2024-01-01T10:00:00.123Z]"
    with pytest.raises(ValueError, match="disagrees"):
        DateTime(dt.datetime(2024, 1, 1, microsecond=5), "1")
    with pytest.raises(ValueError, match="no fractional"):
        DateTime(dt.date(2024, 1, 1), "1")
    with pytest.raises(ValueError, match="1-7 digits"):
        DateTime(dt.datetime(2024, 1, 1), "12345678")


def test_op_negation_is_an_involution() -> None:
    for op in Op:
        assert op.negated.negated is op
        assert op.negated is not op


def test_as_data_is_json_ready() -> None:
    node = cwql.parse('a=1 or b in (true, "x")')
    data = as_data(node)
    assert data["type"] == "Or"
    assert data["operands"][1]["value"] == [
        {"type": "Boolean", "value": True, "span": [13, 17]},
        {"type": "String", "value": "x", "span": [19, 22]},
    ]
    assert as_data(Null()) == {"type": "Null"}
    assert as_data(Boolean(False)) == {"type": "Boolean", "value": False}
    assert as_data(String("x"))["value"] == "x"


def test_str_of_every_node_kind() -> None:
    assert str(cwql.parse_order_by("a desc, b ASC")) == "a desc,b"
    assert str(cwql.parse_fields(" id , summary ")) == "id,summary"
    assert str(Path("a/b")) == "a/b"
    assert str(Null()) == "null"
    assert str(Boolean(True)) == "true"


@pytest.mark.parametrize(
    "build",
    [
        lambda: Path("summary or 1"),
        lambda: Path("a b"),
        lambda: Path("and"),
        lambda: Path("1abc"),
        lambda: Path("status/"),
        lambda: Number("1 or id>0"),
        lambda: Number("1e5"),
        lambda: Number("1" * 39),
        lambda: Predicate(Path("a"), Op.LT, Null()),
        lambda: Predicate(Path("a"), Op.IN, ()),
        lambda: Predicate(Path("a"), Op.CONTAINS, Number("1")),
        lambda: Predicate("a", Op.EQ, Number("1")),  # type: ignore[arg-type]
        lambda: Predicate(Path("a"), "=", Number("1")),  # type: ignore[arg-type]
    ],
)
def test_constructors_refuse_what_the_grammar_would(build: Any) -> None:
    # A node that prints as text the parser reads differently could widen a query:
    # `summary=1 or id>0` from a Number an app built out of user text.
    with pytest.raises((cwql.ParseError, cwql.CWQLTypeError)):
        build()


_WRONG = ["2024", None, 2024, 1.5, b"x", True, dt.date(2024, 1, 1), Path("a"), Number("1"), Op.EQ, object(),
          ["a"], ()]
_NODES = [Path, String, Number, Boolean, DateTime, And, Or, syntax.OrderBy, syntax.Fields]


def test_datetime_of_text_is_a_cwql_type_error() -> None:
    # Issue 11: DateTime("2024") escaped as a TypeError/AttributeError.
    with pytest.raises(cwql.CWQLTypeError, match=r"cwql\.parse"):
        DateTime("2024")  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", _NODES, ids=lambda c: c.__name__)
def test_a_node_given_a_value_of_the_wrong_type_raises_a_cwql_error(cls: type) -> None:
    """The kind of DateTime("2024"): OrderBy(None) and Fields(5) raised 'not iterable'."""
    for value in _WRONG:
        with contextlib.suppress(cwql.CWQLError):
            cls(value)
    for a in _WRONG:
        for b in _WRONG:
            for c in _WRONG:
                with contextlib.suppress(cwql.CWQLError):
                    Predicate(a, b, c)


def test_hand_built_trees_print_what_they_mean() -> None:
    app = cwql.parse("company/id = 5")
    user = Predicate(Path("summary"), Op.EQ, String("1 or id>0"))
    assert str(app & user) == 'company/id=5 and summary="1 or id>0"'
    assert cwql.parse(str(app & user)) == app & user


def test_datetime_instants_follow_the_server_model() -> None:
    from cwql._semantics import instant

    assert instant(DateTime(dt.date(2024, 1, 2))) == dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    plus2 = dt.timezone(dt.timedelta(hours=2))
    assert instant(DateTime(dt.datetime(2024, 1, 2, 3, tzinfo=plus2))) == dt.datetime(2024, 1, 2, 1, tzinfo=dt.UTC)
    assert instant(DateTime(dt.datetime(2024, 1, 2, 3))) is None  # naive: the zone is unknown
