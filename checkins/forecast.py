"""Where a key result is heading: pure functions over plain values, no ORM.

x is time in days since the cycle start (its first midnight, organisation time); y is the key
result's value.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# A check-in as the forecast sees it: when it was made, and the value it gave.
Point = tuple[datetime.datetime, Decimal]


def least_squares(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """(slope, intercept) of the ordinary least-squares line through the points;
    None when there are fewer than two distinct x (no line can be drawn)."""
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def projected_value(
    points: Sequence[tuple[float, float]],
    *,
    at: float,
    anchor: tuple[float, float] | None = None,
) -> Decimal | None:
    """The value the least-squares line through the check-ins gives at `at` (the cycle end).

    1. With two check-ins or more (at distinct times), the line goes through them alone.
    2. With a single one, the anchor (cycle start, start value) is added, so one check-in
       already gives a trend.
    3. Otherwise there is nothing to project: None.
    """
    line = least_squares(points)
    if line is None and anchor is not None:
        line = least_squares([anchor, *points])
    if line is None:
        return None
    slope, intercept = line
    return Decimal(str(round(slope * at + intercept, 4)))


def ideal_value(*, start: float, target: float, duration: float, at: float) -> float:
    """The straight line from the start value (cycle start) to the target (cycle end)."""
    if duration <= 0:
        return target
    fraction = min(max(at / duration, 0.0), 1.0)
    return start + (target - start) * fraction


def value_at(checkins: Sequence[tuple[float, float]], *, at: float, start: float) -> float:
    """The value a key result had at time `at`: its latest check-in by then, else its start."""
    value = start
    for x, y in sorted(checkins, key=lambda point: point[0]):
        if x > at:
            break
        value = y
    return value


def cycle_days(start: datetime.date, end: datetime.date) -> int:
    """How many days a cycle lasts, both ends included: it ends at its last midnight."""
    return (end - start).days + 1


def days_since(start: datetime.date, moment: datetime.datetime, zone: datetime.tzinfo) -> float:
    """Days, with their fraction, from the start day's midnight in `zone` to `moment`."""
    origin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    return (moment - origin).total_seconds() / 86400


def cycle_end_value(
    *,
    start: datetime.date,
    end: datetime.date,
    start_value: Decimal,
    checkins: Sequence[Point],
    zone: datetime.tzinfo,
) -> Decimal | None:
    """The value at the cycle's end on the least-squares line through the check-ins (the start
    value anchors a single one), to one decimal; None without a check-in."""
    points = [(days_since(start, moment, zone), float(value)) for moment, value in checkins]
    value = projected_value(points, at=cycle_days(start, end), anchor=(0.0, float(start_value)))
    return None if value is None else value.quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Trajectory:
    """A key result's lines over its cycle, one value per day (the axis stays proportional
    to time); None where there is no value."""

    days: list[datetime.date]
    values: list[float | None]
    ideal: list[float]
    projected: list[float | None] | None


def trajectory(
    *,
    start: datetime.date,
    end: datetime.date,
    start_value: Decimal,
    target_value: Decimal,
    checkins: Sequence[Point],
    zone: datetime.tzinfo,
    projection: Decimal | None = None,
) -> Trajectory:
    """The lines of a key result's chart, `checkins` in the order they were made.

    1. Values: the start value on the first day, then each check-in day's value; the day's
       latest check-in wins, and check-ins outside the cycle are left out.
    2. Ideal: the straight line from the start value on the first day to the target on the
       last.
    3. Projected, given a projection: from the last day with a value to the projection on
       the last day; none when the last day already has a value.
    """
    duration = cycle_days(start, end)
    days = [start + datetime.timedelta(days=day) for day in range(duration)]
    values: list[float | None] = [None] * duration
    values[0] = float(start_value)
    for moment, value in checkins:
        day = (moment.astimezone(zone).date() - start).days
        if 0 <= day < duration:
            values[day] = float(value)
    ideal = [
        round(
            ideal_value(
                start=float(start_value), target=float(target_value), duration=duration - 1, at=day
            ),
            4,
        )
        for day in range(duration)
    ]
    last = max((day for day, value in enumerate(values) if value is not None), default=0)
    projected: list[float | None] | None = None
    if projection is not None and last < duration - 1:
        projected = [None] * duration
        projected[last] = values[last]
        projected[-1] = float(projection)
    return Trajectory(days=days, values=values, ideal=ideal, projected=projected)
