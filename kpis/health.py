"""The health of a KPI, from its latest measurement: pure functions over plain values, no ORM.

- ``green``: the value meets the target (≥ when higher is better, ≤ when lower is better);
- ``amber``: it misses the target, but not beyond the alert threshold;
- ``red``: it misses the target beyond the alert threshold, or at all when there is none;
- ``stale``: the latest measurement is older than one period of the KPI's frequency plus
  half a period (a period date is the last day of the period it measures);
- ``none``: there is no measurement yet.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

GREEN, AMBER, RED, STALE, NONE = "green", "amber", "red", "stale", "none"
STATUSES = (GREEN, AMBER, RED, STALE, NONE)

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"

# Length of one period in days; a month and a quarter are calendar averages.
PERIOD_DAYS = {
    "daily": Decimal(1),
    "weekly": Decimal(7),
    "monthly": Decimal("365.25") / 12,
    "quarterly": Decimal("365.25") / 4,
    "yearly": Decimal("365.25"),
}

# The health of a value maps onto the confidence of the check-in the bridge records.
CONFIDENCE = {GREEN: "on_track", AMBER: "at_risk", RED: "off_track"}


def max_fresh_age_days(frequency: str) -> int:
    """The oldest a latest measurement may be, in whole days, before the KPI is stale.

    Stale means older than 1.5 periods; ages are whole days, so age > 1.5 × period
    is the same as age > floor(1.5 × period). Daily 1, weekly 10, monthly 45,
    quarterly 136, yearly 547.
    """
    return int(PERIOD_DAYS[frequency] * Decimal("1.5"))


def is_stale(*, frequency: str, latest_date: datetime.date, today: datetime.date) -> bool:
    return (today - latest_date).days > max_fresh_age_days(frequency)


def value_status(
    *, direction: str, target: Decimal, threshold: Decimal | None, value: Decimal
) -> str:
    """green, amber or red for one value, whatever its age."""
    value, target = Decimal(value), Decimal(target)
    if direction == LOWER_IS_BETTER:
        if value <= target:
            return GREEN
        beyond = threshold is None or value > Decimal(threshold)
    else:
        if value >= target:
            return GREEN
        beyond = threshold is None or value < Decimal(threshold)
    return RED if beyond else AMBER


def status(
    *,
    direction: str,
    target: Decimal,
    threshold: Decimal | None,
    frequency: str,
    latest_value: Decimal | None,
    latest_date: datetime.date | None,
    today: datetime.date,
) -> str:
    """The KPI's status: none without a measurement, stale when too old, else its value's."""
    if latest_value is None or latest_date is None:
        return NONE
    if is_stale(frequency=frequency, latest_date=latest_date, today=today):
        return STALE
    return value_status(direction=direction, target=target, threshold=threshold, value=latest_value)


def threshold_on_failing_side(*, direction: str, target: Decimal, threshold: Decimal) -> bool:
    """An alert threshold lies beyond the target: below it when higher is better, else above."""
    if direction == LOWER_IS_BETTER:
        return Decimal(threshold) > Decimal(target)
    return Decimal(threshold) < Decimal(target)
