"""Check-ins through the API have exactly the page's effects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from checkins.models import CheckIn
from objectives.models import Objective
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

CHECKIN_FIELDS = {
    "id",
    "key_result",
    "value",
    "confidence",
    "comment",
    "blockers",
    "author",
    "created_at",
}


@pytest.fixture
def key_result(cycle, team, member):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    return KeyResultFactory(objective=objective, owner=member, start_value=0, target_value=200)


def check_in(api, key_result, value=50, **extra):
    return api.post(
        "/api/v1/check-ins/",
        {"key_result": key_result.pk, "value": value, "confidence": "on_track", **extra},
        format="json",
    )


def test_a_check_in_sets_the_key_result_value_and_the_scores(api_as, member, key_result):
    response = check_in(api_as(member), key_result, 50, comment="Bonne semaine")
    assert response.status_code == 201, response.json()
    assert set(response.json()) == CHECKIN_FIELDS
    assert response.json()["author"] == member.pk
    key_result.refresh_from_db()
    assert key_result.current_value == 50
    assert key_result.confidence == "on_track"
    assert key_result.score == 25
    assert Objective.objects.get(pk=key_result.objective_id).score == 25


def test_the_key_result_then_shows_the_new_value(api_as, member, key_result):
    api = api_as(member)
    check_in(api, key_result, 150)
    row = api.get(f"/api/v1/key-results/{key_result.pk}/").json()
    assert row["current_value"] == 150
    assert row["score"] == 75
    assert row["confidence"] == "on_track"


def test_a_teammate_who_does_not_own_the_key_result_may_not_check_in(
    api_as, lead, key_result, team
):
    from tests.factories import MembershipFactory

    teammate = MembershipFactory(team=team).user
    assert check_in(api_as(teammate), key_result).status_code == 403
    assert not CheckIn.objects.exists()


def test_the_lead_may_check_in_on_a_team_members_key_result(api_as, lead, key_result):
    assert check_in(api_as(lead), key_result).status_code == 201


def test_a_private_key_result_is_unknown_to_an_outsider(api_as, outsider, key_result):
    Objective.objects.filter(pk=key_result.objective_id).update(visibility="private")
    response = check_in(api_as(outsider), key_result)
    assert response.status_code == 400
    assert "key_result" in response.json()


def test_a_confidence_outside_the_choices_is_refused(api_as, member, key_result):
    response = check_in(api_as(member), key_result, confidence="great")
    assert response.status_code == 400
    assert "confidence" in response.json()


def test_the_author_corrects_and_deletes_their_latest_check_in(api_as, member, key_result):
    api = api_as(member)
    checkin_id = check_in(api, key_result, 50).json()["id"]
    response = api.patch(f"/api/v1/check-ins/{checkin_id}/", {"value": 100}, format="json")
    assert response.status_code == 200, response.json()
    key_result.refresh_from_db()
    assert key_result.current_value == 100
    assert api.delete(f"/api/v1/check-ins/{checkin_id}/").status_code == 204
    key_result.refresh_from_db()
    assert key_result.current_value == key_result.start_value


def test_someone_else_may_not_correct_a_check_in(api_as, member, lead, key_result):
    checkin_id = check_in(api_as(member), key_result, 50).json()["id"]
    response = api_as(lead).patch(f"/api/v1/check-ins/{checkin_id}/", {"value": 1}, format="json")
    assert response.status_code == 403


def test_check_ins_filter_by_key_result(api_as, member, key_result, cycle, team):
    other = KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team))
    CheckInFactory(key_result=key_result, value=Decimal(3))
    CheckInFactory(key_result=other)
    rows = api_as(member).get(f"/api/v1/check-ins/?key_result={key_result.pk}").json()["results"]
    assert [row["key_result"] for row in rows] == [key_result.pk]


@pytest.mark.parametrize("size", [5, 50])
def test_listing_check_ins_takes_a_bounded_number_of_queries(
    api_as, member, key_result, size, django_assert_max_num_queries
):
    CheckInFactory.create_batch(size, key_result=key_result)
    api = api_as(member)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/check-ins/?page_size=100")
    assert len(response.json()["results"]) == size
