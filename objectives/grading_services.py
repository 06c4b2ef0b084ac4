"""Writes of the end of a quarter: a key result's final grade, an objective's retrospective,
and the carry-over decision (keep, modify, abandon) into a next cycle. One transaction each,
rights from objectives.permissions, rules from objectives.cycles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from objectives import cycles, permissions
from objectives.cycle_services import objectives_refresh_final_scores
from objectives.models import CarryOver, KeyResult, Objective
from objectives.services import objective_create
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer


class AlreadyCarried(ValidationError):
    """An objective is carried over once (the API answers 409)."""


@transaction.atomic
def key_result_grade(
    *, viewer: Viewer, key_result: KeyResult, final_score: Decimal, grade_note: str = ""
) -> KeyResult:
    if not permissions.can_grade_key_result(viewer, key_result):
        raise PermissionDenied(_("You may not grade this key result now."))
    key_result.final_score = final_score
    key_result.grade_note = grade_note or ""
    key_result.full_clean(exclude=["score"])
    key_result.save(update_fields=["final_score", "grade_note"])
    objectives_refresh_final_scores(
        cycle_id=key_result.objective.cycle_id, objective_id=key_result.objective_id
    )
    return key_result


@transaction.atomic
def objective_retrospective(
    *, viewer: Viewer, objective: Objective, went_well: str, went_badly: str, learned: str
) -> Objective:
    if not permissions.can_grade_objective(viewer, objective):
        raise PermissionDenied(_("You may not write this objective's retrospective now."))
    objective.went_well, objective.went_badly, objective.learned = (
        went_well or "",
        went_badly or "",
        learned or "",
    )
    objective.full_clean(exclude=["score", "final_score"])
    objective.save(update_fields=["went_well", "went_badly", "learned", "updated_at"])
    return objective


@dataclass
class CarryOverResult:
    carry_over: CarryOver
    # Told to the editor: the parent was not carried, so the copy is unaligned.
    warnings: list[str] = field(default_factory=list)


def _unfinished(key_result: KeyResult) -> bool:
    return key_result.current_value != key_result.target_value


@transaction.atomic
def objective_carry_over(
    *,
    viewer: Viewer,
    objective: Objective,
    cycle: Cycle,
    decision: str,
    key_result_ids: Iterable[int] | None = None,
    reason: str = "",
) -> CarryOverResult:
    """Decide what becomes of an objective of a grading or closed cycle.

    1. Refuse a second decision (AlreadyCarried), a cycle that takes no objectives, and
       anyone who may not grade the objective. "modify" is not taken here: its copy is
       opened in the editor first and saved by objective_carry_over_modified.
    2. keep: copy the objective and its unfinished key results (or those chosen) into
       `cycle`; each copy starts at the key result's last value, same target. The copy stays
       aligned when its parent was carried too (to the parent's copy); otherwise it is
       unaligned and a warning says so.
    3. abandon: nothing is copied; the decision and its reason are recorded.
    """
    if decision == CarryOver.Decision.MODIFY:
        raise ValidationError(
            {"decision": [_("A modified copy is opened in the editor and saved from there.")]}
        )
    if decision not in CarryOver.Decision.values:
        raise ValidationError({"decision": [_("Choose keep, modify or abandon.")]})
    if decision == CarryOver.Decision.ABANDON:
        _ensure_may_decide(viewer, objective)
        record = CarryOver(
            source=objective, decision=decision, reason=reason or "", decided_by=viewer.user
        )
        return CarryOverResult(carry_over=_save(record))
    carry_over_check(viewer=viewer, objective=objective, cycle=cycle)
    key_results = list(objective.key_results.order_by("position", "id"))
    if key_result_ids is None:
        chosen = [kr for kr in key_results if _unfinished(kr)]
    else:
        wanted = set(key_result_ids)
        chosen = [kr for kr in key_results if kr.pk in wanted]
        if len(chosen) != len(wanted) or not all(_unfinished(kr) for kr in chosen):
            raise ValidationError(
                {"key_results": [_("Choose unfinished key results of this objective.")]}
            )
    parent, warnings = _carried_parent(objective)
    copy = objective_create(
        viewer=viewer,
        cycle=cycle,
        **carried_copy_fields(objective, parent=parent),
        key_results=[carried_key_result(kr) for kr in chosen],
    )
    record = CarryOver(
        source=objective,
        decision=decision,
        cycle=cycle,
        target=copy,
        reason=reason or "",
        decided_by=viewer.user,
    )
    return CarryOverResult(carry_over=_save(record), warnings=warnings)


def _ensure_may_decide(viewer: Viewer, objective: Objective) -> None:
    if not permissions.can_carry_over(viewer, objective):
        raise PermissionDenied(_("You may not decide what becomes of this objective."))
    if CarryOver.objects.filter(source=objective).exists():
        raise AlreadyCarried(_("This objective has already been carried over or abandoned."))


def carry_over_check(*, viewer: Viewer, objective: Objective, cycle: Cycle | None) -> None:
    """Whether the objective may be carried into `cycle` now: the viewer decides for it, it
    was not decided before, and `cycle` takes objectives (planning or active, never a closed
    one). Raises PermissionDenied, AlreadyCarried or a ValidationError on `cycle`."""
    _ensure_may_decide(viewer, objective)
    if cycle is None or not cycles.takes_objectives(cycle.status) or cycle.pk == objective.cycle_id:
        raise ValidationError({"cycle": [_("Carry it into a cycle in planning or active.")]})


def carried_copy_fields(objective: Objective, *, parent: Objective | None) -> dict:
    """The fields of an objective's copy in the next cycle (its service's arguments)."""
    return {
        "title": objective.title,
        "description": objective.description,
        "level": objective.level,
        "team": objective.team,
        "owner": objective.owner,
        "parent": parent,
        "kind": objective.kind,
        "visibility": objective.visibility,
    }


def carried_key_result(key_result: KeyResult) -> dict:
    """An unfinished key result's copy: it starts at its last value, with the same target."""
    return {
        "title": key_result.title,
        "owner": key_result.owner,
        "kind": key_result.kind,
        "start_value": key_result.current_value,
        "current_value": key_result.current_value,
        "target_value": key_result.target_value,
        "unit": key_result.unit,
        "weight": key_result.weight,
    }


