"""Roll-ups from the database: set-based reads of the stored objective scores, and the
daily snapshot write. The definitions themselves live in objectives.rollup (pure).

Every read is a fixed number of queries whatever the size of the organisation: one GROUP BY
per kind of objective, the team list, the people list; the tree is combined in Python.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from objectives import rollup
from objectives.models import Objective, ScoreSnapshot
from objectives.rollup import EMPTY, Tally, TeamNode, TeamScore
from okrapp.core.models import Cycle, Team, User

STORED = Decimal("1e-12")  # the snapshot columns keep 12 decimal places
# The node types as plain strings: a tuple holding an enum member stays tracked by the
# garbage collector, and a roll-up's thousands of them made it sweep the whole heap.
TEAM, PERSON = ScoreSnapshot.NodeType.TEAM.value, ScoreSnapshot.NodeType.PERSON.value


def _tally_rows(queryset: QuerySet, key: str) -> Iterator[tuple[Any, Tally]]:
    """Sum and count of the scores of `queryset`, grouped by `key`: (group, tally) pairs.

    PostgreSQL adds NUMERIC values exactly, so it groups in SQL. SQLite would add them as
    floating point: there the stored values (exact Decimals once read) are added in Python.
    """
    queryset = queryset.filter(score__isnull=False).order_by()
    if connection.vendor == "postgresql":
        rows = queryset.values(key).annotate(total=Sum("score"), n=Count("id"))
        for row in rows:
            yield row[key], Tally(Decimal(row["total"]), row["n"])
        return
    tallies: dict = {}
    for group, score in queryset.values_list(key, "score"):
        tallies[group] = tallies.get(group, EMPTY) + Tally(Decimal(score), 1)
    yield from tallies.items()


def _tallies(queryset: QuerySet, key: str) -> dict:
    return dict(_tally_rows(queryset, key))


def team_nodes() -> list[TeamNode]:
    return [
        TeamNode(pk, parent_id, path)
        for pk, parent_id, path in Team.objects.order_by("path").values_list(
            "id", "parent_id", "path"
        )
    ]


def own_tallies(cycle_id: int, company_id: int | None) -> dict[int, Tally]:
    """Team objectives by team; company objectives by the company (the root team)."""
    objectives = Objective.objects.filter(cycle_id=cycle_id).exclude(
        level=Objective.Level.INDIVIDUAL
    )
    if company_id is not None:
        # Company objectives belong to the root, whatever team they were filed under.
        node = Case(
            When(level=Objective.Level.COMPANY, then=Value(company_id)),
            default=F("team_id"),
            output_field=IntegerField(),
        )
    else:
        node = F("team_id")
    return _tallies(objectives.annotate(node=node), "node")


def people_tallies_by_team(cycle_id: int) -> dict[int, Tally]:
    """Individual objectives by their owner's primary team (else the objective's team)."""
    objectives = (
        Objective.objects.filter(cycle_id=cycle_id, level=Objective.Level.INDIVIDUAL)
        # A LEFT JOIN on the primary membership: 4x faster than a correlated subquery.
        .annotate(
            primary_membership=FilteredRelation(
                "owner__memberships", condition=Q(owner__memberships__is_primary=True)
            )
        )
        .annotate(
            node=Coalesce(
                F("primary_membership__team_id"), F("team_id"), output_field=IntegerField()
            )
        )
    )
    return _tallies(objectives, "node")


def _individual_objectives(cycle_id: int, user_ids: Iterable[int] | None = None) -> QuerySet:
    objectives = Objective.objects.filter(cycle_id=cycle_id, level=Objective.Level.INDIVIDUAL)
    if user_ids is not None:
        objectives = objectives.filter(owner_id__in=list(user_ids))
    return objectives


def person_tallies(cycle_id: int, user_ids: Iterable[int] | None = None) -> dict[int, Tally]:
    """Individual objectives by owner; all owners, or only `user_ids`."""
    return _tallies(_individual_objectives(cycle_id, user_ids), "owner_id")


def team_scores(cycle_id: int, teams: list[TeamNode] | None = None) -> dict[int, TeamScore]:
    """Every team's own and rolled-up score now, from the stored objective scores."""
    teams = team_nodes() if teams is None else teams
    return rollup.roll_up(
        teams,
        own_tallies(cycle_id, rollup.root_id(teams)),
        people_tallies_by_team(cycle_id),
    )


