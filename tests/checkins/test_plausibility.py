"""The rule that asks to confirm a check-in value that looks like a slip."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from checkins.plausibility import BACKWARDS, PAST_TARGET, implausible_move


@pytest.mark.parametrize(
    ("start", "target", "previous", "value", "expected"),
    [
        ("0", "100", "63", "70", None),  # an ordinary week
        ("0", "100", "63", "200", None),  # past the target by exactly its range: a real jump
        ("0", "100", "63", "263", PAST_TARGET),  # "2" typed before "63"
        ("0", "100", "63", "2", BACKWARDS),  # "2" typed over "63", caret lost
        ("0", "100", "63", "14", None),  # down by less than half the range
        ("0", "100", "63", "12", BACKWARDS),  # down by more than half
        ("12", "7", "10", "8", None),  # a decreasing key result, going the right way
        ("12", "7", "10", "1", PAST_TARGET),  # past its target by more than 5
        ("12", "7", "8", "11", BACKWARDS),  # against its direction by more than 2.5
        ("12", "7", "8", "10", None),
    ],
)
def test_a_move_is_implausible_only_beyond_the_limits(start, target, previous, value, expected):
    assert (
        implausible_move(start=D(start), target=D(target), previous=D(previous), value=D(value))
        == expected
    )
