"""Reads for the dashboard, the team page and the person page.

Every function issues a fixed number of queries whatever the size of the organisation;
scores are computed live from the stored objective scores (objectives.rollup_services), the
trends come from the nightly snapshots.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checkins.models import CheckIn
from kpis import health
from kpis.selectors import STATUS_LABELS, KPIHealth, KPIOverview, kpi_health, kpi_overview
from objectives import pace as pace_rules
from objectives import rollup, scoring
from objectives.models import Confidence, KeyResult, Objective, ScoreSnapshot
from objectives.permissions import can_view_objective
from objectives.rollup import Tally, TeamNode, TeamScore
from objectives.rollup_services import (
    person_score_changes_since_last_weekly_snapshot,
    person_tallies,
    team_score_changes_since_last_weekly_snapshot,
    team_scores,
)
from okrapp.core import charts, freshness
from okrapp.core.breadcrumbs import person_crumbs, team_crumbs
from okrapp.core.models import Cycle, Membership, Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.weeks import week_of
from okrapp.dashboard.attention import cycle_pace, needs_attention
from okrapp.dashboard.changes import week_changes
from okrapp.dashboard.silence import silent_people

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
    change: Decimal | None = None  # rolled-up score since the last weekly snapshot
    kpi_status: str = ""  # the worst status among the branch's KPIs
    kpi_status_label: str = ""

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
    changes: dict[int, Decimal | None] = field(default_factory=dict)
    kpis: KPIHealth | KPIOverview | None = None

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
            change=self.changes.get(team.pk),
            kpi_status=self.kpis.worst_by_team.get(team.pk, "") if self.kpis else "",
            kpi_status_label=self.kpis.worst_label(team.pk) if self.kpis else "",
        )
        if row.open:
            row.children = [self.row(child, open_ids) for child in children]
        return row

    def rows_under(self, team: Team, open_ids: set[int] | None = None) -> list[TreeRow]:
        return [self.row(child, open_ids or set()) for child in self.children.get(team.pk, [])]


@dataclass
class _Figures:
    """What `organisation` reads from the database, the same for every viewer."""

    teams: list[Team]
    scores: dict[int, TeamScore]
    coverage: dict[int, tuple[int, int]]
    confidence: dict[str, int]
    changes: dict[int, Decimal | None]


def _figures(cycle: Cycle) -> _Figures:
    """Six queries: the teams, two score aggregates, one key result aggregate, the last
    weekly snapshot's day and scores."""
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
    return _Figures(
        teams=teams,
        scores=scores,
        coverage=rollup.sum_up_counts(nodes, own_counts),
        confidence=confidence,
        changes=team_score_changes_since_last_weekly_snapshot(cycle.pk, scores),
    )


