from __future__ import annotations

import pytest
from django.urls import reverse

from checkins.models import Notification

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("checkins:notifications")


def notify(user, message="3 key results wait for this week's check-in."):
    return Notification.objects.create(user=user, message=message, url=reverse("checkins:my_week"))


def test_i_see_my_notifications_and_not_others(client, member, outsider):
    notify(member, "For Marc")
    notify(outsider, "For Olga")
    client.force_login(member)
    page = client.get(NOTIFICATIONS).content.decode()
    assert "For Marc" in page
    assert "For Olga" not in page


def test_marking_a_notification_read_with_htmx_returns_it_alone(client, member):
    notification = notify(member)
    client.force_login(member)
    response = client.post(
        reverse("checkins:notification_read", args=[notification.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, member):
    notification = notify(member)
    client.force_login(member)
    response = client.post(
        reverse("checkins:notification_read", args=[notification.pk]), {"open": "1"}
    )
    assert response["Location"] == reverse("checkins:my_week")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(client, member):
    notify(member)
    notify(member)
    client.force_login(member)
    client.post(reverse("checkins:notifications_read_all"))
    assert not Notification.objects.filter(user=member, read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found(client, member, outsider):
    notification = notify(outsider)
    client.force_login(member)
    assert (
        client.post(reverse("checkins:notification_read", args=[notification.pk])).status_code
        == 404
    )


def test_anonymous_visitor_is_sent_to_sign_in(client):
    assert client.get(NOTIFICATIONS).status_code == 302


@pytest.mark.parametrize("size", [5, 50])
def test_notifications_page_runs_a_bounded_number_of_queries(
    client, member, django_assert_max_num_queries, size
):
    for _ in range(size):
        notify(member)
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(NOTIFICATIONS)
    assert len(response.context["notifications"]) == size
