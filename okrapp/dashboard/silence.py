"""Who has not checked in this week: the people owning key results in the cycle of which
none was checked in since Monday (the organisation's week), grouped by where they work.

- an admin or a lead of the company sees the whole organisation, by department (the teams
  right under the company; people of the company team itself form their own group);
- another lead sees the teams they lead, each with its sub-teams, by team;
- anyone else sees no such list (it is a lead's tool, not a public board).

Three queries whatever the size (the owners' counts, their primary teams, their names),
shared until the next write (okrapp.core.freshness).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from objectives.models import KeyResult
from okrapp.core import freshness
from okrapp.core.models import Cycle, Membership, Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.weeks import week_of

NAMES_PER_GROUP = 12


@dataclass
class SilentGroup:
    team: Team
    people: list[User] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.people)


@dataclass
class Silence:
    by_department: bool
    groups: list[SilentGroup]
    oversight: str = ""  # whose silence this is: "all", or the led teams' ids

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def sees_whole_organisation(viewer: Viewer, company: Team | None) -> bool:
    return viewer.is_admin or (company is not None and company.pk in viewer.lead_team_ids)


def silent_people(cycle: Cycle, viewer: Viewer, teams: list[Team]) -> Silence | None:
    """`teams`: every team in path order (the dashboard's). None for whom it is not."""
    by_id = {team.pk: team for team in teams}
    company = next((team for team in teams if team.parent_id is None), None)
    whole = sees_whole_organisation(viewer, company)
    led = [by_id[pk] for pk in viewer.lead_team_ids if pk in by_id]
    if not whole and not led:
        return None
    oversight = "all" if whole else ",".join(map(str, sorted(team.pk for team in led)))
    groups = freshness.cached(
        "silent_groups",
        lambda: _groups(cycle, by_id, whole, led),
        cycle.pk,
        week_of().start,
        oversight,
    )
    return Silence(by_department=whole, groups=groups, oversight=oversight)


def _groups(
    cycle: Cycle, by_id: dict[int, Team], whole: bool, led: list[Team]
) -> list[SilentGroup]:
    home, names = freshness.cached(
        "silent_owners", lambda: _silent_owners(cycle), cycle.pk, week_of().start
    )
    grouped: dict[int, list[int]] = {}
    for user_id, team_id in home.items():
        team = by_id.get(team_id)
        if team is None:
            continue
        if whole:
            lineage = team.lineage_ids
            group_team = by_id[lineage[1]] if len(lineage) > 1 else team
        elif any(team.path.startswith(lead.path) for lead in led):
            group_team = team
        else:
            continue
        grouped.setdefault(group_team.pk, []).append(user_id)
    ordered = []
    for team_id, user_ids in sorted(grouped.items(), key=lambda item: by_id[item[0]].path):
        shown = sorted(user_ids, key=lambda pk: (names.get(pk, "").lower(), pk))
        people = [User(pk=pk, display_name=names.get(pk, "")) for pk in shown[:NAMES_PER_GROUP]]
        ordered.append(SilentGroup(by_id[team_id], people=people, total=len(user_ids)))
    return ordered


def _silent_owners(cycle: Cycle) -> tuple[dict[int, int], dict[int, str]]:
    """Every active owner of a key result of the cycle with none checked in this week: where
    they work (their primary team, else their first) and their names. Three queries."""
    since = week_of().start
    owners = list(
        KeyResult.objects.filter(
            objective__cycle=cycle, objective__archived_at=None, owner__is_active=True
        )
        .order_by()
        .values("owner_id")
        .annotate(checked=Count("id", filter=Q(last_checkin_at__gte=since)))
        .filter(checked=0)
        .values_list("owner_id", flat=True)
    )
    # Where each works (their primary team, else their first), as plain values.
    home: dict[int, int] = {}
    for user_id, team_id in (
        Membership.objects.filter(user_id__in=owners)
        .order_by("-is_primary", "team__path")
        .values_list("user_id", "team_id")
    ):
        home.setdefault(user_id, team_id)
    names = dict(User.objects.filter(pk__in=list(home)).values_list("pk", "display_name"))
    return home, names
