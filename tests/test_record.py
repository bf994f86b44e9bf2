"""cwql._record.Record: what @dataclass(frozen=True, slots=True) promised, without generated code."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cwql._codes import CODES
from cwql._parser import Limits
from cwql._record import Record
from cwql.errors import Diagnostic, FieldError
from cwql.lint._engine import FileResult
from cwql.lint._sources.base import Extraction, Segment

from .conftest import examples


class Point(Record):
    """A record for the tests: two fields, one with a default."""

    __slots__ = ("x", "y")  # the fields are __init__'s parameters, in its order
    x: int
    y: object

    def __init__(self, x: int, y: object = None) -> None:
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)


@dataclasses.dataclass(frozen=True, slots=True)
class DataPoint:
    x: int
    y: object = None


_values = st.one_of(st.integers(-3, 3), st.none(), st.text(max_size=2),
                    st.tuples(st.integers(0, 2)))


@given(_values, _values, _values, _values)
@examples(300)
def test_equality_hash_and_repr_are_a_frozen_dataclass_s(x1: object, y1: object, x2: object,
                                                          y2: object) -> None:
    a, b = Point(x1, y1), Point(x2, y2)  # type: ignore[arg-type]
    da, db = DataPoint(x1, y1), DataPoint(x2, y2)  # type: ignore[arg-type]
    assert (a == b) == (da == db)
    assert (a != b) == (da != db)
    if a == b:
        assert hash(a) == hash(b)
    assert repr(a) == repr(da).replace("DataPoint", "Point")
    assert a.replace(y=x2) == Point(x1, x2)  # type: ignore[arg-type]


def test_a_record_is_not_equal_to_another_class_with_the_same_fields() -> None:
    assert Point(1, 2) != DataPoint(1, 2)
    assert Point(1, 2) != (1, 2)
    assert Point(1, 2).__eq__((1, 2)) is NotImplemented


def test_frozen_records_refuse_assignment_and_deletion() -> None:
    p = Point(1)
    with pytest.raises(AttributeError, match="immutable"):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del p.x  # type: ignore[misc]
    assert p.x == 1
    with pytest.raises(AttributeError):
        p.z = 3  # type: ignore[attr-defined]


def test_mutable_records_are_mutable_and_unhashable() -> None:
    result = FileResult("a.cwql", "a=1")
    result.queries = 2
    assert result.queries == 2
    assert result.findings == []
    assert FileResult("b", "").findings is not result.findings
    with pytest.raises(TypeError, match="unhashable"):
        hash(result)
    assert Extraction() == Extraction()


def test_replace_copies_pickles_and_patterns() -> None:
    d = Diagnostic("E001", "unexpected end", 0, 1, 1, 1, 1, 2, ("a field",), "write more")
    assert d.replace(hint=None).hint is None
    assert d.hint == "write more"
    with pytest.raises(TypeError, match="no field colour"):
        d.replace(colour="red")
    for twin in (copy.copy(d), copy.deepcopy(d), pickle.loads(pickle.dumps(d))):
        assert twin == d
        assert hash(twin) == hash(d)
        assert twin is not d
    code = CODES["E001"]
    assert pickle.loads(pickle.dumps(code)) == code
    match Segment(0, 3, 10, 13):
        case Segment(q_start, q_end, h_start, h_end, part):
            assert (q_start, q_end, h_start, h_end, part) == (0, 3, 10, 13, 0)
    assert FieldError("InvalidField", "bad", field="x") == FieldError("InvalidField", "bad", "", "x")


def test_a_record_whose_slots_and_init_disagree_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match="__slots__ must name exactly"):
        class Missing(Record):
            __slots__ = ("a",)

            def __init__(self, a: int, b: int) -> None:
                pass
    with pytest.raises(TypeError, match="keyword-only"):
        class KeywordOnly(Record):
            __slots__ = ("a", "b")

            def __init__(self, a: int, *, b: int) -> None:
                pass



class _Strict(Limits):
    """A project's own limits: a public record subclassed with no field added."""

    def __init__(self, max_length: int = 500, max_depth: int = 8, max_nodes: int = 100) -> None:
        super().__init__(max_length, max_depth, max_nodes)


class _Marked(Diagnostic):
    pass


def test_a_public_record_can_be_subclassed_as_its_dataclass_could() -> None:
    """Limits, Diagnostic and FieldError are public: a subclass that adds no field (a
    project's own defaults, a marker type) declares no slots, as a dataclass's did; such a
    class was refused at import with a TypeError about __slots__."""

    class Api(FieldError):
        pass

    strict = _Strict()
    assert (strict.max_length, strict.max_depth) == (500, 8)
    assert strict != Limits(500, 8, 100)  # another class: not equal, as with dataclasses
    assert pickle.loads(pickle.dumps(strict)) == strict
    assert strict.replace(max_depth=3).max_depth == 3
    with pytest.raises(AttributeError):
        strict.max_depth = 3  # type: ignore[misc]
    marked = _Marked("E001", "m", 0, 1, 1, 1, 1, 2)
    assert repr(marked).startswith("_Marked(code='E001'")
    assert pickle.loads(pickle.dumps(marked)) == marked
    assert Api("c", "m") == Api("c", "m")
