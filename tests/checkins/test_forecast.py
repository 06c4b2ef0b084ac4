from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

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


# Over a cycle: days from its first midnight, organisation time -------------------------------

PARIS = ZoneInfo("Europe/Paris")
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 1, 10)


def at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(START, datetime.time(hour), tzinfo=PARIS) + datetime.timedelta(
        days=day
    )


def test_a_cycle_counts_both_its_first_and_its_last_day():
    assert forecast.cycle_days(START, END) == 10


def test_days_since_the_start_count_from_its_midnight_in_the_organisations_zone():
    assert forecast.days_since(START, at(2, hour=18), PARIS) == pytest.approx(2.75)
    utc_midnight = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert forecast.days_since(START, utc_midnight, PARIS) == pytest.approx(1 / 24)


def test_the_cycle_end_value_extends_the_check_ins_line_to_one_decimal():
    # 2 a day from 0 at midnight: 20 when the cycle ends, 10 days after its start.
    checkins = [(at(1, hour=0), Decimal(2)), (at(4, hour=0), Decimal(8))]
    value = forecast.cycle_end_value(
        start=START, end=END, start_value=Decimal(0), checkins=checkins, zone=PARIS
    )
    assert value == Decimal("20.0")


def test_the_cycle_end_value_of_a_single_check_in_starts_from_the_start_value():
    checkins = [(at(5, hour=0), Decimal(15))]
    value = forecast.cycle_end_value(
        start=START, end=END, start_value=Decimal(10), checkins=checkins, zone=PARIS
    )
    assert value == Decimal("20.0")


def test_there_is_no_cycle_end_value_without_check_ins():
    assert (
        forecast.cycle_end_value(
            start=START, end=END, start_value=Decimal(0), checkins=[], zone=PARIS
        )
        is None
    )


def trajectory(checkins, projection=None):
    return forecast.trajectory(
        start=START,
        end=END,
        start_value=Decimal(0),
        target_value=Decimal(90),
        checkins=checkins,
        zone=PARIS,
        projection=projection,
    )


def test_a_trajectory_has_one_point_a_day_starting_at_the_start_value():
    lines = trajectory([(at(3), Decimal(20))])
    assert lines.days[0] == START and lines.days[-1] == END
    assert lines.values == [0.0, None, None, 20.0, None, None, None, None, None, None]


def test_the_days_latest_check_in_wins_and_those_outside_the_cycle_are_left_out():
    lines = trajectory([(at(-2), Decimal(5)), (at(3, 9), Decimal(20)), (at(3, 17), Decimal(25))])
    assert lines.values[0] == 0.0
    assert lines.values[3] == 25.0


def test_the_ideal_line_goes_from_start_on_the_first_day_to_target_on_the_last():
    assert trajectory([]).ideal == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]


def test_the_projection_runs_from_the_last_value_to_the_cycle_end():
    lines = trajectory([(at(3), Decimal(20))], projection=Decimal("66.7"))
    assert lines.projected[3] == 20.0
    assert lines.projected[-1] == 66.7
    assert [value for value in lines.projected if value is not None] == [20.0, 66.7]


def test_there_is_no_projection_line_without_a_projection_or_once_the_last_day_has_a_value():
    assert trajectory([(at(3), Decimal(20))]).projected is None
    assert trajectory([(at(9), Decimal(80))], projection=Decimal(80)).projected is None
