"""Where a key result is heading: pure functions over plain numbers, no ORM.

x is time in days since the cycle start; y is the key result's value.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal


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
