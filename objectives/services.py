"""Every write to objectives, key results and initiatives, one transaction each.

Pages and the API call the same functions. Each one checks rights (PermissionDenied),
validates (ValidationError with field keys, translated messages), writes, then refreshes
the stored scores. Errors about a key result of a list are keyed "key_results.<index>.<field>";
errors about the list as a whole are keyed "key_results".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives import cycles, hooks, permissions, scoring
from objectives.models import Initiative, KeyResult, Objective
from objectives.tasks import rollup_scores
from okrapp.core.hooks import event_emit
from okrapp.core.jobs import job_record
from okrapp.core.models import Cycle, Membership, Team, User
from okrapp.core.permissions import Viewer

OBJECTIVE_FIELDS = (
    "title",
    "description",
    "level",
    "team",
    "owner",
    "parent",
    "kind",
    "visibility",
)
KEY_RESULT_FIELDS = (
    "title",
    "owner",
    "kind",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "weight",
    "position",
)
INITIATIVE_FIELDS = ("title", "status", "owner")


def key_result_raw_score(key_result: KeyResult):
    return scoring.key_result_score(
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
        is_milestone=key_result.is_milestone,
    )


def key_result_compute_score(key_result: KeyResult):
    """The stored score: None ("not scored yet") before a first check-in at the start."""
    return scoring.key_result_score_if_scored(
        start=key_result.start_value,
        target=key_result.target_value,
        current=key_result.current_value,
        is_milestone=key_result.is_milestone,
        checked_in=key_result.last_checkin_at is not None,
    )


@transaction.atomic
def objective_refresh_score(*, objective_id: int) -> None:
    """Recompute the stored scores of an objective and of its key results."""
    key_results = list(KeyResult.objects.filter(objective_id=objective_id))
    pairs = []
    for key_result in key_results:
        key_result.score = key_result_compute_score(key_result)
        pairs.append((key_result_raw_score(key_result), key_result.weight))
    if key_results:
        KeyResult.objects.bulk_update(key_results, ["score"])
    scored = any(key_result.score is not None for key_result in key_results)
    Objective.all_objects.filter(pk=objective_id).update(
        score=scoring.objective_score(pairs, scored=scored)
    )


# --- Rules ----------------------------------------------------------------------------------


def ensure_open(cycle: Cycle) -> None:
    """Objectives are drafted and changed in a planning or active cycle (objectives.cycles)."""
    if cycle.status == Cycle.Status.GRADING:
        raise PermissionDenied(
            _("This cycle is being graded: grade its key results instead of changing them.")
        )
    if not cycles.takes_objectives(cycle.status):
        raise PermissionDenied(_("This cycle is closed: its OKRs are read-only."))


def default_team(*, level: str, owner: User | None, team: Team | None) -> Team | None:
    """The company for company objectives; the owner's primary team for individual ones."""
    if level == Objective.Level.COMPANY:
        return Team.company()
    if team is None and level == Objective.Level.INDIVIDUAL and owner is not None:
        membership = (
            Membership.objects.filter(user=owner)
            .select_related("team")
            .order_by("-is_primary", "team__path")
            .first()
        )
        return membership.team if membership else None
    return team


def alignment_errors(
    *, level: str, team: Team | None, cycle: Cycle, parent: Objective | None, pk: int | None
) -> list[str]:
    """Why `parent` may not be the objective this one aligns to; empty when it may."""
    if parent is None:
        return []
    if level == Objective.Level.COMPANY:
        return [_("A company objective is the top of the alignment: it aligns to nothing.")]
    if pk is not None and parent.pk == pk:
        return [_("An objective cannot align to itself.")]
    if parent.cycle_id != cycle.pk:
        return [_("Align to an objective of the same cycle.")]
    if level == Objective.Level.INDIVIDUAL and parent.level == Objective.Level.INDIVIDUAL:
        return [_("An individual objective aligns to a team or company objective.")]
    if level == Objective.Level.TEAM and parent.level != Objective.Level.COMPANY:
        is_ancestor = (
            parent.level == Objective.Level.TEAM
            and team is not None
            and parent.team_id in team.ancestor_ids
        )
        if not is_ancestor:
            return [
                _(
                    "A team objective aligns to a company objective or to an objective "
                    "of a parent team."
                )
            ]
    return []


