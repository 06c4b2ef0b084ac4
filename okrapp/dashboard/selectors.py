"""Reads for the dashboard, the team page and the person page.

Every function issues a fixed number of queries whatever the size of the organisation;
scores are computed live from the stored objective scores (objectives.rollup_services), the
trends come from the nightly snapshots.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins.models import CheckIn
from objectives import rollup
from objectives.models import Confidence, KeyResult, Objective, ScoreSnapshot
from objectives.permissions import can_view_objective
from objectives.rollup import Tally, TeamNode, TeamScore
from objectives.rollup_services import person_tallies, team_scores
from okrapp.core import charts
from okrapp.core.models import Cycle, Membership, Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.weeks import week_of

STALE_AFTER = datetime.timedelta(days=14)
ATTENTION_LIMIT = 15
NO_CHECKIN = "none"


def share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


# Tree -----------------------------------------------------------------------------------


@dataclass
class TreeRow:
    team: Team
    score: TeamScore
    key_results: int
    checked_in: int
    has_children: bool
    open: bool = False
    children: list[TreeRow] = field(default_factory=list)

    @property
    def coverage(self) -> int | None:
        return share(self.checked_in, self.key_results)


@dataclass
class Organisation:
    """The teams with their live scores and this week's check-in coverage."""

    teams: list[Team]
    scores: dict[int, TeamScore]
    coverage: dict[int, tuple[int, int]]  # subtree (key results, checked in this week)
    confidence: dict[str, int]
    children: dict[int | None, list[Team]]

    @property
    def company(self) -> Team | None:
        roots = self.children.get(None, [])
        return roots[0] if roots else None

    def row(self, team: Team, open_ids: set[int]) -> TreeRow:
        key_results, checked_in = self.coverage.get(team.pk, (0, 0))
        children = self.children.get(team.pk, [])
        row = TreeRow(
            team=team,
            score=self.scores[team.pk],
            key_results=key_results,
            checked_in=checked_in,
            has_children=bool(children),
            open=team.pk in open_ids and bool(children),
        )
        if row.open:
            row.children = [self.row(child, open_ids) for child in children]
        return row

    def rows_under(self, team: Team, open_ids: set[int] | None = None) -> list[TreeRow]:
        return [self.row(child, open_ids or set()) for child in self.children.get(team.pk, [])]


def organisation(cycle: Cycle) -> Organisation:
    """Four queries: the teams, two score aggregates, one key result aggregate."""
    teams = list(Team.objects.order_by("path"))
    nodes = [TeamNode(team.pk, team.parent_id, team.path) for team in teams]
    scores = team_scores(cycle.pk, nodes)
    since = week_of().start
    rows = (
        KeyResult.objects.filter(objective__cycle=cycle, objective__archived_at=None)
        .order_by()
        .values("objective__team_id", "confidence")
        .annotate(
            total=Count("id"),
            checked=Count("id", filter=Q(last_checkin_at__gte=since)),
        )
    )
    own_counts: dict[int, tuple[int, int]] = {}
    confidence = dict.fromkeys([*Confidence.values, NO_CHECKIN], 0)
    for row in rows:
        team_id = row["objective__team_id"]
        total, checked = own_counts.get(team_id, (0, 0))
        own_counts[team_id] = (total + row["total"], checked + row["checked"])
        confidence[row["confidence"] or NO_CHECKIN] += row["total"]
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    return Organisation(
        teams=teams,
        scores=scores,
        coverage=rollup.sum_up_counts(nodes, own_counts),
        confidence=confidence,
        children=children,
    )


def open_lineage(teams: list[Team], open_id: int | None) -> set[int]:
    """The ids to show expanded for `?open=ID`: that team and its ancestors."""
    if open_id is None:
        return set()
    team = next((team for team in teams if team.pk == open_id), None)
    return set(team.lineage_ids) if team else set()


# Confidence and attention -------------------------------------------------------------


@dataclass(frozen=True)
class ConfidenceSlice:
    key: str
    label: str
    count: int
    percent: int
    offset: int  # where its segment starts in a 0–100 bar


def confidence_slices(counts: dict[str, int]) -> list[ConfidenceSlice]:
    labels = {
        Confidence.ON_TRACK: _("On track"),
        Confidence.AT_RISK: _("At risk"),
        Confidence.OFF_TRACK: _("Off track"),
        NO_CHECKIN: _("No check-in yet"),
    }
    total = sum(counts.values())
    slices, offset = [], 0
    for key, label in labels.items():
        percent = share(counts.get(key, 0), total) or 0
        slices.append(ConfidenceSlice(str(key), str(label), counts.get(key, 0), percent, offset))
        offset += percent
    return slices


@dataclass
class AttentionItem:
    key_result: KeyResult
    visible: bool
    reason: str  # "off_track" or "stale"
    days_since: int | None

    @property
    def is_off_track(self) -> bool:
        return self.reason == "off_track"

    @property
    def is_stale(self) -> bool:
        """Checked in once, but not for STALE_AFTER or more."""
        return self.days_since is not None and self.days_since >= STALE_AFTER.days


