"""Fixtures of the dashboard tests: a public objective in Marketing, a private one in Ventes,
and the helpers that read a page as someone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis.models import KPI
from objectives.models import Confidence, Objective
from tests.factories import KeyResultFactory, KPIFactory, MeasurementFactory, ObjectiveFactory

D = Decimal
SECRET = "Secret reorganisation of the sales team"
SECRET_KPI = "Secret churn of key accounts"


def get(client, user, url, **headers):
    client.force_login(user)
    return client.get(url, **headers)


def count_queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def private_objective(cycle, other_team, outsider):
    """A private individual objective in Ventes, scored 20, with an off-track key result."""
    objective = ObjectiveFactory(
        cycle=cycle,
        team=other_team,
        owner=outsider,
        level=Objective.Level.INDIVIDUAL,
        title=SECRET,
        visibility=Objective.Visibility.PRIVATE,
        score=D(20),
    )
    KeyResultFactory(
        objective=objective,
        title="Secret key result",
        confidence=Confidence.OFF_TRACK,
        last_checkin_at=timezone.now(),
        score=D(20),
    )
    return objective


@pytest.fixture
def public_objective(cycle, team, lead):
    """Marketing's public objective, scored 60, with an on-track key result checked in now."""
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, title="Our newsletter is loved", score=D(60)
    )
    KeyResultFactory(
        objective=objective,
        title="50 % of subscribers open each month",
        confidence=Confidence.ON_TRACK,
        last_checkin_at=timezone.now(),
        score=D(60),
    )
    return objective


@pytest.fixture
def private_kpi(other_team, outsider):
    """A private KPI of Ventes, owned by the outsider, in alert."""
    kpi = KPIFactory(
        name=SECRET_KPI,
        team=other_team,
        owner=outsider,
        visibility=KPI.Visibility.PRIVATE,
        target_value=D(5),
        direction=KPI.Direction.LOWER_IS_BETTER,
    )
    MeasurementFactory(kpi=kpi, value=D(9))
    return kpi
