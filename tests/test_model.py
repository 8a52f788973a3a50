"""The model's classes: dataclasses with hand-written `__init__`, `__eq__` and `__repr__`.

`s3lint.model` writes these methods itself because `@dataclass` generating them cost every
run ~15 ms.  These tests hold the hand-written versions to what `@dataclass` would generate:
the `__init__` signature against the fields, and equality, repr and hashing against a
reference dataclass built from the same fields.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3lint import model
from s3lint.model import Bucket, Finding, Fragment, Statement, Value
from s3lint.source import Location

MODEL_CLASSES = [cls for cls in vars(model).values()
                 if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__]
CLASSES_BY_NAME = {cls.__name__: cls for cls in MODEL_CLASSES}
LOC = Location("t.yaml", 3, 5)


def test_every_class_of_the_model_is_covered() -> None:
    assert len(MODEL_CLASSES) == 27
    assert {"Value", "Bucket", "Statement", "PolicyDocument", "ScanModel", "Fragment", "Finding"} <= set(CLASSES_BY_NAME)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    fields = dataclasses.fields(cls)
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]  # without self
    assert [p.name for p in parameters] == [f.name for f in fields]
    for parameter, field in zip(parameters, fields):
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if field.default is not dataclasses.MISSING:
            assert parameter.default == field.default, field.name
        elif field.default_factory is not dataclasses.MISSING:
            assert parameter.default is None, field.name  # None stands for a fresh container
        else:
            assert parameter.default is inspect.Parameter.empty, field.name


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_init_sets_every_field_and_a_fresh_container_per_object(cls: type) -> None:
    required = [f for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    args = [f"value of {f.name}" for f in required]
    first, second = cls(*args), cls(*args)
    for field in dataclasses.fields(cls):
        if field.default_factory is not dataclasses.MISSING:
            expected = field.default_factory()
            assert getattr(first, field.name) == expected
            assert getattr(first, field.name) is not getattr(second, field.name), field.name
        elif field.default is not dataclasses.MISSING:
            assert getattr(first, field.name) == field.default
        else:
            assert getattr(first, field.name) == f"value of {field.name}"
    assert not hasattr(first, "__dict__")  # slots, as @dataclass(slots=True) made them


def _reference(cls: type) -> type:
    """What `@dataclass(slots=True)` generates for the same fields."""
    specs = []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            specs.append((f.name, Any, dataclasses.field(default=f.default)))
        elif f.default_factory is not dataclasses.MISSING:
            specs.append((f.name, Any, dataclasses.field(default_factory=f.default_factory)))
        else:
            specs.append((f.name, Any))
    return dataclasses.make_dataclass(cls.__name__, specs, slots=True)


REFERENCES = {cls: _reference(cls) for cls in MODEL_CLASSES}

# Field values for the property tests: scalars that compare equal across types (1, 1.0,
# True), containers, Locations and model objects, so that equality has cases to get wrong.
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from([1.0, 0.0, float("nan")]),
    st.text(max_size=3), st.builds(Location, st.sampled_from(["a.tf", "b.yaml"]), st.integers(1, 3)),
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=2), st.builds(Value, inner, st.just(LOC), st.booleans())),
    max_leaves=4,
)


@st.composite
def field_values(draw: st.DrawFn, cls: type) -> list[Any]:
    # A container field given None gets a fresh container (the one difference from
    # @dataclass, which would store None; no caller passes None there).
    return [draw(VALUES.filter(lambda v: v is not None)
                 if f.default_factory is not dataclasses.MISSING else VALUES)
            for f in dataclasses.fields(cls)]


@given(data=st.data())
def test_equality_and_repr_are_those_of_a_dataclass(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(MODEL_CLASSES))
    reference = REFERENCES[cls]
    left = data.draw(field_values(cls))
    right = data.draw(st.one_of(st.just(list(left)), field_values(cls)))
    ours_left, ours_right = cls(*left), cls(*right)
    ref_left, ref_right = reference(*left), reference(*right)
    assert (ours_left == ours_right) == (ref_left == ref_right)
    assert (ours_left != ours_right) == (ref_left != ref_right)
    assert repr(ours_left) == repr(ref_left)


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_objects_are_unhashable_and_unequal_to_other_classes(cls: type) -> None:
    required = [f for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    obj = cls(*([0] * len(required)))
    with pytest.raises(TypeError, match="unhashable"):
        hash(obj)
    assert obj == obj  # noqa: PLR0124 - equality is reflexive
    assert obj != REFERENCES[cls](*([0] * len(required)))  # same fields, another class
    assert obj != object()


def test_equality_compares_nested_objects_by_value() -> None:
    assert Value([Value("a", LOC)], LOC) == Value([Value("a", LOC)], LOC)
    assert Value([Value("a", LOC)], LOC) != Value([Value("b", LOC)], LOC)
    assert Value(1, LOC) != Value(1, LOC, explicit=False)


def test_repr_of_a_cycle_does_not_recurse() -> None:
    value = Value(None, LOC)
    value.value = [value]
    assert repr(value) == f"Value(value=[...], loc={LOC!r}, explicit=True)"


def test_dataclass_helpers_work_on_the_model() -> None:
    bucket = Bucket("aws_s3_bucket.a", LOC, "terraform", Value("a", LOC), "a", scope="root")
    changed = dataclasses.replace(bucket, declared=False)
    assert changed.declared is False and changed.scope == "root" and changed.address == bucket.address
    assert changed.grants is bucket.grants  # replace() passes every field on
    assert Bucket.__match_args__[:3] == ("address", "loc", "source_format")
    assert dataclasses.asdict(Finding("S3001", "m", LOC, "r"))["certainty"] == "definite"


def test_objects_survive_pickling_for_worker_processes() -> None:
    statement = Statement(0, LOC, "Sid", Value("Allow", LOC), None, False, None, [Value("s3:*", LOC)],
                          False, LOC, [], False, None, [], unknown_parts=["Resource"])
    fragment = Fragment(errors=[model.LoadError("a.tf", "bad", 1, 2)])
    assert pickle.loads(pickle.dumps(statement)) == statement
    assert pickle.loads(pickle.dumps(fragment)) == fragment


def test_every_class_has_its_own_docstring() -> None:
    # Without one, @dataclass computes a signature for __doc__ with inspect: import time.
    for cls in MODEL_CLASSES:
        assert cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("), cls.__name__
