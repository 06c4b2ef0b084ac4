"""A refused grade on the grading page: the page again with 400 (422 for htmx), the error
beside its field (aria-invalid, aria-describedby), what was typed kept, nothing saved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import CarryOver
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(q1, team, lead):
    objective = ObjectiveFactory(cycle=q1, team=team, owner=lead, title="Win the market")
    KeyResultFactory(objective=objective, current_value=Decimal(60), final_score=Decimal(60))
    KeyResultFactory(objective=objective, current_value=Decimal(30), final_score=Decimal(30))
    objective_refresh_score(objective_id=objective.pk)
    return objective


@pytest.fixture
def other(q1, team, lead):
    return ObjectiveFactory(cycle=q1, team=team, owner=lead, title="Another objective")


def grades(objective, first: str, second: str = "30", **retro) -> dict:
    first_kr, second_kr = objective.key_results.order_by("pk")
    return {
        f"kr-{first_kr.pk}-final_score": first,
        f"kr-{first_kr.pk}-grade_note": "Typed note",
        f"kr-{second_kr.pk}-final_score": second,
        f"retro-{objective.pk}-went_well": retro.get("went_well", "The team"),
        f"retro-{objective.pk}-went_badly": "",
        f"retro-{objective.pk}-learned": "",
    }


def post(client, objective, data, **headers):
    return client.post(
        reverse("objectives:grade", args=[objective.pk]), data, HTTP_ACCEPT_LANGUAGE="en", **headers
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("120", "A grade is between 0 and 100."),
        ("-1", "A grade is between 0 and 100."),
        ("lots", "is not a number."),
        ("", "This field is required."),
    ],
)
def test_a_refused_grade_answers_400_with_its_error_beside_its_field(
    client, lead, objective, typed, message
):
    first_kr = objective.key_results.order_by("pk").first()
    client.force_login(lead)
    response = post(client, objective, grades(objective, typed))
    assert response.status_code == 400
    field = f"id_kr-{first_kr.pk}-final_score"
    page = response.text
    assert message in page.split(f'id="{field}_error"')[1].split("</ul>")[0]
    assert f'aria-describedby="{field}_error"' in page
    assert 'aria-invalid="true"' in page


def test_a_refused_grade_keeps_what_was_typed_and_saves_nothing(client, lead, objective):
    _first_kr, second_kr = objective.key_results.order_by("pk")
    client.force_login(lead)
    response = post(client, objective, grades(objective, "120", "45", went_well="Kept text"))
    page = response.text
    assert 'value="120"' in page and 'value="45"' in page
    assert "Typed note" in page and "Kept text" in page
    second_kr.refresh_from_db()
    objective.refresh_from_db()
    assert second_kr.final_score == Decimal(30)
    assert objective.went_well == ""


def test_the_rest_of_the_page_is_still_there(client, lead, objective, other):
    client.force_login(lead)
    response = post(client, objective, grades(objective, "120"))
    assert "Another objective" in response.text
    assert response.text.count('class="card grading-card"') == 2


def test_with_htmx_a_refused_grade_answers_422(client, lead, objective):
    client.force_login(lead)
    response = post(client, objective, grades(objective, "120"), HTTP_HX_REQUEST="true")
    assert response.status_code == 422


@pytest.mark.parametrize("status", [Cycle.Status.ACTIVE, Cycle.Status.CLOSED])
def test_a_grade_outside_grading_answers_400_and_says_why(client, lead, objective, q1, status):
    Cycle.objects.filter(pk=q1.pk).update(status=status)
    client.force_login(lead)
    response = post(client, objective, grades(objective, "80"))
    assert response.status_code == 400
    assert "This cycle is not being graded" in response.text
    first_kr = objective.key_results.order_by("pk").first()
    first_kr.refresh_from_db()
    assert first_kr.final_score == Decimal(60)


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_who_grades_nothing_of_the_objective_is_refused(client, request, who, objective):
    client.force_login(request.getfixturevalue(who))
    assert post(client, objective, grades(objective, "80")).status_code == 403


def test_a_key_result_owner_grades_their_own_key_result_only(client, member, objective):
    first_kr, second_kr = objective.key_results.order_by("pk")
    first_kr.owner = member
    first_kr.save()
    client.force_login(member)
    response = post(client, objective, grades(objective, "80", "99"))
    assert response.status_code == 302
    first_kr.refresh_from_db()
    second_kr.refresh_from_db()
    objective.refresh_from_db()
    assert (first_kr.final_score, second_kr.final_score) == (Decimal(80), Decimal(30))
    assert objective.went_well == ""


def test_a_refused_carry_over_decision_answers_400_beside_its_field(client, lead, objective):
    client.force_login(lead)
    response = client.post(
        reverse("objectives:carry_over", args=[objective.pk]),
        {f"carry-{objective.pk}-decision": "keep", f"carry-{objective.pk}-cycle": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    field = f"id_carry-{objective.pk}-cycle"
    assert (
        "Carry it into a cycle in planning or active."
        in response.text.split(f'id="{field}_error"')[1].split("</ul>")[0]
    )
    assert not CarryOver.objects.exists()


def test_a_key_result_owner_finds_what_they_grade_on_the_grading_page(client, member, objective):
    first_kr, second_kr = objective.key_results.order_by("pk")
    first_kr.owner = member
    first_kr.save()
    client.force_login(member)
    page = client.get(reverse("objectives:grading", args=[objective.cycle_id])).text
    assert f'id="objective-{objective.pk}"' in page
    assert f'name="kr-{first_kr.pk}-final_score"' in page
    assert f'name="kr-{second_kr.pk}-final_score"' not in page
    assert f'name="retro-{objective.pk}-went_well"' not in page