def carried_parent(objective: Objective) -> tuple[Objective | None, list[str]]:
    """The copy's parent: the copy of the objective's parent when that was carried too;
    otherwise none, and a warning for the editor."""
    return _carried_parent(objective)


def unfinished_key_results(objective: Objective) -> list[KeyResult]:
    return [kr for kr in objective.key_results.order_by("position", "id") if _unfinished(kr)]


@transaction.atomic
def objective_carry_over_modified(
    *,
    viewer: Viewer,
    objective: Objective,
    cycle: Cycle,
    fields: dict,
    key_results: list[dict],
    reason: str = "",
) -> CarryOverResult:
    """Save the modified copy the editor shows (pre-filled from the objective and its
    unfinished key results), and record the decision "modify" with the link between the two
    objectives — one transaction: a refusal saves neither the copy nor the decision.

    1. Lock the objective's row so two editors saving at once carry it once.
    2. Check as for keep (carry_over_check): rights, not decided before, a cycle that takes
       objectives.
    3. Create the copy through objective_create (its rights and rules), then the record.
    """
    Objective.all_objects.select_for_update().filter(pk=objective.pk).first()
    carry_over_check(viewer=viewer, objective=objective, cycle=cycle)
    copy = objective_create(viewer=viewer, cycle=cycle, key_results=key_results, **fields)
    record = CarryOver(
        source=objective,
        decision=CarryOver.Decision.MODIFY,
        cycle=cycle,
        target=copy,
        reason=reason or "",
        decided_by=viewer.user,
    )
    return CarryOverResult(carry_over=_save(record))


def _carried_parent(objective: Objective) -> tuple[Objective | None, list[str]]:
    if objective.parent_id is None:
        return None, []
    carried = (
        CarryOver.objects.filter(source_id=objective.parent_id, target__isnull=False)
        .select_related("target")
        .first()
    )
    if carried is not None:
        return carried.target, []
    return None, [
        _("“%(parent)s” was not carried over, so the copy is not aligned: align it in the editor.")
        % {"parent": objective.parent.title}
    ]


def _save(record: CarryOver) -> CarryOver:
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        # Two decisions at once: the unique source keeps the first.
        raise AlreadyCarried(
            _("This objective has already been carried over or abandoned.")
        ) from error
    return record
