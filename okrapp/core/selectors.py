"""Reads about the organisation shared by pages, API and tasks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Lower
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


PERSON_FIELDS = ("pk", "display_name", "email", "is_staff", "language", "last_login", "is_active")


def people_page(*, query: str = "", status: str = "", team_id: int | None = None, page=1) -> Page:
    """One page of people, searched by name or email, with their teams and roles and whether
    they are invited, as plain values (a dict of PERSON_FIELDS per person, `invited`, its
    `memberships` ordered primary first): four queries whatever the organisation's size
    (count, people, their invitations and teams)."""
    people = User.objects.all()
    for word in query.split():
        people = people.filter(Q(display_name__icontains=word) | Q(email__icontains=word))
    # Whether a person is invited is read for the people shown only, unless it filters them:
    # as a column of every person, it would be computed for everyone before the page's cut.
    invited = Exists(_open_invitations().filter(user=OuterRef("pk")))
    if status == PersonStatus.ACTIVE:
        people = people.filter(~invited, is_active=True)
    elif status == PersonStatus.INVITED:
        people = people.filter(invited, is_active=True)
    elif status == PersonStatus.DEACTIVATED:
        people = people.filter(is_active=False)
    if team_id is not None:
        people = people.filter(memberships__team_id=team_id).distinct()
    ordered = people.order_by("display_name", "email", "pk").values(*PERSON_FIELDS)
    shown = Paginator(ordered, PEOPLE_PER_PAGE).get_page(page)
    rows = list(shown.object_list)
    pks = [row["pk"] for row in rows]
    invited_pks = set(_open_invitations().filter(user_id__in=pks).values_list("user_id", flat=True))
    memberships: dict[int, list[dict]] = {}
    for membership in (
        Membership.objects.filter(user_id__in=pks)
        .order_by("-is_primary", "team__path")
        .values("user_id", "team__name", "is_primary", "role")
    ):
        memberships.setdefault(membership["user_id"], []).append(membership)
    for row in rows:
        row["invited"] = row["pk"] in invited_pks
        row["memberships"] = memberships.get(row["pk"], [])
    shown.object_list = rows
    return shown


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


@dataclass
class TeamRow:
    """A team of the organisation tree, with its active members, its leads and, when its
    branch is open, its sub-teams' rows."""

    team: Team
    members: int
    leads: list[User]
    sub_teams: int = 0
    open: bool = False
    children: list[TeamRow] = field(default_factory=list)

    @property
    def lead_names(self) -> str:
        return ", ".join(lead.display_name for lead in self.leads)


@dataclass(frozen=True)
class TeamMatch:
    team: Team
    path_names: list[str]  # from the company down to the team's parent


@dataclass(frozen=True)
class OrgTree:
    rows: list[TeamRow]  # the company, its sub-teams below it
    open_id: int | None  # the team whose path is open (`?open=`, or the single match)
    query: str = ""
    matches: list[TeamMatch] = field(default_factory=list)
    more_matches: bool = False


TEAM_MATCHES = 20


def _team_rows(teams: QuerySet[Team]) -> list[TeamRow]:
    """Rows for `teams`, ordered by name: two queries, one for the teams with their counts
    (correlated subqueries, so members and sub-teams do not multiply each other), one for the
    leads of those teams only."""
    members = (
        Membership.objects.filter(team=OuterRef("pk"), user__is_active=True)
        .order_by()
        .values("team")
        .annotate(count=Count("*"))
        .values("count")
    )
    sub_teams = (
        Team.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(count=Count("*"))
        .values("count")
    )
    teams = list(
        teams.annotate(
            member_count=Coalesce(Subquery(members), 0),
            sub_team_count=Coalesce(Subquery(sub_teams), 0),
        ).order_by(Lower("name"), "pk")
    )
    leads: dict[int, list[User]] = {}
    for membership in (
        Membership.objects.filter(
            role=Membership.Role.LEAD, user__is_active=True, team__in=[t.pk for t in teams]
        )
        .select_related("user")
        .order_by("user__display_name", "user__pk")
    ):
        leads.setdefault(membership.team_id, []).append(membership.user)
    return [
        TeamRow(
            team=team,
            members=team.member_count,
            leads=leads.get(team.pk, []),
            sub_teams=team.sub_team_count,
        )
        for team in teams
    ]


def org_tree(*, open_id: int | None = None, query: str = "") -> OrgTree:
    """`_org_tree`, shared by the admins until the next write (it shows nothing private)."""
    return freshness.cached(
        "org_tree",
        lambda: _org_tree(open_id=open_id, query=query),
        open_id or "",
        hashlib.sha256(query.encode()).hexdigest()[:16],
    )


def _org_tree(*, open_id: int | None = None, query: str = "") -> OrgTree:
    """The organisation for its admins, a few levels at a time: the company and its sub-teams,
    with the path down to `open_id` open, that team's sub-teams shown. A `query` finds teams
    by name; when a single one matches and nothing else is asked, its path opens.

    At most six queries whatever the size of the organisation: the matches and their paths'
    names, the opened team's path, the rows shown and their leads."""
    matches, more = team_matches(query) if query else ([], False)
    if open_id is None and len(matches) == 1:
        open_id = matches[0].team.pk
    path = None
    if open_id is not None:
        path = Team.objects.filter(pk=open_id).values_list("path", flat=True).first()
        open_id = open_id if path else None
    lineage = [int(part) for part in (path or "").split("/") if part]
    shown = Team.objects.filter(
        Q(parent__isnull=True) | Q(parent__parent__isnull=True) | Q(parent_id__in=lineage)
    )
    rows = _team_rows(shown)
    by_parent: dict[int | None, list[TeamRow]] = {}
    for row in rows:
        by_parent.setdefault(row.team.parent_id, []).append(row)
    for row in rows:
        row.children = by_parent.get(row.team.pk, [])
        # The company is always open: its sub-teams are the tree's first level.
        row.open = bool(row.children) and (row.team.parent_id is None or row.team.pk in lineage)
    return OrgTree(
        rows=by_parent.get(None, []),
        open_id=open_id,
        query=query,
        matches=matches,
        more_matches=more,
    )


def team_branch(team: Team) -> list[TeamRow]:
    """A team's sub-teams, closed (the htmx answer of its toggle): two queries."""
    return _team_rows(Team.objects.filter(parent=team))


def team_matches(query: str) -> tuple[list[TeamMatch], bool]:
    """The first teams whose name contains `query`, each with its path's names, and whether
    there are more: two queries."""
    teams = Team.objects.filter(name__icontains=query).order_by(Lower("name"), "pk")
    found = list(teams[: TEAM_MATCHES + 1])
    ancestor_ids = {pk for team in found[:TEAM_MATCHES] for pk in team.ancestor_ids}
    names = dict(Team.objects.filter(pk__in=ancestor_ids).values_list("pk", "name"))
    matches = [
        TeamMatch(team=team, path_names=[names[pk] for pk in team.ancestor_ids if pk in names])
        for team in found[:TEAM_MATCHES]
    ]
    return matches, len(found) > TEAM_MATCHES


def pending_invitations() -> list[Invitation]:
    return list(
        _open_invitations()
        .filter(user__is_active=True)
        .select_related("user", "invited_by")
        .order_by("-created_at", "-pk")[:500]
    )
