from __future__ import annotations

from decimal import Decimal

import pytest

from checkins import forecast


def test_least_squares_finds_the_line_through_aligned_points():
    assert forecast.least_squares([(0, 1), (1, 3), (2, 5)]) == pytest.approx((2.0, 1.0))


def test_least_squares_fits_scattered_points():
    slope, intercept = forecast.least_squares([(0, 0), (1, 1), (2, 1), (3, 3)])
    assert slope == pytest.approx(0.9)
    assert intercept == pytest.approx(-0.1)


def test_least_squares_needs_two_distinct_times():
    assert forecast.least_squares([(1, 3)]) is None
    assert forecast.least_squares([(1, 3), (1, 5)]) is None


def test_projection_extends_the_check_ins_trend_to_the_cycle_end():
    # 10 per week over 3 weeks: 130 by day 91.
    points = [(7, 10), (14, 20), (21, 30)]
    assert forecast.projected_value(points, at=91) == Decimal("130")


def test_projection_from_a_single_check_in_uses_the_start_as_anchor():
    assert forecast.projected_value([(10, 20)], at=90, anchor=(0, 0)) == Decimal("180")


def test_projection_without_check_ins_is_none():
    assert forecast.projected_value([], at=90, anchor=(0, 0)) is None


def test_projection_of_a_decreasing_key_result_goes_down():
    assert forecast.projected_value([(0, 40), (10, 38), (20, 36)], at=90) == Decimal("22")


def test_ideal_line_goes_straight_from_start_to_target():
    assert forecast.ideal_value(start=10, target=110, duration=100, at=0) == 10
    assert forecast.ideal_value(start=10, target=110, duration=100, at=50) == 60
    assert forecast.ideal_value(start=10, target=110, duration=100, at=150) == 110


def test_value_at_a_time_is_the_latest_check_in_by_then():
    checkins = [(14, 20), (7, 10)]
    assert forecast.value_at(checkins, at=3, start=0) == 0
    assert forecast.value_at(checkins, at=7, start=0) == 10
    assert forecast.value_at(checkins, at=30, start=0) == 20