def organisation(
    cycle: Cycle, viewer: Viewer | None = None, *, kpi_history: bool = False
) -> Organisation:
    """The figures (`_figures`, shared by every viewer until the next write: no query once
    cached); with a viewer, the KPIs' health too (the dashboard's panel; `kpi_history`:
    every KPI with its recent periods, for the report's sparklines)."""
    figures = freshness.cached(
        "organisation", lambda: _figures(cycle), cycle.pk, timezone.localdate(), week_of().start
    )
    children: dict[int | None, list[Team]] = {}
    for team in figures.teams:
        children.setdefault(team.parent_id, []).append(team)
    return Organisation(
        teams=figures.teams,
        scores=figures.scores,
        coverage=figures.coverage,
        confidence=figures.confidence,
        children=children,
        changes=figures.changes,
        kpis=None
        if viewer is None
        else kpi_overview(viewer, with_history=True)
        if kpi_history
        else kpi_health(viewer),
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


# Trends -------------------------------------------------------------------------------


def trend_chart(
    snapshots: list[tuple[datetime.date, Decimal | None, Decimal | None]],
    *,
    cycle: Cycle,
    live: TeamScore | Tally | None,
    rolled_up_label: str,
    own_label: str | None = None,
    change: Decimal | None = None,
) -> dict | None:
    """The chart of a node's snapshots (okrapp.core.charts); today's live score is
    appended while the cycle runs, so the line ends where the page's figures are. The
    expected pace (objectives.pace) is drawn on the same days, and the headline says
    where the score stands against it."""
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
    pace = cycle_pace(cycle, points[-1][0])
    expected = pace.expected_on([p[0] for p in points], start=cycle.start_date, end=cycle.end_date)
    lines.append(charts.series(_("Expected pace"), expected, role=charts.PACE, places=1))
    return charts.line_chart(
        labels=charts.date_labels(p[0] for p in points),
        series=lines,
        y_min=0,
        y_max=100,
        y_title=_("Score"),
        headline=pace_rules.headline(points[-1][2], change, pace),
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


def _team_objectives(cycle: Cycle, team: Team) -> list[Objective]:
    levels = [Objective.Level.TEAM]
    if team.is_company:
        levels.append(Objective.Level.COMPANY)
    return list(
        Objective.objects.filter(cycle=cycle, team=team, level__in=levels)
        .select_related("owner")
        .defer("owner__password")
        .annotate(key_result_count=Count("key_results"))
        .order_by("level", "id")
    )


def team_objectives(cycle: Cycle, team: Team, viewer: Viewer) -> list[ObjectiveLine]:
    return [ObjectiveLine(o, can_view_objective(viewer, o)) for o in _team_objectives(cycle, team)]


def team_members(cycle: Cycle, team: Team) -> list[MemberLine]:
    memberships = list(
        Membership.objects.filter(team=team)
        .select_related("user")
        .defer("user__password")
        .order_by("role", "user__display_name")  # leads first
    )
    tallies = person_tallies(cycle.pk, [m.user_id for m in memberships])
    lines = []
    for membership in memberships:
        tally = tallies.get(membership.user_id, rollup.EMPTY)
        lines.append(MemberLine(membership, tally.mean, tally.count))
    return lines


# Person page --------------------------------------------------------------------------


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
    """A team's live score, its change this week and pace, this week's check-in coverage of
    its branch, and its trend."""
    score = org.scores[team.pk]
    key_results, checked_in = org.coverage.get(team.pk, (0, 0))
    change = org.changes.get(team.pk)
    chart = trend_chart(
        team_snapshots(cycle, team.pk),
        cycle=cycle,
        live=score,
        rolled_up_label=rolled_up_label,
        own_label=own_label,
        change=change,
    )
    return {
        "score": score,
        "score_change": change,
        "pace": cycle_pace(cycle) if not cycle.is_closed else None,
        "key_results": key_results,
        "checked_in": checked_in,
        "coverage": share(checked_in, key_results),
        "chart": chart,
    }


def dashboard_page(
    cycle: Cycle, viewer: Viewer, *, open_id: int | None = None, team: Team | None = None
) -> dict:
    """What the dashboard shows of a cycle, for the company or for `team` and its branch:
    the score with its change this week and its pace, coverage and confidence, the KPIs'
    health, the team tree (opened down to `open_id`), what changed this week, the key
    results that need attention and who has not checked in while the cycle runs, and the
    trend. A fixed number of queries whatever the size."""
    org = organisation(cycle, viewer)
    company = org.company
    page: dict = {"org": org, "company": company}
    if company is None:
        return page
    scope = team if team is not None and team.pk in org.scores else company
    summary = freshness.cached(
        "dashboard_summary",
        lambda: _team_summary(
            cycle,
            org,
            scope,
            rolled_up_label=_("Company score (everything)")
            if scope.is_company
            else _("Rolled-up score"),
            own_label=_("Company objectives") if scope.is_company else _("Own score"),
        ),
        cycle.pk,
        scope.pk,
        timezone.localdate(),
        translation.get_language() or "",
    )
    running = not cycle.is_closed
    scoped = scope if not scope.is_company else None
    attention, attention_total = needs_attention(cycle, viewer, team=scoped) if running else ([], 0)
    kpis = org.kpis if scoped is None else kpi_health(viewer, within=scope)
    open_ids = open_lineage(org.teams, open_id) | set(scope.lineage_ids) | {company.pk}
    return {
        **page,
        **summary,
        "scope": scope,
        "open_ids": open_ids,
        "confidence": confidence_slices(org.confidence),
        "rows": org.rows_under(scope, open_ids),
        "kpis": kpis,
        "kpi_statuses": kpi_status_slices(kpis),
        "scope_kpi_status": org.kpis.worst_by_team.get(scope.pk, ""),
        "scope_kpi_label": org.kpis.worst_label(scope.pk),
        "shows_attention": running,
        "attention": attention,
        "attention_total": attention_total,
        "changes": week_changes(cycle, viewer, team=scoped) if running else None,
        "movers": freshness.cached(
            "top_movers", lambda: top_movers(org, scope), cycle.pk, scope.pk, timezone.localdate()
        ),
        "silence": silent_people(cycle, viewer, org.teams) if running else None,
    }


@dataclass(frozen=True)
class StatusCount:
    key: str
    label: str
    count: int


def kpi_status_slices(overview: KPIHealth) -> list[StatusCount]:
    """Healthy, watch, alert and stale, in that order (KPIs without a measurement apart)."""
    return [
        StatusCount(key, str(STATUS_LABELS[key]), overview.counts.get(key, 0))
        for key in (health.GREEN, health.AMBER, health.RED, health.STALE)
    ]


@dataclass(frozen=True)
class Mover:
    team: Team
    change: Decimal
    score: Decimal | None


def top_movers(org: Organisation, scope: Team, limit: int = 5) -> tuple[list, list]:
    """The teams under `scope` whose rolled-up score rose and fell most this week."""
    movers = [
        Mover(team, org.changes[team.pk], org.scores[team.pk].rolled_up_score)
        for team in org.teams
        if team.pk != scope.pk
        and team.path.startswith(scope.path)
        and org.changes.get(team.pk)
        and scoring.display(abs(org.changes[team.pk]))
    ]
    rising = sorted((m for m in movers if m.change > 0), key=lambda m: -m.change)[:limit]
    falling = sorted((m for m in movers if m.change < 0), key=lambda m: m.change)[:limit]
    return rising, falling


def _team_figures(cycle: Cycle, team: Team) -> dict:
    """What a team's page shows the same to every viewer, private objectives included
    (`team_page` masks them per viewer after the cached read)."""
    org = organisation(cycle)
    summary = _team_summary(
        cycle, org, team, rolled_up_label=_("Rolled-up score"), own_label=_("Own score")
    )
    return {
        "crumbs": team_crumbs(team, include_self=False),
        **summary,
        "sub_teams": org.rows_under(team),
        "objectives": _team_objectives(cycle, team),
        "members": team_members(cycle, team),
    }


def team_page(cycle: Cycle | None, team: Team, viewer: Viewer) -> dict:
    """What a team's page shows: its breadcrumbs, and in a cycle its scores with their
    change and pace, coverage, sub-teams, objectives, members and trend (shared by every
    viewer until the next write: no query once cached)."""
    if cycle is None:
        return {"crumbs": team_crumbs(team, include_self=False)}
    figures = freshness.cached(
        "team_page",
        lambda: _team_figures(cycle, team),
        cycle.pk,
        team.pk,
        timezone.localdate(),
        week_of().start,
        translation.get_language() or "",
    )
    objectives = [ObjectiveLine(o, can_view_objective(viewer, o)) for o in figures["objectives"]]
    return {**figures, "objectives": objectives}


def person_shown(cycle: Cycle | None, person: User) -> dict:
    """What a person's page shows whoever sees it, kept until the next write
    (okrapp.core.freshness): their breadcrumbs, teams and check-in streak, and in a cycle
    their personal score with its change, trend, and all their objectives (with their key
    results) and key results in others' objectives, private ones included: `person_page`
    masks those per viewer after the read. Shared and read-only."""

    def compute() -> dict:
        shown: dict = {
            "crumbs": person_crumbs(person, include_self=False),
            "memberships": list(
                person.memberships.select_related("team").order_by("-is_primary", "team__path")
            ),
            "streak": checkin_streak(person),
        }
        if cycle is None:
            return shown
        tallies = person_tallies(cycle.pk, [person.pk])
        tally = tallies.get(person.pk, rollup.EMPTY)
        change = person_score_changes_since_last_weekly_snapshot(cycle.pk, tallies).get(person.pk)
        return {
            **shown,
            "score": tally.mean,
            "score_change": change,
            "scored": tally.count,
            "objectives": list(
                Objective.objects.filter(cycle=cycle, owner=person)
                .select_related("team")
                .prefetch_related("key_results")
                .order_by("level", "id")
            ),
            "other_key_results": list(
                KeyResult.objects.filter(
                    objective__cycle=cycle, objective__archived_at=None, owner=person
                )
                .exclude(objective__owner=person)
                .select_related("objective")
                .order_by("objective_id", "position", "id")
            ),
            "chart": trend_chart(
                person_snapshots(cycle, person.pk),
                cycle=cycle,
                live=tally,
                rolled_up_label=_("Personal score"),
                change=change,
            ),
        }

    return freshness.cached(
        "person_shown",
        compute,
        person.pk,
        cycle.pk if cycle else "",
        translation.get_language() or "",
        timezone.localdate(),
    )


def person_page(cycle: Cycle | None, person: User, viewer: Viewer) -> dict:
    """What a person's page shows the viewer (`person_shown`): the objectives they may not
    see and the key results in them are masked."""
    shown = person_shown(cycle, person)
    if cycle is None:
        return dict(shown)
    return {
        **shown,
        "pace": cycle_pace(cycle) if not cycle.is_closed else None,
        "objectives": [
            ObjectiveLine(objective, can_view_objective(viewer, objective))
            for objective in shown["objectives"]
        ],
        "other_key_results": [
            (key_result, can_view_objective(viewer, key_result.objective))
            for key_result in shown["other_key_results"]
        ],
    }
