"""Whether a check-in's value moves implausibly: a pure rule over Decimals, no ORM.

A slip of the keyboard ("2" typed before "63" saves 263 %) should not pass unnoticed, while a
genuine jump must stay possible: an implausible value asks for a confirmation, never a refusal.
"""

from __future__ import annotations

from decimal import Decimal

PAST_TARGET = "past_target"
BACKWARDS = "backwards"


def implausible_move(
    *, start: Decimal, target: Decimal, previous: Decimal, value: Decimal
) -> str | None:
    """Why moving from `previous` to `value` looks like a slip, or None when it looks fine.

    1. Past the target, beyond it by more than the key result's whole range (start → target).
    2. Backwards, against the key result's direction by more than half of that range.
    Works for key results whose target is below their start (direction −1).
    """
    span = Decimal(target) - Decimal(start)
    if span == 0:
        return None
    direction = 1 if span > 0 else -1
    width = abs(span)
    if (Decimal(value) - Decimal(target)) * direction > width:
        return PAST_TARGET
    if (Decimal(previous) - Decimal(value)) * direction > width / 2:
        return BACKWARDS
    return None
