"""Carry-over "modify": the copy opens in the editor before anything is saved, pre-filled from
the objective and its unfinished key results (start = last value, same target); saving the
editor creates the copy and records the decision with the link in one transaction; cancelling
saves nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from objectives import grading_services
from objectives.models import CarryOver, KeyResult, Objective
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle
from okrapp.core.permissions import viewer_for
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(q1, team, lead):
    objective = ObjectiveFactory(cycle=q1, team=team, owner=lead, title="Win the market")
    KeyResultFactory(
        objective=objective,
        title="Sign 40 customers",
        start_value=Decimal(0),
        current_value=Decimal(25),
        target_value=Decimal(40),
        position=0,
    )
    KeyResultFactory(
        objective=objective,
        title="Already done",
        start_value=Decimal(0),
        current_value=Decimal(10),
        target_value=Decimal(10),
        position=1,
    )
    objective_refresh_score(objective_id=objective.pk)
    return objective


def editor_url(objective, cycle) -> str:
    return reverse("objectives:carry_over_modify", args=[objective.pk]) + f"?cycle={cycle.pk}"


def editor_post(objective, lead, team, *, title="Win the market, for good") -> dict:
    return {
        "title": title,
        "level": "team",
        "team": team.pk,
        "owner": lead.pk,
        "kind": "committed",
        "visibility": "public",
        "kr-TOTAL_FORMS": "1",
        "kr-INITIAL_FORMS": "0",
        "kr-0-title": "Sign 40 customers",
        "kr-0-kind": "numeric",
        "kr-0-start_value": "25",
        "kr-0-target_value": "50",
        "kr-0-weight": "1",
        "kr-0-position": "0",
        "carry_reason": "The target was too timid",
    }


def test_choosing_modify_opens_the_editor_and_saves_nothing(client, lead, objective, q2):
    client.force_login(lead)
    response = client.post(
        reverse("objectives:carry_over", args=[objective.pk]),
        {f"carry-{objective.pk}-decision": "modify", f"carry-{objective.pk}-cycle": q2.pk},
    )
    assert response.status_code == 302
    assert response.url.startswith(editor_url(objective, q2))
    assert not CarryOver.objects.exists()
    assert not Objective.objects.filter(cycle=q2).exists()


def test_the_editor_starts_from_the_unfinished_key_results_at_their_last_value(
    client, lead, objective, q2
):
    client.force_login(lead)
    response = client.get(editor_url(objective, q2), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.text
    assert 'value="Win the market"' in page
    assert 'value="Sign 40 customers"' in page
    assert "Already done" not in page.split('id="objective-form"')[1]
    assert 'name="kr-0-start_value" value="25"' in page
    assert 'name="kr-0-target_value" value="40"' in page
    assert 'name="kr-TOTAL_FORMS" value="1"' in page
    assert not CarryOver.objects.exists() and not Objective.objects.filter(cycle=q2).exists()


def test_saving_the_editor_creates_the_copy_and_records_the_decision_with_its_link(
    client, lead, team, objective, q2
):
    client.force_login(lead)
    response = client.post(editor_url(objective, q2), editor_post(objective, lead, team))
    assert response.status_code == 302
    record = CarryOver.objects.get(source=objective)
    copy = record.target
    assert (record.decision, record.cycle, record.decided_by) == ("modify", q2, lead)
    assert record.reason == "The target was too timid"
    assert (copy.cycle, copy.title) == (q2, "Win the market, for good")
    kr = copy.key_results.get()
    assert (kr.start_value, kr.current_value, kr.target_value) == (25, 25, 50)
    assert (
        reverse("objectives:detail", args=[copy.pk])
        in client.get(reverse("objectives:detail", args=[objective.pk])).text
    )


def test_the_cancel_link_goes_back_to_grading_and_nothing_is_decided(client, lead, objective, q2):
    client.force_login(lead)
    page = client.get(editor_url(objective, q2)).text
    cancel = reverse("objectives:grading", args=[objective.cycle_id])
    assert f'href="{cancel}#objective-{objective.pk}"' in page
    assert not CarryOver.objects.exists()
    assert objective.key_results.count() == 2


def test_a_refused_copy_records_no_decision(client, lead, team, objective, q2):
    client.force_login(lead)
    response = client.post(editor_url(objective, q2), editor_post(objective, lead, team, title=""))
    assert response.status_code == 400
    assert not CarryOver.objects.exists()
    assert not Objective.objects.filter(cycle=q2).exists()


def test_saving_after_someone_else_decided_is_refused_and_copies_nothing(
    client, lead, team, objective, q2
):
    client.force_login(lead)
    client.get(editor_url(objective, q2))
    grading_services.objective_carry_over(
        viewer=viewer_for(lead), objective=objective, cycle=None, decision="abandon"
    )
    response = client.post(
        editor_url(objective, q2), editor_post(objective, lead, team), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "already been carried over or abandoned" in response.text
    assert not Objective.objects.filter(cycle=q2).exists()
    assert CarryOver.objects.get().decision == "abandon"


def test_an_objective_decided_already_does_not_open_the_editor(client, lead, objective, q2):
    grading_services.objective_carry_over(
        viewer=viewer_for(lead), objective=objective, cycle=None, decision="abandon"
    )
    client.force_login(lead)
    response = client.get(editor_url(objective, q2))
    assert response.status_code == 302
    assert response.url == reverse("objectives:grading", args=[objective.cycle_id])


def test_a_closed_cycle_receives_no_modified_copy(client, lead, team, objective):
    closed = CycleFactory(
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 3, 31),
        status=Cycle.Status.CLOSED,
    )
    client.force_login(lead)
    response = client.post(editor_url(objective, closed), editor_post(objective, lead, team))
    assert response.status_code == 302
    assert not CarryOver.objects.exists()
    assert not Objective.objects.filter(cycle=closed).exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_who_does_not_grade_the_objective_may_not_open_its_copy(
    client, request, who, team, lead, objective, q2
):
    client.force_login(request.getfixturevalue(who))
    assert client.get(editor_url(objective, q2)).status_code == 403
    response = client.post(editor_url(objective, q2), editor_post(objective, lead, team))
    assert response.status_code == 403
    assert not CarryOver.objects.exists()


def test_the_service_refuses_modify_without_the_editor(lead, objective, q2):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        grading_services.objective_carry_over(
            viewer=viewer_for(lead), objective=objective, cycle=q2, decision="modify"
        )
    assert not CarryOver.objects.exists()


def test_the_copy_in_the_editor_reads_in_bounded_queries(
    client, lead, q1, q2, team, django_assert_max_num_queries
):
    objective = ObjectiveFactory(cycle=q1, team=team, owner=lead)
    client.force_login(lead)

    def add(count):
        for _ in range(count):
            KeyResultFactory(objective=objective, current_value=Decimal(1))

    add(2)
    with django_assert_max_num_queries(30):
        client.get(editor_url(objective, q2))
    add(8)
    with django_assert_max_num_queries(30):
        response = client.get(editor_url(objective, q2))
    assert response.text.count('name="kr-') > 10 * 5
    assert KeyResult.objects.filter(objective=objective).count() == 10


def test_someone_signed_out_is_sent_to_sign_in(client, objective, q2):
    response = client.get(editor_url(objective, q2))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
