"""The KPI status table: kpis.health.status, without the database."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kpis import health

TODAY = datetime.date(2026, 6, 15)
HIGHER, LOWER = health.HIGHER_IS_BETTER, health.LOWER_IS_BETTER


def status(direction, target, threshold, value, *, frequency="monthly", age_days=0):
    return health.status(
        direction=direction,
        target=Decimal(target),
        threshold=None if threshold is None else Decimal(threshold),
        frequency=frequency,
        latest_value=None if value is None else Decimal(value),
        latest_date=TODAY - datetime.timedelta(days=age_days),
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("direction", "target", "threshold", "value", "expected"),
    [
        # Higher is better, with an alert threshold below the target.
        (HIGHER, 50, 40, "55", "green"),
        (HIGHER, 50, 40, "50", "green"),
        (HIGHER, 50, 40, "49.99", "amber"),
        (HIGHER, 50, 40, "40", "amber"),
        (HIGHER, 50, 40, "39.99", "red"),
        # Higher is better, without threshold: any miss is red.
        (HIGHER, 50, None, "50", "green"),
        (HIGHER, 50, None, "49.99", "red"),
        # Lower is better, with an alert threshold above the target.
        (LOWER, 40, 48, "35", "green"),
        (LOWER, 40, 48, "40", "green"),
        (LOWER, 40, 48, "40.01", "amber"),
        (LOWER, 40, 48, "48", "amber"),
        (LOWER, 40, 48, "48.01", "red"),
        # Lower is better, without threshold.
        (LOWER, 40, None, "40", "green"),
        (LOWER, 40, None, "40.01", "red"),
        # Negative values and targets work the same.
        (HIGHER, -5, -10, "-7", "amber"),
        (LOWER, -5, None, "-4", "red"),
    ],
)
def test_status_of_a_fresh_measurement(direction, target, threshold, value, expected):
    assert status(direction, target, threshold, value) == expected


@pytest.mark.parametrize(
    ("frequency", "freshest_stale_age"),
    [("daily", 2), ("weekly", 11), ("monthly", 46), ("quarterly", 137), ("yearly", 548)],
)
@pytest.mark.parametrize("direction", [HIGHER, LOWER])
def test_a_measurement_older_than_one_and_a_half_periods_is_stale(
    frequency, freshest_stale_age, direction
):
    fresh = status(direction, 50, None, "50", frequency=frequency, age_days=freshest_stale_age - 1)
    stale = status(direction, 50, None, "50", frequency=frequency, age_days=freshest_stale_age)
    assert (fresh, stale) == ("green", "stale")


@pytest.mark.parametrize("frequency", ["daily", "weekly", "monthly", "quarterly", "yearly"])
def test_stale_wins_over_the_colour_of_the_value(frequency):
    assert status(HIGHER, 50, 40, "10", frequency=frequency, age_days=600) == "stale"


@pytest.mark.parametrize("frequency", ["daily", "weekly", "monthly", "quarterly", "yearly"])
def test_a_period_date_in_the_future_is_not_stale(frequency):
    assert status(HIGHER, 50, 40, "45", frequency=frequency, age_days=-30) == "amber"


def test_no_measurement_is_none():
    assert (
        health.status(
            direction=HIGHER,
            target=Decimal(50),
            threshold=None,
            frequency="monthly",
            latest_value=None,
            latest_date=None,
            today=TODAY,
        )
        == "none"
    )


@pytest.mark.parametrize(
    ("frequency", "days"),
    [("daily", 1), ("weekly", 10), ("monthly", 45), ("quarterly", 136), ("yearly", 547)],
)
def test_fresh_age_of_each_frequency(frequency, days):
    assert health.max_fresh_age_days(frequency) == days


@pytest.mark.parametrize(
    ("direction", "threshold", "ok"),
    [(HIGHER, 40, True), (HIGHER, 60, False), (LOWER, 60, True), (LOWER, 40, False)],
)
def test_the_alert_threshold_lies_beyond_the_target(direction, threshold, ok):
    assert (
        health.threshold_on_failing_side(
            direction=direction, target=Decimal(50), threshold=Decimal(threshold)
        )
        is ok
    )
