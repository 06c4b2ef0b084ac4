"""Who may see and change KPIs. Used by pages, API and tasks alike.

- Everyone signed in sees every public KPI. A private one is seen by its owner, the members
  of its team and admins; for anyone else it does not exist (404).
- A KPI is edited, and its measurements recorded, by its owner, the leads of its team (or of
  an ancestor team) and admins; anyone else who may see it gets 403.
- A new KPI may be created by admins and team leads for their teams (any owner), and by a
  team member for their own team with themselves as owner. Giving an existing KPI another
  team or owner follows the same rule (`can_place_kpi`).
- A KPI becomes a key result for anyone who may see it (the objective's rules decide where);
  a key result becomes a KPI for its owner, its objective's owner, the team's leads and admins.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kpis.models import KPI
from objectives.models import KeyResult
from okrapp.core.models import Team
from okrapp.core.permissions import Viewer


def visible_kpis_q(viewer: Viewer, prefix: str = "") -> Q:
    """A filter for the KPIs the viewer may see; `prefix` for related lookups."""
    if viewer.is_admin:
        return Q()
    return (
        Q(**{f"{prefix}visibility": KPI.Visibility.PUBLIC})
        | Q(**{f"{prefix}owner": viewer.user})
        | Q(**{f"{prefix}team__in": viewer.member_team_ids})
    )


def can_view_kpi(viewer: Viewer, kpi: KPI) -> bool:
    return can_view_kpi_of(
        viewer, visibility=kpi.visibility, owner_id=kpi.owner_id, team_id=kpi.team_id
    )


def can_view_kpi_of(viewer: Viewer, *, visibility: str, owner_id: int, team_id: int) -> bool:
    """`can_view_kpi` from a KPI's plain values (rows read without models)."""
    return (
        viewer.is_admin
        or visibility == KPI.Visibility.PUBLIC
        or owner_id == viewer.user.pk
        or viewer.is_member_of(team_id)
    )


def can_edit_kpi(viewer: Viewer, kpi: KPI) -> bool:
    """Change the KPI and record its measurements."""
    return viewer.is_admin or kpi.owner_id == viewer.user.pk or viewer.leads(kpi.team)


def can_create_kpi(viewer: Viewer, *, team: Team, owner_id: int | None) -> bool:
    if viewer.is_admin or viewer.leads(team):
        return True
    return owner_id == viewer.user.pk and viewer.is_member_of(team.pk)


def can_place_kpi(viewer: Viewer, *, team: Team, owner_id: int | None, kpi: KPI | None) -> bool:
    """Whether the viewer may give a KPI this team and owner; `kpi` is the KPI as stored, or
    None (or unsaved) for a new one. A KPI that keeps its team and owner keeps them whoever
    edits it; a new one, or a move to another team or owner, follows `can_create_kpi`."""
    if (
        kpi is not None
        and kpi.pk is not None
        and (kpi.team_id, kpi.owner_id) == (team.pk, owner_id)
    ):
        return True
    return can_create_kpi(viewer, team=team, owner_id=owner_id)


def creatable_teams(viewer: Viewer) -> QuerySet[Team]:
    """Teams the viewer may give a KPI to: all for admins; else those they belong to or lead
    (with the sub-teams of the latter)."""
    teams = Team.objects.order_by("path")
    if viewer.is_admin:
        return teams
    led_paths = list(
        Team.objects.filter(pk__in=viewer.lead_team_ids).values_list("path", flat=True)
    )
    query = Q(pk__in=viewer.member_team_ids)
    for path in led_paths:
        query |= Q(path__startswith=path)
    return teams.filter(query)


def may_create_any_kpi(viewer: Viewer) -> bool:
    return viewer.is_admin or bool(viewer.member_team_ids)


def can_record_measurements(viewer: Viewer, kpi: KPI) -> bool:
    """Record, correct, import and delete the KPI's measurements: whoever may edit it."""
    return can_edit_kpi(viewer, kpi)


def can_turn_kpi_into_key_result(viewer: Viewer, kpi: KPI) -> bool:
    """Anyone who sees the KPI; objectives.permissions decides which objective may take it."""
    return can_view_kpi(viewer, kpi)


def can_turn_key_result_into_kpi(viewer: Viewer, key_result: KeyResult) -> bool:
    """The key result's owner, its objective's owner, the team's leads and admins; the
    cycle may be closed, as that is when a proven key result usually becomes a KPI."""
    objective = key_result.objective
    return (
        viewer.is_admin
        or key_result.owner_id == viewer.user.pk
        or objective.owner_id == viewer.user.pk
        or viewer.leads(objective.team)
    )


def get_kpi_for_user(viewer: Viewer, pk: int, *, write: bool = False) -> KPI:
    """The KPI, or 404 if the viewer may not see it, or 403 if they may not change it."""
    kpi = KPI.objects.select_related("team", "owner").filter(pk=pk).first()
    if kpi is None or not can_view_kpi(viewer, kpi):
        raise Http404
    if write and not can_edit_kpi(viewer, kpi):
        raise PermissionDenied
    return kpi