def needs_attention(
    cycle: Cycle, viewer: Viewer, limit: int = ATTENTION_LIMIT
) -> tuple[list[AttentionItem], int]:
    """Key results off track, or without a check-in for two weeks or more (never checked in
    counts once the cycle is two weeks old). Two queries, whatever the number."""
    now = timezone.now()
    stale = Q(last_checkin_at__lt=now - STALE_AFTER)
    if cycle.start_date <= timezone.localdate() - STALE_AFTER:
        stale |= Q(last_checkin_at__isnull=True)
    queryset = KeyResult.objects.filter(objective__cycle=cycle, objective__archived_at=None).filter(
        Q(confidence=Confidence.OFF_TRACK) | stale
    )
    # First the ids of the most urgent, with the total (a window over the whole set, before
    # LIMIT); then those few rows with their objective and owner. Sorting narrow rows is
    # three times faster than sorting joined ones.
    ranked = list(
        queryset.annotate(
            off_track_first=Case(
                When(confidence=Confidence.OFF_TRACK, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            total=Window(Count("id")),
        )
        .order_by("off_track_first", F("last_checkin_at").asc(nulls_first=True), "id")
        .values_list("id", "total")[:limit]
    )
    total = ranked[0][1] if ranked else 0
    by_id = KeyResult.objects.select_related("objective", "owner").in_bulk([pk for pk, _ in ranked])
    key_results = [by_id[pk] for pk, _ in ranked if pk in by_id]
    items = [
        AttentionItem(
            key_result=key_result,
            visible=can_view_objective(viewer, key_result.objective),
            reason="off_track" if key_result.confidence == Confidence.OFF_TRACK else "stale",
            days_since=(now - key_result.last_checkin_at).days
            if key_result.last_checkin_at
            else None,
        )
        for key_result in key_results
    ]
    return items, total


# Trends -------------------------------------------------------------------------------


def trend_chart(
    snapshots: list[tuple[datetime.date, Decimal | None, Decimal | None]],
    *,
    cycle: Cycle,
    live: TeamScore | Tally | None,
    rolled_up_label: str,
    own_label: str | None = None,
) -> dict | None:
    """The chart of a node's snapshots (okrapp.core.charts); today's live score is
    appended while the cycle runs, so the line ends where the page's figures are."""
    points = [(day, own, rolled_up) for day, own, rolled_up in snapshots]
    today = timezone.localdate()
    if (
        live is not None
        and cycle.status != Cycle.Status.CLOSED
        and (not points or points[-1][0] < today)
    ):
        if isinstance(live, TeamScore):
            points.append((today, live.own_score, live.rolled_up_score))
        else:
            points.append((today, live.mean, live.mean))
    if not points or all(own is None and rolled is None for _, own, rolled in points):
        return None

    rolled_up = charts.series(rolled_up_label, (p[2] for p in points), places=1)
    lines = [rolled_up]
    if own_label:
        lines.append(charts.series(own_label, (p[1] for p in points), role=charts.OWN, places=1))
    return charts.line_chart(
        labels=charts.date_labels(p[0] for p in points),
        series=lines,
        y_min=0,
        y_max=100,
        y_title=_("Score"),
    )


def _snapshots(cycle: Cycle, node_type: str, **node) -> list:
    """(day, own score, rolled-up score) of one node over the cycle, oldest first."""
    return list(
        ScoreSnapshot.objects.filter(cycle=cycle, node_type=node_type, **node)
        .order_by("day")
        .values_list("day", "own_score", "rolled_up_score")
    )


def team_snapshots(cycle: Cycle, team_id: int) -> list:
    return _snapshots(cycle, ScoreSnapshot.NodeType.TEAM, team_id=team_id)


def person_snapshots(cycle: Cycle, user_id: int) -> list:
    return _snapshots(cycle, ScoreSnapshot.NodeType.PERSON, user_id=user_id)


# Team page ----------------------------------------------------------------------------


@dataclass
class ObjectiveLine:
    objective: Objective
    visible: bool


@dataclass
class MemberLine:
    membership: Membership
    score: Decimal | None
    scored: int


def team_objectives(cycle: Cycle, team: Team, viewer: Viewer) -> list[ObjectiveLine]:
    levels = [Objective.Level.TEAM]
    if team.is_company:
        levels.append(Objective.Level.COMPANY)
    objectives = (
        Objective.objects.filter(cycle=cycle, team=team, level__in=levels)
        .select_related("owner")
        .annotate(key_result_count=Count("key_results"))
        .order_by("level", "id")
    )
    return [ObjectiveLine(o, can_view_objective(viewer, o)) for o in objectives]


def team_members(cycle: Cycle, team: Team) -> list[MemberLine]:
    memberships = list(
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("role", "user__display_name")  # leads first
    )
    tallies = person_tallies(cycle.pk, [m.user_id for m in memberships])
    lines = []
    for membership in memberships:
        tally = tallies.get(membership.user_id, rollup.EMPTY)
        lines.append(MemberLine(membership, tally.mean, tally.count))
    return lines


# Person page --------------------------------------------------------------------------


def person_objectives(cycle: Cycle, person: User, viewer: Viewer) -> list[ObjectiveLine]:
    objectives = (
        Objective.objects.filter(cycle=cycle, owner=person)
        .select_related("team")
        .prefetch_related("key_results")
        .order_by("level", "id")
    )
    return [ObjectiveLine(o, can_view_objective(viewer, o)) for o in objectives]


def key_results_owned_elsewhere(cycle: Cycle, person: User, viewer: Viewer) -> list:
    """Key results the person owns in someone else's objectives."""
    key_results = (
        KeyResult.objects.filter(objective__cycle=cycle, objective__archived_at=None, owner=person)
        .exclude(objective__owner=person)
        .select_related("objective")
        .order_by("objective_id", "position", "id")
    )
    return [(kr, can_view_objective(viewer, kr.objective)) for kr in key_results]


def checkin_weeks(person: User, today: datetime.date, weeks: int = 104) -> list[datetime.date]:
    """The ISO weeks (their Mondays, organisation time) in which the person checked in."""
    since = week_of().start - datetime.timedelta(weeks=weeks)
    rows = (
        CheckIn.objects.filter(author=person, created_at__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values_list("week", flat=True)
        .distinct()
    )
    return [
        timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
        for week in rows
    ]


def checkin_streak(person: User) -> int:
    today = timezone.localdate()
    return rollup.checkin_streak(checkin_weeks(person, today), today)


# Pages --------------------------------------------------------------------------------


def _team_summary(
    cycle: Cycle, org: Organisation, team: Team, *, rolled_up_label: str, own_label: str
) -> dict:
    """A team's live score, this week's check-in coverage of its branch, and its trend."""
    score = org.scores[team.pk]
    key_results, checked_in = org.coverage.get(team.pk, (0, 0))
    chart = trend_chart(
        team_snapshots(cycle, team.pk),
        cycle=cycle,
        live=score,
        rolled_up_label=rolled_up_label,
        own_label=own_label,
    )
    return {
        "score": score,
        "key_results": key_results,
        "checked_in": checked_in,
        "coverage": share(checked_in, key_results),
        "chart": chart,
    }


def dashboard_page(cycle: Cycle, viewer: Viewer, *, open_id: int | None = None) -> dict:
    """What the dashboard shows of a cycle: the company's score, coverage and confidence, the
    team tree (opened down to `open_id`), the key results that need attention while the
    cycle runs, and the company's trend."""
    org = organisation(cycle)
    company = org.company
    page: dict = {"org": org, "company": company}
    if company is None:
        return page
    summary = _team_summary(
        cycle,
        org,
        company,
        rolled_up_label=_("Company score (everything)"),
        own_label=_("Company objectives"),
    )
    shows_attention = not cycle.is_closed
    attention, attention_total = needs_attention(cycle, viewer) if shows_attention else ([], 0)
    open_ids = open_lineage(org.teams, open_id) | {company.pk}
    return {
        **page,
        **summary,
        "confidence": confidence_slices(org.confidence),
        "rows": org.rows_under(company, open_ids),
        "shows_attention": shows_attention,
        "attention": attention,
        "attention_total": attention_total,
    }


def team_page(cycle: Cycle | None, team: Team, viewer: Viewer) -> dict:
    """What a team's page shows: its lineage, and in a cycle its scores, coverage, sub-teams,
    objectives, members and trend."""
    page: dict = {"lineage": list(Team.objects.filter(pk__in=team.ancestor_ids).order_by("path"))}
    if cycle is None:
        return page
    org = organisation(cycle)
    summary = _team_summary(
        cycle, org, team, rolled_up_label=_("Rolled-up score"), own_label=_("Own score")
    )
    return {
        **page,
        **summary,
        "sub_teams": org.rows_under(team),
        "objectives": team_objectives(cycle, team, viewer),
        "members": team_members(cycle, team),
    }


def person_page(cycle: Cycle | None, person: User, viewer: Viewer) -> dict:
    """What a person's page shows: their teams and check-in streak, and in a cycle their
    personal score, objectives, key results in others' objectives and trend."""
    page: dict = {
        "memberships": list(
            person.memberships.select_related("team").order_by("-is_primary", "team__path")
        ),
        "streak": checkin_streak(person),
    }
    if cycle is None:
        return page
    tally = person_tallies(cycle.pk, [person.pk]).get(person.pk, rollup.EMPTY)
    chart = trend_chart(
        person_snapshots(cycle, person.pk),
        cycle=cycle,
        live=tally,
        rolled_up_label=_("Personal score"),
    )
    return {
        **page,
        "score": tally.mean,
        "scored": tally.count,
        "objectives": person_objectives(cycle, person, viewer),
        "other_key_results": key_results_owned_elsewhere(cycle, person, viewer),
        "chart": chart,
    }
