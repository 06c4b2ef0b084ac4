"""/metrics in the Prometheus text format.

1. Requests: a counter and a latency histogram by method, view name and status, recorded by
   okrapp.operations.middleware.RequestMetricsMiddleware. Under gunicorn each worker process
   writes its values to PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets it) and a scrape adds
   them up, whichever worker answers.
2. State, read when scraped: background jobs (okrapp.core.models.Job) and weekly reminders by
   status, the Celery queue's length and whether the broker answers.
"""

from __future__ import annotations

import os

import redis
from django.conf import settings
from django.db.models import Count
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from checkins.models import Reminder
from okrapp.core.models import Job

REQUESTS = Counter(
    "okr_http_requests",
    "HTTP requests answered, by method, view and status.",
    ["method", "view", "status"],
)
LATENCY = Histogram(
    "okr_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and view.",
    ["method", "view"],
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def record_request(*, method: str, view: str, status: int, seconds: float) -> None:
    # Labels come from a closed set (the URL map's view names), never from the path itself.
    method = method if method in METHODS else "OTHER"
    REQUESTS.labels(method=method, view=view, status=str(status)).inc()
    LATENCY.labels(method=method, view=view).observe(seconds)


def _counts_by_status(model, statuses) -> dict[str, int]:
    counts = dict(model.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in statuses}


def _queue_length(url: str) -> int:
    """Messages waiting in the default queue. Kombu keeps one Redis list per priority step."""
    from okrapp.celery import app

    queue = app.conf.task_default_queue
    names = [queue] + [f"{queue}\x06\x16{step}" for step in (3, 6, 9)]
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return sum(client.llen(name) for name in names)
    finally:
        client.close()


class StateCollector:
    def collect(self):
        jobs = GaugeMetricFamily(
            "okr_background_jobs", "Recorded background jobs, by status.", labels=["status"]
        )
        for status, count in _counts_by_status(Job, Job.Status.values).items():
            jobs.add_metric([status], count)
        yield jobs

        reminders = GaugeMetricFamily(
            "okr_checkin_reminders", "Weekly check-in reminders, by status.", labels=["status"]
        )
        for status, count in _counts_by_status(Reminder, Reminder.Status.values).items():
            reminders.add_metric([status], count)
        yield reminders

        url = settings.CELERY_BROKER_URL
        if not url.startswith(("redis://", "rediss://", "unix://")):
            return  # the embedded default: tasks run in-process, there is no queue
        try:
            length = _queue_length(url)
        except redis.RedisError:
            yield GaugeMetricFamily("okr_broker_up", "Whether the Celery broker answers.", 0)
            return
        yield GaugeMetricFamily("okr_broker_up", "Whether the Celery broker answers.", 1)
        yield GaugeMetricFamily(
            "okr_celery_queue_length", "Tasks waiting in the Celery queue.", length
        )


def render() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests_registry)
    else:
        requests_registry = REGISTRY
    state_registry = CollectorRegistry()
    state_registry.register(StateCollector())
    return generate_latest(requests_registry) + generate_latest(state_registry)
