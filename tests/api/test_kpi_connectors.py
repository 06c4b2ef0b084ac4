"""KPI connectors through the API: source_kind and source_config (secrets write-only), the
sync and syncs actions, refusals as 400s, rights and leaks."""

from __future__ import annotations

import pytest
from django.utils import translation

from kpis import secrets
from kpis.models import KPI, KPISync
from tests.factories import KPIFactory
from tests.support.source_server import Route, SourceServer

pytestmark = pytest.mark.django_db
TOKEN = "tok-api-5b2e-secret"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def source_server(settings):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = True
    with SourceServer() as server:
        yield server


def source(server):
    return {
        "source_kind": "http_json",
        "source_config": {
            "url": server.url("/metrics"),
            "header_name": "Authorization",
            "header_value": TOKEN,
            "value_path": "data.total",
        },
    }


@pytest.fixture
def kpi(team, lead):
    return KPIFactory(team=team, owner=lead)


def connect(api_as, user, kpi, server):
    return api_as(user).patch(f"/api/v1/kpis/{kpi.pk}/", source(server), format="json")


def test_the_owner_connects_a_kpi_and_the_secret_is_never_read_back(
    api_as, lead, kpi, source_server
):
    response = connect(api_as, lead, kpi, source_server)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["source_kind"] == "http_json"
    assert body["source_config"] == {
        "url": source_server.url("/metrics"),
        "header_name": "Authorization",
        "value_path": "data.total",
        "date_path": "",
    }
    assert body["source_secret_set"] is True
    assert TOKEN not in response.content.decode()
    assert TOKEN not in api_as(lead).get(f"/api/v1/kpis/{kpi.pk}/").content.decode()
    assert TOKEN not in api_as(lead).get("/api/v1/kpis/").content.decode()
    assert secrets.decrypt(KPI.objects.get(pk=kpi.pk).source_secret) == TOKEN


def test_a_private_address_is_refused_with_a_400_naming_the_setting(api_as, lead, kpi, settings):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = False
    payload = {
        "source_kind": "http_json",
        "source_config": {"url": "http://localhost:8000/x", "value_path": "v"},
    }
    response = api_as(lead).patch(f"/api/v1/kpis/{kpi.pk}/", payload, format="json")
    assert response.status_code == 400
    assert "source_url" in response.json()


def test_an_unknown_setting_is_refused(api_as, lead, kpi, source_server):
    payload = source(source_server)
    payload["source_config"]["password"] = "x"
    response = api_as(lead).patch(f"/api/v1/kpis/{kpi.pk}/", payload, format="json")
    assert response.status_code == 400


def test_sync_answers_202_with_the_sync_and_the_history_lists_it(
    api_as, lead, kpi, source_server, django_capture_on_commit_callbacks
):
    source_server.routes["/metrics"] = Route('{"data": {"total": 12}}')
    connect(api_as, lead, kpi, source_server)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(f"/api/v1/kpis/{kpi.pk}/sync/")
    assert response.status_code == 202
    sync_id = response.json()["id"]
    history = api_as(lead).get(f"/api/v1/kpis/{kpi.pk}/syncs/").json()["results"]
    assert [(item["id"], item["status"], item["rows_created"]) for item in history] == [
        (sync_id, "succeeded", 1)
    ]


def test_syncing_a_kpi_typed_by_hand_is_a_400(api_as, lead, kpi):
    assert api_as(lead).post(f"/api/v1/kpis/{kpi.pk}/sync/").status_code == 400


def test_a_reader_may_read_the_history_but_not_sync(api_as, lead, member, kpi, source_server):
    connect(api_as, lead, kpi, source_server)
    assert api_as(member).post(f"/api/v1/kpis/{kpi.pk}/sync/").status_code == 403
    assert api_as(member).get(f"/api/v1/kpis/{kpi.pk}/syncs/").status_code == 200
    assert not KPISync.objects.exists()


def test_an_outsider_does_not_see_a_private_kpis_syncs(api_as, lead, outsider, team, source_server):
    kpi = KPIFactory(team=team, owner=lead, visibility="private")
    connect(api_as, lead, kpi, source_server)
    assert api_as(outsider).get(f"/api/v1/kpis/{kpi.pk}/syncs/").status_code == 404
    assert api_as(outsider).post(f"/api/v1/kpis/{kpi.pk}/sync/").status_code == 404


@pytest.mark.parametrize("size", [2, 40])
def test_the_sync_history_runs_a_bounded_number_of_queries(
    api_as, lead, kpi, source_server, size, django_assert_max_num_queries
):
    connect(api_as, lead, kpi, source_server)
    KPISync.objects.bulk_create(
        KPISync(kpi=kpi, trigger="schedule", status="failed", error="The server answered 500.")
        for _ in range(size)
    )
    api = api_as(lead)
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/kpis/{kpi.pk}/syncs/")
    assert response.json()["count"] == size
