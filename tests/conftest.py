"""Shared fixtures, named for their role in the organisation."""

from __future__ import annotations

import datetime
import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.test import Client

from okrapp.core import freshness
from okrapp.core.models import Cycle, Membership
from okrapp.settings import oidc_providers
from tests.factories import (
    PASSWORD,
    CycleFactory,
    MembershipFactory,
    TeamFactory,
    UserFactory,
    company_team,
)
from tests.support.brokers import PrivateRedis
from tests.support.oidc_provider import OIDCProvider

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is slow by design; tests create many people.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The rate limits' counters: in memory, emptied before each test (`_fresh_rate_limits`),
    # so that no test counts another's requests nor SQL queries of the database cache; and
    # never the Redis of CI, whose database Celery's queues share.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


CHROMIUM = "/usr/bin/chromium"


def _unavailable(reason: str) -> None:
    """Outside CI a missing service skips the test, and says so; in CI it fails."""
    if IN_CI:
        pytest.fail(f"CI must run this test, but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _required_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _unavailable("it needs PostgreSQL (set DATABASE_URL=postgres://…)")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _unavailable("it needs Redis and a Celery worker (set REDIS_URL=redis://…)")
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        _unavailable(f"it needs Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    freshness.forget_kept()


@pytest.fixture
def drawn(monkeypatch):
    """The templates okrapp.core.drawings drew (not taken from the cache), one entry each."""
    from okrapp.core import drawings

    calls = []
    draw = drawings.render_to_string

    def counting(template, *args, **kwargs):
        calls.append(template)
        return draw(template, *args, **kwargs)

    monkeypatch.setattr(drawings, "render_to_string", counting)
    return calls


class SignInClient(Client):
    """Django's test client, whose `login()` signs in through the authentication backends
    with a request, as the sign-in page does: django-axes watches every sign-in and refuses
    one without a request (`force_login` skips the backends and needs nothing)."""

    def login(self, **credentials) -> bool:
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        return super().login(request=request, **credentials)


@pytest.fixture
def client() -> SignInClient:
    return SignInClient()


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process(request):
    """Tasks run in-process in tests, as in the embedded default, even where REDIS_URL is
    set; the tests marked `redis` are the ones that go through a real worker."""
    from okrapp.celery import app

    if request.node.get_closest_marker("redis"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def company(db):
    return company_team()


@pytest.fixture
def cycle(db):
    return CycleFactory(name="T4 2026")


@pytest.fixture
def team(company):
    return TeamFactory(name="Marketing", parent=company)


@pytest.fixture
def other_team(company):
    return TeamFactory(name="Ventes", parent=company)


@pytest.fixture
def lead(team):
    return MembershipFactory(
        team=team, role=Membership.Role.LEAD, user__display_name="Léa Lead"
    ).user


@pytest.fixture
def member(team):
    return MembershipFactory(team=team, user__display_name="Marc Member").user


@pytest.fixture
def outsider(other_team):
    return MembershipFactory(team=other_team, user__display_name="Olga Outsider").user


@pytest.fixture
def admin(company):
    user = UserFactory(display_name="Ada Admin", is_staff=True)
    MembershipFactory(user=user, team=company)
    return user


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    if server.binary is None:
        _unavailable("it needs redis-server (apt-get install redis-server)")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site_admin(company):
    """An admin with every right on the admin site, as the demo's admins have."""
    user = UserFactory(display_name="Sam Superuser", is_staff=True, is_superuser=True)
    MembershipFactory(user=user, team=company)
    return user


# Single sign-on: a real OpenID Connect provider on 127.0.0.1 (tests/support/oidc_provider.py).
SSO_CLIENT_ID = "okr-test-client"
SSO_CLIENT_SECRET = "a-test-secret-never-used-elsewhere"


@pytest.fixture
def provider():
    running = OIDCProvider(client_id=SSO_CLIENT_ID, client_secret=SSO_CLIENT_SECRET).start()
    yield running
    running.stop()


@pytest.fixture
def sso(settings, provider):
    """Single sign-on configured as the environment would (OIDC_*), against the provider."""
    settings.OIDC_ISSUER_URL = provider.url
    settings.OIDC_CLIENT_ID = SSO_CLIENT_ID
    settings.OIDC_CLIENT_SECRET = SSO_CLIENT_SECRET
    settings.OIDC_BUTTON_LABEL = "Sign in with ACME ID"
    settings.SOCIALACCOUNT_PROVIDERS = oidc_providers(
        issuer_url=provider.url, client_id=SSO_CLIENT_ID, secret=SSO_CLIENT_SECRET, label="ACME ID"
    )
    return provider


# The quarter being graded and the next one in planning (objectives and API tests).
@pytest.fixture
def q1(db):
    """The first quarter of 2026, in grading since 1 April."""
    return CycleFactory(
        name="T1 2026",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 3, 31),
        status=Cycle.Status.GRADING,
        grading_opened_on=datetime.date(2026, 4, 1),
    )


@pytest.fixture
def q2(db):
    """The second quarter of 2026, in planning."""
    return CycleFactory(
        name="T2 2026",
        start_date=datetime.date(2026, 4, 1),
        end_date=datetime.date(2026, 6, 30),
        status=Cycle.Status.PLANNING,
    )
