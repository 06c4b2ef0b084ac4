"""Every text has a maximum length and every number is a finite number in range, through the
API as through the forms: a field error (400), never a stored megabyte nor a 500."""

from __future__ import annotations

import pytest

from checkins.models import TEXT_LENGTH, CheckIn
from kpis.models import DEFINITION_LENGTH
from objectives.models import DESCRIPTION_LENGTH
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_result(cycle, team, member):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    return KeyResultFactory(objective=objective, owner=member, start_value=0, target_value=200)


@pytest.mark.parametrize("field", ["comment", "blockers"])
def test_a_check_in_text_over_its_limit_is_a_field_error(api_as, member, key_result, field):
    response = api_as(member).post(
        "/api/v1/check-ins/",
        {
            "key_result": key_result.pk,
            "value": 5,
            "confidence": "on_track",
            field: "x" * (TEXT_LENGTH + 1),
        },
        format="json",
    )
    assert response.status_code == 400 and field in response.json()
    assert not CheckIn.objects.exists()


def test_a_megabyte_comment_is_refused(api_as, member, key_result):
    response = api_as(member).post(
        "/api/v1/check-ins/",
        {
            "key_result": key_result.pk,
            "value": 5,
            "confidence": "on_track",
            "comment": "x" * 1_000_000,
        },
        format="json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "1e30"])
def test_a_check_in_value_that_is_not_a_finite_number_in_range_is_a_field_error(
    api_as, member, key_result, value
):
    response = api_as(member).post(
        "/api/v1/check-ins/",
        {"key_result": key_result.pk, "value": value, "confidence": "on_track"},
        format="json",
    )
    assert response.status_code == 400 and "value" in response.json()


def test_an_objective_description_over_its_limit_is_a_field_error(api_as, lead, cycle, team):
    response = api_as(lead).post(
        "/api/v1/objectives/",
        {
            "title": "Grow",
            "cycle": cycle.pk,
            "team": team.pk,
            "level": "team",
            "description": "x" * (DESCRIPTION_LENGTH + 1),
        },
        format="json",
    )
    assert response.status_code == 400 and "description" in response.json()


def test_a_kpi_definition_over_its_limit_is_a_field_error(api_as, lead, team):
    response = api_as(lead).post(
        "/api/v1/kpis/",
        {
            "name": "Open rate",
            "definition": "x" * (DEFINITION_LENGTH + 1),
            "target_value": 40,
            "data_source": "CRM",
            "team": team.pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "definition" in response.json()


@pytest.mark.parametrize("field", ["weight", "start_value"])
@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity"])
def test_a_key_result_number_that_is_not_finite_is_a_field_error(
    api_as, member, key_result, field, value
):
    response = api_as(member).patch(
        f"/api/v1/key-results/{key_result.pk}/", {field: value}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
