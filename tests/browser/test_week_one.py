"""Week one of a new team, in the browser: the editor takes French and English numbers and
guides a failed save from an error summary; a KPI becomes a key result of a new objective.
French and English, 375 px and 1280 px."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kpis.selectors import linked_kpi
from objectives.models import KeyResult, Objective
from tests.factories import KPIFactory, MeasurementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"

NUMBERS = {"fr": ("0,6", "1 234,5"), "en": ("0.6", "1,234.5")}


def sign_in(page, live_server, user, password, language) -> None:
    user.language = language
    user.save()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.parametrize(("language", "width"), [("fr", 375), ("en", 1280), ("fr", 1280)])
def test_a_failed_save_leads_to_each_error_and_numbers_keep_their_language(
    page, live_server, lead, team, cycle, password, language, width
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, lead, password, language)
    page.goto(f"{live_server.url}/okrs/new/")
    small, large = NUMBERS[language]
    assert page.locator("#id_kr-0-target_value").get_attribute("inputmode") == "decimal"
    assert page.locator("#id_kr-0-target_value").get_attribute("type") == "text"
    page.fill("#id_kr-0-title", "Open rate")
    page.fill("#id_kr-0-target_value", small)
    page.fill("#id_kr-1-title", "Yearly revenue")
    page.fill("#id_kr-1-target_value", large)
    page.locator("#id_kr-1-target_value").press("Enter")  # no title: refused

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < 400  # at the top, also at 375 px
    page.screenshot(path=f"{SHOTS}/week1-editor-error-{language}-{width}.png", full_page=True)
    # The typed numbers came back as typed, in the page's language.
    assert page.locator("#id_kr-0-target_value").input_value() == small
    page.keyboard.press("Tab")  # the summary's first link
    page.keyboard.press("Enter")
    expect(page.locator("#id_title")).to_be_in_viewport()
    page.locator("#id_title").fill("Our newsletter is awaited")
    page.locator("#id_title").press("Enter")
    expect(page).to_have_url(re.compile(r".*/okrs/\d+/(#id_title)?$"))
    page.screenshot(path=f"{SHOTS}/week1-editor-saved-{language}-{width}.png", full_page=True)

    objective = Objective.objects.get()
    targets = list(
        objective.key_results.order_by("position").values_list("target_value", flat=True)
    )
    assert targets == [Decimal("0.6"), Decimal("1234.5")]


@pytest.mark.parametrize(("language", "width"), [("en", 375), ("fr", 1280)])
def test_a_red_kpi_becomes_a_key_result_of_a_new_objective(
    page, live_server, lead, team, cycle, password, language, width
):
    colleague = Objective.objects.create(
        cycle=cycle, title="A colleague's objective", level="team", team=team, owner=lead
    )
    kpi = KPIFactory(team=team, owner=lead, name="Newsletter open rate", target_value=50, unit="%")
    MeasurementFactory(kpi=kpi, value=Decimal(31))
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, lead, password, language)
    page.goto(f"{live_server.url}/kpis/{kpi.pk}/key-result/")
    expect(page.locator("#id_destination_0")).to_be_checked()
    expect(page.locator("#id_objective")).to_have_value("")
    page.locator("#id_new_objective_title").fill("Our readers wait for us")
    page.screenshot(path=f"{SHOTS}/week1-kpi-to-kr-{language}-{width}.png", full_page=True)
    page.locator("#id_new_objective_title").press("Enter")
    expect(page).to_have_url(re.compile(rf".*/kpis/{kpi.pk}/$"))
    key_result = KeyResult.objects.get()
    assert key_result.objective.title == "Our readers wait for us"
    assert linked_kpi(key_result) == kpi
    assert not colleague.key_results.exists()
