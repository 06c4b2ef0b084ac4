"""Reads about the organisation shared by pages, API and tasks."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest

from okrapp.core import freshness, numbers
from okrapp.core.models import Cycle, Invitation, Membership, Team, User

SESSION_CYCLE_KEY = "cycle_id"


def active_cycle() -> Cycle | None:
    return Cycle.objects.filter(status=Cycle.Status.ACTIVE).order_by("-start_date").first()


def current_cycle(request: HttpRequest) -> Cycle | None:
    """The cycle a page shows: `?cycle=` if given (and remembered), else the remembered one,
    else the active one, else the latest."""
    if hasattr(request, "_current_cycle"):
        return request._current_cycle
    cycles = list_cycles(request)
    by_id = {cycle.pk: cycle for cycle in cycles}
    chosen = None
    raw = request.GET.get("cycle")
    if numbers.parse_id(raw) in by_id:
        chosen = by_id[numbers.parse_id(raw)]
        request.session[SESSION_CYCLE_KEY] = chosen.pk
    if chosen is None:
        remembered = request.session.get(SESSION_CYCLE_KEY)
        chosen = by_id.get(remembered) if remembered else None
    if chosen is None:
        chosen = next((c for c in cycles if c.status == Cycle.Status.ACTIVE), None)
    if chosen is None and cycles:
        chosen = cycles[0]
    request._current_cycle = chosen
    return chosen


def cycle_for_new_objective(request: HttpRequest) -> Cycle | None:
    """Where "New objective" files one: the cycle the page shows while it is open, else the
    active one (else the latest open one). Looking at a closed cycle, remembered in the
    session, must not block creating an objective."""
    cycle = current_cycle(request)
    if cycle is not None and cycle.status != Cycle.Status.CLOSED:
        return cycle
    open_cycles = [c for c in list_cycles(request) if c.status != Cycle.Status.CLOSED]
    active = [c for c in open_cycles if c.status == Cycle.Status.ACTIVE]
    return (active or open_cycles or [cycle])[0]


def list_cycles(request: HttpRequest | None = None) -> list[Cycle]:
    if request is not None and hasattr(request, "_cycles"):
        return request._cycles
    cycles = list(Cycle.objects.order_by("-start_date"))
    if request is not None:
        request._cycles = cycles
    return cycles


def team_tree() -> list[Team]:
    """Every team in tree order (by materialised path), shared until the next write."""
    return freshness.cached("team_tree", lambda: list(Team.objects.order_by("path")))


def led_team_ids(user: User) -> set[int]:
    return set(
        Membership.objects.filter(user=user, role=Membership.Role.LEAD).values_list(
            "team_id", flat=True
        )
    )


def member_team_ids(user: User) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("team_id", flat=True))


def primary_team(user: User) -> Team | None:
    membership = (
        Membership.objects.filter(user=user, is_primary=True).select_related("team").first()
    )
    return membership.team if membership else None


def active_people() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


# --- The organisation's pages (admins) --------------------------------------------------------

PEOPLE_PER_PAGE = 50


class PersonStatus:
    ACTIVE = "active"
    INVITED = "invited"
    DEACTIVATED = "deactivated"


def _open_invitations():
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)


def people_page(*, query: str = "", status: str = "", team_id: int | None = None, page=1) -> Page:
    """One page of people, searched by name or email, with their teams and roles and whether
    they are invited: four queries whatever the organisation's size (count, people, teams)."""
    people = User.objects.annotate(
        invited=Exists(_open_invitations().filter(user=OuterRef("pk")))
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("team").order_by(
                "-is_primary", "team__path"
            ),
        )
    )
    for word in query.split():
        people = people.filter(Q(display_name__icontains=word) | Q(email__icontains=word))
    if status == PersonStatus.ACTIVE:
        people = people.filter(is_active=True, invited=False)
    elif status == PersonStatus.INVITED:
        people = people.filter(is_active=True, invited=True)
    elif status == PersonStatus.DEACTIVATED:
        people = people.filter(is_active=False)
    if team_id is not None:
        people = people.filter(memberships__team_id=team_id).distinct()
    return Paginator(people.order_by("display_name", "email", "pk"), PEOPLE_PER_PAGE).get_page(page)


def person_with_teams(pk: int) -> User | None:
    return (
        User.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("team").order_by(
                    "-is_primary", "team__path"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class TeamRow:
    team: Team
    members: int
    leads: list[User]

    @property
    def lead_names(self) -> str:
        return ", ".join(lead.display_name for lead in self.leads)

    @property
    def depth_class(self) -> int:
        # The stylesheet indents up to eight levels; deeper teams stay at the eighth.
        return min(self.team.depth, 8)


def team_rows() -> list[TeamRow]:
    """The tree in order, with each team's member count and leads: two queries."""
    teams = list(
        Team.objects.annotate(
            members=Count("memberships", filter=Q(memberships__user__is_active=True))
        ).order_by("path")
    )
    leads: dict[int, list[User]] = {}
    for membership in (
        Membership.objects.filter(role=Membership.Role.LEAD, user__is_active=True)
        .select_related("user")
        .order_by("user__display_name")
    ):
        leads.setdefault(membership.team_id, []).append(membership.user)
    return [
        TeamRow(team=team, members=team.members, leads=leads.get(team.pk, [])) for team in teams
    ]


def pending_invitations() -> list[Invitation]:
    return list(
        _open_invitations()
        .filter(user__is_active=True)
        .select_related("user", "invited_by")
        .order_by("-created_at", "-pk")[:500]
    )
