"""Production logs are one JSON object a line: a request's line says its method, path, status,
duration, user and request id; a task's lines say its id; errors reach Sentry without email
addresses."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import structlog
from celery import shared_task
from django_structlog.celery.receivers import CeleryReceiver
from django_structlog.celery.steps import DjangoStructLogInitStep

from okrapp.observability import scrub_emails

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_lines():
    """What the configured handler writes (settings.LOGGING, JSON with DEBUG off), as lines."""
    configured = next(
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(configured.formatter)
    logging.getLogger().addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    logging.getLogger().removeHandler(handler)


def _events(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines]


@pytest.mark.django_db
def test_a_request_is_one_json_line_with_its_request_id_and_user(client, member, log_lines):
    client.force_login(member)
    response = client.get("/profile/?next=/secret-token")
    events = _events(log_lines())
    finished = [event for event in events if event["event"] == "request_finished"]
    assert len(finished) == 1
    line = finished[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["method"] == "GET"
    assert line["path"] == "/profile/"
    assert line["status"] == 200
    assert line["user_id"] == member.pk
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "info"
    assert "timestamp" in line
    assert "ip" not in line
    assert not [event for event in events if event["event"] == "request_started"]


@pytest.mark.django_db
def test_lines_of_plain_loggers_are_json_and_carry_the_request_id(client, log_lines):
    structlog.contextvars.bind_contextvars(request_id="req-42")
    try:
        logging.getLogger("okrapp.anything").warning("Job %s not sent", 7)
    finally:
        structlog.contextvars.clear_contextvars()
    (line,) = _events(log_lines())
    assert line == {
        "event": "Job 7 not sent",
        "request_id": "req-42",
        "logger": "okrapp.anything",
        "level": "warning",
        "timestamp": line["timestamp"],
    }


@shared_task(name="tests.operations.add")
def add(x: int, y: int) -> int:
    return x + y


def test_the_worker_logs_each_task_with_its_id(log_lines):
    from okrapp.celery import app

    assert DjangoStructLogInitStep in app.steps["worker"]
    receiver = CeleryReceiver()
    receiver.connect_worker_signals()  # what the worker's boot step does
    try:
        result = add.apply(args=(2, 3))
    finally:
        from celery import signals

        for signal, handler in [
            (signals.task_prerun, receiver.receiver_task_prerun),
            (signals.task_success, receiver.receiver_task_success),
            (signals.task_failure, receiver.receiver_task_failure),
            (signals.task_retry, receiver.receiver_task_retry),
        ]:
            signal.disconnect(handler)
        structlog.contextvars.clear_contextvars()
    events = {event["event"]: event for event in _events(log_lines())}
    assert events["task_started"]["task_id"] == result.id
    assert events["task_started"]["task"] == "tests.operations.add"
    assert events["task_succeeded"]["task_id"] == result.id


def test_email_addresses_are_scrubbed_from_error_reports():
    event = {
        "message": "No reminder for ada@example.org",
        "extra": {"people": ["bob.smith+okr@mail.example.com", 3]},
        "level": "error",
    }
    assert scrub_emails(event) == {
        "message": "No reminder for [email]",
        "extra": {"people": ["[email]", 3]},
        "level": "error",
    }


def test_sentry_reports_errors_without_personal_data_when_a_dsn_is_set(tmp_path):
    script = (
        "import django; django.setup();"
        "import sentry_sdk; client = sentry_sdk.get_client();"
        "options = client.options;"
        "names = sorted(client.integrations);"
        "print(options['send_default_pii'], options['max_request_body_size'],"
        " 'django' in names, 'celery' in names,"
        " options['before_send']({'message': 'ada@example.org'}, {})['message'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "okrapp.settings",
        "SENTRY_DSN": "https://public@sentry.invalid/1",
        "DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "never", "True", "True", "[email]"]