def _validate_objective(
    viewer: Viewer, objective: Objective, *, placed: bool = True, kept_parent_id: int | None = None
) -> None:
    """`placed`: the objective is new, or its level, team or owner change.
    `kept_parent_id`: the parent it already had, which may stay even if the editor cannot
    see it (a private parent must not be lost by editing the title)."""
    errors: dict[str, list[str]] = {}
    try:
        objective.full_clean(exclude=["score"])
    except ValidationError as error:
        errors = error.message_dict
    if (
        placed
        and objective.owner_id
        and objective.team_id
        and not permissions.can_make_owner(viewer, owner_id=objective.owner_id, team=objective.team)
    ):
        errors.setdefault("owner", []).append(_owner_refused())
    if placed and _outside_owners_teams(viewer, objective):
        errors.setdefault("team", []).append(
            _("An individual objective belongs to one of its owner's teams.")
        )
    if objective.level == Objective.Level.TEAM and objective.team_id and objective.team.is_company:
        errors.setdefault("team", []).append(
            _("A team objective belongs to a team; for the company, use the company level.")
        )
    if objective.level == Objective.Level.INDIVIDUAL and not objective.team_id:
        errors.setdefault("team", []).append(
            _("This person belongs to no team yet: choose the team this objective belongs to.")
        )
    parent = objective.parent
    if (
        parent is not None
        and parent.pk != kept_parent_id
        and not permissions.can_view_objective(viewer, parent)
    ):
        errors.setdefault("parent", []).append(_("Choose an objective you can see."))
    elif "level" not in errors and "team" not in errors:
        problems = alignment_errors(
            level=objective.level,
            team=objective.team if objective.team_id else None,
            cycle=objective.cycle,
            parent=parent,
            pk=objective.pk,
        )
        if problems:
            errors.setdefault("parent", []).extend(problems)
    if objective.pk is not None and "level" not in errors and "team" not in errors:
        for child in objective.children.select_related("team"):
            if alignment_errors(
                level=child.level,
                team=child.team,
                cycle=child.cycle if child.cycle_id != objective.cycle_id else objective.cycle,
                parent=objective,
                pk=child.pk,
            ):
                errors.setdefault("level", []).append(
                    _(
                        "“%(title)s” is aligned under this objective and would no longer fit "
                        "there: align it elsewhere first."
                    )
                    % {"title": child.title}
                )
                break
    if errors:
        raise ValidationError(errors)


def _outside_owners_teams(viewer: Viewer, objective: Objective) -> bool:
    """An individual objective set in a team its owner is not in: it would show on that
    team's board, count in its scores and be visible to its members. Admins may."""
    if viewer.is_admin or objective.level != Objective.Level.INDIVIDUAL:
        return False
    if not objective.team_id or not objective.owner_id:
        return False
    return not Membership.objects.filter(
        user_id=objective.owner_id, team_id=objective.team_id
    ).exists()


def _check_rights(viewer: Viewer, objective: Objective) -> None:
    if objective.team_id is None:
        return  # validation says what is missing
    if not permissions.can_edit_at_level(
        viewer, level=objective.level, team=objective.team, owner_id=objective.owner_id
    ):
        raise PermissionDenied(_("You may not set objectives at this level for this team."))


def _check_weights(weights: Iterable[Decimal], key: str = "key_results") -> None:
    weights = list(weights)
    if weights and all(Decimal(weight) == 0 for weight in weights):
        raise ValidationError(
            {key: _("At least one key result needs a weight above zero.")}, code="weights"
        )


def _apply(instance: Any, changes: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("Unknown fields: %(fields)s.")
                % {"fields": ", ".join(sorted(unknown))}
            }
        )
    for name, value in changes.items():
        setattr(instance, name, value)


