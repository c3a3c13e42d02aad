"""The profile's value classes (evidence/rubrics/profile.py) build their instances in one step
(`filled_at_once`, for speed) and still behave as the frozen dataclasses they are declared as."""

import dataclasses
import pickle

import pytest

from evidence.rubrics import profile
from evidence.rubrics.profile import DomainRow, Estimate, Grade, Profile, filled_at_once

CLASSES = [
    value
    for value in vars(profile).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
]


def test_every_profile_class_is_filled_at_once_and_frozen():
    assert {cls.__name__ for cls in CLASSES} >= {"DomainRow", "Estimate", "Grade", "Profile"}
    for cls in CLASSES:
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        assert cls.__dataclass_params__.frozen


def test_defaults_positions_and_keywords_give_the_same_instance():
    by_position = Grade("low", "supported", ("A reason",))
    by_keyword = Grade(level="low", direction="supported", reasons=("A reason",))
    assert by_position == by_keyword
    assert hash(by_position) == hash(by_keyword)
    assert by_position.rubric == "grade-1"
    assert by_position.profile is None
    assert by_position.provisional is False
    assert by_position.deciding == 0
    assert repr(by_position) == (
        "Grade(level='low', direction='supported', reasons=('A reason',), rubric='grade-1',"
        " profile=None, provisional=False, deciding=0)"
    )


def test_instances_stay_frozen_and_replace_and_pickle_still_work():
    row = DomainRow("start", 4, "Starts high", ("A 2020",), "Randomised.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.change = 3
    assert dataclasses.replace(row, change=3).change == 3
    shown = Profile(rows=(row,), estimate=Estimate("pooled", "", "ratio", None, 0.5, 0.9))
    assert pickle.loads(pickle.dumps(shown)) == shown  # noqa: S301 - our own bytes
    assert dataclasses.asdict(shown)["estimate"]["ci_high"] == 0.9


def test_missing_and_unknown_arguments_are_refused_as_by_a_dataclass():
    with pytest.raises(TypeError):
        Grade("low", "supported")
    with pytest.raises(TypeError):
        Grade("low", "supported", (), colour="red")


def test_a_new_class_gets_the_dataclass_signature():
    @filled_at_once
    @dataclasses.dataclass(frozen=True)
    class Pair:
        left: int
        right: str = "x"

    assert Pair(1) == Pair(left=1, right="x")
    assert vars(Pair(2, "y")) == {"left": 2, "right": "y"}