def _stored(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(STORED, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RollupResult:
    cycle_id: int
    day: datetime.date
    teams: int = 0
    people: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    frozen: bool = False


SNAPSHOT_COLUMNS = [
    "cycle_id",
    "day",
    "node_type",
    "team_id",
    "user_id",
    "own_score",
    "rolled_up_score",
    "scored_objectives",
    "is_final",
]


# The PostgreSQL type of each of SNAPSHOT_COLUMNS, for unnest().
SNAPSHOT_COLUMN_TYPES = [
    "bigint",
    "date",
    "varchar",
    "bigint",
    "bigint",
    "numeric",
    "numeric",
    "integer",
    "boolean",
]


def _insert_snapshots(rows: list[tuple], batch: int = 500) -> None:
    """Rows in SNAPSHOT_COLUMNS' order: building 5,000 model instances and the ORM's
    bulk_create took most of a 5,000-person roll-up.

    PostgreSQL takes them in one statement, a column per array parameter: psycopg's
    client-side binding parses a query's text for its placeholders, and a few thousand of
    them took longer than the insert itself. Elsewhere, a few hundred rows per statement.
    """
    if not rows:
        return
    table = connection.ops.quote_name(ScoreSnapshot._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in SNAPSHOT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for kind in SNAPSHOT_COLUMN_TYPES)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})",
                [[row[index] for row in rows] for index in range(len(SNAPSHOT_COLUMNS))],
            )
            return
        row_placeholders = "(" + ", ".join(["%s"] * len(SNAPSHOT_COLUMNS)) + ")"
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join([row_placeholders] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",
                [value for row in chunk for value in row],
            )


@transaction.atomic
def snapshots_refresh(
    *, cycle_id: int, day: datetime.date | None = None, final: bool = False
) -> RollupResult:
    """Store one snapshot per team and per person for `day`: an upsert, so a second run the
    same day writes nothing.

    1. Lock the cycle row: two runs for one cycle take turns instead of racing.
    2. A cycle with final snapshots is frozen: nothing more is written. A closed cycle's
       run is always the final one.
    3. Compute the team scores (roll_up) and the person scores (active people, and anyone
       owning a scored individual objective) with a fixed number of queries.
    4. Compare with the day's rows: insert the missing, update the changed, delete the
       rows of nodes that no longer exist. (PostgreSQL cannot infer our partial unique
       indexes in ON CONFLICT, so the upsert is done by hand under the lock.)
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    day = day or timezone.localdate()
    if ScoreSnapshot.objects.filter(cycle=cycle, is_final=True).exists():
        return RollupResult(cycle_id, day, frozen=True)
    final = final or cycle.status == Cycle.Status.CLOSED

    teams = team_nodes()
    scores = team_scores(cycle.pk, teams)
    # Each person's tally turned into plain values at once: thousands of tallies kept
    # alive through the run made the garbage collector sweep the whole heap.
    people = {
        user_id: (_stored(tally.mean), _stored(tally.mean), tally.count)
        for user_id, tally in _tally_rows(_individual_objectives(cycle.pk), "owner_id")
    }
    person_ids = set(User.objects.filter(is_active=True).order_by().values_list("id", flat=True))
    person_ids.update(people)

    wanted: dict[tuple[str, int], tuple] = {}
    for team_id, team_score in scores.items():
        wanted[(TEAM, team_id)] = (
            _stored(team_score.own_score),
            _stored(team_score.rolled_up_score),
            team_score.subtree.count,
        )
    unscored = (None, None, 0)
    for user_id in person_ids:
        wanted[(PERSON, user_id)] = people.get(user_id, unscored)

    # Both node types named: PostgreSQL then reads the day from the (cycle, node type, day)
    # index instead of scanning the cycle's whole history. Plain tuples, not instances.
    existing = {}
    for pk, node_type, team_id, user_id, *values in ScoreSnapshot.objects.filter(
        cycle=cycle, day=day, node_type__in=ScoreSnapshot.NodeType.values
    ).values_list(
        "id",
        "node_type",
        "team_id",
        "user_id",
        "own_score",
        "rolled_up_score",
        "scored_objectives",
        "is_final",
    ):
        node = team_id if node_type == TEAM else user_id
        existing[(node_type, node)] = (pk, tuple(values))

    to_create, to_update = [], []
    for (node_type, node_id), (own, rolled_up, count) in wanted.items():
        found = existing.pop((node_type, node_id), None)
        if found is None:
            is_team = node_type == TEAM
            to_create.append(
                (
                    cycle.pk,
                    day,
                    node_type,
                    node_id if is_team else None,
                    None if is_team else node_id,
                    own,
                    rolled_up,
                    count,
                    final,
                )
            )
        elif found[1] != (own, rolled_up, count, final):
            to_update.append(
                ScoreSnapshot(
                    pk=found[0],
                    own_score=own,
                    rolled_up_score=rolled_up,
                    scored_objectives=count,
                    is_final=final,
                )
            )
    stale = [pk for pk, _ in existing.values()]

    _insert_snapshots(to_create)
    if to_update:
        ScoreSnapshot.objects.bulk_update(
            to_update,
            ["own_score", "rolled_up_score", "scored_objectives", "is_final"],
            batch_size=500,
        )
    if stale:
        ScoreSnapshot.objects.filter(pk__in=stale).delete()
    return RollupResult(
        cycle.pk,
        day,
        teams=len(scores),
        people=len(person_ids),
        created=len(to_create),
        updated=len(to_update),
        deleted=len(stale),
    )


@dataclass
class Scoreboard:
    """Every team's and active person's score in a cycle."""

    teams: list[Team]
    scores: dict[int, TeamScore]
    people: list[User]
    tallies: dict[int, Tally]


def cycle_scoreboard(cycle_id: int) -> Scoreboard:
    """Five queries whatever the size: teams, two GROUP BYs for teams, one for people, people."""
    teams = list(Team.objects.order_by("path").only("id", "name", "parent_id", "path"))
    scores = team_scores(cycle_id, [TeamNode(t.pk, t.parent_id, t.path) for t in teams])
    tallies = person_tallies(cycle_id)
    people = list(
        User.objects.filter(is_active=True).order_by("display_name", "id").only("display_name")
    )
    return Scoreboard(teams=teams, scores=scores, people=people, tallies=tallies)


# What changed since last week ----------------------------------------------------------

WEEK = datetime.timedelta(days=7)


def last_weekly_snapshot_day(
    cycle_id: int,
    today: datetime.date | None = None,
    node_type: str = ScoreSnapshot.NodeType.TEAM,
) -> datetime.date:
    """The day of the snapshot a week ago: the latest one taken seven days or more before
    `today`. None while the cycle's snapshots are all younger than a week."""
    return latest_snapshot_day(cycle_id, (today or timezone.localdate()) - WEEK, node_type)


