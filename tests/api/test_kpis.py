"""KPIs and measurements through the API: status, permissions, bulk upsert, the bridge."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kpis.models import KPI, Measurement
from tests.factories import KeyResultFactory, KPIFactory, MeasurementFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

KPI_FIELDS = {
    "id",
    "name",
    "definition",
    "unit",
    "direction",
    "target_value",
    "alert_threshold",
    "data_source",
    "frequency",
    "owner",
    "team",
    "visibility",
    "status",
    "latest_value",
}


@pytest.fixture
def kpi(team, lead):
    return KPIFactory(team=team, owner=lead, target_value=Decimal(50), frequency="monthly")


def month(days_ago: int) -> str:
    return (datetime.date.today() - datetime.timedelta(days=days_ago)).isoformat()


def test_kpis_carry_the_contract_fields_status_and_latest_value(api_as, member, kpi):
    MeasurementFactory(kpi=kpi, period_date=datetime.date.today(), value=Decimal(55))
    row = api_as(member).get("/api/v1/kpis/").json()["results"][0]
    assert set(row) >= KPI_FIELDS
    assert row["status"] == "green"
    assert row["latest_value"] == 55


def test_a_kpi_without_measurement_has_status_none(api_as, member, kpi):
    row = api_as(member).get(f"/api/v1/kpis/{kpi.pk}/").json()
    assert (row["status"], row["latest_value"]) == ("none", None)


def test_kpis_filter_by_status(api_as, member, kpi, team, lead):
    red = KPIFactory(team=team, owner=lead, target_value=Decimal(50))
    MeasurementFactory(kpi=red, period_date=datetime.date.today(), value=Decimal(1))
    api = api_as(member)
    assert [r["id"] for r in api.get("/api/v1/kpis/?status=red").json()["results"]] == [red.pk]
    assert [r["id"] for r in api.get("/api/v1/kpis/?status=none").json()["results"]] == [kpi.pk]
    assert api.get("/api/v1/kpis/?status=purple").status_code == 400


def test_a_private_kpi_is_not_found_by_an_outsider(api_as, outsider, kpi):
    KPI.objects.filter(pk=kpi.pk).update(visibility="private")
    api = api_as(outsider)
    assert api.get(f"/api/v1/kpis/{kpi.pk}/").status_code == 404
    assert api.get(f"/api/v1/kpis/{kpi.pk}/measurements/").status_code == 404
    assert (
        api.post(
            f"/api/v1/kpis/{kpi.pk}/measurements/", {"date": month(0), "value": 1}, format="json"
        ).status_code
        == 404
    )


def test_a_lead_creates_a_kpi(api_as, lead, team):
    response = api_as(lead).post(
        "/api/v1/kpis/",
        {
            "name": "Taux d'ouverture newsletter",
            "definition": "Ouvertures uniques / e-mails délivrés",
            "unit": "%",
            "target_value": 50,
            "alert_threshold": 40,
            "data_source": "Outil d'emailing",
            "frequency": "monthly",
            "team": team.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == lead.pk
    assert response.json()["status"] == "none"


def test_an_outsider_may_not_create_a_kpi_for_another_team(api_as, outsider, team):
    response = api_as(outsider).post(
        "/api/v1/kpis/",
        {"name": "X", "definition": "Y", "target_value": 1, "data_source": "Z", "team": team.pk},
        format="json",
    )
    assert response.status_code == 403


def test_a_member_may_not_change_the_leads_kpi(api_as, member, kpi):
    response = api_as(member).patch(f"/api/v1/kpis/{kpi.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 403


def test_an_alert_threshold_on_the_wrong_side_is_refused_per_field(api_as, lead, kpi):
    response = api_as(lead).patch(f"/api/v1/kpis/{kpi.pk}/", {"alert_threshold": 60}, format="json")
    assert response.status_code == 400
    assert "alert_threshold" in response.json()


def test_one_measurement_is_recorded(api_as, lead, kpi):
    response = api_as(lead).post(
        f"/api/v1/kpis/{kpi.pk}/measurements/",
        {"date": month(0), "value": 42.5, "note": "Campagne d'octobre"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"date": month(0), "value": 42.5, "note": "Campagne d'octobre"}
    assert Measurement.objects.get(kpi=kpi).value == Decimal("42.5")


def test_a_month_of_measurements_is_an_idempotent_upsert(api_as, lead, kpi):
    api = api_as(lead)
    rows = [{"date": month(days), "value": 40 + days} for days in range(30)]
    first = api.post(f"/api/v1/kpis/{kpi.pk}/measurements/", rows, format="json")
    assert first.status_code == 200, first.json()
    assert len(first.json()) == 30
    second = api.post(f"/api/v1/kpis/{kpi.pk}/measurements/", rows, format="json")
    assert second.json() == first.json()
    assert Measurement.objects.filter(kpi=kpi).count() == 30
    rows[0]["value"] = 99
    api.post(f"/api/v1/kpis/{kpi.pk}/measurements/", rows, format="json")
    assert Measurement.objects.get(kpi=kpi, period_date=month(0)).value == 99
    assert Measurement.objects.filter(kpi=kpi).count() == 30


def test_a_list_with_one_bad_item_records_nothing(api_as, lead, kpi):
    rows = [{"date": month(1), "value": 1}, {"date": month(0), "value": "beaucoup"}]
    response = api_as(lead).post(f"/api/v1/kpis/{kpi.pk}/measurements/", rows, format="json")
    assert response.status_code == 400
    assert "value" in response.json()["1"]
    assert not Measurement.objects.exists()


def test_a_list_with_a_date_twice_is_refused(api_as, lead, kpi):
    rows = [{"date": month(0), "value": 1}, {"date": month(0), "value": 2}]
    response = api_as(lead).post(f"/api/v1/kpis/{kpi.pk}/measurements/", rows, format="json")
    assert response.status_code == 400
    assert not Measurement.objects.exists()


def test_an_empty_list_of_measurements_is_refused(api_as, lead, kpi):
    response = api_as(lead).post(f"/api/v1/kpis/{kpi.pk}/measurements/", [], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_list_longer_than_the_limit_is_refused_whole(api_as, lead, kpi):
    start = datetime.date(2020, 1, 1)
    rows = [
        {"date": (start + datetime.timedelta(days=days)).isoformat(), "value": 1}
        for days in range(1001)
    ]
    response = api_as(lead).post(f"/api/v1/kpis/{kpi.pk}/measurements/", rows, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Measurement.objects.exists()


def test_a_member_may_not_record_the_leads_kpi(api_as, member, kpi):
    response = api_as(member).post(
        f"/api/v1/kpis/{kpi.pk}/measurements/", {"date": month(0), "value": 1}, format="json"
    )
    assert response.status_code == 403


def test_a_measurement_checks_in_on_the_linked_key_result(api_as, lead, kpi, cycle, team):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    key_result = KeyResultFactory(objective=objective, kpi=kpi, start_value=0, target_value=50)
    rows = [{"date": month(31), "value": 10}, {"date": month(0), "value": 25}]
    api_as(lead).post(f"/api/v1/kpis/{kpi.pk}/measurements/", rows, format="json")
    key_result.refresh_from_db()
    assert key_result.current_value == 25
    assert key_result.score == 50
    assert key_result.checkins.count() == 1


def test_measurements_are_listed_newest_first(api_as, member, kpi):
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=1)
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 2, 28), value=2)
    rows = api_as(member).get(f"/api/v1/kpis/{kpi.pk}/measurements/").json()["results"]
    assert [row["date"] for row in rows] == ["2026-02-28", "2026-01-31"]


@pytest.mark.parametrize("size", [5, 50])
def test_listing_kpis_takes_a_bounded_number_of_queries(
    api_as, member, team, lead, size, django_assert_max_num_queries
):
    for kpi in KPIFactory.create_batch(size, team=team, owner=lead):
        MeasurementFactory(kpi=kpi)
    api = api_as(member)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/kpis/?page_size=100&status=green")
    assert response.json()["count"] == 0
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/kpis/?page_size=100")
    assert response.json()["count"] == size
