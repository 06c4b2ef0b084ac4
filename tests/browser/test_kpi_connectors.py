"""Browser journeys: connect a KPI to an HTTP JSON source and Sync now twice with the keyboard;
a key result fed by the KPI on My week, commented on with the keyboard. 375 and 1280 px,
English and French, with screenshots."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.models import KPI, KPISync
from objectives.models import Objective
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
)
from tests.support.source_server import Route, SourceServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"
TODAY = timezone.localdate()
SYNCED = {"en": "Succeeded", "fr": "Réussie"}
FED = {"en": "Fed automatically", "fr": "Alimenté automatiquement"}


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/connectors-{name}.png", full_page=True)


@pytest.fixture
def source_server(settings):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = True
    with SourceServer() as server:
        server.routes["/metrics"] = Route('{"data": {"visitors": 10450}}')
        yield server


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [375, 1280])
def test_owner_connects_a_kpi_and_syncs_it_twice_with_the_keyboard(
    page, live_server, member, password, team, source_server, language, width
):
    member.language = language
    member.save()
    kpi = KPIFactory(team=team, owner=member, name="Organic visitors", unit="visitors")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, member, password)
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/edit/")
    page.select_option("#id_source_kind", "http_json")
    page.fill("#id_source_url", source_server.url("/metrics"))
    page.fill("#id_source_header_name", "Authorization")
    page.fill("#id_source_header_value", "Bearer browser-secret")
    page.fill("#id_source_value_path", "data.visitors")
    page.press("#id_source_value_path", "Enter")
    page.wait_for_url(f"{live_server.url}/kpis/{kpi.pk}/")
    assert "browser-secret" not in page.content()
    button = page.locator("#kpi-source button[type=submit]")
    for attempt in (1, 2):
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "n => document.querySelectorAll('#kpi-source tbody tr').length === n", arg=attempt
        )
        button = page.locator("#kpi-source button[type=submit]")
    assert page.locator("#kpi-source tbody tr").first.inner_text().count(SYNCED[language]) == 1
    assert "10" in page.inner_text("#kpi-data .kpi-latest")
    assert KPISync.objects.filter(kpi=kpi, status="succeeded").count() == 2
    shot(page, f"kpi-{language}-{width}")
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/edit/")
    shot(page, f"edit-{language}-{width}")
    assert "browser-secret" not in page.content()
    assert KPI.objects.get(pk=kpi.pk).source_kind == "http_json"


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [375, 1280])
def test_a_fed_key_result_on_my_week_takes_a_comment_with_the_keyboard(
    page, live_server, member, password, team, language, width
):
    member.language = language
    member.save()
    cycle = CycleFactory(name="T2 2026")
    kpi = KPIFactory(team=team, owner=member, name="Trial sign-ups", unit="")
    MeasurementFactory(kpi=kpi, period_date=TODAY - datetime.timedelta(days=2), value=Decimal(58))
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, visibility=Objective.Visibility.PUBLIC
    )
    fed = KeyResultFactory(objective=objective, owner=member, kpi=kpi, title="Reach 80 sign-ups")
    typed = KeyResultFactory(objective=objective, owner=member, title="Publish 12 case studies")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, member, password)
    page.goto(f"{live_server.url}/checkins/")
    row = page.locator(f"#checkin-row-{fed.pk}")
    assert FED[language] in row.inner_text()
    assert row.locator(f"input[name='kr{fed.pk}-value'][type=hidden]").count() == 1
    for comment in ("Trial page is slow", "Fixed on Tuesday"):
        field = page.locator(f"#checkin-row-{fed.pk} [name='kr{fed.pk}-comment']")
        field.focus()
        page.keyboard.type(comment)
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#checkin-row-{fed.pk}[data-saved]")
    assert page.locator(f"#checkin-row-{typed.pk} input[name='kr{typed.pk}-value']").count() == 1
    shot(page, f"my-week-{language}-{width}")
