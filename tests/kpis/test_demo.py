from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from checkins.models import CheckIn
from kpis import selectors
from kpis.models import KPI, Measurement
from objectives.models import KeyResult
from okrapp.core.models import User
from okrapp.core.permissions import viewer_for

pytestmark = pytest.mark.django_db


def test_demo_kpis_cover_every_status_and_one_bridge_and_load_twice_the_same():
    call_command("load_demo", stdout=io.StringIO())
    counts = (KPI.objects.count(), Measurement.objects.count(), CheckIn.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (KPI.objects.count(), Measurement.objects.count(), CheckIn.objects.count()) == counts
    assert counts[0] == 5
    admin = User.objects.get(email="claire.dubois@lumiere.example")
    statuses = sorted(card.status for card in selectors.board(viewer_for(admin)))
    assert statuses == ["amber", "green", "green", "red", "stale"]
    months = Measurement.objects.filter(kpi__name__startswith="Taux d'ouverture").count()
    assert months == 18
    linked = KeyResult.objects.filter(kpi_link__isnull=False)
    if KeyResult.objects.filter(title__icontains="newsletter").exists():
        assert linked.count() == 1
