"""A real HTTP receiver on 127.0.0.1 (port 0) for webhook and Apprise JSON deliveries
(tests.support.receiver), a clock that tests move instead of sleeping, and the objects the
integrations talk about."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from okrapp.core.permissions import viewer_for
from tests.support.receiver import Receiver


@pytest.fixture
def receiver(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    with Receiver() as server:
        yield server


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def move(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() answers the clock's time; `clock.move(hours=…)` moves it."""
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def admin_viewer(admin):
    return viewer_for(admin)


@pytest.fixture
def lead_viewer(lead):
    return viewer_for(lead)


@pytest.fixture
def objective(cycle, team, lead):
    from tests.factories import ObjectiveFactory

    return ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Grow the community")


@pytest.fixture
def key_result(objective, member):
    from decimal import Decimal

    from tests.factories import KeyResultFactory

    return KeyResultFactory(
        objective=objective,
        owner=member,
        title="Reach 100 requests a month",
        start_value=Decimal(0),
        target_value=Decimal(100),
    )
