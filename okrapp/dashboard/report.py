"""The quarterly report: a cycle for the company or for one team with its sub-teams, as
people read it in a board meeting. One read builds everything the HTML page and the PDF
show, in a fixed number of queries whatever the size of the scope:

1. the organisation's scores, their change since the last weekly snapshot and the KPIs'
   health (dashboard.selectors.organisation);
2. the scope's trend from its snapshots, with the expected pace;
3. the scope's objectives with their key results (two queries), private ones masked for
   readers who may not see them (objectives.permissions.can_view_objective);
4. highlights (the teams that rose most this week, the best-scored objectives) and
   lowlights (key results off track, stale KPIs).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone

from kpis import health
from kpis.selectors import overview_within
from objectives.models import Confidence, KeyResult, Objective
from objectives.pace import Pace
from objectives.pace import headline as pace_headline
from objectives.permissions import can_view_objective
from okrapp.core import charts
from okrapp.core.models import Cycle, Team
from okrapp.core.permissions import Viewer
from okrapp.dashboard.attention import cycle_pace
from okrapp.dashboard.selectors import organisation, team_snapshots, top_movers

TREND_WIDTH, TREND_HEIGHT = 600, 140
# Up to this many objectives the PDF is made while the reader waits; a larger scope goes to
# a worker (okrapp.dashboard.tasks.render_report_pdf) and the page shows its progress.
DIRECT_PDF_LIMIT = 150
# Beyond this many objectives, individual objectives are summed up per team (how many, their
# mean score, their key results off track) and company and team objectives are shown in
# full: a leadership review reads those, and the whole company's thousands of personal
# objectives would make a PDF of a thousand pages that no worker makes in its time limit.
DETAIL_LIMIT = 300


@dataclass
class ReportObjective:
    objective: Objective
    visible: bool
    key_results: list[KeyResult]
    pace_status: str | None


@dataclass
class PeopleSummary:
    """A team's individual objectives, summed up (a large scope's report)."""

    team: Team
    objectives: int
    mean_score: object
    off_track: int


@dataclass
class TeamLine:
    team: Team
    depth: int
    own: object
    rolled_up: object
    change: object
    pace_status: str | None


def scope_objectives(cycle: Cycle, scope: Team):
    """The objectives of the scope's teams (company objectives for the company), in tree
    order."""
    return Objective.objects.filter(cycle=cycle, team__path__startswith=scope.path)


def objective_count(cycle: Cycle, scope: Team) -> int:
    return scope_objectives(cycle, scope).count()


def _trend(cycle: Cycle, scope: Team, score, change, pace: Pace) -> dict | None:
    snapshots = team_snapshots(cycle, scope.pk)
    days = [day for day, _own, _rolled in snapshots]
    values = [rolled for _day, _own, rolled in snapshots]
    today = timezone.localdate()
    if not cycle.is_closed and (not days or days[-1] < today):
        days.append(today)
        values.append(score)
    if not any(value is not None for value in values):
        return None
    expected = pace.expected_on(days, start=cycle.start_date, end=cycle.end_date)
    size = {"width": TREND_WIDTH, "height": TREND_HEIGHT}
    return {
        "score_points": charts.svg_points(values, **size),
        "pace_points": charts.svg_points(expected, **size),
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "first": days[0],
        "last": days[-1],
        "rows": list(zip(charts.date_labels(days), values, expected, strict=True)),
        "headline": pace_headline(score, change, pace),
    }


def quarterly_report(cycle: Cycle, viewer: Viewer, *, team: Team | None = None) -> dict:
    org = organisation(cycle, viewer, kpi_history=True)
    company = org.company
    if company is None:
        return {"company": None}
    scope = team if team is not None and team.pk in org.scores else company
    pace = cycle_pace(cycle)
    score = org.scores[scope.pk]
    change = org.changes.get(scope.pk)

    teams = [
        TeamLine(
            team=node,
            depth=node.depth - scope.depth,
            own=org.scores[node.pk].own_score,
            rolled_up=org.scores[node.pk].rolled_up_score,
            change=org.changes.get(node.pk),
            pace_status=pace.status(org.scores[node.pk].rolled_up_score),
        )
        for node in org.teams
        if node.path.startswith(scope.path)
    ]

    in_scope = scope_objectives(cycle, scope)
    detailed = in_scope.count() <= DETAIL_LIMIT
    listed = in_scope if detailed else in_scope.exclude(level=Objective.Level.INDIVIDUAL)
    key_results = KeyResult.objects.select_related("owner").order_by("position", "id")
    objectives = [
        ReportObjective(
            objective=objective,
            visible=can_view_objective(viewer, objective),
            key_results=list(objective.key_results.all()),
            pace_status=pace.status(objective.score, aspirational=objective.is_aspirational),
        )
        for objective in listed.select_related("owner", "team")
        .prefetch_related(Prefetch("key_results", queryset=key_results))
        .order_by("team__path", "level", "id")
    ]
    kpis = overview_within(org.kpis, scope)
    rising, _falling = top_movers(org, scope)
    best = sorted(
        (line for line in objectives if line.objective.score is not None),
        key=lambda line: -line.objective.score,
    )[:5]
    off_track = [
        (line, key_result)
        for line in objectives
        for key_result in line.key_results
        if key_result.confidence == Confidence.OFF_TRACK
    ]
    return {
        "detailed": detailed,
        "people_summaries": [] if detailed else people_summaries(cycle, scope, org.teams),
        "company": company,
        "scope": scope,
        "cycle": cycle,
        "pace": pace if not cycle.is_closed else None,
        "score": score,
        "score_change": change,
        "trend": _trend(cycle, scope, score.rolled_up_score, change, pace),
        "teams": teams,
        "objectives": objectives,
        "is_graded": cycle.status in (Cycle.Status.GRADING, Cycle.Status.CLOSED),
        "kpis": kpis,
        "rising": rising,
        "best": best,
        "off_track": off_track[:20],
        "off_track_total": len(off_track),
        "stale_kpis": [line for line in kpis.lines if line.status == health.STALE],
        "generated_at": timezone.now(),
    }


def people_summaries(cycle: Cycle, scope: Team, teams: list[Team]) -> list[PeopleSummary]:
    """Each team's individual objectives in the scope: one GROUP BY. No title shows, so no
    private one needs masking; they all count, as in every score."""
    rows = (
        scope_objectives(cycle, scope)
        .filter(level=Objective.Level.INDIVIDUAL)
        .order_by()
        .values("team_id")
        .annotate(
            objectives=Count("id", distinct=True),
            mean_score=Avg("score"),
            off_track=Count("key_results", filter=Q(key_results__confidence=Confidence.OFF_TRACK)),
        )
    )
    by_team = {row["team_id"]: row for row in rows}
    return [
        PeopleSummary(
            team=team,
            objectives=by_team[team.pk]["objectives"],
            mean_score=by_team[team.pk]["mean_score"],
            off_track=by_team[team.pk]["off_track"],
        )
        for team in teams
        if team.pk in by_team
    ]
