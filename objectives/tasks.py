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
