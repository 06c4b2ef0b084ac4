"""A person signs in, sees the French shell, switches to English."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from okrapp.demo.organisation import DEMO_PASSWORD, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_organisation(db):
    call_command("load_demo", verbosity=0)


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")


def test_demo_user_signs_in_sees_french_and_switches_to_english(
    page, live_server, demo_organisation
):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, demo_email("camille.petit"), DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Tableau de bord", exact=True).first.is_visible()
    page.screenshot(path="/tmp/shots/shell-fr-375.png", full_page=True)

    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Dashboard", exact=True).first.is_visible()

    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"


def test_anonymous_visitor_lands_on_the_sign_in_page(page, live_server, demo_organisation):
    page.goto(f"{live_server.url}/kpis/")
    assert "/accounts/login/" in page.url
    assert page.locator("input[name=username]").is_visible()
