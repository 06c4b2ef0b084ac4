"""Syncing a KPI from its connector, against a real HTTP server on 127.0.0.1: measurements
upserted through the one recording path, the history, failures told once, claims that never
sync one KPI twice."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from checkins.models import CheckIn, Notification
from kpis import secrets, services, sync_services
from kpis.models import KPI, KPISync, Measurement
from okrapp.core.permissions import viewer_for
from tests.factories import KeyResultFactory, KPIFactory, MeasurementFactory
from tests.support.source_server import Route

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_networks_allowed")]
TOKEN = "tok-3f9a-very-secret"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def connected_kpi(owner, kind, config, **fields):
    kpi = KPIFactory(owner=owner, **fields)
    return services.kpi_update(
        viewer=viewer_for(owner), kpi=kpi, source_kind=kind, source_config=config
    )


def json_kpi(owner, server, path="/metrics", **fields):
    config = {
        "url": server.url(path),
        "header_name": "Authorization",
        "header_value": f"Bearer {TOKEN}",
        "value_path": "data.total",
        "date_path": "data.date",
    }
    return connected_kpi(owner, KPI.SourceKind.HTTP_JSON, config, **fields)


def run_now(kpi, user):
    sync = sync_services.kpi_sync_request(viewer=viewer_for(user), kpi=kpi)
    return sync_services.kpi_sync_run(sync_id=sync.pk)


def test_a_json_connector_records_the_value_at_its_path_with_the_header(source_server, lead):
    source_server.routes["/metrics"] = Route('{"data": {"total": 57.5, "date": "2026-02-28"}}')
    kpi = json_kpi(lead, source_server)
    sync = run_now(kpi, lead)
    assert sync.status == KPISync.Status.SUCCEEDED
    assert (sync.rows_created, sync.rows_updated) == (1, 0)
    measurement = Measurement.objects.get(kpi=kpi)
    assert (measurement.period_date, measurement.value) == (
        datetime.date(2026, 2, 28),
        Decimal("57.5"),
    )
    assert source_server.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"


def test_a_second_sync_of_the_same_numbers_changes_nothing(source_server, lead):
    source_server.routes["/metrics"] = Route('{"data": {"total": 57, "date": "2026-02-28"}}')
    kpi = json_kpi(lead, source_server)
    run_now(kpi, lead)
    again = run_now(kpi, lead)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 1)


def test_a_sync_feeds_the_linked_key_results_like_a_typed_measurement(source_server, lead):
    source_server.routes["/metrics"] = Route('{"data": {"total": 57, "date": "2026-02-28"}}')
    kpi = json_kpi(lead, source_server)
    key_result = KeyResultFactory(kpi=kpi, owner=lead, objective__owner=lead)
    run_now(kpi, lead)
    checkin = CheckIn.objects.get(key_result=key_result)
    assert checkin.value == Decimal(57) and checkin.author == lead


def test_a_csv_link_is_read_by_column_names_with_french_numbers(source_server, lead):
    source_server.routes["/export.csv"] = Route(
        "Jour;Ventes\n31/01/2026;1 234,5\n28/02/2026;1 300\n", content_type="text/csv"
    )
    config = {
        "url": source_server.url("/export.csv"),
        "date_column": "Jour",
        "value_column": "Ventes",
    }
    kpi = connected_kpi(lead, KPI.SourceKind.CSV_URL, config)
    sync = run_now(kpi, lead)
    assert sync.rows_created == 2
    assert list(
        Measurement.objects.filter(kpi=kpi).order_by("period_date").values_list("value", flat=True)
    ) == [
        Decimal("1234.5"),
        Decimal("1300"),
    ]


def test_measurements_typed_by_hand_on_other_dates_are_kept(source_server, lead):
    source_server.routes["/metrics"] = Route('{"data": {"total": 57, "date": "2026-02-28"}}')
    kpi = json_kpi(lead, source_server)
    typed = MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=Decimal(40))
    run_now(kpi, lead)
    assert Measurement.objects.filter(pk=typed.pk, value=Decimal(40)).exists()
    assert Measurement.objects.filter(kpi=kpi).count() == 2


def test_a_sync_that_fails_halfway_writes_nothing(source_server, lead):
    source_server.routes["/export.csv"] = Route(
        "2026-01-31,10\n2026-02-28,eleven\n", content_type="text/csv"
    )
    kpi = connected_kpi(lead, KPI.SourceKind.CSV_URL, {"url": source_server.url("/export.csv")})
    sync = run_now(kpi, lead)
    assert sync.status == KPISync.Status.FAILED
    assert "Line 2 of the file" in sync.error
    assert not Measurement.objects.filter(kpi=kpi).exists()


def test_a_value_refused_by_the_database_rules_writes_nothing(source_server, lead):
    source_server.routes["/export.csv"] = Route(
        "2026-01-31,10\n2026-02-28,1e30\n", content_type="text/csv"
    )
    kpi = connected_kpi(lead, KPI.SourceKind.CSV_URL, {"url": source_server.url("/export.csv")})
    sync = run_now(kpi, lead)
    assert sync.status == KPISync.Status.FAILED
    assert not Measurement.objects.filter(kpi=kpi).exists()


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route("no", status=403), "The server answered 403."),
        (Route("oops", status=500), "The server answered 500."),
        (Route('{"data": {}}'), "The response has no field data.total."),
        (Route("<html>"), "The response is not JSON."),
    ],
)
def test_a_failed_sync_says_why_in_plain_language(source_server, lead, route, message):
    source_server.routes["/metrics"] = route
    kpi = json_kpi(lead, source_server)
    sync = run_now(kpi, lead)
    assert (sync.status, sync.error) == (KPISync.Status.FAILED, message)


def test_a_response_larger_than_the_limit_is_refused(source_server, lead, settings):
    settings.KPI_CONNECTOR_MAX_BYTES = 100
    source_server.routes["/metrics"] = Route('{"data": {"total": 1, "pad": "' + "x" * 500 + '"}}')
    sync = run_now(json_kpi(lead, source_server), lead)
    assert sync.error == "The response is larger than 100 bytes."


def test_a_redirect_is_followed_and_checked_again(source_server, lead):
    source_server.routes["/old"] = Route("", status=302, headers={"Location": "/metrics"})
    source_server.routes["/metrics"] = Route('{"data": {"total": 5, "date": "2026-02-28"}}')
    assert run_now(json_kpi(lead, source_server, path="/old"), lead).rows_created == 1
    source_server.routes["/old"] = Route(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    sync = run_now(json_kpi(lead, source_server, path="/old"), lead)
    assert sync.status == KPISync.Status.FAILED and "private or local network" in sync.error


def test_the_connection_goes_to_the_address_that_was_checked(source_server, lead, monkeypatch):
    """DNS rebinding: a second resolution answering another address is never asked."""
    import socket

    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"] + ["203.0.113.9"] * 10)
    asked = []

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            asked.append(host)
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    source_server.routes["/metrics"] = Route('{"data": {"total": 5, "date": "2026-02-28"}}')
    kpi = json_kpi(lead, source_server)
    kpi.source_config["url"] = source_server.url("/metrics", host="rebind.example")
    kpi.save()
    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    sync = run_now(kpi, lead)
    assert sync.status == KPISync.Status.SUCCEEDED and asked == ["rebind.example"]


def test_the_owner_is_told_once_of_a_run_of_failures_and_again_after_a_success(source_server, lead):
    source_server.routes["/metrics"] = Route("no", status=403)
    kpi = json_kpi(lead, source_server)
    run_now(kpi, lead)
    run_now(kpi, lead)
    assert Notification.objects.filter(user=lead).count() == 1
    assert KPI.objects.get(pk=kpi.pk).sync_failures == 2
    source_server.routes["/metrics"] = Route('{"data": {"total": 5, "date": "2026-02-28"}}')
    run_now(kpi, lead)
    source_server.routes["/metrics"] = Route("no", status=403)
    run_now(kpi, lead)
    assert Notification.objects.filter(user=lead).count() == 2


def test_the_secret_is_stored_encrypted_and_never_logged(source_server, lead, caplog):
    caplog.set_level(logging.DEBUG)
    source_server.routes["/metrics"] = Route("no", status=403)
    kpi = KPI.objects.get(pk=json_kpi(lead, source_server).pk)
    assert TOKEN not in kpi.source_secret and TOKEN not in str(kpi.source_config)
    assert secrets.decrypt(kpi.source_secret) == f"Bearer {TOKEN}"
    run_now(kpi, lead)
    assert TOKEN not in caplog.text
    assert not KPISync.objects.filter(error__contains=TOKEN).exists()


def test_saving_the_kpi_again_without_the_secret_keeps_it(source_server, lead):
    kpi = json_kpi(lead, source_server)
    config = dict(kpi.source_config)
    kpi = services.kpi_update(viewer=viewer_for(lead), kpi=kpi, source_config=config)
    assert secrets.decrypt(kpi.source_secret) == f"Bearer {TOKEN}"


def test_due_kpis_are_claimed_once_even_by_two_workers(source_server, lead):
    due = json_kpi(lead, source_server, frequency=KPI.Frequency.WEEKLY)
    later = json_kpi(lead, source_server)
    KPI.objects.filter(pk=later.pk).update(next_sync_at=timezone.now() + datetime.timedelta(days=2))
    KPIFactory(owner=lead)  # typed by hand: never synced
    now = timezone.now()
    first = sync_services.kpis_claim_due(now=now)
    second = sync_services.kpis_claim_due(now=now)
    assert [KPISync.objects.get(pk=pk).kpi_id for pk in first] == [due.pk]
    assert second == []
    assert KPI.objects.get(pk=due.pk).next_sync_at == now + datetime.timedelta(days=7)


def test_a_kpi_whose_claim_was_taken_by_another_worker_is_not_queued(
    source_server, lead, monkeypatch
):
    kpi = json_kpi(lead, source_server)
    now = timezone.now()
    # Another worker moved it forward between this worker's read and its UPDATE.
    original_filter = KPI.objects.filter

    def racing_filter(*args, **kwargs):
        if "pk" in kwargs and "next_sync_at__lte" in kwargs:
            original_filter(pk=kpi.pk).update(next_sync_at=now + datetime.timedelta(days=30))
        return original_filter(*args, **kwargs)

    monkeypatch.setattr(KPI.objects, "filter", racing_filter)
    assert sync_services.kpis_claim_due(now=now) == []
    monkeypatch.undo()
    assert not KPISync.objects.filter(kpi=kpi).exists()


def test_a_sync_delivered_twice_runs_once(source_server, lead):
    source_server.routes["/metrics"] = Route('{"data": {"total": 5, "date": "2026-02-28"}}')
    kpi = json_kpi(lead, source_server)
    sync = sync_services.kpi_sync_request(viewer=viewer_for(lead), kpi=kpi)
    assert sync_services.kpi_sync_run(sync_id=sync.pk) is not None
    assert sync_services.kpi_sync_run(sync_id=sync.pk) is None
    assert len(source_server.requests) == 1


def test_sync_now_answers_the_sync_already_queued(source_server, lead):
    kpi = json_kpi(lead, source_server)
    first = sync_services.kpi_sync_request(viewer=viewer_for(lead), kpi=kpi)
    assert sync_services.kpi_sync_request(viewer=viewer_for(lead), kpi=kpi).pk == first.pk


def test_a_kpi_typed_by_hand_cannot_be_synced(lead):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        sync_services.kpi_sync_request(viewer=viewer_for(lead), kpi=KPIFactory(owner=lead))


def test_only_those_who_may_edit_the_kpi_may_sync_it(source_server, lead, member):
    from django.core.exceptions import PermissionDenied

    kpi = json_kpi(lead, source_server)
    with pytest.raises(PermissionDenied):
        sync_services.kpi_sync_request(viewer=viewer_for(member), kpi=kpi)


def test_the_beat_task_queues_and_runs_the_due_syncs(
    source_server, lead, django_capture_on_commit_callbacks
):
    from kpis.tasks import sync_due_kpis

    source_server.routes["/metrics"] = Route('{"data": {"total": 5, "date": "2026-02-28"}}')
    kpi = json_kpi(lead, source_server)
    with django_capture_on_commit_callbacks(execute=True):
        assert sync_due_kpis.delay().get() == 1
    assert KPISync.objects.get(kpi=kpi).status == KPISync.Status.SUCCEEDED
    assert Measurement.objects.filter(kpi=kpi).exists()
