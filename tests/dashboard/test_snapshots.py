"""Roll-ups from the database, the daily snapshots, closing a cycle."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from objectives.models import Objective, ScoreSnapshot
from objectives.rollup_services import person_tallies, team_scores
from objectives.services import cycle_close
from objectives.tasks import rollup_active_cycles, rollup_scores
from okrapp.core.models import Cycle, Membership
from tests.factories import CycleFactory, MembershipFactory, ObjectiveFactory, TeamFactory

pytestmark = pytest.mark.django_db

D = Decimal
DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def organisation(company, cycle, team, other_team):
    """The hand-computed table of test_rollup.py, in the database.

    company ─ team (Marketing) ─ acquisition
            └ other_team (Ventes)
    """
    acquisition = TeamFactory(name="Acquisition", parent=team)
    p1 = MembershipFactory(team=acquisition, is_primary=True).user
    Membership.objects.create(user=p1, team=other_team, is_primary=False)
    p2 = MembershipFactory(team=other_team, is_primary=True).user
    p3 = MembershipFactory(team=team, is_primary=True).user

    def objective(level, on, owner, score, **extra):
        extra.setdefault("cycle", cycle)
        return ObjectiveFactory(
            level=level,
            team=on,
            owner=owner,
            score=None if score is None else D(score),
            **extra,
        )

    objective(Objective.Level.COMPANY, company, p2, "80")
    objective(Objective.Level.COMPANY, company, p2, None)
    objective(Objective.Level.TEAM, team, p3, "60")
    objective(Objective.Level.TEAM, acquisition, p1, "30")
    objective(Objective.Level.TEAM, acquisition, p1, "45")
    objective(Objective.Level.TEAM, other_team, p2, "90")
    objective(Objective.Level.INDIVIDUAL, acquisition, p1, "50")
    objective(Objective.Level.INDIVIDUAL, other_team, p1, "70")
    objective(
        Objective.Level.INDIVIDUAL,
        other_team,
        p2,
        "20",
        visibility=Objective.Visibility.PRIVATE,
    )
    objective(Objective.Level.INDIVIDUAL, team, p3, None)
    # Another cycle's objectives never count.
    objective(Objective.Level.TEAM, team, p3, "0", cycle=CycleFactory(status=Cycle.Status.CLOSED))
    return {
        "company": company,
        "marketing": team,
        "acquisition": acquisition,
        "sales": other_team,
        "p1": p1,
        "p2": p2,
        "p3": p3,
        "cycle": cycle,
    }


def test_database_roll_up_matches_the_hand_computed_table(organisation):
    o = organisation
    scores = team_scores(o["cycle"].pk)
    assert scores[o["company"].pk].own_score == D(80)
    assert scores[o["acquisition"].pk].own_score == D("37.5")
    assert scores[o["acquisition"].pk].rolled_up_score == D("48.75")
    assert scores[o["marketing"].pk].rolled_up_score == D(51)
    assert scores[o["sales"].pk].rolled_up_score == D(55)
    assert scores[o["company"].pk].rolled_up_score == D("55.625")


def test_private_objectives_count_in_the_scores(organisation):
    o = organisation
    assert person_tallies(o["cycle"].pk)[o["p2"].pk].mean == D(20)
    assert team_scores(o["cycle"].pk)[o["sales"].pk].subtree.count == 2


def test_a_person_in_two_teams_counts_once_under_the_primary_team(organisation):
    o = organisation
    scores = team_scores(o["cycle"].pk)
    assert scores[o["acquisition"].pk].subtree.count == 4
    assert scores[o["sales"].pk].subtree.count == 2
    assert scores[o["company"].pk].subtree.count == 8


def test_rollup_stores_one_snapshot_per_team_and_person(organisation):
    o = organisation
    rollup_scores(o["cycle"].pk, day=DAY)
    company = ScoreSnapshot.objects.get(node_type="team", team=o["company"], day=DAY)
    assert company.own_score == D(80)
    assert company.rolled_up_score == D("55.625")
    assert company.scored_objectives == 8
    assert ScoreSnapshot.objects.filter(node_type="team").count() == 4
    p1 = ScoreSnapshot.objects.get(node_type="person", user=o["p1"])
    assert p1.own_score == D(60)
    assert ScoreSnapshot.objects.get(node_type="person", user=o["p3"]).own_score is None


def test_snapshot_keeps_twelve_decimals(cycle, team, member):
    for value in ("10", "20", "20"):
        ObjectiveFactory(cycle=cycle, team=team, owner=member, score=D(value))
    rollup_scores(cycle.pk, day=DAY)
    snapshot = ScoreSnapshot.objects.get(node_type="team", team=team)
    assert snapshot.own_score == D("16.666666666667")


def snapshot_rows():
    return sorted(
        ScoreSnapshot.objects.values_list(
            "id", "cycle", "day", "node_type", "team", "user", "own_score", "rolled_up_score"
        ),
        key=str,
    )


def test_running_the_rollup_twice_a_day_changes_nothing(organisation):
    cycle = organisation["cycle"]
    rollup_scores(cycle.pk, day=DAY)
    first = snapshot_rows()
    result = rollup_scores(cycle.pk, day=DAY)
    assert snapshot_rows() == first
    assert (result["created"], result["updated"], result["deleted"]) == (0, 0, 0)


def test_a_later_run_the_same_day_updates_the_changed_scores(organisation):
    o = organisation
    rollup_scores(o["cycle"].pk, day=DAY)
    Objective.objects.filter(team=o["sales"], level=Objective.Level.TEAM).update(score=D(40))
    result = rollup_scores(o["cycle"].pk, day=DAY)
    assert result["created"] == 0
    sales = ScoreSnapshot.objects.get(node_type="team", team=o["sales"], day=DAY)
    assert sales.rolled_up_score == D(30)


def test_a_later_run_the_same_day_removes_the_snapshot_of_someone_who_left(organisation):
    o = organisation
    rollup_scores(o["cycle"].pk, day=DAY)
    o["p3"].is_active = False  # nothing of theirs is scored: they no longer count
    o["p3"].save(update_fields=["is_active"])
    result = rollup_scores(o["cycle"].pk, day=DAY)
    assert (result["created"], result["updated"], result["deleted"]) == (0, 0, 1)
    assert not ScoreSnapshot.objects.filter(node_type="person", user=o["p3"]).exists()


def test_each_day_gets_its_own_snapshots(organisation):
    cycle = organisation["cycle"]
    rollup_scores(cycle.pk, day=DAY)
    rollup_scores(cycle.pk, day=DAY + datetime.timedelta(days=1))
    assert ScoreSnapshot.objects.filter(node_type="team").count() == 8


def test_rollup_takes_the_same_number_of_queries_for_a_bigger_organisation(
    company, cycle, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(teams: int) -> int:
        for _ in range(teams):
            team = TeamFactory(parent=company)
            member = MembershipFactory(team=team).user
            ObjectiveFactory(cycle=cycle, team=team, owner=member, score=D(50))
            ObjectiveFactory(
                cycle=cycle,
                team=team,
                owner=member,
                level=Objective.Level.INDIVIDUAL,
                score=D(20),
            )
        ScoreSnapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            rollup_scores(cycle.pk, day=DAY)
        return len(queries)

    small = grow(2)
    large = grow(20)
    assert large == small


def test_closing_a_cycle_stores_final_scores_and_freezes_them(
    organisation, django_capture_on_commit_callbacks
):
    o = organisation
    cycle = o["cycle"]
    rollup_scores(cycle.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert cycle_close(cycle=cycle) is True
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    finals = ScoreSnapshot.objects.filter(cycle=cycle, is_final=True)
    assert finals.filter(node_type="team", team=o["company"]).get().rolled_up_score == D("55.625")

    Objective.objects.filter(cycle=cycle).update(score=D(0))
    result = rollup_scores(cycle.pk, day=DAY)
    assert result["frozen"] is True
    assert not ScoreSnapshot.objects.filter(cycle=cycle, day=DAY).exists()


def test_closing_a_closed_cycle_does_nothing(cycle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cycle_close(cycle=cycle)
        assert cycle_close(cycle=cycle) is False
    assert len(callbacks) == 1


def test_nightly_rollup_skips_closed_cycles(organisation):
    closed = CycleFactory(status=Cycle.Status.CLOSED)
    assert rollup_active_cycles() == [organisation["cycle"].pk]
    assert not ScoreSnapshot.objects.filter(cycle=closed).exists()
    assert ScoreSnapshot.objects.filter(cycle=organisation["cycle"]).exists()


def test_rollup_of_a_closed_cycle_is_its_final_one(organisation):
    cycle = organisation["cycle"]
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    rollup_scores(cycle.pk, day=DAY)
    assert not ScoreSnapshot.objects.filter(cycle=cycle, is_final=False).exists()


def test_management_command_rolls_up_a_given_cycle(organisation, capsys):
    call_command("rollup_scores", "--cycle", str(organisation["cycle"].pk))
    assert "4 teams" in capsys.readouterr().out
    assert ScoreSnapshot.objects.filter(node_type="team").count() == 4


def test_management_command_rolls_up_every_active_cycle(organisation):
    call_command("rollup_scores")
    assert ScoreSnapshot.objects.filter(cycle=organisation["cycle"]).exists()
