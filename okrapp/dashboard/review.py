"""The quarterly review of a cycle: the company and each team with its subtree, read by the
pure rules of objectives.review. Four queries whatever the size of the organisation."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncWeek

from checkins.models import CheckIn
from objectives.models import KeyResult, Objective
from objectives.review import ObjectiveRow, Review, review
from okrapp.core.models import Cycle, Team
from okrapp.core.weeks import local_date, monday_of, organisation_zone


@dataclass(frozen=True)
class TeamReview:
    team: Team
    depth: int
    review: Review


def cycle_weeks(cycle: Cycle, today: datetime.date) -> int:
    """The ISO weeks of the cycle so far (all of them once it has ended)."""
    last = min(cycle.end_date, today)
    if last < cycle.start_date:
        return 0
    return (monday_of(last) - monday_of(cycle.start_date)).days // 7 + 1


def cycle_review(cycle: Cycle, *, today: datetime.date | None = None) -> list[TeamReview]:
    """The company first, then each team in tree order, each over its subtree. A graded
    objective is read on its final score, the others on their score. Private objectives count
    (as in every score) but are never named here."""
    teams = list(Team.objects.order_by("path"))
    rows_by_team: dict[int, list[ObjectiveRow]] = {}
    for team_id, kind, score, final_score in Objective.objects.filter(cycle=cycle).values_list(
        "team_id", "kind", "score", "final_score"
    ):
        rows_by_team.setdefault(team_id, []).append(
            ObjectiveRow(kind=kind, score=final_score if final_score is not None else score)
        )
    key_results = Counter(
        dict(
            KeyResult.objects.filter(objective__cycle=cycle)
            .values("objective__team_id")
            .annotate(n=Count("id"))
            .values_list("objective__team_id", "n")
        )
    )
    checked = Counter(
        team_id
        for team_id, _kr, _week in CheckIn.objects.filter(key_result__objective__cycle=cycle)
        .annotate(week=TruncWeek("created_at", tzinfo=organisation_zone()))
        .values_list("key_result__objective__team_id", "key_result_id", "week")
        .distinct()
    )
    weeks = cycle_weeks(cycle, today or local_date())
    reviews = []
    for team in teams:
        subtree = [t.pk for t in teams if t.path.startswith(team.path)]
        reviews.append(
            TeamReview(
                team=team,
                depth=team.depth,
                review=review(
                    [row for pk in subtree for row in rows_by_team.get(pk, [])],
                    checked_weeks=sum(checked[pk] for pk in subtree),
                    expected_weeks=sum(key_results[pk] for pk in subtree) * weeks,
                ),
            )
        )
    return reviews
