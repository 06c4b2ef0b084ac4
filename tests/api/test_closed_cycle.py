"""A closed cycle is read-only everywhere, for everyone (even its lead and an admin), in the
pages and the API: objectives, key results, initiatives, check-ins, grades, retrospectives,
and it receives no carried objective. Each refusal says so; nothing changes. (Comments stay
open: they are conversation, not the record.) Carrying an objective out of it still works."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from objectives.models import CarryOver, Initiative, KeyResult, Objective
from okrapp.core.models import Cycle
from tests.factories import CheckInFactory, CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(db):
    return CycleFactory(
        name="T1 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 3, 31),
        status=Cycle.Status.CLOSED,
        grading_opened_on=datetime.date(2026, 4, 1),
    )


@pytest.fixture
def objective(closed, team, lead):
    objective = ObjectiveFactory(cycle=closed, team=team, owner=lead, title="Win the market")
    key_result = KeyResultFactory(
        objective=objective, owner=lead, current_value=Decimal(40), final_score=Decimal(40)
    )
    CheckInFactory(key_result=key_result, author=lead, value=Decimal(40))
    Initiative.objects.create(key_result=key_result, title="Launch the campaign")
    return objective


def snapshot(objective) -> tuple:
    objective.refresh_from_db()
    key_result = objective.key_results.get()
    return (
        objective.title,
        objective.went_well,
        key_result.title,
        key_result.final_score,
        key_result.current_value,
        CheckIn.objects.count(),
        Initiative.objects.count(),
        KeyResult.objects.count(),
        Objective.all_objects.count(),
        CarryOver.objects.count(),
    )


def api_writes(objective) -> list[tuple[str, str, dict, int]]:
    """(method, path, body, status) of every write the API offers on a closed cycle's OKRs."""
    key_result = objective.key_results.get()
    checkin = CheckIn.objects.get()
    return [
        ("patch", f"/api/v1/objectives/{objective.pk}/", {"title": "Other"}, 403),
        (
            "patch",
            f"/api/v1/objectives/{objective.pk}/",
            {"retrospective": {"went_well": "Late"}},
            403,
        ),
        ("delete", f"/api/v1/objectives/{objective.pk}/", {}, 403),
        ("patch", f"/api/v1/key-results/{key_result.pk}/", {"title": "Other"}, 403),
        ("patch", f"/api/v1/key-results/{key_result.pk}/", {"final_score": 90}, 403),
        ("delete", f"/api/v1/key-results/{key_result.pk}/", {}, 403),
        (
            "post",
            "/api/v1/key-results/",
            {"objective": objective.pk, "title": "New", "target_value": 10},
            403,
        ),
        (
            "post",
            "/api/v1/check-ins/",
            {"key_result": key_result.pk, "value": 50, "confidence": "on_track"},
            400,
        ),
        ("patch", f"/api/v1/check-ins/{checkin.pk}/", {"value": 50}, 400),
        ("delete", f"/api/v1/check-ins/{checkin.pk}/", {}, 400),
    ]


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_the_api_refuses_every_write_on_a_closed_cycle(api_as, request, who, objective):
    api = api_as(request.getfixturevalue(who))
    before = snapshot(objective)
    for method, path, body, expected in api_writes(objective):
        response = getattr(api, method)(path, body, format="json")
        # The author's own check-in: others are refused before the cycle is asked (403).
        if who == "admin" and "/check-ins/" in path and method != "post":
            expected = 403
        assert response.status_code == expected, (method, path, response.content)
        assert response.json(), (method, path)  # a refusal with its reason
    assert snapshot(objective) == before


def test_the_api_carries_nothing_into_a_closed_cycle(api_as, lead, team, closed):
    grading = CycleFactory(
        start_date=datetime.date(2025, 10, 1),
        end_date=datetime.date(2025, 12, 31),
        status=Cycle.Status.GRADING,
    )
    source = ObjectiveFactory(cycle=grading, team=team, owner=lead)
    KeyResultFactory(objective=source, current_value=Decimal(1))
    response = api_as(lead).post(
        f"/api/v1/objectives/{source.pk}/carry-over/",
        {"cycle": closed.pk, "decision": "keep"},
        format="json",
    )
    assert response.status_code == 400
    assert "cycle" in response.json()
    assert not CarryOver.objects.exists()


def test_an_objective_of_a_closed_cycle_is_still_carried_out_of_it(api_as, lead, objective, q2):
    response = api_as(lead).post(
        f"/api/v1/objectives/{objective.pk}/carry-over/",
        {"cycle": q2.pk, "decision": "keep"},
        format="json",
    )
    assert response.status_code == 201
    assert Objective.objects.get(pk=response.json()["id"]).cycle == q2


def page_writes(objective) -> list[tuple[str, dict]]:
    key_result = objective.key_results.get()
    checkin = CheckIn.objects.get()
    initiative = Initiative.objects.get()
    return [
        (reverse("objectives:edit", args=[objective.pk]), {"title": "Other"}),
        (reverse("objectives:delete", args=[objective.pk]), {}),
        (
            reverse("objectives:grade", args=[objective.pk]),
            {f"kr-{key_result.pk}-final_score": "90", f"retro-{objective.pk}-went_well": "x"},
        ),
        (reverse("objectives:initiative_create", args=[key_result.pk]), {"title": "New"}),
        (reverse("objectives:initiative_status", args=[initiative.pk]), {"status": "done"}),
        (reverse("objectives:initiative_delete", args=[initiative.pk]), {}),
        (
            reverse("checkins:checkin_create", args=[key_result.pk]),
            {f"kr{key_result.pk}-value": "50", f"kr{key_result.pk}-confidence": "on_track"},
        ),
        (
            reverse("checkins:checkin_edit", args=[checkin.pk]),
            {f"kr{key_result.pk}-value": "50", f"kr{key_result.pk}-confidence": "on_track"},
        ),
        (reverse("checkins:checkin_delete", args=[checkin.pk]), {}),
    ]


def test_the_pages_refuse_every_write_on_a_closed_cycle(client, lead, objective):
    client.force_login(lead)
    before = snapshot(objective)
    for url, data in page_writes(objective):
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (400, 403), (url, response.status_code)
    assert snapshot(objective) == before


def test_the_pages_carry_nothing_into_a_closed_cycle(client, lead, team, closed):
    grading = CycleFactory(
        start_date=datetime.date(2025, 10, 1),
        end_date=datetime.date(2025, 12, 31),
        status=Cycle.Status.GRADING,
    )
    source = ObjectiveFactory(cycle=grading, team=team, owner=lead)
    client.force_login(lead)
    response = client.post(
        reverse("objectives:carry_over", args=[source.pk]),
        {f"carry-{source.pk}-decision": "keep", f"carry-{source.pk}-cycle": closed.pk},
    )
    assert response.status_code == 400
    assert not CarryOver.objects.exists()
