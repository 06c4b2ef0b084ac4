"""A check-in value that looks like a slip asks for a confirmation in its row, never silently
saves, and never blocks a genuine jump."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import checkin_create
from tests.factories import CheckInFactory

pytestmark = pytest.mark.django_db


def create_url(key_result):
    return reverse("checkins:checkin_create", args=[key_result.pk])


def form_data(key_result, **values):
    return {f"kr{key_result.pk}-{name}": value for name, value in values.items()}


@pytest.fixture
def at_63(key_result, member):
    checkin_create(key_result=key_result, author=member, value=Decimal(63), confidence="on_track")
    key_result.refresh_from_db()
    return key_result


def test_a_value_far_past_the_target_is_not_saved_without_confirmation(client, member, at_63):
    client.force_login(member)
    response = client.post(
        create_url(at_63),
        form_data(at_63, value="263", confidence="on_track"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "263 is far past the target (100), from 63" in html
    assert f'name="kr{at_63.pk}-confirm_jump"' in html and "Save 263 anyway" in html
    assert CheckIn.objects.count() == 1


def test_the_confirmation_speaks_french(client, member, at_63):
    member.language = "fr"
    member.save()
    client.force_login(member)
    response = client.post(
        create_url(at_63),
        form_data(at_63, value="2", confidence="on_track"),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    html = response.content.decode()
    assert "2 recule beaucoup depuis 63 (cible 100)" in html
    assert "Enregistrer 2 quand même" in html


def test_a_confirmed_jump_is_saved(client, member, at_63):
    client.force_login(member)
    response = client.post(
        create_url(at_63),
        form_data(at_63, value="263", confidence="on_track", confirm_jump="on"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    at_63.refresh_from_db()
    assert at_63.current_value == Decimal(263)


def test_an_ordinary_week_saves_without_a_question(client, member, at_63):
    client.force_login(member)
    client.post(create_url(at_63), form_data(at_63, value="70", confidence="on_track"))
    at_63.refresh_from_db()
    assert at_63.current_value == Decimal(70)


def test_a_correction_is_judged_from_the_value_before_the_corrected_check_in(
    client, member, key_result
):
    CheckInFactory(key_result=key_result, author=member, value=Decimal(63))
    slip = CheckInFactory(key_result=key_result, author=member, value=Decimal(263))
    client.force_login(member)
    response = client.post(
        reverse("checkins:checkin_edit", args=[slip.pk]),
        form_data(key_result, value="65", confidence="on_track"),
    )
    assert response.status_code == 302
    slip.refresh_from_db()
    assert slip.value == Decimal(65)


def test_the_key_result_page_asks_with_a_checkbox(client, member, at_63):
    client.force_login(member)
    response = client.post(create_url(at_63), form_data(at_63, value="263", confidence="on_track"))
    html = response.content.decode()
    assert response.status_code == 400
    assert f'type="checkbox" name="kr{at_63.pk}-confirm_jump"' in html
    response = client.post(
        create_url(at_63), form_data(at_63, value="263", confidence="on_track", confirm_jump="on")
    )
    assert response.status_code == 302
