"""The webhooks' pages: admins only; the secret shown once; the delivery log."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from okrapp.integrations import services
from okrapp.integrations.models import WebhookDelivery, WebhookEndpoint

EVENTS = ["checkin.created", "objective.created"]


def _endpoint(admin_viewer, url="https://93.184.216.34/hook"):
    return services.endpoint_create(viewer=admin_viewer, name="CRM", url=url, events=EVENTS)[0]


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(client, admin):
    client.force_login(admin)
    answer = client.post(
        reverse("integrations:webhooks"),
        {"name": "CRM", "url": "https://93.184.216.34/hook", "events": EVENTS},
    )
    assert answer.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    secret = services.secret_box.decrypt(endpoint.secret_encrypted)
    assert secret in answer.content.decode()
    assert secret not in client.get(reverse("integrations:webhooks")).content.decode()
    detail = client.get(reverse("integrations:webhook", args=[endpoint.pk])).content.decode()
    assert secret not in detail


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://93.184.216.34/hook", "https://"),
        ("ftp://93.184.216.34/hook", "https://"),
        ("https://127.0.0.1/hook", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data/", "private or reserved"),
        ("https://10.0.0.8/hook", "private or reserved"),
        ("https://[::1]/hook", "private or reserved"),
        ("https://user:pw@93.184.216.34/hook", "user name or password"),
    ],
)
def test_a_refused_address_is_a_form_error(client, admin, url, reason):
    client.force_login(admin)
    answer = client.post(
        reverse("integrations:webhooks"),
        {"name": "CRM", "url": url, "events": EVENTS},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert reason in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_http_is_allowed_only_with_the_private_network_switch(settings, admin_viewer):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    assert _endpoint(admin_viewer, url="http://127.0.0.1:9/hook").url.startswith("http://")


@pytest.mark.parametrize("who", ["member", "lead", "outsider"])
def test_only_admins_reach_the_webhooks(client, request, who, admin_viewer):
    endpoint = _endpoint(admin_viewer)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("integrations:webhooks")).status_code == 403
    assert client.get(reverse("integrations:webhook", args=[endpoint.pk])).status_code == 403
    delete = reverse("integrations:webhook_delete", args=[endpoint.pk])
    assert client.post(delete).status_code == 403
    assert WebhookEndpoint.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    answer = client.get(reverse("integrations:webhooks"))
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_the_admin_switches_an_endpoint_off_and_back_on(client, admin, admin_viewer):
    endpoint = _endpoint(admin_viewer)
    client.force_login(admin)
    url = reverse("integrations:webhook", args=[endpoint.pk])
    data = {"name": "CRM", "url": endpoint.url, "events": EVENTS}
    assert client.post(url, data).status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert client.post(url, {**data, "is_active": "on"}).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failing_since is None


def test_the_delivery_log_shows_status_code_and_attempts(client, admin, admin_viewer):
    endpoint = _endpoint(admin_viewer)
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event="checkin.created",
        body="{}",
        status="pending",
        attempts=3,
        response_code=502,
        duration_ms=41,
        error="HTTP 502",
    )
    client.force_login(admin)
    page = client.get(
        reverse("integrations:webhook", args=[endpoint.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert "502" in text and "41 ms" in text and "checkin.created" in text


def test_deleting_an_endpoint(client, admin, admin_viewer):
    endpoint = _endpoint(admin_viewer)
    client.force_login(admin)
    assert (
        client.post(reverse("integrations:webhook_delete", args=[endpoint.pk])).status_code == 302
    )
    assert not WebhookEndpoint.objects.exists()


def test_the_webhook_pages_run_a_bounded_number_of_queries(
    client, admin, admin_viewer, django_assert_max_num_queries
):
    client.force_login(admin)
    for size in (1, 20):
        while WebhookEndpoint.objects.count() < size:
            endpoint = _endpoint(admin_viewer)
        WebhookDelivery.objects.bulk_create(
            WebhookDelivery(endpoint=endpoint, event_id=uuid.uuid4(), event="checkin.created")
            for _ in range(size)
        )
        with django_assert_max_num_queries(10):
            assert client.get(reverse("integrations:webhooks")).status_code == 200
        with django_assert_max_num_queries(10):
            url = reverse("integrations:webhook", args=[endpoint.pk])
            assert client.get(url).status_code == 200
