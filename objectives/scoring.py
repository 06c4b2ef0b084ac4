"""Scores, exactly: pure functions over Decimals, no ORM.

Every score shown anywhere (board, dashboard, API, roll-ups) comes from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)

GREEN_FROM = Decimal(70)  # 70 is success for a stretch goal
AMBER_FROM = Decimal(40)


def progress(*, start: Decimal, target: Decimal, current: Decimal) -> Decimal:
    """(current − start) / (target − start), clamped to [0, 1]; works when target < start."""
    if start == target:
        raise ValueError("A key result's target must differ from its start value.")
    raw = (Decimal(current) - Decimal(start)) / (Decimal(target) - Decimal(start))
    return min(max(raw, ZERO), ONE)


def key_result_score(
    *, start: Decimal, target: Decimal, current: Decimal, is_milestone: bool = False
) -> Decimal:
    """0–100. A milestone is done (100) or not (0): see milestone_done."""
    if is_milestone:
        return HUNDRED if milestone_done(start=start, target=target, current=current) else ZERO
    return HUNDRED * progress(start=start, target=target, current=current)


def key_result_score_if_scored(
    *,
    start: Decimal,
    target: Decimal,
    current: Decimal,
    is_milestone: bool = False,
    checked_in: bool,
) -> Decimal | None:
    """The score, or None ("not scored yet") for a key result never checked in that still
    stands at its start: a red 0 before the first check-in says something false."""
    if not checked_in and Decimal(current) == Decimal(start):
        return None
    return key_result_score(start=start, target=target, current=current, is_milestone=is_milestone)


def milestone_done(*, start: Decimal, target: Decimal, current: Decimal) -> bool:
    """A milestone is done once its value reaches the target (from the start's side)."""
    if target >= start:
        return Decimal(current) >= Decimal(target)
    return current <= target


def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Mean of (score, weight) pairs; None when there is nothing to weigh.

    Weights are ≥ 0. When every weight is zero, the plain mean is used, so a
    scored objective never loses its score to a weighting slip.
    """
    pairs = [(Decimal(score), Decimal(weight)) for score, weight in pairs]
    if not pairs:
        return None
    if any(weight < 0 for _, weight in pairs):
        raise ValueError("Weights must be zero or more.")
    total_weight = sum((weight for _, weight in pairs), ZERO)
    if total_weight == 0:
        return sum((score for score, _ in pairs), ZERO) / len(pairs)
    return sum((score * weight for score, weight in pairs), ZERO) / total_weight


def objective_score(
    key_result_scores: Iterable[tuple[Decimal, Decimal]], *, scored: bool = True
) -> Decimal | None:
    """Weighted mean of the key results' (score, weight); None without key results, or
    while none of them is scored yet (`scored` False). Once one is, the others count with
    what they stand at, so a half-done objective is not shown as done."""
    return weighted_mean(key_result_scores) if scored else None


def mean(scores: Iterable[Decimal | None]) -> Decimal | None:
    """Plain mean that leaves out missing scores; None when nothing is scored."""
    present = [Decimal(score) for score in scores if score is not None]
    if not present:
        return None
    return sum(present, ZERO) / len(present)


def display(score: Decimal | None) -> int | None:
    """Whole number, rounded half up (69.5 → 70)."""
    if score is None:
        return None
    return int(Decimal(score).quantize(ONE, rounding=ROUND_HALF_UP))


def band(score: Decimal | None) -> str:
    """Colour band of a score, judged on the displayed whole number: green, amber, red, none."""
    shown = display(score)
    if shown is None:
        return "none"
    if shown >= GREEN_FROM:
        return "green"
    if shown >= AMBER_FROM:
        return "amber"
    return "red"


def two_decimals(score: Decimal | None) -> Decimal | None:
    """For the API: 0–100 with two decimals, rounded half up."""
    if score is None:
        return None
    return Decimal(score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
