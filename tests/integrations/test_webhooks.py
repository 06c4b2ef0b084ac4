"""Outgoing webhooks: signed deliveries to a real receiver, retries with back-off, switched
off after a day of failures, exactly once, and the events the other apps raise."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from checkins.models import Notification, NotificationKind
from checkins.services import checkin_create
from objectives import cycle_services
from objectives import services as objective_services
from okrapp.core import hooks, jobs
from okrapp.core.models import Cycle, Job
from okrapp.core.permissions import viewer_for
from okrapp.integrations import services, signing
from okrapp.integrations.models import Delivery, WebhookDelivery, WebhookEndpoint
from tests.factories import CycleFactory, KPIFactory, MeasurementFactory


def _endpoint(viewer, url, events=("checkin.created",)):
    endpoint, secret = services.endpoint_create(
        viewer=viewer, name="CRM", url=url, events=list(events)
    )
    return endpoint, secret


def _check_in(key_result, member, confidence="on_track"):
    return checkin_create(
        key_result=key_result, author=member, value=Decimal(40), confidence=confidence
    )


def test_a_check_in_is_delivered_signed_and_the_receiver_verifies_the_signature(
    receiver, admin_viewer, key_result, member
):
    endpoint, secret = _endpoint(admin_viewer, receiver.url())
    checkin = _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)

    assert services.webhook_delivery_send(delivery_id=delivery.pk) == Delivery.Status.SENT

    [(path, body, headers)] = receiver.received
    assert path == "/hook"
    assert signing.verify(secret, body, headers["X-OKR-Signature"])
    assert not signing.verify("another-secret", body, headers["X-OKR-Signature"])
    payload = json.loads(body)
    assert set(payload) == {"id", "timestamp", "event", "data"}
    assert payload["id"] == str(delivery.event_id) == headers["X-OKR-Delivery"]
    assert payload["event"] == "checkin.created"
    assert payload["data"]["checkin"]["id"] == checkin.pk
    assert payload["data"]["key_result"]["title"] == "Reach 100 requests a month"


def test_the_delivery_log_keeps_status_code_duration_and_attempt(
    receiver, admin_viewer, key_result, member
):
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("sent", 200, 1)
    assert delivery.duration_ms is not None and delivery.sent_at is not None


def test_the_secret_is_stored_encrypted_and_the_body_sent_is_the_body_stored(
    receiver, admin_viewer, key_result, member
):
    endpoint, secret = _endpoint(admin_viewer, receiver.url())
    assert secret not in endpoint.secret_encrypted
    assert services.secret_box.decrypt(endpoint.secret_encrypted) == secret
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    assert receiver.received[0][1] == delivery.body.encode()


def test_an_endpoint_receives_only_the_events_it_chose(receiver, admin_viewer, key_result, member):
    _endpoint(admin_viewer, receiver.url(), events=["objective.created"])
    _check_in(key_result, member)
    assert not WebhookDelivery.objects.exists()


def test_a_failed_delivery_waits_a_minute_then_twice_as_long(
    receiver, clock, admin_viewer, key_result, member
):
    receiver.status = 500
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)

    assert services.webhook_delivery_send(delivery_id=delivery.pk) == Delivery.Status.PENDING
    delivery.refresh_from_db()
    assert delivery.response_code == 500 and delivery.attempts == 1
    assert (delivery.next_attempt_at - clock.now).total_seconds() == 60
    # Not due yet: a second worker or the job offered again sends nothing.
    assert services.webhook_delivery_send(delivery_id=delivery.pk) is None
    clock.move(seconds=60)
    assert services.webhook_delivery_send(delivery_id=delivery.pk) == Delivery.Status.PENDING
    delivery.refresh_from_db()
    assert (delivery.next_attempt_at - clock.now).total_seconds() == 120
    assert len(receiver.received) == 2


@pytest.mark.parametrize(
    ("attempt", "seconds"), [(1, 60), (2, 120), (3, 240), (8, 7680), (9, 15360), (10, 21600)]
)
def test_the_back_off_doubles_up_to_six_hours(attempt, seconds):
    assert signing.retry_delay_seconds(attempt) == seconds


def test_the_sweep_records_a_job_for_each_delivery_due_again(
    receiver, clock, admin_viewer, key_result, member
):
    receiver.status = 503
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    assert services.deliveries_sweep() == 0
    clock.move(minutes=1)
    assert services.deliveries_sweep() == 1
    assert Job.objects.filter(key=f"webhook-delivery:{delivery.pk}:1").exists()


def test_an_endpoint_failing_for_a_whole_day_is_switched_off_and_its_admin_told(
    receiver, clock, admin, admin_viewer, key_result, member
):
    receiver.status = 500
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    while WebhookEndpoint.objects.get(pk=endpoint.pk).is_active:
        clock.move(seconds=signing.retry_delay_seconds(delivery.attempts))
        services.webhook_delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()

    endpoint.refresh_from_db()
    assert endpoint.disabled_at - endpoint.failing_since >= services.DISABLE_AFTER
    notification = Notification.objects.get(user=admin, kind=NotificationKind.INTEGRATION)
    assert "CRM" in notification.message
    assert notification.email_status == "pending"  # an email immediately, through its job
    assert Job.objects.filter(key=f"notification-email:{notification.pk}").exists()


def test_a_success_forgets_earlier_failures(receiver, clock, admin_viewer, key_result, member):
    receiver.status = 500
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failing_since is not None
    receiver.status = 204
    clock.move(minutes=1)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failing_since is None


def test_a_delivery_is_given_up_after_its_last_attempt(
    receiver, clock, admin_viewer, key_result, member
):
    receiver.status = 500
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=signing.MAX_ATTEMPTS - 1)
    assert services.webhook_delivery_send(delivery_id=delivery.pk) == Delivery.Status.FAILED


def test_sending_twice_posts_once(receiver, admin_viewer, key_result, member):
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    assert services.webhook_delivery_send(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 1


def test_a_worker_that_died_mid_send_is_logged_and_its_delivery_retried(
    receiver, clock, caplog, admin_viewer, key_result, member, settings
):
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert services._claim(WebhookDelivery, delivery.pk)  # the worker dies here
    clock.move(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    services.deliveries_sweep()
    assert "claimed by a worker that died" in caplog.text
    assert services.webhook_delivery_send(delivery_id=delivery.pk) == Delivery.Status.SENT


def test_an_address_that_turned_private_is_refused_at_send_time(
    receiver, settings, admin_viewer, key_result, member
):
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    settings.OUTBOUND_ALLOW_PRIVATE = False
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert "private or reserved" in delivery.error
    assert receiver.received == []


def test_a_switched_off_endpoint_receives_nothing(receiver, admin_viewer, key_result, member):
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    services.endpoint_update(viewer=admin_viewer, endpoint=endpoint, is_active=False)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert services.webhook_delivery_send(delivery_id=delivery.pk) == Delivery.Status.FAILED
    assert receiver.received == []


def test_a_delivery_job_is_recorded_in_the_change_s_transaction(
    receiver, admin_viewer, key_result, member
):
    endpoint, _secret = _endpoint(admin_viewer, receiver.url())
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    job = Job.objects.get(key=f"webhook-delivery:{delivery.pk}:0")
    assert job.task == "okrapp.integrations.tasks.send_webhook_delivery"
    assert job.kwargs == {"delivery_id": delivery.pk}


# --- Events from the other apps ----------------------------------------------------------------


def _events(endpoint):
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("id")
        .values_list("event", flat=True)
    )


def test_creating_and_changing_an_objective_raise_their_events(
    receiver, admin_viewer, cycle, team, lead
):
    endpoint, _ = _endpoint(
        admin_viewer, receiver.url(), events=["objective.created", "objective.updated"]
    )
    lead_viewer = viewer_for(lead)
    objective = objective_services.objective_create(
        viewer=lead_viewer,
        cycle=cycle,
        title="Delight our customers",
        level="team",
        team=team,
        owner=lead,
        visibility="private",
    )
    objective_services.objective_update(
        viewer=lead_viewer, objective=objective, title="Delight every customer"
    )
    assert _events(endpoint) == ["objective.created", "objective.updated"]
    last = json.loads(WebhookDelivery.objects.filter(endpoint=endpoint).latest("id").body)
    # Endpoints belong to admins, who see everything: a private objective is included.
    assert last["data"]["objective"]["title"] == "Delight every customer"
    assert last["data"]["objective"]["visibility"] == "private"


def test_changing_a_key_result_raises_its_event(receiver, admin_viewer, key_result, lead):
    endpoint, _ = _endpoint(admin_viewer, receiver.url(), events=["key_result.updated"])
    objective_services.key_result_update(
        viewer=viewer_for(lead), key_result=key_result, title="Reach 120 requests a month"
    )
    assert _events(endpoint) == ["key_result.updated"]


def test_a_kpi_whose_status_changes_raises_its_event(receiver, admin_viewer, admin, team):
    from kpis import services as kpi_services

    endpoint, _ = _endpoint(admin_viewer, receiver.url(), events=["kpi.status_changed"])
    kpi = KPIFactory(team=team, target_value=Decimal(100), alert_threshold=Decimal(50))
    MeasurementFactory(kpi=kpi, value=Decimal(120))
    latest = kpi.measurements.get()
    kpi_services.measurements_record(
        viewer=admin_viewer,
        kpi=kpi,
        items=[{"period_date": latest.period_date, "value": Decimal(10)}],
        recorded_by=admin,
    )
    assert _events(endpoint) == ["kpi.status_changed"]
    data = json.loads(WebhookDelivery.objects.get(endpoint=endpoint).body)["data"]
    assert (data["previous_status"], data["status"]) == ("green", "red")


def test_a_cycle_moving_on_raises_its_event(receiver, admin_viewer):
    endpoint, _ = _endpoint(admin_viewer, receiver.url(), events=["cycle.status_changed"])
    cycle = CycleFactory(status=Cycle.Status.PLANNING)
    cycle_services.cycle_move(viewer=admin_viewer, cycle=cycle, target=Cycle.Status.ACTIVE)
    data = json.loads(WebhookDelivery.objects.get(endpoint=endpoint).body)["data"]
    assert (data["previous_status"], data["cycle"]["status"]) == ("planning", "active")


def test_a_failing_listener_never_fails_the_change(monkeypatch, key_result, member):
    def broken(event, data):
        raise RuntimeError("the integrations are down")

    hooks.register_event_listener("broken", broken)
    try:
        checkin = _check_in(key_result, member)
    finally:
        hooks._event_listeners.pop("broken")
    assert checkin.pk is not None


# --- Exactly once with two workers (PostgreSQL: real concurrent transactions) ------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_delivery_post_it_once(receiver, company, monkeypatch):
    from tests.factories import (
        KeyResultFactory,
        MembershipFactory,
        ObjectiveFactory,
        TeamFactory,
        UserFactory,
    )

    admin = UserFactory(is_staff=True)
    team = TeamFactory(parent=company)
    member = MembershipFactory(team=team).user
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=CycleFactory(), team=team), owner=member
    )
    endpoint, _ = _endpoint(viewer_for(admin), receiver.url())
    # The broker is down: the committed delivery waits for the two workers below.
    monkeypatch.setattr(jobs, "offer", lambda job_id: False)
    _check_in(key_result, member)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        barrier.wait()
        try:
            outcomes.append(services.webhook_delivery_send(delivery_id=delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == [None, "sent"]
    assert len(receiver.received) == 1


# --- The web request never waits for the broker or the endpoint --------------------------------


def test_a_check_in_while_the_broker_and_the_endpoint_are_down_answers_and_waits(
    client,
    monkeypatch,
    admin_viewer,
    key_result,
    member,
    settings,
    django_capture_on_commit_callbacks,
):
    from kombu.exceptions import OperationalError

    from okrapp.core.tasks import run_job

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.OUTBOUND_ALLOW_PRIVATE = True
    endpoint, _ = _endpoint(admin_viewer, "http://127.0.0.1:9/down")  # nothing listens there
    monkeypatch.setattr(run_job, "apply_async", refuse)
    client.force_login(member)
    url = reverse("checkins:checkin_create", args=[key_result.pk])
    data = {f"kr{key_result.pk}-value": "40", f"kr{key_result.pk}-confidence": "on_track"}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, data)
    assert answer.status_code == 302
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "pending" and delivery.attempts == 0
    assert Job.objects.get(key=f"webhook-delivery:{delivery.pk}:0").status == "pending"
