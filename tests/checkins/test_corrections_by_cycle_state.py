"""Correcting or deleting a check-in follows the rule of new check-ins (objectives.cycles.
takes_checkins): only in an active cycle, and in the late days of grading when allowed. A
refusal says why: a field error and 400 on the pages and in the API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkins import services
from checkins.models import CheckIn
from okrapp.core import weeks
from okrapp.core.models import Cycle
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

LATE_DAYS = 3

# (the cycle's status, days since grading opened, may the latest check-in still be changed)
STATES = [
    (Cycle.Status.ACTIVE, None, True),
    (Cycle.Status.GRADING, 0, True),  # within the late days
    (Cycle.Status.GRADING, LATE_DAYS, False),  # the late days are over
    (Cycle.Status.CLOSED, None, False),
]


@pytest.fixture
def checkin(key_result, member):
    return services.checkin_create(
        key_result=key_result, author=member, value=Decimal(40), confidence="on_track"
    )


@pytest.fixture
def api_as():
    return client_for


@pytest.fixture(autouse=True)
def _late_days(settings):
    settings.LATE_CHECKIN_DAYS = LATE_DAYS


def move(cycle: Cycle, status: str, days_since_grading: int | None) -> None:
    opened = None
    if days_since_grading is not None:
        opened = weeks.local_date() - datetime.timedelta(days=days_since_grading)
    Cycle.objects.filter(pk=cycle.pk).update(status=status, grading_opened_on=opened)


def correct(checkin, member):
    return services.checkin_update(
        checkin=checkin, author=member, value=Decimal(55), confidence="on_track"
    )


@pytest.mark.parametrize(("status", "days", "allowed"), STATES)
def test_a_correction_follows_the_rule_of_new_check_ins(
    checkin, member, cycle, status, days, allowed
):
    move(cycle, status, days)
    if allowed:
        assert correct(checkin, member).value == Decimal(55)
    else:
        with pytest.raises(ValidationError) as refused:
            correct(checkin, member)
        assert "value" in refused.value.message_dict


@pytest.mark.parametrize(("status", "days", "allowed"), STATES)
def test_a_deletion_follows_the_rule_of_new_check_ins(
    checkin, member, cycle, status, days, allowed
):
    move(cycle, status, days)
    if allowed:
        services.checkin_delete(checkin=checkin, author=member)
        assert not CheckIn.objects.exists()
    else:
        with pytest.raises(ValidationError):
            services.checkin_delete(checkin=checkin, author=member)
        assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_the_key_result_page_offers_no_correction_once_grading_is_over(
    client, checkin, member, cycle
):
    client.force_login(member)
    page = reverse("checkins:key_result", args=[checkin.key_result_id])
    edit = reverse("checkins:checkin_edit", args=[checkin.pk])
    assert edit in client.get(page).text
    move(cycle, Cycle.Status.GRADING, LATE_DAYS)
    assert edit not in client.get(page).text


def test_a_correction_during_grading_answers_400_with_the_reason_beside_the_value(
    client, checkin, member, cycle
):
    move(cycle, Cycle.Status.GRADING, LATE_DAYS)
    client.force_login(member)
    response = client.post(
        reverse("checkins:checkin_edit", args=[checkin.pk]),
        {
            f"kr{checkin.key_result_id}-value": "55",
            f"kr{checkin.key_result_id}-confidence": "on_track",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "This cycle is being graded: check-ins are closed." in response.text
    assert 'aria-invalid="true"' in response.text
    checkin.refresh_from_db()
    assert checkin.value == Decimal(40)


def test_opening_the_correction_of_a_graded_cycle_says_why_it_is_closed(
    client, checkin, member, cycle
):
    move(cycle, Cycle.Status.CLOSED, None)
    client.force_login(member)
    response = client.get(
        reverse("checkins:checkin_edit", args=[checkin.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "This cycle is closed: its check-ins are read-only." in response.text


def test_a_deletion_during_grading_answers_400_and_keeps_the_check_in(
    client, checkin, member, cycle
):
    move(cycle, Cycle.Status.GRADING, LATE_DAYS)
    client.force_login(member)
    response = client.post(
        reverse("checkins:checkin_delete", args=[checkin.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "This cycle is being graded: check-ins are closed." in response.text
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_a_deletion_in_the_late_days_of_grading_is_taken(client, checkin, member, cycle):
    move(cycle, Cycle.Status.GRADING, 0)
    client.force_login(member)
    response = client.post(reverse("checkins:checkin_delete", args=[checkin.pk]))
    assert response.status_code == 302
    assert not CheckIn.objects.exists()


def test_someone_else_still_may_not_correct_the_check_in_whatever_the_state(
    client, checkin, lead, cycle
):
    move(cycle, Cycle.Status.GRADING, LATE_DAYS)
    client.force_login(lead)
    url = reverse("checkins:checkin_edit", args=[checkin.pk])
    assert client.post(url, {"value": "1", "confidence": "on_track"}).status_code == 403


@pytest.mark.parametrize(("status", "days", "allowed"), STATES)
def test_the_api_corrects_only_while_the_cycle_takes_check_ins(
    api_as, checkin, member, cycle, status, days, allowed
):
    move(cycle, status, days)
    response = api_as(member).patch(
        f"/api/v1/check-ins/{checkin.pk}/", {"value": 55}, format="json"
    )
    assert response.status_code == (200 if allowed else 400)
    if not allowed:
        assert "key_result" in response.json()


@pytest.mark.parametrize(("status", "days", "allowed"), STATES)
def test_the_api_deletes_only_while_the_cycle_takes_check_ins(
    api_as, checkin, member, cycle, status, days, allowed
):
    move(cycle, status, days)
    response = api_as(member).delete(f"/api/v1/check-ins/{checkin.pk}/")
    assert response.status_code == (204 if allowed else 400)
    assert CheckIn.objects.filter(pk=checkin.pk).exists() is not allowed
