"""Browser journeys on KPIs: import a CSV and see the status change; screenshots of the pages."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.models import KPI
from tests.factories import CycleFactory, KPIFactory, MeasurementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = "/tmp/shots"
TODAY = timezone.localdate()


def sign_in(page, live_server, user, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/kpis-{name}.png", full_page=True)


@pytest.fixture
def red_kpi(team, member):
    kpi = KPIFactory(team=team, owner=member, name="Newsletter open rate", target_value=Decimal(50))
    for months_ago, value in enumerate(["31", "34", "38"]):
        MeasurementFactory(
            kpi=kpi, period_date=TODAY - datetime.timedelta(days=30 * (3 - months_ago)), value=value
        )
    return kpi


def test_importing_a_csv_turns_a_red_kpi_green(page, live_server, member, password, red_kpi):
    sign_in(page, live_server, member, password)
    page.goto(f"{live_server.url}/kpis/{red_kpi.pk}/")
    assert page.locator("#kpi-data .kpi-status").get_attribute("data-kpi-status") == "red"
    page.click("text=Import CSV")
    page.fill("textarea[name=text]", f"Date;Valeur;Note\n{TODAY:%d/%m/%Y};52,5;campagne\n")
    page.click("button:has-text('Preview')")
    page.wait_for_selector(".import-preview")
    assert "New: 1 · updated: 0 · unchanged: 0" in page.inner_text(".import-summary")
    shot(page, "import-preview-en-1280")
    page.click("button:has-text('Import 1 row')")
    page.wait_for_url(f"{live_server.url}/kpis/{red_kpi.pk}/")
    assert page.locator("#kpi-data .kpi-status").get_attribute("data-kpi-status") == "green"
    assert "52.5" in page.inner_text(".measurements")


def test_recording_and_deleting_a_measurement_in_place(
    page, live_server, member, password, red_kpi
):
    sign_in(page, live_server, member, password)
    page.goto(f"{live_server.url}/kpis/{red_kpi.pk}/")
    page.fill("#id_period_date", TODAY.isoformat())
    page.fill("#id_value", "55")
    page.click(".measurement-add button[type=submit]")
    page.wait_for_selector("#kpi-data [data-kpi-status=green]")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator(".measurements tbody tr").first.locator("button:has-text('Delete')").click()
    page.wait_for_selector("#kpi-data [data-kpi-status=red]")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [375, 1280])
def test_kpi_pages_screenshots(page, live_server, member, password, red_kpi, language, width):
    member.language = language
    member.save()
    CycleFactory(name="T2 2026")
    amber = KPIFactory(
        team=red_kpi.team,
        owner=member,
        name="LinkedIn followers gained",
        unit="followers",
        target_value=Decimal(50),
        alert_threshold=Decimal(35),
        data_source="LinkedIn",
    )
    for n in range(14):
        MeasurementFactory(
            kpi=amber,
            period_date=TODAY - datetime.timedelta(days=30 * n),
            value=Decimal(30 + n % 5 * 3),
        )
    KPIFactory(
        team=red_kpi.team,
        owner=member,
        name="Bounce rate",
        unit="%",
        direction=KPI.Direction.LOWER_IS_BETTER,
        target_value=Decimal(40),
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, member, password)
    suffix = f"{language}-{width}"
    page.goto(f"{live_server.url}/kpis/")
    shot(page, f"board-{suffix}")
    page.goto(f"{live_server.url}/kpis/{amber.pk}/")
    page.wait_for_timeout(300)
    shot(page, f"detail-{suffix}")
    page.goto(f"{live_server.url}/kpis/new/")
    page.click(".kpi-form button[type=submit]")
    shot(page, f"form-errors-{suffix}")
    page.goto(f"{live_server.url}/kpis/{amber.pk}/import/")
    page.fill("textarea[name=text]", "date;value\n31/01/2026;1 234,5\n2026-02-31;3\n")
    page.locator("#kpi-import form button[type=submit]").click()
    page.wait_for_selector(".import-preview")
    shot(page, f"import-preview-{suffix}")
    page.goto(f"{live_server.url}/kpis/{amber.pk}/key-result/")
    shot(page, f"to-key-result-{suffix}")


def test_kpi_board_fits_a_375_px_screen_with_a_long_figure(
    page, live_server, member, password, team
):
    kpi = KPIFactory(
        team=team,
        owner=member,
        name="Organic visitors (last three months)",
        unit="visitors",
        target_value=Decimal(10000),
    )
    MeasurementFactory(kpi=kpi, period_date=TODAY, value=Decimal("10850"))
    MeasurementFactory(kpi=kpi, period_date=TODAY - datetime.timedelta(days=30), value=Decimal(9))
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, member, password)
    page.goto(f"{live_server.url}/kpis/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    shot(page, "board-long-figure-375")
    assert overflow <= 0


def test_the_measurement_table_fits_a_375_px_screen_with_its_buttons(
    page, live_server, member, password, team
):
    member.language = "fr"
    member.save()
    kpi = KPIFactory(team=team, owner=member, unit="abonnés", target_value=Decimal(50))
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 9, 30), value=Decimal(47))
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, member, password)
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/")
    table = page.locator("#kpi-data .table-wrap:has(table.measurements)")
    overflow = table.evaluate("element => element.scrollWidth - element.clientWidth")
    shot(page, "measurements-fr-375")
    assert overflow <= 0
    assert page.locator("#kpi-data button:has-text('Supprimer')").is_visible()
