"""Fixtures of the objectives tests: the quarter being graded and the next one in planning."""

from __future__ import annotations

import datetime

import pytest

from okrapp.core.models import Cycle
from tests.factories import CycleFactory


@pytest.fixture
def q1(db):
    """The first quarter of 2026, in grading since 1 April."""
    return CycleFactory(
        name="T1 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 3, 31),
        status=Cycle.Status.GRADING,
        grading_opened_on=datetime.date(2026, 4, 1),
    )


@pytest.fixture
def q2(db):
    """The second quarter of 2026, in planning."""
    return CycleFactory(
        name="T2 2026",
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2026, 6, 30),
        status=Cycle.Status.PLANNING,
    )
