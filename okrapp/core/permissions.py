"""Who someone is in the organisation, computed once per request (two queries)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from okrapp.core.models import Membership, Team, User


@dataclass(frozen=True)
class Viewer:
    user: User
    is_admin: bool
    member_team_ids: frozenset[int] = field(default_factory=frozenset)
    lead_team_ids: frozenset[int] = field(default_factory=frozenset)

    def is_member_of(self, team_id: int) -> bool:
        return team_id in self.member_team_ids

    def leads(self, team: Team) -> bool:
        """Leads this team, or one of its ancestors."""
        return any(team_id in self.lead_team_ids for team_id in team.lineage_ids)


def viewer_for(user: User) -> Viewer:
    memberships = list(Membership.objects.filter(user=user).values_list("team_id", "role"))
    return Viewer(
        user=user,
        is_admin=user.is_active and (user.is_staff or user.is_superuser),
        member_team_ids=frozenset(team_id for team_id, _ in memberships),
        lead_team_ids=frozenset(
            team_id for team_id, role in memberships if role == Membership.Role.LEAD
        ),
    )


def request_viewer(request: HttpRequest) -> Viewer:
    """The signed-in person as a Viewer, cached on the request."""
    if getattr(request, "_viewer", None) is None or request._viewer.user.pk != request.user.pk:
        request._viewer = viewer_for(request.user)
    return request._viewer


def ensure_admin(viewer: Viewer) -> None:
    """The organisation's people and teams are changed by admins only."""
    if not viewer.is_admin:
        raise PermissionDenied(_("Only administrators may change the organisation."))
