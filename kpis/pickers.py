"""The KPIs' picker sources (okrapp.core.pickers): the teams one may give a KPI to, and who
may own the new objective a KPI is turned into."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from kpis.permissions import creatable_teams
from okrapp.core import numbers
from okrapp.core.models import Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.pickers import (
    Source,
    get_source,
    person_label,
    team_label,
    team_suggestions,
)


def kpi_teams(viewer: Viewer | None, params: Mapping[str, Any]) -> QuerySet[Team]:
    if viewer is None:
        return Team.objects.none()
    return creatable_teams(viewer).select_related("parent")


def objective_owners(viewer: Viewer | None, params: Mapping[str, Any]) -> QuerySet[User]:
    """`?team=`: the active people of that team and the teams under it, and the viewer (all
    active people for admins), as kpis.forms.new_objective_owners."""
    from kpis.forms import new_objective_owners

    team = Team.objects.filter(pk=numbers.parse_id(params.get("team"))).first()
    if viewer is None or team is None:
        return User.objects.none()
    return new_objective_owners(viewer, team).only("pk", "display_name", "email")


KPI_TEAMS = Source(
    name="kpi-teams",
    queryset=kpi_teams,
    search=lambda teams, typed: teams.filter(name__icontains=typed),
    label=team_label,
    suggestions=team_suggestions,
)


def _people() -> Source:
    return get_source("people")


OBJECTIVE_OWNERS = Source(
    name="kpi-objective-owners",
    queryset=objective_owners,
    search=lambda people, typed: _people().search(people, typed),
    label=person_label,
    suggestions=lambda viewer, people: _people().suggestions(viewer, people),
)
