"""API v1 of the quarter: writable cycles (admins, forward only), grades, retrospectives and
carry-over, with the same rules as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.models import CarryOver, Objective
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(q1, team, lead):
    objective = ObjectiveFactory(cycle=q1, team=team, owner=lead, title="Win the market")
    KeyResultFactory(objective=objective, current_value=Decimal(60), final_score=Decimal(60))
    KeyResultFactory(objective=objective, current_value=Decimal(100), final_score=Decimal(100))
    objective_refresh_score(objective_id=objective.pk)
    return objective


def test_an_admin_creates_a_cycle_in_planning(api_as, admin):
    response = api_as(admin).post(
        "/api/v1/cycles/",
        {"name": "T3 2026", "start": "2026-07-01", "end": "2026-09-30", "status": "closed"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "planning"


def test_an_overlapping_cycle_answers_400_on_its_start(api_as, admin, q2):
    response = api_as(admin).post(
        "/api/v1/cycles/",
        {"name": "Overlap", "start": "2026-05-01", "end": "2026-09-30"},
        format="json",
    )
    assert response.status_code == 400
    assert "start" in response.json()


def test_a_member_may_not_create_a_cycle(api_as, member):
    response = api_as(member).post(
        "/api/v1/cycles/",
        {"name": "T3 2026", "start": "2026-07-01", "end": "2026-09-30"},
        format="json",
    )
    assert response.status_code == 403
    assert not Cycle.objects.exists()


def test_an_admin_moves_a_cycle_forward(api_as, admin, q2):
    response = api_as(admin).patch(f"/api/v1/cycles/{q2.pk}/", {"status": "active"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "active"


def test_a_cycle_never_moves_back(api_as, admin, q1):
    response = api_as(admin).patch(f"/api/v1/cycles/{q1.pk}/", {"status": "active"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()


def test_the_lead_grades_a_key_result_during_grading(api_as, lead, objective):
    key_result = objective.key_results.order_by("position").first()
    response = api_as(lead).patch(
        f"/api/v1/key-results/{key_result.pk}/",
        {"final_score": 40, "grade_note": "Slow start"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["final_score"] == 40
    objective.refresh_from_db()
    assert objective.final_score == Decimal(70)


def test_an_outsider_may_not_grade(api_as, outsider, objective):
    key_result = objective.key_results.first()
    response = api_as(outsider).patch(
        f"/api/v1/key-results/{key_result.pk}/", {"final_score": 0}, format="json"
    )
    assert response.status_code == 403


def test_the_owner_writes_the_retrospective(api_as, lead, objective):
    response = api_as(lead).patch(
        f"/api/v1/objectives/{objective.pk}/",
        {"retrospective": {"went_well": "Launch", "learned": "Ask earlier"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["retrospective"] == {
        "went_well": "Launch",
        "went_badly": "",
        "learned": "Ask earlier",
    }


def test_keep_answers_201_with_the_copy_and_a_second_carry_over_409(api_as, lead, objective, q2):
    client = api_as(lead)
    url = f"/api/v1/objectives/{objective.pk}/carry-over/"
    response = client.post(url, {"cycle": q2.pk, "decision": "keep"}, format="json")
    assert response.status_code == 201, response.json()
    copy = response.json()
    assert copy["cycle"] == q2.pk
    assert [(kr["start_value"], kr["target_value"]) for kr in copy["key_results"]] == [(60, 100)]
    source = client.get(f"/api/v1/objectives/{objective.pk}/").json()
    assert source["carry_over"] == {"decision": "keep", "target": copy["id"]}
    again = client.post(url, {"decision": "abandon"}, format="json")
    assert again.status_code == 409


def test_abandon_answers_200_with_the_decision(api_as, lead, objective):
    response = api_as(lead).post(
        f"/api/v1/objectives/{objective.pk}/carry-over/",
        {"decision": "abandon", "reason": "Market changed"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["reason"] == "Market changed"
    assert CarryOver.objects.get().target is None


def test_an_outsider_may_not_carry_over(api_as, outsider, objective, q2):
    response = api_as(outsider).post(
        f"/api/v1/objectives/{objective.pk}/carry-over/",
        {"cycle": q2.pk, "decision": "keep"},
        format="json",
    )
    assert response.status_code == 403
    assert not Objective.objects.filter(cycle=q2).exists()


@pytest.mark.parametrize("status", [Cycle.Status.PLANNING, Cycle.Status.CLOSED])
def test_a_check_in_on_a_planning_or_closed_cycle_answers_400_on_the_key_result(
    api_as, lead, team, status
):
    cycle = CycleFactory(status=status)
    key_result = KeyResultFactory(objective__cycle=cycle, objective__team=team, owner=lead)
    response = api_as(lead).post(
        "/api/v1/check-ins/",
        {"key_result": key_result.pk, "value": 5, "confidence": "on_track"},
        format="json",
    )
    assert response.status_code == 400
    assert "key_result" in response.json()


@pytest.mark.parametrize("body", [{}, {"status": "planning"}])
def test_a_lead_may_not_write_a_cycle_even_without_a_change(api_as, lead, q2, body):
    response = api_as(lead).patch(f"/api/v1/cycles/{q2.pk}/", body, format="json")
    assert response.status_code == 403
