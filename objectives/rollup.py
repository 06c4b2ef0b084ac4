"""Score roll-ups, exactly: pure functions over Decimals and plain values, no ORM.

Definitions (issue 5):

- a person's score in a cycle is the mean of the scores of their individual objectives;
- a team's own score is the mean of its team objectives' scores (the company, the root team,
  owns the company objectives);
- a team's rolled-up score is the mean of every objective in its subtree: its own and its
  descendant teams' team objectives, and the individual objectives of the people whose
  PRIMARY team is in the subtree (someone without a primary team counts under the
  objective's team). The company's rolled-up score therefore covers the whole cycle;
- objectives without a score are left out; a node with nothing scored has no score (None).

Means are kept as (sum, count) tallies so that sets can be combined up the tree without
losing a digit: the mean of a union is the sum of the sums over the sum of the counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from okrapp.core.weeks import monday_of

ZERO = Decimal(0)
LEVEL_COMPANY = "company"
LEVEL_TEAM = "team"
LEVEL_INDIVIDUAL = "individual"


@dataclass(frozen=True)
class Tally:
    """The sum and the count of some scores; their mean is exact in Decimal."""

    total: Decimal = ZERO
    count: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.total + other.total, self.count + other.count)

    @property
    def mean(self) -> Decimal | None:
        return self.total / self.count if self.count else None


EMPTY = Tally()


@dataclass(frozen=True)
class TeamNode:
    id: int
    parent_id: int | None
    path: str


@dataclass(frozen=True)
class ObjectiveRow:
    """What the roll-up needs of an objective."""

    level: str
    team_id: int
    owner_id: int
    score: Decimal | None


@dataclass(frozen=True)
class TeamScore:
    own: Tally
    subtree: Tally

    @property
    def own_score(self) -> Decimal | None:
        return self.own.mean

    @property
    def rolled_up_score(self) -> Decimal | None:
        return self.subtree.mean


def tally(scores: Iterable[Decimal | None]) -> Tally:
    present = [Decimal(score) for score in scores if score is not None]
    return Tally(sum(present, ZERO), len(present))


def root_id(teams: Iterable[TeamNode]) -> int | None:
    return next((team.id for team in teams if team.parent_id is None), None)


def own_tallies(objectives: Iterable[ObjectiveRow], *, company_id: int | None) -> dict[int, Tally]:
    """Team and company objectives by the team that owns them (company ones by the root)."""
    tallies: dict[int, Tally] = {}
    for objective in objectives:
        if objective.score is None or objective.level == LEVEL_INDIVIDUAL:
            continue
        team_id = (
            company_id
            if objective.level == LEVEL_COMPANY and company_id is not None
            else objective.team_id
        )
        tallies[team_id] = tallies.get(team_id, EMPTY) + Tally(Decimal(objective.score), 1)
    return tallies


def person_tallies(objectives: Iterable[ObjectiveRow]) -> dict[int, Tally]:
    """Individual objectives by owner."""
    tallies: dict[int, Tally] = {}
    for objective in objectives:
        if objective.score is None or objective.level != LEVEL_INDIVIDUAL:
            continue
        owner = objective.owner_id
        tallies[owner] = tallies.get(owner, EMPTY) + Tally(Decimal(objective.score), 1)
    return tallies


def people_tallies_by_team(
    objectives: Iterable[ObjectiveRow], primary_team_of: Mapping[int, int]
) -> dict[int, Tally]:
    """Individual objectives by their owner's primary team (else the objective's team)."""
    tallies: dict[int, Tally] = {}
    for objective in objectives:
        if objective.score is None or objective.level != LEVEL_INDIVIDUAL:
            continue
        team_id = primary_team_of.get(objective.owner_id, objective.team_id)
        tallies[team_id] = tallies.get(team_id, EMPTY) + Tally(Decimal(objective.score), 1)
    return tallies


def roll_up(
    teams: Iterable[TeamNode],
    own: Mapping[int, Tally],
    people: Mapping[int, Tally],
) -> dict[int, TeamScore]:
    """Every team's own and subtree tallies.

    1. Sort the teams by materialised path: a parent's path is a prefix of its children's,
       so in reverse order every child comes before its parent.
    2. Walking that reverse order, a team's subtree is its own objectives, the individual
       objectives counted under it, and its children's subtrees (already complete).
    Tallies attached to a team id not in `teams` are ignored.
    """
    ordered = sorted(teams, key=lambda team: team.path)
    subtree: dict[int, Tally] = {
        team.id: own.get(team.id, EMPTY) + people.get(team.id, EMPTY) for team in ordered
    }
    for team in reversed(ordered):
        if team.parent_id is not None and team.parent_id in subtree:
            subtree[team.parent_id] = subtree[team.parent_id] + subtree[team.id]
    return {team.id: TeamScore(own.get(team.id, EMPTY), subtree[team.id]) for team in ordered}


def score_table(
    teams: list[TeamNode],
    objectives: list[ObjectiveRow],
    primary_team_of: Mapping[int, int],
) -> tuple[dict[int, TeamScore], dict[int, Decimal | None]]:
    """The whole roll-up from plain objective rows: (team scores, person scores)."""
    company = root_id(teams)
    teams_scores = roll_up(
        teams,
        own_tallies(objectives, company_id=company),
        people_tallies_by_team(objectives, primary_team_of),
    )
    people = {owner: t.mean for owner, t in person_tallies(objectives).items()}
    return teams_scores, people


def sum_up_counts(teams: Iterable[TeamNode], counts: Mapping[int, tuple[int, int]]) -> dict:
    """Pairs of counts (e.g. key results, checked in) summed over each team's subtree."""
    ordered = sorted(teams, key=lambda team: team.path)
    totals = {team.id: tuple(counts.get(team.id, (0, 0))) for team in ordered}
    for team in reversed(ordered):
        if team.parent_id is not None and team.parent_id in totals:
            parent = totals[team.parent_id]
            child = totals[team.id]
            totals[team.parent_id] = (parent[0] + child[0], parent[1] + child[1])
    return totals


def checkin_streak(week_starts: Iterable[datetime.date], today: datetime.date) -> int:
    """Consecutive ISO weeks with at least one check-in, counted back from this week.

    The current week does not break a streak before it is over: with no check-in yet this
    week, the count starts from last week.
    """
    weeks = {monday_of(day) for day in week_starts}
    week = monday_of(today)
    if week not in weeks:
        week -= datetime.timedelta(days=7)
    streak = 0
    while week in weeks:
        streak += 1
        week -= datetime.timedelta(days=7)
    return streak