def latest_snapshot_day(
    cycle_id: int, day: datetime.date, node_type: str = ScoreSnapshot.NodeType.TEAM
) -> datetime.date | None:
    """The latest night on or before `day` with snapshots of `node_type`. Filtering on the
    node type lets PostgreSQL read the (cycle, node type, day) index backwards instead of
    scanning the whole history (25 ms at 5,000 people)."""
    return (
        ScoreSnapshot.objects.filter(cycle_id=cycle_id, node_type=node_type, day__lte=day)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )


def weekly_snapshot_scores(
    cycle_id: int,
    node_type: str,
    *,
    node_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> dict[int, Decimal | None]:
    """Each node's rolled-up score in the last weekly snapshot (a team's or a person's, by
    `node_type`): two queries whatever the number of nodes; empty without such a snapshot."""
    return snapshot_scores(
        cycle_id, node_type, last_weekly_snapshot_day(cycle_id, today, node_type), node_ids
    )


def snapshot_scores(
    cycle_id: int,
    node_type: str,
    day: datetime.date | None,
    node_ids: Iterable[int] | None = None,
) -> dict[int, Decimal | None]:
    """Each node's rolled-up score in the snapshot of `day`: one query; empty without a day."""
    if day is None:
        return {}
    node = "team_id" if node_type == ScoreSnapshot.NodeType.TEAM else "user_id"
    rows = ScoreSnapshot.objects.filter(cycle_id=cycle_id, day=day, node_type=node_type)
    if node_ids is not None:
        rows = rows.filter(**{f"{node}__in": list(node_ids)})
    return dict(rows.values_list(node, "rolled_up_score"))


def score_change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Points gained (positive) or lost since the snapshot; None when either is unscored."""
    if now is None or before is None:
        return None
    return Decimal(now) - Decimal(before)


def team_score_changes_since_last_weekly_snapshot(
    cycle_id: int, scores: dict[int, TeamScore], today: datetime.date | None = None
) -> dict[int, Decimal | None]:
    """Each team's rolled-up score now (`scores`, from team_scores) minus the one in the last
    weekly snapshot; teams without a change to show are left out. Two queries."""
    before = weekly_snapshot_scores(cycle_id, ScoreSnapshot.NodeType.TEAM, today=today)
    changes = {}
    for team_id, score in scores.items():
        change = score_change(score.rolled_up_score, before.get(team_id))
        if change is not None:
            changes[team_id] = change
    return changes


def person_score_changes_since_last_weekly_snapshot(
    cycle_id: int, tallies: dict[int, Tally], today: datetime.date | None = None
) -> dict[int, Decimal]:
    """Each person's score now (`tallies`, from person_tallies) minus the last weekly
    snapshot's; two queries for the people given."""
    before = weekly_snapshot_scores(
        cycle_id, ScoreSnapshot.NodeType.PERSON, node_ids=list(tallies), today=today
    )
    changes = {}
    for user_id, tally in tallies.items():
        change = score_change(tally.mean, before.get(user_id))
        if change is not None:
            changes[user_id] = change
    return changes


@dataclass(frozen=True)
class ScoreChange:
    """A team's rolled-up score now and in a snapshot taken before (None: nothing scored)."""

    now: Decimal | None
    before: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


def team_score_changes_since(
    cycle_id: int, team_ids: Iterable[int], day: datetime.date
) -> dict[int, ScoreChange]:
    """Each team's rolled-up score now (live, from the stored objective scores) and in its
    latest nightly snapshot taken on or before `day` (the weekly digest: a week ago). Five
    queries whatever the number of teams: the live roll-up's three, two for the snapshots."""
    team_ids = list(team_ids)
    scores = team_scores(cycle_id)
    before = snapshot_scores(
        cycle_id, ScoreSnapshot.NodeType.TEAM, latest_snapshot_day(cycle_id, day), team_ids
    )
    return {
        team_id: ScoreChange(
            now=scores[team_id].rolled_up_score if team_id in scores else None,
            before=before.get(team_id),
        )
        for team_id in team_ids
    }
