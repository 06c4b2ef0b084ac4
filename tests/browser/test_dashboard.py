"""An executive opens the dashboard, expands a team, follows it to its page and a person's."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from objectives.tasks import rollup_scores
from okrapp.core.models import Cycle, Team
from okrapp.demo.organisation import DEMO_PASSWORD, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_organisation(db):
    call_command("load_demo", verbosity=0)
    cycle = Cycle.objects.get(status=Cycle.Status.ACTIVE)
    for days in (14, 7, 1):  # a short history for the trend
        rollup_scores(cycle.pk, day=timezone.localdate() - datetime.timedelta(days=days))


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def expand_marketing(page) -> None:
    marketing = Team.objects.get(name="Marketing")
    acquisition = Team.objects.get(name="Acquisition")
    toggle = page.locator(f"#team-{marketing.pk} > .tree-line button[data-tree-toggle]")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(f"#team-{acquisition.pk}").is_visible()
    toggle.click()
    page.locator(f"#team-{acquisition.pk}").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(f"#team-{acquisition.pk}").is_visible()
    toggle.click()
    page.locator(f"#team-{acquisition.pk}").wait_for(state="visible")


def test_executive_reads_the_dashboard_and_expands_a_team(page, live_server, demo_organisation):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, demo_email("claire.dubois"))
    assert page.get_by_role("heading", name="Tableau de bord").is_visible()
    page.locator("canvas[data-chart='company-trend']").wait_for()
    expand_marketing(page)
    page.screenshot(path="/tmp/shots/dashboard-fr-1280.png", full_page=True)

    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Needs attention").is_visible()
    expand_marketing(page)
    page.screenshot(path="/tmp/shots/dashboard-en-1280.png", full_page=True)

    page.get_by_role("link", name="Acquisition").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Acquisition").is_visible()
    page.screenshot(path="/tmp/shots/team-en-1280.png", full_page=True)
    page.locator("#members-title + .line-list a").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check-in streak").is_visible()
    page.screenshot(path="/tmp/shots/person-en-1280.png", full_page=True)
    assert not [error for error in errors if "Content Security Policy" in error]


def test_dashboard_on_a_phone(page, live_server, demo_organisation):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, demo_email("camille.petit"))
    expand_marketing(page)
    page.screenshot(path="/tmp/shots/dashboard-fr-375.png", full_page=True)
    page.locator(".dash-summary").screenshot(path="/tmp/shots/dashboard-fr-375-summary.png")
    page.locator("#tree-title").locator("..").screenshot(
        path="/tmp/shots/dashboard-fr-375-tree.png"
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.goto(f"{live_server.url}/teams/{Team.objects.get(name='Marketing').pk}/")
    page.screenshot(path="/tmp/shots/team-fr-375.png", full_page=True)
    page.goto(
        f"{live_server.url}/people/{Team.objects.get(name='Marketing').memberships.first().user_id}/"
    )
    page.screenshot(path="/tmp/shots/person-fr-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_team_tree_works_without_javascript(browser, live_server, demo_organisation):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, demo_email("claire.dubois"))
    marketing = Team.objects.get(name="Marketing")
    page.locator(f"#team-{marketing.pk} > .tree-line button[data-tree-toggle]").click()
    page.wait_for_load_state()
    assert f"open={marketing.pk}" in page.url
    assert page.locator(f"#team-{Team.objects.get(name='Acquisition').pk}").is_visible()
    context.close()
