"""History is kept: only this week's latest check-in can be deleted, by its author, after an
in-page confirmation; an older one can only be corrected."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn
from checkins.services import checkin_create, checkin_delete
from okrapp.core import weeks

pytestmark = pytest.mark.django_db

MY_WEEK = reverse("checkins:my_week")
LAST_WEEK = weeks.week_of().start - datetime.timedelta(days=2)


def _checkin(key_result, author, value, created_at=None):
    return checkin_create(
        key_result=key_result,
        author=author,
        value=Decimal(value),
        confidence="on_track",
        created_at=created_at,
    )


def test_a_check_in_of_an_earlier_week_cannot_be_deleted_by_its_author(key_result, member):
    old = _checkin(key_result, member, 30, created_at=LAST_WEEK)
    with pytest.raises(ValidationError):
        checkin_delete(checkin=old, author=member)
    assert CheckIn.objects.filter(pk=old.pk).exists()


def test_deleting_stops_at_the_start_of_the_week(client, member, key_result):
    _checkin(key_result, member, 30, created_at=LAST_WEEK)
    slip = _checkin(key_result, member, 40)
    client.force_login(member)
    client.post(reverse("checkins:checkin_delete", args=[slip.pk]))
    page = client.get(MY_WEEK).content.decode()
    assert "Delete latest" not in page and "Correct latest" in page
    older = CheckIn.objects.get()
    assert client.post(reverse("checkins:checkin_delete", args=[older.pk])).status_code == 403
    assert client.get(reverse("checkins:checkin_delete", args=[older.pk])).status_code == 403
    assert CheckIn.objects.count() == 1


def test_an_earlier_weeks_check_in_can_still_be_corrected_with_a_comment(
    client, member, key_result
):
    old = _checkin(key_result, member, 30, created_at=LAST_WEEK)
    client.force_login(member)
    response = client.post(
        reverse("checkins:checkin_edit", args=[old.pk]),
        {
            f"kr{key_result.pk}-value": "35",
            f"kr{key_result.pk}-confidence": "on_track",
            f"kr{key_result.pk}-comment": "Typo: 35, not 30",
        },
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.value, old.comment) == (Decimal(35), "Typo: 35, not 30")


def test_asking_to_delete_shows_an_in_page_dialog_in_the_row(client, member, key_result):
    latest = _checkin(key_result, member, 40)
    client.force_login(member)
    page = client.get(MY_WEEK).content.decode()
    assert "hx-confirm" not in page
    response = client.get(
        reverse("checkins:checkin_delete", args=[latest.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'role="alertdialog"' in html and "Keep it" in html
    assert f'id="checkin-row-{key_result.pk}"' in html
    assert CheckIn.objects.filter(pk=latest.pk).exists()  # asking deletes nothing


def test_without_javascript_asking_to_delete_is_a_page_of_its_own(client, member, key_result):
    latest = _checkin(key_result, member, 40)
    client.force_login(member)
    response = client.get(reverse("checkins:checkin_delete", args=[latest.pk]))
    assert response.status_code == 200
    assert "Delete your latest check-in?" in response.content.decode()


def test_someone_else_may_not_even_ask_to_delete(client, lead, member, key_result):
    latest = _checkin(key_result, member, 40)
    client.force_login(lead)
    assert client.get(reverse("checkins:checkin_delete", args=[latest.pk])).status_code == 403


def test_the_key_result_page_offers_delete_only_for_this_weeks_latest(client, member, key_result):
    _checkin(key_result, member, 30, created_at=timezone.now() - datetime.timedelta(days=8))
    client.force_login(member)
    page = client.get(reverse("checkins:key_result", args=[key_result.pk])).content.decode()
    assert "checkin_delete" not in page and "/delete/" not in page
