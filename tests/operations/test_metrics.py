"""/metrics: Prometheus text for whoever holds METRICS_TOKEN, nothing for anyone else."""

from __future__ import annotations

import pytest
import redis
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from checkins.models import Reminder
from okrapp.core.models import Job
from tests.factories import UserFactory
from tests.support.brokers import free_port

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests-0123456789"


def _samples(response) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _scrape(client, **settings):
    with override_settings(METRICS_TOKEN=TOKEN, **settings):
        return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def test_metrics_do_not_exist_without_a_token_set(client):
    with override_settings(METRICS_TOKEN=""):
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


@override_settings(METRICS_TOKEN=TOKEN)
@pytest.mark.parametrize("header", [None, "Bearer wrong", TOKEN, f"Basic {TOKEN}"])
def test_metrics_refuse_a_scraper_without_the_token(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert b"okr_" not in response.content


def test_metrics_count_requests_by_view_and_status(client):
    client.get("/accounts/login/")
    samples = _samples(_scrape(client))
    key = (
        "okr_http_requests_total",
        (("method", "GET"), ("status", "200"), ("view", "login")),
    )
    assert samples[key] >= 1
    latency = ("okr_http_request_duration_seconds_count", (("method", "GET"), ("view", "login")))
    assert samples[latency] >= 1


def test_metrics_count_background_jobs_and_reminders_by_status(client):
    Job.objects.create(task="objectives.tasks.rollup_scores")
    Job.objects.create(task="objectives.tasks.rollup_scores", status=Job.Status.FAILED)
    person = UserFactory()
    Reminder.objects.create(user=person, iso_year=2026, iso_week=40, status="sent")
    Reminder.objects.create(user=person, iso_year=2026, iso_week=41, status="failed")
    samples = _samples(_scrape(client))
    assert samples[("okr_background_jobs", (("status", "pending"),))] == 1
    assert samples[("okr_background_jobs", (("status", "failed"),))] == 1
    assert samples[("okr_background_jobs", (("status", "done"),))] == 0
    assert samples[("okr_checkin_reminders", (("status", "sent"),))] == 1
    assert samples[("okr_checkin_reminders", (("status", "failed"),))] == 1


def test_metrics_say_the_broker_is_down(client):
    samples = _samples(_scrape(client, CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"))
    assert samples[("okr_broker_up", ())] == 0
    assert ("okr_celery_queue_length", ()) not in samples


def test_metrics_tell_the_length_of_the_celery_queue(client, private_redis):
    queue = redis.Redis.from_url(private_redis.url)
    queue.rpush("celery", "task-1", "task-2")
    queue.rpush("celery\x06\x163", "task-3")
    samples = _samples(_scrape(client, CELERY_BROKER_URL=private_redis.url))
    assert samples[("okr_broker_up", ())] == 1
    assert samples[("okr_celery_queue_length", ())] == 3
