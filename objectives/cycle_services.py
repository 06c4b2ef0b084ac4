"""Writes on cycles: create, change dates, move forward (start, grade, close), and the daily
move. The rules are objectives.cycles'; pages, API and the daily task call these functions.

Every move is a conditional UPDATE on the status it leaves (`status=current`), so two admins,
a retried request or the daily task running twice move a cycle once.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from objectives import cycles as rules
from objectives import scoring
from objectives.models import KeyResult, Objective
from objectives.services import cycle_close
from okrapp.core import weeks
from okrapp.core.hooks import event_emit
from okrapp.core.jobs import job_record
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer

GRADING_OPENED_TASK = "objectives.tasks.grading_opened"


def ensure_may_manage(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise PermissionDenied(_("Only administrators manage cycles."))


def cycle_validate(cycle: Cycle) -> None:
    """A cycle's name and dates as the product checks them (the cycles page, the API, the
    Django admin): valid fields, and no overlap with another cycle."""
    errors: dict[str, list[str]] = {}
    try:
        cycle.full_clean(exclude=["status", "grading_opened_on"])
    except ValidationError as error:
        errors = error.message_dict
    if not errors and cycle.start_date and cycle.end_date:
        others = Cycle.objects.exclude(pk=cycle.pk).filter(
            start_date__lte=cycle.end_date, end_date__gte=cycle.start_date
        )
        clash = others.order_by("start_date").first()
        if clash is not None:
            errors["start_date"] = [
                _("These dates overlap %(name)s (%(start)s – %(end)s): cycles never overlap.")
                % {"name": clash.name, "start": clash.start_date, "end": clash.end_date}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_create(
    *, viewer: Viewer, name: str, start_date: datetime.date, end_date: datetime.date
) -> Cycle:
    """A new cycle, in planning."""
    ensure_may_manage(viewer)
    cycle = Cycle(
        name=(name or "").strip(),
        start_date=start_date,
        end_date=end_date,
        status=Cycle.Status.PLANNING,
    )
    cycle_validate(cycle)
    cycle.save()
    return cycle


@transaction.atomic
def cycle_update(
    *,
    viewer: Viewer,
    cycle: Cycle,
    name: str | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> Cycle:
    """Rename a cycle or change its dates; a closed cycle is read-only."""
    ensure_may_manage(viewer)
    if rules.is_read_only(cycle.status):
        raise PermissionDenied(_("This cycle is closed: its OKRs are read-only."))
    if name is not None:
        cycle.name = name.strip()
    if start_date is not None:
        cycle.start_date = start_date
    if end_date is not None:
        cycle.end_date = end_date
    cycle_validate(cycle)
    cycle.save(update_fields=["name", "start_date", "end_date"])
    return cycle


def move_refusal(cycle: Cycle, target: str) -> str | None:
    """Why the cycle may not move to `target` now; None when it may."""
    if not rules.may_move(cycle.status, target):
        return _(
            "A cycle moves forward one step at a time: %(current)s cannot become %(target)s."
        ) % {
            "current": cycle.get_status_display(),
            "target": Cycle.Status(target).label,
        }
    return None


def _claim(cycle: Cycle, target: str, **fields) -> bool:
    claimed = (
        Cycle.objects.filter(pk=cycle.pk, status=cycle.status).update(status=target, **fields) == 1
    )
    if claimed:
        event_emit("cycle.status_changed", cycle_id=cycle.pk, previous=cycle.status)
        cycle.status = target
        for name, value in fields.items():
            setattr(cycle, name, value)
    return claimed


def _open_grading(cycle: Cycle, today: datetime.date) -> bool:
    """Active → grading: every key result's final grade starts at its computed score, so an
    owner who agrees does nothing; the objectives' final scores follow; leads are told."""
    if not _claim(cycle, Cycle.Status.GRADING, grading_opened_on=today):
        return False
    KeyResult.objects.filter(objective__cycle=cycle, final_score__isnull=True).update(
        final_score=F("score")
    )
    KeyResult.objects.filter(objective__cycle=cycle, final_score__isnull=True).update(final_score=0)
    objectives_refresh_final_scores(cycle_id=cycle.pk)
    job_record(
        task=GRADING_OPENED_TASK,
        kwargs={"cycle_id": cycle.pk},
        key=f"grading-opened:{cycle.pk}",
    )
    return True


def objectives_refresh_final_scores(*, cycle_id: int, objective_id: int | None = None) -> None:
    """An objective's final score is the weighted mean of its key results' final grades."""
    key_results = KeyResult.objects.filter(objective__cycle_id=cycle_id)
    if objective_id is not None:
        key_results = key_results.filter(objective_id=objective_id)
    pairs: dict[int, list] = {}
    for objective_pk, final_score, weight in key_results.values_list(
        "objective_id", "final_score", "weight"
    ):
        if final_score is not None:
            pairs.setdefault(objective_pk, []).append((final_score, weight))
    objectives = Objective.objects.filter(cycle_id=cycle_id)
    if objective_id is not None:
        objectives = objectives.filter(pk=objective_id)
    changed = []
    for objective in objectives.only("pk", "final_score"):
        objective.final_score = scoring.objective_score(pairs.get(objective.pk, []))
        changed.append(objective)
    Objective.objects.bulk_update(changed, ["final_score"], batch_size=500)


def _move(cycle: Cycle, target: str, today: datetime.date) -> bool:
    if target == Cycle.Status.ACTIVE:
        return _claim(cycle, Cycle.Status.ACTIVE)
    if target == Cycle.Status.GRADING:
        return _open_grading(cycle, today)
    return cycle_close(cycle=cycle)


@transaction.atomic
def cycle_move(*, viewer: Viewer, cycle: Cycle, target: str) -> Cycle:
    """An admin moves a cycle one step forward. Starting a cycle moves the active one (there
    is at most one) to grading, as the daily task does on the start date."""
    ensure_may_manage(viewer)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if refusal := move_refusal(cycle, target):
        raise ValidationError({"status": [refusal]})
    today = weeks.local_date()
    if target == Cycle.Status.ACTIVE:
        for active in Cycle.objects.select_for_update().filter(status=Cycle.Status.ACTIVE):
            _move(active, Cycle.Status.GRADING, today)
    _move(cycle, target, today)
    return cycle


@transaction.atomic
def cycles_advance(*, today: datetime.date | None = None) -> list[tuple[int, str]]:
    """The daily move (objectives.tasks.advance_cycles): what objectives.cycles.daily_moves
    says for today, in the organisation's time zone. Returns the moves actually made."""
    today = today or weeks.local_date()
    locked = list(
        Cycle.objects.select_for_update().exclude(status=Cycle.Status.CLOSED).order_by("start_date")
    )
    states = [
        rules.CycleState(
            pk=c.pk,
            status=c.status,
            start_date=c.start_date,
            end_date=c.end_date,
            grading_opened_on=c.grading_opened_on,
        )
        for c in locked
    ]
    by_id = {c.pk: c for c in locked}
    made = []
    for pk, target in rules.daily_moves(
        states, today=today, grading_days=settings.GRADING_PERIOD_DAYS
    ):
        if _move(by_id[pk], target, today):
            made.append((pk, target))
    return made
