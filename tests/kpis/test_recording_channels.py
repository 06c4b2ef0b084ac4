"""The KPI page, the CSV import and the API record measurements through one service: the
same measurements give the same stored rows and the same check-ins on linked key results."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kpis.models import KPI
from objectives.models import KeyResult
from okrapp.core.services import token_create
from tests.factories import KeyResultFactory, KPIFactory, MeasurementFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)
ONE = [(MAR, Decimal("45.5"), "spring campaign")]
SEVERAL = [(FEB, Decimal(38), ""), (JAN, Decimal("41.25"), "corrected"), *ONE]


@pytest.fixture
def linked_kpi(team, lead, cycle):
    """A KPI of the lead's with a period already measured, followed by a key result. Each
    call makes a twin: same name (the check-in comments name the KPI), same history."""

    def make() -> KPI:
        kpi = KPIFactory(
            name="Open rate", team=team, owner=lead, target_value=50, alert_threshold=40
        )
        MeasurementFactory(kpi=kpi, period_date=JAN, value=Decimal(30))
        objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
        KeyResultFactory(objective=objective, owner=lead, start_value=30, target_value=50, kpi=kpi)
        return kpi

    return make


def by_page(client, kpi, rows) -> None:
    for period_date, value, note in rows:
        client.post(
            reverse("kpis:measurement_add", args=[kpi.pk]),
            {"period_date": period_date.isoformat(), "value": str(value), "note": note},
        )


def by_import(client, kpi, rows) -> None:
    text = "".join(f"{d:%d/%m/%Y};{str(v).replace('.', ',')};{n}\n" for d, v, n in rows)
    client.post(reverse("kpis:import_confirm", args=[kpi.pk]), {"csv": text})


def by_api(api, kpi, rows) -> None:
    items = [{"date": d.isoformat(), "value": float(v), "note": n} for d, v, n in rows]
    body = items[0] if len(items) == 1 else items
    response = api.post(f"/api/v1/kpis/{kpi.pk}/measurements/", body, format="json")
    assert response.status_code == 200, response.json()


def what_was_recorded(kpi: KPI) -> dict:
    key_result = KeyResult.objects.get(kpi_link__kpi=kpi)
    return {
        "measurements": list(
            kpi.measurements.order_by("period_date").values_list(
                "period_date", "value", "note", "recorded_by"
            )
        ),
        "check_ins": list(
            key_result.checkins.order_by("created_at", "id").values_list(
                "value", "confidence", "comment", "author"
            )
        ),
        "key_result": (key_result.current_value, key_result.score),
    }


@pytest.fixture
def channels(client, lead):
    _token, secret = token_create(user=lead, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.force_login(lead)
    return {
        "page": lambda kpi, rows: by_page(client, kpi, rows),
        "import": lambda kpi, rows: by_import(client, kpi, rows),
        "api": lambda kpi, rows: by_api(api, kpi, rows),
    }


def test_the_page_the_import_and_the_api_record_one_measurement_alike(linked_kpi, channels, lead):
    results = {}
    for name, record in channels.items():
        kpi = linked_kpi()
        record(kpi, ONE)
        results[name] = what_was_recorded(kpi)
    page = results["page"]
    assert page["measurements"][-1] == (MAR, Decimal("45.5"), "spring campaign", lead.pk)
    assert [check_in[:2] for check_in in page["check_ins"]] == [(Decimal("45.5"), "at_risk")]
    assert results["import"] == page
    assert results["api"] == page


def test_the_import_and_the_api_record_several_periods_alike(linked_kpi, channels):
    results = {}
    for name in ("import", "api"):
        kpi = linked_kpi()
        channels[name](kpi, SEVERAL)
        results[name] = what_was_recorded(kpi)
    api = results["api"]
    assert [row[:2] for row in api["measurements"]] == [
        (JAN, Decimal("41.25")),
        (FEB, Decimal(38)),
        (MAR, Decimal("45.5")),
    ]
    assert [check_in[:2] for check_in in api["check_ins"]] == [(Decimal("45.5"), "at_risk")]
    assert results["import"] == api
