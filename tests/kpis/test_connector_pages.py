"""The connector on the KPI's pages: configured on the edit page, its secret never shown
again, refused addresses beside their field, Sync now and the sync history."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from kpis import secrets, services
from kpis.models import KPI, KPISync
from okrapp.core.permissions import viewer_for
from tests.factories import KPIFactory
from tests.support.source_server import Route

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = "tok-77c1-page-secret"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def edit_data(kpi, **source):
    return {
        "name": kpi.name,
        "definition": kpi.definition,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "target_value": "50",
        "data_source": "Web analytics",
        "frequency": kpi.frequency,
        "team": kpi.team_id,
        "owner": kpi.owner_id,
        "visibility": kpi.visibility,
        **source,
    }


def json_source(server):
    return {
        "source_kind": "http_json",
        "source_url": server.url("/metrics"),
        "source_header_name": "X-Api-Key",
        "source_header_value": TOKEN,
        "source_value_path": "data.total",
    }


@pytest.mark.usefixtures("private_networks_allowed")
def test_the_owner_connects_a_kpi_on_its_edit_page_and_never_sees_the_secret_again(
    client, member, team, source_server
):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("kpis:edit", args=[kpi.pk]), edit_data(kpi, **json_source(source_server))
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.source_kind == KPI.SourceKind.HTTP_JSON
    assert secrets.decrypt(kpi.source_secret) == TOKEN
    edit_page = client.get(reverse("kpis:edit", args=[kpi.pk])).content.decode()
    detail_page = client.get(reverse("kpis:detail", args=[kpi.pk])).content.decode()
    assert TOKEN not in edit_page and TOKEN not in detail_page
    assert kpi.source_secret not in edit_page
    assert "A value is saved" in edit_page
    assert "The value at data.total in the JSON of" in detail_page


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/metrics", "http://localhost/metrics", "http://169.254.169.254/"]
)
def test_a_private_address_is_refused_beside_its_field(client, member, team, settings, url):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = False
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    source = {"source_kind": "http_json", "source_url": url, "source_value_path": "v"}
    response = client.post(reverse("kpis:edit", args=[kpi.pk]), edit_data(kpi, **source))
    assert response.status_code == 400
    assert 'id="id_source_url_error"' in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.source_kind == KPI.SourceKind.MANUAL


def test_a_connector_without_its_required_settings_is_refused(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("kpis:edit", args=[kpi.pk]), edit_data(kpi, source_kind="http_json")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_source_url_error"' in html and 'id="id_source_value_path_error"' in html


def test_an_sql_connector_refuses_anything_but_a_single_select(client, member, team):
    kpi = KPIFactory(team=team, owner=member)
    client.force_login(member)
    source = {
        "source_kind": "sql",
        "source_database_url": "postgresql://reader:pw@db.example.com/sales",
        "source_query": "select 1; drop table sales",
    }
    response = client.post(reverse("kpis:edit", args=[kpi.pk]), edit_data(kpi, **source))
    assert response.status_code == 400
    assert 'id="id_source_query_error"' in response.content.decode()


@pytest.mark.usefixtures("private_networks_allowed")
def connected(kpi_owner, server, **fields):
    kpi = KPIFactory(owner=kpi_owner, **fields)
    config = {
        "url": server.url("/metrics"),
        "value_path": "data.total",
        "header_name": "X-Key",
        "header_value": TOKEN,
    }
    return services.kpi_update(
        viewer=viewer_for(kpi_owner), kpi=kpi, source_kind="http_json", source_config=config
    )


@pytest.mark.usefixtures("private_networks_allowed")
def test_sync_now_runs_the_sync_and_shows_it_in_the_history(
    client, member, team, source_server, django_capture_on_commit_callbacks
):
    source_server.routes["/metrics"] = Route('{"data": {"total": 61}}')
    kpi = connected(member, source_server, team=team)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kpis:sync", args=[kpi.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="kpi-source"')
    assert "The sync is queued" in html
    sync = KPISync.objects.get(kpi=kpi)
    assert sync.status == KPISync.Status.SUCCEEDED and sync.trigger == KPISync.Trigger.MANUAL
    history = client.get(reverse("kpis:syncs", args=[kpi.pk]), **HTMX).content.decode()
    assert f'id="sync-{sync.pk}"' in history and "Succeeded" in history


@pytest.mark.usefixtures("private_networks_allowed")
def test_a_failed_sync_shows_its_error_on_the_kpi_page(
    client, member, team, source_server, django_capture_on_commit_callbacks
):
    source_server.routes["/metrics"] = Route("denied", status=403)
    kpi = connected(member, source_server, team=team)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("kpis:sync", args=[kpi.pk]))
    page = client.get(reverse("kpis:detail", args=[kpi.pk])).content.decode()
    assert "The server answered 403." in page and TOKEN not in page


@pytest.mark.usefixtures("private_networks_allowed")
def test_sync_now_without_javascript_comes_back_to_the_kpi_page(
    client, member, team, source_server
):
    kpi = connected(member, source_server, team=team)
    client.force_login(member)
    response = client.post(reverse("kpis:sync", args=[kpi.pk]))
    assert response["Location"] == reverse("kpis:detail", args=[kpi.pk])


@pytest.mark.usefixtures("private_networks_allowed")
def test_a_reader_sees_the_history_but_may_not_sync(client, member, lead, team, source_server):
    kpi = connected(lead, source_server, team=team)
    client.force_login(member)
    page = client.get(reverse("kpis:detail", args=[kpi.pk])).content.decode()
    assert "Fetched automatically" in page and "Sync now" not in page
    assert client.post(reverse("kpis:sync", args=[kpi.pk])).status_code == 403
    assert not KPISync.objects.exists()


@pytest.mark.usefixtures("private_networks_allowed")
def test_an_outsider_cannot_see_or_sync_a_private_kpi(client, outsider, lead, team, source_server):
    kpi = connected(lead, source_server, team=team, visibility=KPI.Visibility.PRIVATE)
    client.force_login(outsider)
    assert client.post(reverse("kpis:sync", args=[kpi.pk])).status_code == 404
    assert client.get(reverse("kpis:syncs", args=[kpi.pk]), **HTMX).status_code == 404


@pytest.mark.usefixtures("private_networks_allowed")
@pytest.mark.parametrize("count", [1, 30])
def test_the_kpi_page_query_count_does_not_grow_with_the_sync_history(
    client, member, team, source_server, django_assert_max_num_queries, count
):
    kpi = connected(member, source_server, team=team)
    KPISync.objects.bulk_create(
        KPISync(kpi=kpi, trigger=KPISync.Trigger.SCHEDULE, status=KPISync.Status.FAILED, error="x")
        for _ in range(count)
    )
    client.force_login(member)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("kpis:detail", args=[kpi.pk]))
    assert response.content.decode().count('id="sync-') == min(count, 10)
