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
    assert counts[0] == 6
    admin = User.objects.get(email="claire.dubois@lumiere.example")
    statuses = sorted(card.status for card in selectors.board(viewer_for(admin)))
    assert statuses == ["amber", "green", "green", "green", "red", "stale"]
    months = Measurement.objects.filter(kpi__name__startswith="Taux d'ouverture").count()
    assert months == 18
    linked = KeyResult.objects.filter(kpi_link__isnull=False)
    if KeyResult.objects.filter(title__icontains="newsletter").exists():
        assert linked.count() == 1


def test_the_demo_has_one_kpi_fed_by_the_demo_endpoint_which_syncs_in_debug(settings, client):
    """The endpoint is this server's: the test client stands in for the network."""
    from unittest import mock

    from kpis import sync_services
    from kpis.connectors import network
    from kpis.models import KPISync

    call_command("load_demo", stdout=io.StringIO())
    (kpi,) = KPI.objects.exclude(source_kind=KPI.SourceKind.MANUAL)
    assert kpi.source_config["url"].endswith("/demo/analytics.json")
    settings.DEMO_ENDPOINT = True
    served = client.get("/demo/analytics.json")
    assert served.status_code == 200
    with mock.patch.object(network, "fetch", return_value=served.content):
        sync = sync_services.kpi_sync_request(viewer=viewer_for(kpi.owner), kpi=kpi)
        sync = sync_services.kpi_sync_run(sync_id=sync.pk)
    assert sync.status == KPISync.Status.SUCCEEDED and sync.rows_created == 1


def test_the_demo_endpoint_does_not_exist_in_a_real_deployment(client, settings):
    settings.DEMO_ENDPOINT = False
    assert client.get("/demo/analytics.json").status_code == 404
