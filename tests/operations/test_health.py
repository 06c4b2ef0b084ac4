"""/healthz says the process is up; /readyz says whether it may take traffic: 503 when the
database is down or not migrated, 200 "degraded" when only the broker is down (pages still
serve). Neither needs a session, and neither says anything about the machine."""

from __future__ import annotations

import json

import django
import pytest
from django.db import OperationalError
from django.test import override_settings

from okrapp.operations import health, views
from tests.support.brokers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _migrations_read_again(monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)


@pytest.fixture
def closed_port_broker():
    """A Redis URL on a port where nothing listens: the broker is down."""
    port = free_port()
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"):
        yield port


def test_healthz_answers_ok_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert not response.cookies


def test_readyz_answers_ok_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["broker"] in {"ok", "not used"}


def test_readyz_is_unavailable_when_the_database_is_down(client, monkeypatch):
    def refuse():
        raise OperationalError('connection to server at "10.9.8.7", port 5432 failed')

    monkeypatch.setattr(health.connection, "ensure_connection", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {
            "database": "unavailable",
            "migrations": "unknown",
            "broker": response.json()["checks"]["broker"],
        },
    }
    assert b"10.9.8.7" not in response.content
    assert b"OperationalError" not in response.content


def test_readyz_is_unavailable_while_a_migration_is_not_applied(client, monkeypatch):
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("a", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["migrations"] == "pending"


def test_readyz_is_degraded_but_serving_when_the_broker_is_down(client, closed_port_broker):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "broker": "unavailable",
    }
    assert str(closed_port_broker) not in response.content.decode()


@override_settings(ALLOWED_HOSTS=["okr.example.com"], SECURE_SSL_REDIRECT=True, SECURE_HTTPS=True)
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_load_balancer_probes_by_address_over_plain_http(client, path):
    response = client.get(path, HTTP_HOST="10.0.0.12:8000")
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_leak_no_version_host_or_cookie(client, path, closed_port_broker):
    response = client.get(path, HTTP_HOST="localhost")
    text = response.content.decode()
    assert django.get_version() not in text
    assert "127.0.0.1" not in text and "localhost" not in text
    assert "Traceback" not in text
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert set(json.loads(text)) <= {"status", "checks"}


def test_probes_are_open_to_anyone_when_reached_through_the_url_map():
    # login_not_required: LoginRequiredMiddleware lets them through even without the
    # middleware that answers them first.
    assert views.healthz.login_required is False
    assert views.readyz.login_required is False
    assert views.metrics.login_required is False


def test_probes_answer_only_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/readyz").status_code == 200