def _prepare_key_result(key_result: KeyResult, data: Mapping[str, Any]) -> None:
    """Apply a key result's fields, with the defaults of a new one."""
    changes = {name: value for name, value in data.items() if name in KEY_RESULT_FIELDS}
    is_new = key_result.pk is None
    if is_new and changes.get("current_value") is None:
        changes["current_value"] = changes.get("start_value") or Decimal(0)
    for name in ("start_value", "weight", "current_value"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    if changes.get("owner") is None:
        changes.pop("owner", None)
    if changes.get("unit") is None:
        changes.pop("unit", None)
    _apply(key_result, changes, KEY_RESULT_FIELDS)
    if key_result.owner_id is None:
        key_result.owner = key_result.objective.owner
    if key_result.kind == KeyResult.Kind.MILESTONE and key_result.target_value is None:
        key_result.start_value, key_result.target_value = Decimal(0), Decimal(1)


def _owner_refused() -> str:
    return _("Choose yourself, or a member of a team you lead, as the owner.")


def _owner_errors(viewer: Viewer, key_result: KeyResult, previous_owner_id: int | None) -> list:
    """A new owner must be one the viewer may choose (permissions.can_make_owner)."""
    if key_result.owner_id == previous_owner_id or permissions.can_make_owner(
        viewer, owner_id=key_result.owner_id, team=key_result.objective.team
    ):
        return []
    return [_owner_refused()]


def _assigned(viewer: Viewer, kind: str, instance, previous_owner_id: int | None) -> list:
    """The assignment to announce when someone else was made the owner (objectives.hooks)."""
    if instance.owner_id in (None, previous_owner_id, viewer.user.pk):
        return []
    return [hooks.Assignment(kind, instance.pk, instance.owner_id, viewer.user.pk)]


def _sync_key_results(viewer: Viewer, objective: Objective, rows: list[Mapping[str, Any]]) -> list:
    """Make the objective's key results exactly `rows`: rows with an "id" update that key
    result, rows without one create a key result, missing ones are deleted.

    1. Build and validate every row, collecting errors by index.
    2. Check the weights together.
    3. Save in the order given (position = order), then delete the key results left out.
    4. Return the assignments to announce (someone else made owner of a key result).
    """
    existing = {key_result.pk: key_result for key_result in objective.key_results.all()}
    built: list[KeyResult] = []
    previous_owners: list[int | None] = []
    errors: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        key_result_id = row.get("id")
        if key_result_id is not None and key_result_id not in existing:
            errors[f"key_results.{index}.{NON_FIELD_ERRORS}"] = [
                _("This key result belongs to another objective.")
            ]
            continue
        key_result = existing.get(key_result_id) or KeyResult(objective=objective)
        previous_owner_id = key_result.owner_id
        data = {name: value for name, value in row.items() if name not in {"id", "position"}}
        _prepare_key_result(key_result, data)
        key_result.position = index
        try:
            key_result.full_clean(exclude=["score", "objective"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"key_results.{index}.{field}"] = messages
        if owner_refused := _owner_errors(viewer, key_result, previous_owner_id):
            errors.setdefault(f"key_results.{index}.owner", []).extend(owner_refused)
        built.append(key_result)
        previous_owners.append(previous_owner_id)
    if errors:
        raise ValidationError(errors)
    _check_weights(key_result.weight for key_result in built)
    assignments = []
    for key_result, previous_owner_id in zip(built, previous_owners, strict=True):
        key_result.save()
        assignments += _assigned(viewer, "key_result", key_result, previous_owner_id)
    kept = {key_result.pk for key_result in built}
    objective.key_results.exclude(pk__in=kept).delete()
    return assignments


# --- Objectives -----------------------------------------------------------------------------


@transaction.atomic
def objective_create(
    *,
    viewer: Viewer,
    cycle: Cycle,
    title: str,
    description: str = "",
    level: str,
    team: Team | None = None,
    owner: User,
    parent: Objective | None = None,
    kind: str = Objective.Kind.COMMITTED,
    visibility: str = Objective.Visibility.PUBLIC,
    key_results: Iterable[Mapping[str, Any]] = (),
) -> Objective:
    """A new objective with its key results (a list of dicts of key result fields)."""
    ensure_open(cycle)
    objective = Objective(
        cycle=cycle,
        title=title,
        description=description or "",
        level=level,
        team=default_team(level=level, owner=owner, team=team),
        owner=owner,
        parent=parent,
        kind=kind,
        visibility=visibility,
    )
    _check_rights(viewer, objective)
    _validate_objective(viewer, objective)
    objective.save()
    assigned = _assigned(viewer, "objective", objective, None)
    # Made owner of the objective, one is not told again of each key result it hands down.
    assigned += [
        assignment
        for assignment in _sync_key_results(viewer, objective, list(key_results))
        if not assigned or assignment.owner_id != objective.owner_id
    ]
    hooks.owners_assigned(assigned)
    objective_refresh_score(objective_id=objective.pk)
    event_emit("objective.created", objective_id=objective.pk)
    return objective


@transaction.atomic
def objective_update(
    *,
    viewer: Viewer,
    objective: Objective,
    key_results: Iterable[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> Objective:
    """Change an objective's fields (any of OBJECTIVE_FIELDS). When `key_results` is given,
    the objective's key results become exactly that list (see _sync_key_results)."""
    ensure_open(objective.cycle)
    if not permissions.can_edit_objective(viewer, objective):
        raise PermissionDenied(_("You may not change this objective."))
    placement = (objective.level, objective.team_id, objective.owner_id)
    kept_parent_id = objective.parent_id
    _apply(objective, changes, OBJECTIVE_FIELDS)
    if "description" in changes and objective.description is None:
        objective.description = ""
    objective.team = default_team(
        level=objective.level,
        owner=objective.owner,
        team=objective.team if objective.team_id else None,
    )
    _check_rights(viewer, objective)
    _validate_objective(
        viewer,
        objective,
        placed=placement != (objective.level, objective.team_id, objective.owner_id),
        kept_parent_id=kept_parent_id,
    )
    objective.save()
    assigned = _assigned(viewer, "objective", objective, placement[2])
    if key_results is not None:
        assigned += _sync_key_results(viewer, objective, list(key_results))
    hooks.owners_assigned(assigned)
    objective_refresh_score(objective_id=objective.pk)
    event_emit("objective.updated", objective_id=objective.pk)
    return objective


@transaction.atomic
def objective_delete(*, viewer: Viewer, objective: Objective) -> str:
    """Delete an empty objective, or archive one with history; "deleted" or "archived".

    An objective whose key results were ever checked in (`last_checkin_at`, kept by the
    check-in services) keeps its history: it is archived, out of every board, roll-up and
    list, and restorable (objective_restore). Only an objective without check-ins is deleted,
    with its key results; objectives aligned under it become unaligned either way."""
    ensure_open(objective.cycle)
    if not permissions.can_edit_objective(viewer, objective):
        raise PermissionDenied(_("You may not delete this objective."))
    if objective.is_archived:
        raise ValidationError(_("This objective is already archived."))
    if objective_has_history(objective):
        Objective.objects.filter(parent=objective).update(parent=None)
        objective.archived_at = timezone.now()
        objective.save(update_fields=["archived_at", "updated_at"])
        return "archived"
    objective.delete()
    return "deleted"


def objective_has_history(objective: Objective) -> bool:
    return objective.key_results.filter(last_checkin_at__isnull=False).exists()


@transaction.atomic
def objective_restore(*, viewer: Viewer, objective: Objective) -> Objective:
    """Bring an archived objective back to the boards, if the viewer may (its owner, a lead
    of its team, an admin) and its cycle is open."""
    ensure_open(objective.cycle)
    if not permissions.can_restore_objective(viewer, objective):
        raise PermissionDenied(_("You may not restore this objective."))
    if not objective.is_archived:
        raise ValidationError(_("This objective is not archived."))
    objective.archived_at = None
    objective.save(update_fields=["archived_at", "updated_at"])
    objective_refresh_score(objective_id=objective.pk)
    return objective


# --- Key results ----------------------------------------------------------------------------


def _editable_objective(viewer: Viewer, objective: Objective) -> None:
    ensure_open(objective.cycle)
    if not permissions.can_edit_objective(viewer, objective):
        raise PermissionDenied(_("You may not change this objective."))


@transaction.atomic
def key_result_create(
    *,
    viewer: Viewer,
    objective: Objective,
    title: str,
    target_value: Decimal | None,
    kind: str = KeyResult.Kind.NUMERIC,
    start_value: Decimal = Decimal(0),
    current_value: Decimal | None = None,
    unit: str = "",
    weight: Decimal = Decimal(1),
    owner: User | None = None,
    position: int | None = None,
) -> KeyResult:
    _editable_objective(viewer, objective)
    key_result = KeyResult(objective=objective)
    _prepare_key_result(
        key_result,
        {
            "title": title,
            "target_value": target_value,
            "kind": kind,
            "start_value": start_value,
            "current_value": current_value,
            "unit": unit,
            "weight": weight,
            "owner": owner,
        },
    )
    if position is None:
        last = objective.key_results.order_by("-position").first()
        position = last.position + 1 if last else 0
    key_result.position = position
    key_result.full_clean(exclude=["score"])
    if owner_refused := _owner_errors(viewer, key_result, previous_owner_id=None):
        raise ValidationError({"owner": owner_refused})
    _check_weights(
        [*objective.key_results.values_list("weight", flat=True), key_result.weight], "weight"
    )
    key_result.save()
    hooks.owners_assigned(_assigned(viewer, "key_result", key_result, None))
    objective_refresh_score(objective_id=objective.pk)
    return key_result


@transaction.atomic
def key_result_update(*, viewer: Viewer, key_result: KeyResult, **changes: Any) -> KeyResult:
    """Change a key result's fields (any of KEY_RESULT_FIELDS)."""
    objective = key_result.objective
    _editable_objective(viewer, objective)
    previous_owner_id = key_result.owner_id
    _prepare_key_result(key_result, changes)
    key_result.full_clean(exclude=["score"])
    if owner_refused := _owner_errors(viewer, key_result, previous_owner_id):
        raise ValidationError({"owner": owner_refused})
    others = objective.key_results.exclude(pk=key_result.pk).values_list("weight", flat=True)
    _check_weights([*others, key_result.weight], "weight")
    key_result.save()
    hooks.owners_assigned(_assigned(viewer, "key_result", key_result, previous_owner_id))
    objective_refresh_score(objective_id=objective.pk)
    event_emit("key_result.updated", key_result_id=key_result.pk)
    return key_result


@transaction.atomic
def key_result_delete(*, viewer: Viewer, key_result: KeyResult) -> None:
    objective = key_result.objective
    _editable_objective(viewer, objective)
    others = objective.key_results.exclude(pk=key_result.pk).values_list("weight", flat=True)
    _check_weights(others, NON_FIELD_ERRORS)
    key_result.delete()
    objective_refresh_score(objective_id=objective.pk)


# --- Initiatives ----------------------------------------------------------------------------


def _initiatives_allowed(viewer: Viewer, key_result: KeyResult) -> None:
    ensure_open(key_result.objective.cycle)
    if not permissions.can_manage_initiatives(viewer, key_result):
        raise PermissionDenied(_("You may not change the initiatives of this key result."))


@transaction.atomic
def initiative_create(
    *,
    viewer: Viewer,
    key_result: KeyResult,
    title: str,
    status: str = Initiative.Status.TODO,
    owner: User | None = None,
) -> Initiative:
    _initiatives_allowed(viewer, key_result)
    initiative = Initiative(key_result=key_result, title=title, status=status, owner=owner)
    initiative.full_clean()
    initiative.save()
    return initiative


@transaction.atomic
def initiative_update(*, viewer: Viewer, initiative: Initiative, **changes: Any) -> Initiative:
    """Change an initiative's title, status or owner. Initiatives are never scored."""
    _initiatives_allowed(viewer, initiative.key_result)
    _apply(initiative, changes, INITIATIVE_FIELDS)
    initiative.full_clean()
    initiative.save()
    return initiative


@transaction.atomic
def initiative_delete(*, viewer: Viewer, initiative: Initiative) -> None:
    _initiatives_allowed(viewer, initiative.key_result)
    initiative.delete()


@transaction.atomic
def cycle_close(*, cycle: Cycle) -> bool:
    """Close a cycle and store its final scores. Returns False if it was already closed.

    The status is claimed with a conditional UPDATE, so closing twice (two admins, a retried
    request) runs the final roll-up once. The roll-up is recorded as a job in the same
    transaction (okrapp.core.jobs): a broker outage delays it, never loses it.
    """
    claimed = (
        Cycle.objects.filter(pk=cycle.pk)
        .exclude(status=Cycle.Status.CLOSED)
        .update(status=Cycle.Status.CLOSED)
    )
    previous = cycle.status
    cycle.status = Cycle.Status.CLOSED
    if not claimed:
        return False
    event_emit("cycle.status_changed", cycle_id=cycle.pk, previous=previous)
    job_record(
        task=rollup_scores.name,
        kwargs={"cycle_id": cycle.pk, "final": True},
        key=f"final-rollup:{cycle.pk}",
    )
    return True
