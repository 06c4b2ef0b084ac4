"""The rules of a cycle's life (objectives.cycles), as tables: no database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from objectives import cycles
from objectives.cycles import ACTIVE, CLOSED, GRADING, PLANNING, CycleState

DAY = datetime.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (PLANNING, ACTIVE, True),
        (ACTIVE, GRADING, True),
        (GRADING, CLOSED, True),
        (PLANNING, GRADING, False),
        (PLANNING, CLOSED, False),
        (ACTIVE, CLOSED, False),
        (ACTIVE, PLANNING, False),
        (GRADING, ACTIVE, False),
        (CLOSED, GRADING, False),
        (CLOSED, CLOSED, False),
    ],
)
def test_a_cycle_moves_forward_one_step_at_a_time(current, target, allowed):
    assert cycles.may_move(current, target) is allowed


@pytest.mark.parametrize(
    ("status", "objectives", "checkins", "grades", "rollups", "read_only"),
    [
        (PLANNING, True, False, False, False, False),
        (ACTIVE, True, True, False, True, False),
        (GRADING, False, False, True, True, False),
        (CLOSED, False, False, False, True, True),
    ],
)
def test_what_each_state_allows(status, objectives, checkins, grades, rollups, read_only):
    assert cycles.takes_objectives(status) is objectives
    assert cycles.takes_checkins(status) is checkins
    assert cycles.takes_grades(status) is grades
    assert cycles.counts_in_rollups(status) is rollups
    assert cycles.is_read_only(status) is read_only


@pytest.mark.parametrize(
    ("days_into_grading", "late_days", "allowed"),
    [(0, 0, False), (0, 3, True), (2, 3, True), (3, 3, False), (10, 3, False)],
)
def test_late_check_ins_are_taken_for_the_first_days_of_grading_only(
    days_into_grading, late_days, allowed
):
    assert (
        cycles.takes_checkins(
            GRADING,
            grading_opened_on=DAY,
            today=DAY + datetime.timedelta(days=days_into_grading),
            late_days=late_days,
        )
        is allowed
    )


def test_cycles_sharing_a_day_overlap_and_consecutive_ones_do_not():
    q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert cycles.overlaps(*q1, datetime.date(2026, 3, 31), datetime.date(2026, 6, 30))
    assert not cycles.overlaps(*q1, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))


def _state(pk, status, start, end, opened=None):
    return CycleState(
        pk=pk, status=status, start_date=start, end_date=end, grading_opened_on=opened
    )


Q1 = (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
Q2 = (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))


def test_on_its_start_date_a_planning_cycle_starts_and_the_active_one_moves_to_grading():
    moves = cycles.daily_moves(
        [_state(1, ACTIVE, *Q1), _state(2, PLANNING, *Q2)], today=Q2[0], grading_days=14
    )
    assert moves == [(1, GRADING), (2, ACTIVE)]


def test_before_its_start_date_a_planning_cycle_waits():
    moves = cycles.daily_moves(
        [_state(1, ACTIVE, *Q1), _state(2, PLANNING, *Q2)],
        today=Q2[0] - datetime.timedelta(days=1),
        grading_days=14,
    )
    assert moves == []


def test_an_active_cycle_past_its_end_with_no_next_cycle_stays_active():
    assert cycles.daily_moves([_state(1, ACTIVE, *Q1)], today=Q2[1], grading_days=14) == []


@pytest.mark.parametrize(("days", "closes"), [(13, False), (14, True), (30, True)])
def test_a_grading_cycle_closes_at_the_end_of_its_grading_period(days, closes):
    opened = Q2[0]
    moves = cycles.daily_moves(
        [_state(1, GRADING, *Q1, opened=opened)],
        today=opened + datetime.timedelta(days=days),
        grading_days=14,
    )
    assert moves == ([(1, CLOSED)] if closes else [])


@pytest.mark.parametrize(
    ("kind", "score", "met"),
    [
        ("committed", Decimal(100), True),
        ("committed", Decimal("99.4"), False),
        ("aspirational", Decimal("69.5"), True),
        ("aspirational", Decimal(69), False),
        ("committed", None, None),
    ],
)
def test_committed_objectives_are_read_against_100_and_aspirational_ones_against_70(
    kind, score, met
):
    assert cycles.meets_expectation(kind=kind, score=score) is met
