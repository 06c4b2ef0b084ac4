"""me, users, teams, cycles and the cycle's score roll-up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.services import objective_refresh_score
from tests.factories import KeyResultFactory, MembershipFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_me_is_the_signed_in_person(api_as, lead, team):
    body = api_as(lead).get("/api/v1/me/").json()
    assert body["id"] == lead.pk
    assert body["name"] == "Léa Lead"
    assert body["teams"] == [{"team": team.pk, "role": "lead", "is_primary": True}]
    assert body["is_admin"] is False


def test_users_are_listed_with_their_teams_and_filter_by_team(api_as, member, lead, outsider):
    api = api_as(member)
    assert api.get("/api/v1/users/").json()["count"] == 3
    rows = api.get(f"/api/v1/users/?team={outsider.memberships.get().team_id}").json()["results"]
    assert [row["id"] for row in rows] == [outsider.pk]
    assert set(rows[0]) == {"id", "name", "email", "teams"}


def test_users_are_read_only_for_people_other_than_admins(api_as, lead):
    assert api_as(lead).post("/api/v1/users/", {}, format="json").status_code == 403


def test_teams_form_a_tree_under_the_company(api_as, member, company, team):
    rows = api_as(member).get("/api/v1/teams/").json()["results"]
    assert rows[0] == {
        "id": company.pk,
        "name": company.name,
        "parent": None,
        "depth": 0,
        "is_company": True,
    }
    assert {"id": team.pk, "parent": company.pk}.items() <= rows[1].items()


def test_cycles_carry_name_start_end_and_status(api_as, member, cycle):
    row = api_as(member).get("/api/v1/cycles/?status=active").json()["results"][0]
    assert row == {
        "id": cycle.pk,
        "name": cycle.name,
        "start": cycle.start_date.isoformat(),
        "end": cycle.end_date.isoformat(),
        "status": "active",
    }


def test_the_cycle_scores_roll_up_company_teams_and_people(
    api_as, member, company, team, lead, cycle
):
    team_objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    KeyResultFactory(objective=team_objective, current_value=Decimal(80))
    mine = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    KeyResultFactory(objective=mine, current_value=Decimal("40.005"))
    for objective in (team_objective, mine):
        objective_refresh_score(objective_id=objective.pk)

    body = api_as(member).get(f"/api/v1/cycles/{cycle.pk}/scores/").json()
    assert body["cycle"] == cycle.pk
    assert body["company"]["id"] == company.pk
    assert body["company"]["own_score"] is None
    assert body["company"]["rolled_up_score"] == 60.0
    marketing = next(row for row in body["teams"] if row["id"] == team.pk)
    assert (marketing["own_score"], marketing["rolled_up_score"]) == (80.0, 60.0)
    assert marketing["parent"] == company.pk
    people = {row["id"]: row["score"] for row in body["people"]}
    assert people[member.pk] == 40.01
    assert people[lead.pk] is None


def test_the_scores_of_an_unknown_cycle_are_not_found(api_as, member):
    assert api_as(member).get("/api/v1/cycles/999999/scores/").status_code == 404


@pytest.mark.parametrize("size", [5, 50])
def test_the_cycle_scores_take_a_bounded_number_of_queries(
    api_as, member, team, cycle, size, django_assert_max_num_queries
):
    for _ in range(size):
        person = MembershipFactory(team=team).user
        objective = ObjectiveFactory(cycle=cycle, team=team, owner=person, level="individual")
        KeyResultFactory(objective=objective, current_value=Decimal(10))
        objective_refresh_score(objective_id=objective.pk)
    api = api_as(member)
    with django_assert_max_num_queries(9):
        response = api.get(f"/api/v1/cycles/{cycle.pk}/scores/")
    assert len(response.json()["people"]) == size + 1


@pytest.mark.parametrize("size", [5, 50])
def test_listing_people_takes_a_bounded_number_of_queries(
    api_as, member, team, size, django_assert_max_num_queries
):
    MembershipFactory.create_batch(size, team=team)
    api = api_as(member)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/users/?page_size=100")
    assert response.json()["count"] == size + 1
