"""The rules of a cycle's life, written once: planning → active → grading → closed, forward only.

Plain values in, plain values out (statuses are the strings of okrapp.core.models.Cycle.Status),
so pages, the API and the daily task ask the same questions and get the same answers.

- planning: objectives and key results are drafted; no check-in; the cycle counts in no
  roll-up, dashboard or reminder until it is active.
- active: as always.
- grading: no new check-in (unless the first `late_days` days of grading allow them); owners and
  leads grade key results and write retrospectives.
- closed: read-only everywhere; the final scores are frozen.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from objectives.scoring import display

PLANNING, ACTIVE, GRADING, CLOSED = "planning", "active", "grading", "closed"
ORDER = (PLANNING, ACTIVE, GRADING, CLOSED)
# Each status moves on to one next status, never back.
NEXT = {PLANNING: ACTIVE, ACTIVE: GRADING, GRADING: CLOSED}

# The stretch rule: a committed objective is met at 100, an aspirational one at 70.
COMMITTED_EXPECTATION = Decimal(100)
ASPIRATIONAL_EXPECTATION = Decimal(70)

# A key result without a check-in for this long is called out before a transition.
STALE_AFTER = datetime.timedelta(days=14)


def next_status(status: str) -> str | None:
    return NEXT.get(status)


def may_move(current: str, target: str) -> bool:
    """A cycle moves one step forward at a time."""
    return NEXT.get(current) == target


def takes_objectives(status: str) -> bool:
    """Objectives and key results may be created and changed (planning or active)."""
    return status in (PLANNING, ACTIVE)


def is_read_only(status: str) -> bool:
    return status == CLOSED


def takes_grades(status: str) -> bool:
    return status == GRADING


def counts_in_rollups(status: str) -> bool:
    """Drafts of a planning cycle count in no roll-up, dashboard or reminder."""
    return status != PLANNING


def takes_checkins(
    status: str,
    *,
    grading_opened_on: datetime.date | None = None,
    today: datetime.date | None = None,
    late_days: int = 0,
) -> bool:
    """Check-ins are made in an active cycle, and in the first `late_days` days of grading."""
    if status == ACTIVE:
        return True
    if status != GRADING or late_days <= 0 or grading_opened_on is None or today is None:
        return False
    return (today - grading_opened_on).days < late_days


def overlaps(
    start: datetime.date, end: datetime.date, other_start: datetime.date, other_end: datetime.date
) -> bool:
    """Two cycles overlap when they share a day (both ends are days of the cycle)."""
    return start <= other_end and other_start <= end


@dataclass(frozen=True)
class CycleState:
    pk: int
    status: str
    start_date: datetime.date
    end_date: datetime.date
    grading_opened_on: datetime.date | None = None


def daily_moves(
    cycles: Iterable[CycleState], *, today: datetime.date, grading_days: int
) -> list[tuple[int, str]]:
    """What the daily task does today, as (cycle id, new status), in the order to apply them.

    1. A planning cycle whose start date has come becomes active (the latest one, if several
       are due: the others stay planning for an admin to sort out), and the active cycle
       before it moves to grading.
    2. An active cycle past its end date with nothing to replace it stays active: the
       organisation has no next quarter yet, and "My week" must not go empty.
    3. A grading cycle closes `grading_days` days after grading opened (or after its end date
       when that day was never recorded), unless an admin closed it already.
    Applying the same day's moves twice changes nothing: each move is forward only.
    """
    cycles = list(cycles)
    moves: list[tuple[int, str]] = []
    due = [c for c in cycles if c.status == PLANNING and c.start_date <= today]
    if due:
        starting = max(due, key=lambda c: c.start_date)
        for cycle in cycles:
            if cycle.status == ACTIVE and cycle.pk != starting.pk:
                moves.append((cycle.pk, GRADING))
        moves.append((starting.pk, ACTIVE))
    for cycle in cycles:
        if cycle.status != GRADING:
            continue
        opened = cycle.grading_opened_on or cycle.end_date
        if (today - opened).days >= grading_days:
            moves.append((cycle.pk, CLOSED))
    return moves


def meets_expectation(*, kind: str, score: Decimal | None) -> bool | None:
    """Whether a graded objective met what its kind asks (None when it has no score): a
    committed one 100, an aspirational one 70, judged on the displayed whole number."""
    if score is None:
        return None
    expected = ASPIRATIONAL_EXPECTATION if kind == "aspirational" else COMMITTED_EXPECTATION
    return display(score) >= expected
