"""Expected pace (objectives.pace): the share of the cycle elapsed, the expected score by
kind, and ahead / on / behind pace, as a table."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from objectives import pace

D = Decimal
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)  # 90 days


@pytest.mark.parametrize(
    ("today", "share"),
    [
        (datetime.date(2025, 12, 20), D(0)),  # before the start
        (datetime.date(2026, 1, 1), D(1) / D(90)),  # the first day counts once over
        (datetime.date(2026, 2, 14), D(45) / D(90)),  # halfway
        (datetime.date(2026, 3, 31), D(1)),  # the last day
        (datetime.date(2026, 5, 1), D(1)),  # after the end
    ],
)
def test_elapsed_share_of_the_cycle(today, share):
    assert pace.elapsed_share(start=START, end=END, today=today) == share


@pytest.mark.parametrize(
    ("share", "aspirational", "expected"),
    [
        (D(0), False, D(0)),
        (D("0.5"), False, D(50)),
        (D("0.5"), True, D(35)),
        (D(1), False, D(100)),
        (D(1), True, D(70)),
    ],
)
def test_expected_score_is_linear_towards_100_or_70(share, aspirational, expected):
    assert pace.expected_score(share, aspirational=aspirational) == expected


@pytest.mark.parametrize(
    ("score", "expected", "status"),
    [
        (None, D(50), None),
        (D(50), D(50), pace.ON_PACE),
        (D(55), D(50), pace.ON_PACE),  # within the tolerance
        (D(45), D(50), pace.ON_PACE),
        (D("55.1"), D(50), pace.AHEAD),
        (D("44.9"), D(50), pace.BEHIND),
        (D(0), D(3), pace.ON_PACE),  # the first days: nothing is behind yet
    ],
)
def test_pace_status_against_the_expected_score(score, expected, status):
    assert pace.pace_status(score, expected) == status


def test_an_aspirational_objective_at_40_halfway_is_ahead_a_committed_one_behind():
    halfway = pace.Pace(D("0.5"))
    assert halfway.status(D(42), aspirational=True) == pace.AHEAD
    assert halfway.status(D(42)) == pace.BEHIND
    assert halfway.gap(D(42)) == D(-8)


def test_the_pace_line_rises_day_by_day():
    days = [datetime.date(2026, 1, 1), datetime.date(2026, 2, 14), datetime.date(2026, 3, 31)]
    line = pace.Pace(D(0)).expected_on(days, start=START, end=END)
    assert line == [D(100) / D(90), D(50), D(100)]
