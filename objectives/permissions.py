"""Who may see and change objectives and key results. Used by pages, API and tasks alike.

- Everyone signed in sees every public objective (transparency). A private one is seen by
  its owner, the members of its team and admins; for anyone else it does not exist (404).
- Company objectives are edited by admins; team objectives by that team's leads and the
  leads of its ancestor teams; individual objectives by their owner and the owner's team
  leads (and theirs). Admins edit everything. Objectives are drafted and changed while the
  cycle is in planning or active; a grading cycle takes grades, a closed one is read-only
  (objectives.cycles).
- Grading: a key result's final grade by its owner or anyone who may grade its objective; an
  objective is graded (retrospective, carry-over) by its owner, its team's leads and admins.
- A check-in on a key result is made by its owner or by anyone who may edit its objective.
"""

from __future__ import annotations

import copy
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q
from django.http import Http404

from objectives import cycles
from objectives.models import Initiative, KeyResult, Objective
from okrapp.core import freshness, weeks
from okrapp.core.models import Cycle, Membership, Team
from okrapp.core.permissions import Viewer


def visible_objectives_q(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for the objectives the viewer may see; `prefix` for related lookups."""
    if viewer.is_admin:
        return Q()
    return (
        Q(**{f"{prefix}visibility": Objective.Visibility.PUBLIC})
        | Q(**{f"{prefix}owner": viewer.user})
        | Q(**{f"{prefix}team__in": viewer.member_team_ids})
    )


def key_result_owner_sees_objective_q() -> Q:
    """A filter on key results: those whose objective their own owner may see (the rule of
    can_view_objective, for each row's owner). A key result handed to someone outside a
    private objective's team is not theirs to be shown or reminded of."""
    return (
        Q(objective__visibility=Objective.Visibility.PUBLIC)
        | Q(objective__owner=F("owner"))
        | Q(owner__is_staff=True)
        | Q(owner__is_superuser=True)
        | Q(
            Exists(
                Membership.objects.filter(user=OuterRef("owner"), team=OuterRef("objective__team"))
            )
        )
    )


def can_view_objective(viewer: Viewer, objective: Objective) -> bool:
    return can_view_objective_of(
        viewer,
        visibility=objective.visibility,
        owner_id=objective.owner_id,
        team_id=objective.team_id,
    )


def can_view_objective_of(viewer: Viewer, *, visibility: str, owner_id: int, team_id: int) -> bool:
    """`can_view_objective` from an objective's plain values (rows read without models)."""
    return visibility == Objective.Visibility.PUBLIC or can_view_private_objective(
        viewer, team_id=team_id, owner_id=owner_id
    )


def can_view_private_objective(viewer: Viewer, *, team_id: int | None, owner_id: int) -> bool:
    """Whether the viewer may see a private objective of this team and owner (for figures
    counted org-wide per team and owner, masked per viewer after they are read)."""
    return viewer.is_admin or owner_id == viewer.user.pk or viewer.is_member_of(team_id)


def can_edit_at_level(viewer: Viewer, *, level: str, team: Team, owner_id: int | None) -> bool:
    """Whether the viewer may create or change an objective with these level, team and owner."""
    if viewer.is_admin:
        return True
    if level == Objective.Level.COMPANY:
        return False
    if level == Objective.Level.TEAM:
        return viewer.leads(team)
    return owner_id == viewer.user.pk or viewer.leads(team)


def can_make_owner(viewer: Viewer, *, owner_id: int, team: Team | None) -> bool:
    """Who may be made the owner of an objective or key result of `team`: yourself; a member
    of that team (or of a team under it) if you lead it; anyone if you are an admin."""
    if viewer.is_admin or owner_id == viewer.user.pk:
        return True
    if team is None or not viewer.leads(team):
        return False
    return Membership.objects.filter(
        user_id=owner_id, user__is_active=True, team__path__startswith=team.path
    ).exists()


def cycles_taking_checkins_q(today: datetime.date, prefix: str = "") -> Q:
    """A filter for the cycles that take check-ins today: the rule of cycle_takes_checkins
    (objectives.cycles.takes_checkins) in SQL, for the weekly reminder's one query."""
    taking = Q(**{f"{prefix}status": Cycle.Status.ACTIVE})
    late_days = settings.LATE_CHECKIN_DAYS
    if late_days > 0:
        taking |= Q(
            **{
                f"{prefix}status": Cycle.Status.GRADING,
                f"{prefix}grading_opened_on__gt": today - datetime.timedelta(days=late_days),
            }
        )
    return taking


def cycle_takes_checkins(cycle: Cycle) -> bool:
    return cycles.takes_checkins(
        cycle.status,
        grading_opened_on=cycle.grading_opened_on,
        today=weeks.local_date(),
        late_days=settings.LATE_CHECKIN_DAYS,
    )


def can_edit_objective(viewer: Viewer, objective: Objective) -> bool:
    """An archived objective is read-only until restored (can_restore_objective)."""
    if not cycles.takes_objectives(objective.cycle.status) or objective.is_archived:
        return False
    return can_edit_at_level(
        viewer, level=objective.level, team=objective.team, owner_id=objective.owner_id
    )


def can_restore_objective(viewer: Viewer, objective: Objective) -> bool:
    """An archived objective is restored by its owner, a lead of its team (or above) or an
    admin, while its cycle is open."""
    if not objective.is_archived or objective.cycle.status == Cycle.Status.CLOSED:
        return False
    return viewer.is_admin or objective.owner_id == viewer.user.pk or viewer.leads(objective.team)


def can_check_in(viewer: Viewer, key_result: KeyResult) -> bool:
    objective = key_result.objective
    if not cycle_takes_checkins(objective.cycle) or objective.is_archived:
        return False
    if not can_view_objective(viewer, objective):
        return False
    return key_result.owner_id == viewer.user.pk or can_edit_at_level(
        viewer, level=objective.level, team=objective.team, owner_id=objective.owner_id
    )


def grades_objective(viewer: Viewer, objective: Objective) -> bool:
    """Who grades an objective, whatever its cycle's state: its owner, its team's leads (and
    theirs) and admins. Whether they may now is can_grade_objective."""
    if not can_view_objective(viewer, objective):
        return False
    return viewer.is_admin or objective.owner_id == viewer.user.pk or viewer.leads(objective.team)


def grades_key_result(viewer: Viewer, key_result: KeyResult) -> bool:
    """Who grades a key result, whatever its cycle's state: those who grade its objective,
    and the key result's owner."""
    return grades_objective(viewer, key_result.objective) or (
        key_result.owner_id == viewer.user.pk and can_view_objective(viewer, key_result.objective)
    )


def can_grade_objective(viewer: Viewer, objective: Objective) -> bool:
    """The objective's owner, its team's leads (and theirs) and admins grade it, in grading."""
    return cycles.takes_grades(objective.cycle.status) and grades_objective(viewer, objective)


def can_grade_key_result(viewer: Viewer, key_result: KeyResult) -> bool:
    return cycles.takes_grades(key_result.objective.cycle.status) and grades_key_result(
        viewer, key_result
    )


def can_carry_over(viewer: Viewer, objective: Objective) -> bool:
    """Carry-over is decided by those who grade, once the cycle is grading or closed."""
    if objective.cycle.status not in (Cycle.Status.GRADING, Cycle.Status.CLOSED):
        return False
    if not can_view_objective(viewer, objective):
        return False
    return viewer.is_admin or objective.owner_id == viewer.user.pk or viewer.leads(objective.team)


def _read_objective(pk: int) -> Objective | None:
    # An archived objective keeps its page (its history, and the way to restore it).
    return (
        Objective.all_objects.select_related("cycle", "team", "owner", "parent")
        .defer("owner__password")  # kept in the shared cache (_kept_objective)
        .filter(pk=pk)
        .first()
    )


def _kept_objective(pk: int) -> Objective | None:
    """The objective as `_read_objective` reads it, kept until the next write
    (okrapp.core.freshness): the rights below are checked on it all the same. Each request
    works on a copy of its own."""
    found = freshness.cached("objective_for_user", lambda: _read_objective(pk), pk)
    return copy.copy(found)


def get_objective_for_user(
    viewer: Viewer, pk: int, *, write: bool = False, kept: bool = False
) -> Objective:
    """The objective, or 404 if the viewer may not see it, or 403 if they may not change it.
    `kept`, for a page that only shows it, reads it as kept until the next write."""
    objective = _kept_objective(pk) if kept else _read_objective(pk)
    if objective is None or not can_view_objective(viewer, objective):
        raise Http404
    if write and not can_edit_objective(viewer, objective):
        raise PermissionDenied
    return objective


def _read_key_result(pk: int) -> KeyResult | None:
    return (
        KeyResult.objects.select_related(
            "objective", "objective__cycle", "objective__team", "objective__owner", "owner"
        )
        .defer("owner__password", "objective__owner__password")
        .filter(pk=pk)
        # One row by its key: the model's ordering would only sort it over five joins.
        .order_by()
        .first()
    )


def _kept_key_result(pk: int) -> KeyResult | None:
    """The key result as `_read_key_result` reads it, kept until the next write
    (okrapp.core.freshness): the rights below are checked on it all the same. Each request
    works on a copy of its own, as pages attach what their viewer sees to it."""
    found = freshness.cached("key_result_for_user", lambda: _read_key_result(pk), pk)
    return copy.deepcopy(found)


def get_key_result_for_user(
    viewer: Viewer, pk: int, *, write: bool = False, check_in: bool = False, kept: bool = False
) -> KeyResult:
    """The key result, or 404 / 403 as for its objective. `check_in` asks for check-in rights;
    `kept`, for a page that only shows it, reads it as kept until the next write."""
    key_result = _kept_key_result(pk) if kept else _read_key_result(pk)
    if key_result is None or not can_view_objective(viewer, key_result.objective):
        raise Http404
    if write and not can_edit_objective(viewer, key_result.objective):
        raise PermissionDenied
    if check_in and not can_check_in(viewer, key_result):
        raise PermissionDenied
    return key_result


def can_manage_initiatives(viewer: Viewer, key_result: KeyResult) -> bool:
    """Initiatives serve a key result: its owner and the objective's editors manage them."""
    return can_check_in(viewer, key_result)


def can_create_objectives(viewer: Viewer, cycle: Cycle | None) -> bool:
    """Anyone may set their own individual objectives in a planning or active cycle."""
    return cycle is not None and cycles.takes_objectives(cycle.status)


def can_add_aligned(viewer: Viewer, objective: Objective) -> bool:
    """Whether the objective's page offers to align a new objective under it: company and team
    objectives take aligned ones while the cycle is open (the editor then checks what the
    viewer may set)."""
    return objective.level != Objective.Level.INDIVIDUAL and can_create_objectives(
        viewer, objective.cycle
    )


def creatable_levels(viewer: Viewer) -> list[str]:
    """The levels at which the viewer may set objectives: company for admins, team for leads."""
    levels = []
    if viewer.is_admin:
        levels.append(Objective.Level.COMPANY)
    if viewer.is_admin or viewer.lead_team_ids:
        levels.append(Objective.Level.TEAM)
    levels.append(Objective.Level.INDIVIDUAL)
    return levels


def get_initiative_for_user(viewer: Viewer, pk: int) -> Initiative:
    """The initiative, or 404 if its objective is hidden, or 403 if one may not manage it."""
    initiative = (
        Initiative.objects.select_related(
            "key_result__objective__cycle", "key_result__objective__team", "key_result__owner"
        )
        .filter(pk=pk)
        .first()
    )
    if initiative is None or not can_view_objective(viewer, initiative.key_result.objective):
        raise Http404
    if not can_manage_initiatives(viewer, initiative.key_result):
        raise PermissionDenied
    return initiative
