"""Objectives and key results through the API: the contract, the page's rules, the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from objectives.models import KeyResult, Objective
from okrapp.core.models import Cycle
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

OBJECTIVE_FIELDS = {
    "id",
    "cycle",
    "title",
    "description",
    "level",
    "team",
    "owner",
    "parent",
    "kind",
    "visibility",
    "score",
}
KEY_RESULT_FIELDS = {
    "id",
    "objective",
    "title",
    "kind",
    "start_value",
    "target_value",
    "current_value",
    "unit",
    "weight",
    "owner",
    "score",
    "confidence",
    "kpi",
}


@pytest.fixture
def objective(cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Nos clients restent")
    KeyResultFactory(objective=objective, current_value=Decimal("33.333"))
    from objectives.services import objective_refresh_score

    objective_refresh_score(objective_id=objective.pk)
    return objective


def test_objectives_carry_the_contract_fields_and_numbers(api_as, member, objective):
    response = api_as(member).get("/api/v1/objectives/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert set(row) >= OBJECTIVE_FIELDS
    assert row["score"] == 33.33
    assert row["level"] == "team"
    assert row["kind"] == "committed"


def test_key_results_carry_the_contract_fields(api_as, member, objective):
    row = api_as(member).get("/api/v1/key-results/").json()["results"][0]
    assert set(row) >= KEY_RESULT_FIELDS
    assert row["current_value"] == 33.333
    assert row["target_value"] == 100
    assert row["kpi"] is None


def test_a_key_result_listed_twice_in_an_update_is_refused(api_as, lead, objective):
    key_result = objective.key_results.first()
    response = api_as(lead, HTTP_ACCEPT_LANGUAGE="en").patch(
        f"/api/v1/objectives/{objective.pk}/",
        {"key_results": [{"id": key_result.pk, "title": "A"}, {"id": key_result.pk, "title": "B"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "key_results": {"1": {"id": ["This key result appears more than once in the list."]}}
    }
    key_result.refresh_from_db()
    assert key_result.title not in {"A", "B"}


def test_a_key_result_never_checked_in_has_a_null_confidence(api_as, lead, cycle, team):
    response = api_as(lead).post(
        "/api/v1/objectives/",
        {
            "cycle": cycle.pk,
            "level": "team",
            "team": team.pk,
            "title": "Nos clients nous recommandent",
            "key_results": [{"title": "NPS de 50", "start_value": 20, "target_value": 50}],
        },
        format="json",
    )
    assert response.json()["key_results"][0]["confidence"] is None
    key_result_id = response.json()["key_results"][0]["id"]
    assert api_as(lead).get(f"/api/v1/key-results/{key_result_id}/").json()["confidence"] is None


def test_the_schema_says_a_key_result_confidence_may_be_null(client):
    schema = client.get("/api/schema/?format=json").json()
    confidence = schema["components"]["schemas"]["KeyResult"]["properties"]["confidence"]
    assert confidence.get("nullable") or {
        "$ref": "#/components/schemas/NullEnum"
    } in confidence.get("oneOf", [])


def test_an_unscored_objective_has_a_null_score(api_as, member, cycle, team):
    ObjectiveFactory(cycle=cycle, team=team)
    assert api_as(member).get("/api/v1/objectives/").json()["results"][0]["score"] is None


def test_a_private_objective_is_not_found_by_an_outsider(api_as, outsider, cycle, team):
    private = ObjectiveFactory(cycle=cycle, team=team, visibility="private")
    api = api_as(outsider)
    assert api.get(f"/api/v1/objectives/{private.pk}/").status_code == 404
    assert api.get("/api/v1/objectives/").json()["count"] == 0
    assert api.patch(f"/api/v1/objectives/{private.pk}/", {"title": "x"}).status_code == 404


def test_a_private_objective_is_seen_by_its_team(api_as, member, cycle, team):
    private = ObjectiveFactory(cycle=cycle, team=team, visibility="private")
    assert api_as(member).get(f"/api/v1/objectives/{private.pk}/").status_code == 200


def test_a_lead_creates_a_team_objective_with_key_results(api_as, lead, cycle, team):
    response = api_as(lead).post(
        "/api/v1/objectives/",
        {
            "cycle": cycle.pk,
            "title": "Notre communauté est fidèle",
            "level": "team",
            "team": team.pk,
            "key_results": [
                {"title": "50 % d'abonnés actifs", "kind": "percentage", "target_value": 50},
                {"title": "100 demandes par mois", "start_value": 20, "target_value": 100},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    objective = Objective.objects.get(pk=body["id"])
    assert objective.owner == lead
    assert [kr["title"] for kr in body["key_results"]] == [
        "50 % d'abonnés actifs",
        "100 demandes par mois",
    ]
    assert body["score"] is None  # not scored before a first check-in
    assert objective.key_results.count() == 2


def test_a_member_may_not_create_a_team_objective(api_as, member, cycle, team):
    response = api_as(member).post(
        "/api/v1/objectives/",
        {"cycle": cycle.pk, "title": "Notre équipe brille", "level": "team", "team": team.pk},
        format="json",
    )
    assert response.status_code == 403
    assert not Objective.objects.exists()


def test_a_member_creates_their_own_individual_objective(api_as, member, cycle, team):
    response = api_as(member).post(
        "/api/v1/objectives/",
        {"cycle": cycle.pk, "title": "Je maîtrise le SEO", "level": "individual"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == member.pk
    assert response.json()["team"] == team.pk


def test_a_member_may_not_change_the_team_objective(api_as, member, objective):
    response = api_as(member).patch(
        f"/api/v1/objectives/{objective.pk}/", {"title": "Autre"}, format="json"
    )
    assert response.status_code == 403


def test_the_lead_changes_and_deletes_the_team_objective(api_as, lead, objective):
    api = api_as(lead)
    response = api.patch(
        f"/api/v1/objectives/{objective.pk}/", {"visibility": "private"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["visibility"] == "private"
    assert api.delete(f"/api/v1/objectives/{objective.pk}/").status_code == 204
    assert not Objective.objects.filter(pk=objective.pk).exists()


def test_a_closed_cycle_is_read_only(api_as, lead, objective):
    Cycle.objects.filter(pk=objective.cycle_id).update(status=Cycle.Status.CLOSED)
    response = api_as(lead).patch(
        f"/api/v1/objectives/{objective.pk}/", {"title": "Autre"}, format="json"
    )
    assert response.status_code == 403


def test_an_objective_does_not_change_cycle(api_as, lead, objective):
    other = Cycle.objects.create(
        name="Autre", start_date="2030-01-01", end_date="2030-03-31", status="active"
    )
    response = api_as(lead).patch(
        f"/api/v1/objectives/{objective.pk}/", {"cycle": other.pk}, format="json"
    )
    assert response.status_code == 400
    assert "cycle" in response.json()


def test_a_lead_adds_changes_and_deletes_a_key_result(api_as, lead, objective):
    api = api_as(lead)
    created = api.post(
        "/api/v1/key-results/",
        {"objective": objective.pk, "title": "Churn à 5 %", "start_value": 10, "target_value": 5},
        format="json",
    )
    assert created.status_code == 201, created.json()
    key_result_id = created.json()["id"]
    assert created.json()["owner"] == lead.pk
    changed = api.patch(f"/api/v1/key-results/{key_result_id}/", {"weight": 3}, format="json")
    assert changed.status_code == 200
    assert changed.json()["weight"] == 3
    assert api.delete(f"/api/v1/key-results/{key_result_id}/").status_code == 204
    assert not KeyResult.objects.filter(pk=key_result_id).exists()


def test_a_member_may_not_add_a_key_result_to_the_team_objective(api_as, member, objective):
    response = api_as(member).post(
        "/api/v1/key-results/",
        {"objective": objective.pk, "title": "Churn à 5 %", "target_value": 5},
        format="json",
    )
    assert response.status_code == 403


def test_a_key_result_whose_target_equals_its_start_is_refused_per_field(api_as, lead, objective):
    response = api_as(lead).post(
        "/api/v1/key-results/",
        {"objective": objective.pk, "title": "Rien", "start_value": 5, "target_value": 5},
        format="json",
    )
    assert response.status_code == 400
    assert "target_value" in response.json()


def test_objectives_filter_by_cycle_team_owner_and_level(api_as, member, cycle, team, other_team):
    mine = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    ObjectiveFactory(cycle=cycle, team=other_team, level="team")
    api = api_as(member)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in api.get(f"/api/v1/objectives/?{query}").json()["results"]]

    assert ids(f"team={team.pk}") == [mine.pk]
    assert ids(f"owner={member.pk}") == [mine.pk]
    assert ids("level=individual") == [mine.pk]
    assert len(ids(f"cycle={cycle.pk}")) == 2
    assert api.get("/api/v1/objectives/?level=galaxy").status_code == 400


def test_objectives_order_and_paginate(api_as, member, cycle, team):
    for title in ["B", "A", "C"]:
        ObjectiveFactory(cycle=cycle, team=team, title=title)
    response = api_as(member).get("/api/v1/objectives/?ordering=title&page_size=2").json()
    assert [row["title"] for row in response["results"]] == ["A", "B"]
    assert response["count"] == 3
    assert response["next"]


def test_objectives_come_twenty_a_page_by_default(api_as, member, cycle, team):
    ObjectiveFactory.create_batch(21, cycle=cycle, team=team)
    response = api_as(member).get("/api/v1/objectives/").json()
    assert len(response["results"]) == 20
    assert response["count"] == 21
    assert response["next"]


def test_pages_of_objectives_keep_the_order_of_a_single_page(
    api_as, member, cycle, team, other_team
):
    earlier = CycleFactory(
        start_date=cycle.start_date - timedelta(days=92), status=Cycle.Status.CLOSED
    )
    for level, where in [("individual", team), ("team", other_team), ("company", team)]:
        ObjectiveFactory(cycle=cycle, team=where, level=level)
        ObjectiveFactory(cycle=earlier, team=where, level=level)
    api = api_as(member)
    whole = [row["id"] for row in api.get("/api/v1/objectives/?page_size=100").json()["results"]]
    pages = [
        row["id"]
        for page in (1, 2, 3)
        for row in api.get(f"/api/v1/objectives/?page_size=2&page={page}").json()["results"]
    ]
    assert pages == whole
    assert [row["cycle"] for row in api.get("/api/v1/objectives/").json()["results"]] == [
        cycle.pk
    ] * 3 + [earlier.pk] * 3


@pytest.mark.parametrize("size", [5, 50])
def test_listing_objectives_takes_a_bounded_number_of_queries(
    api_as, member, cycle, team, size, django_assert_max_num_queries
):
    for _ in range(size):
        KeyResultFactory.create_batch(2, objective=ObjectiveFactory(cycle=cycle, team=team))
    api = api_as(member)
    with django_assert_max_num_queries(7):
        response = api.get("/api/v1/objectives/?page_size=100")
    assert response.json()["count"] == size


@pytest.mark.django_db(transaction=True)
def test_the_key_results_count_shared_by_one_who_may_see_a_private_objective_omits_it_for_others(
    api_as, lead, outsider, cycle, team
):
    KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team))
    KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, visibility=Objective.Visibility.PRIVATE)
    )

    def listed(user) -> tuple[int, int]:
        answer = api_as(user).get("/api/v1/key-results/").json()
        return answer["count"], len(answer["results"])

    assert listed(lead) == (2, 2)
    assert listed(outsider) == (1, 1)


@pytest.mark.parametrize("size", [5, 50])
def test_listing_key_results_takes_a_bounded_number_of_queries(
    api_as, member, cycle, team, size, django_assert_max_num_queries
):
    objective = ObjectiveFactory(cycle=cycle, team=team)
    KeyResultFactory.create_batch(size, objective=objective)
    api = api_as(member)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/key-results/?page_size=100")
    assert response.json()["count"] == size


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [5, 50])
def test_listing_key_results_again_reads_only_the_page_ids(
    api_as, member, cycle, team, size, django_assert_max_num_queries
):
    """Listed again before any write, the page and the count are kept (okrapp.core.freshness):
    3 queries, the token's and the page's ids, whatever the number of key results."""
    KeyResultFactory.create_batch(size, objective=ObjectiveFactory(cycle=cycle, team=team))
    api = api_as(member)
    first = api.get("/api/v1/key-results/?page_size=100").json()
    with django_assert_max_num_queries(3):
        again = api.get("/api/v1/key-results/?page_size=100").json()
    assert again == first
    assert again["count"] == size


@pytest.mark.django_db(transaction=True)
def test_a_page_of_objectives_shared_by_one_who_may_see_a_private_one_omits_it_for_others(
    api_as, lead, outsider, cycle, team
):
    public = ObjectiveFactory(cycle=cycle, team=team)
    private = ObjectiveFactory(cycle=cycle, team=team, visibility=Objective.Visibility.PRIVATE)

    def listed(user) -> tuple[int, set[int]]:
        answer = api_as(user).get("/api/v1/objectives/").json()
        return answer["count"], {row["id"] for row in answer["results"]}

    assert listed(lead) == (2, {public.pk, private.pk})
    assert listed(outsider) == (1, {public.pk})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [5, 50])
def test_listing_objectives_again_reads_nothing_but_the_reader(
    api_as, member, cycle, team, size, django_assert_max_num_queries
):
    """Listed again before any write, the count, the page's ids and the page are kept
    (okrapp.core.freshness): what is left is reading the token and its owner."""
    for _ in range(size):
        KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team))
    api = api_as(member)
    first = api.get("/api/v1/objectives/?page_size=100").json()
    with django_assert_max_num_queries(3):
        again = api.get("/api/v1/objectives/?page_size=100").json()
    assert again == first
    assert again["count"] == size
