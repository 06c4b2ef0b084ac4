"""Background work on objectives. Thin tasks that take ids; the work is in the services."""

from __future__ import annotations

import datetime

from celery import shared_task

from objectives.rollup_services import snapshots_refresh
from okrapp.core.models import Cycle


@shared_task
def rollup_scores(
    cycle_id: int, *, day: datetime.date | str | None = None, final: bool = False
) -> dict:
    """Snapshot every team's and person's score in a cycle for a day (today by default).

    Safe to run twice: the snapshot write is an upsert under a lock on the cycle row, and a
    cycle whose final scores are stored is frozen.
    """
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    result = snapshots_refresh(cycle_id=cycle_id, day=day, final=final)
    return {
        "cycle": result.cycle_id,
        "day": result.day.isoformat(),
        "teams": result.teams,
        "people": result.people,
        "created": result.created,
        "updated": result.updated,
        "deleted": result.deleted,
        "frozen": result.frozen,
    }


@shared_task
def rollup_active_cycles() -> list[int]:
    """Nightly (beat, okrapp/celery.py): one roll-up per active cycle. Closed cycles are
    frozen by their final roll-up (objectives.services.cycle_close) and skipped here."""
    cycle_ids = list(Cycle.objects.filter(status=Cycle.Status.ACTIVE).values_list("id", flat=True))
    for cycle_id in cycle_ids:
        rollup_scores.delay(cycle_id)
    return cycle_ids


@shared_task
def advance_cycles() -> list[list]:
    """Daily (beat, okrapp/celery.py): a planning cycle starts on its start date, the active one
    before it moves to grading, and a grading cycle closes after GRADING_PERIOD_DAYS. Safe to
    run twice: every move is a conditional UPDATE on the status it leaves, so a second run the
    same day finds nothing to move."""
    from objectives.cycle_services import cycles_advance  # the services import this module

    return [[pk, status] for pk, status in cycles_advance()]


@shared_task
def grading_opened(cycle_id: int) -> int:
    """Recorded as a job when grading opens (once per cycle, by its key): tells the apps above
    (leads get a notification, checkins.conversation_services.events)."""
    from objectives import hooks

    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        return 0
    hooks.grading_opened(cycle)
    return cycle.pk
