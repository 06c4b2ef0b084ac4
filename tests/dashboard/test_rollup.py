"""The roll-up definitions, on hand-computed tables (pure: no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from objectives.rollup import (
    ObjectiveRow,
    Tally,
    TeamNode,
    checkin_streak,
    roll_up,
    score_table,
    sum_up_counts,
)

D = Decimal
COMPANY, MARKETING, ACQUISITION, SALES = 1, 2, 3, 4
P1, P2, P3 = 11, 12, 13
TEAMS = [
    TeamNode(COMPANY, None, "1/"),
    TeamNode(MARKETING, COMPANY, "1/2/"),
    TeamNode(ACQUISITION, MARKETING, "1/2/3/"),
    TeamNode(SALES, COMPANY, "1/4/"),
]
# P1's primary team is Acquisition (P1 is also a member of Sales); P2 in Sales; P3 in Marketing.
PRIMARY = {P1: ACQUISITION, P2: SALES, P3: MARKETING}


def objective(level: str, team: int, owner: int, score: str | None) -> ObjectiveRow:
    return ObjectiveRow(level, team, owner, None if score is None else D(score))


TABLE = [
    objective("company", COMPANY, P2, "80"),
    objective("company", COMPANY, P2, None),  # unscored: left out
    objective("team", MARKETING, P3, "60"),
    objective("team", ACQUISITION, P1, "30"),
    objective("team", ACQUISITION, P1, "45"),
    objective("team", SALES, P2, "90"),
    objective("individual", ACQUISITION, P1, "50"),
    objective("individual", SALES, P1, "70"),  # filed under Sales, counts under Acquisition
    objective("individual", SALES, P2, "20"),  # private objectives are rows like any other
    objective("individual", MARKETING, P3, None),
]


def test_team_own_scores_are_the_mean_of_their_team_objectives():
    teams, _ = score_table(TEAMS, TABLE, PRIMARY)
    assert teams[COMPANY].own_score == D(80)
    assert teams[MARKETING].own_score == D(60)
    assert teams[ACQUISITION].own_score == D("37.5")
    assert teams[SALES].own_score == D(90)


def test_rolled_up_scores_cover_the_subtree_and_the_people_of_its_teams():
    teams, _ = score_table(TEAMS, TABLE, PRIMARY)
    # Acquisition: 30, 45 and P1's 50, 70.
    assert teams[ACQUISITION].rolled_up_score == D("48.75")
    # Marketing: 60 and Acquisition's four.
    assert teams[MARKETING].rolled_up_score == D(51)
    # Sales: 90 and P2's 20; P1's objective filed under Sales is not Sales's.
    assert teams[SALES].rolled_up_score == D(55)
    # The company: every scored objective of the cycle (8 of them).
    assert teams[COMPANY].rolled_up_score == D("55.625")
    assert teams[COMPANY].subtree.count == 8


def test_person_scores_are_the_mean_of_their_individual_objectives():
    _, people = score_table(TEAMS, TABLE, PRIMARY)
    assert people == {P1: D(60), P2: D(20)}


def test_a_person_in_several_teams_counts_once_under_their_primary_team():
    teams, _ = score_table(TEAMS, TABLE, PRIMARY)
    counted = sum(teams[team].subtree.count for team in (ACQUISITION, SALES))
    assert teams[ACQUISITION].subtree.count + teams[SALES].subtree.count == counted == 6
    assert teams[SALES].subtree == Tally(D(110), 2)


def test_someone_without_a_primary_team_counts_under_the_objective_team():
    teams, _ = score_table(TEAMS, [objective("individual", SALES, 99, "40")], PRIMARY)
    assert teams[SALES].rolled_up_score == D(40)
    assert teams[COMPANY].rolled_up_score == D(40)


def test_an_empty_cycle_has_no_score_anywhere():
    teams, people = score_table(TEAMS, [], PRIMARY)
    assert all(score.own_score is None for score in teams.values())
    assert all(score.rolled_up_score is None for score in teams.values())
    assert people == {}


def test_a_cycle_with_nothing_scored_has_no_score_anywhere():
    unscored = [objective(row.level, row.team_id, row.owner_id, None) for row in TABLE]
    teams, people = score_table(TEAMS, unscored, PRIMARY)
    assert {score.rolled_up_score for score in teams.values()} == {None}
    assert {score.own_score for score in teams.values()} == {None}
    assert people == {}


def test_a_team_with_only_people_objectives_has_a_rolled_up_but_no_own_score():
    teams, _ = score_table(TEAMS, [objective("individual", ACQUISITION, P1, "10")], PRIMARY)
    assert teams[ACQUISITION].own_score is None
    assert teams[ACQUISITION].rolled_up_score == D(10)


def test_means_are_exact_to_the_last_decimal():
    rows = [objective("team", SALES, P2, value) for value in ("10", "20", "20.000000000001")]
    teams, _ = score_table(TEAMS, rows, PRIMARY)
    assert teams[SALES].own_score == D("50.000000000001") / 3
    assert teams[COMPANY].rolled_up_score == D("50.000000000001") / 3


def test_roll_up_does_not_depend_on_the_order_of_the_teams():
    own = {ACQUISITION: Tally(D(30), 1), SALES: Tally(D(90), 1)}
    in_order = roll_up(TEAMS, own, {})
    shuffled = roll_up(list(reversed(TEAMS)), own, {})
    assert in_order == shuffled
    assert in_order[COMPANY].rolled_up_score == D(60)


def test_counts_are_summed_over_each_subtree():
    totals = sum_up_counts(TEAMS, {ACQUISITION: (4, 1), MARKETING: (2, 2), SALES: (3, 0)})
    assert totals[ACQUISITION] == (4, 1)
    assert totals[MARKETING] == (6, 3)
    assert totals[COMPANY] == (9, 3)


MONDAY = datetime.date(2026, 11, 23)


def weeks_ago(*numbers: int) -> list[datetime.date]:
    # A Wednesday of each week: any day of the week counts.
    return [MONDAY - datetime.timedelta(weeks=n) + datetime.timedelta(days=2) for n in numbers]


def test_streak_counts_consecutive_weeks_back_from_this_week():
    assert checkin_streak(weeks_ago(0, 1, 2, 4), MONDAY + datetime.timedelta(days=3)) == 3


def test_streak_is_not_broken_by_a_week_that_is_not_over():
    assert checkin_streak(weeks_ago(1, 2), MONDAY) == 2


def test_streak_is_zero_after_a_missed_week():
    assert checkin_streak(weeks_ago(2, 3), MONDAY) == 0
    assert checkin_streak([], MONDAY) == 0
