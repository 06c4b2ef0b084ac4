"""The CEO reads the dashboard in French: follows a KPI in alert, then a key result that
needs attention, and walks back up the breadcrumbs to the dashboard."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from objectives.tasks import rollup_scores
from okrapp.core.models import Cycle, User
from okrapp.demo.organisation import DEMO_PASSWORD, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRUMBS = 'nav[aria-label="Fil d\'Ariane"]'


@pytest.fixture
def demo_organisation(db):
    call_command("load_demo", verbosity=0)
    cycle = Cycle.objects.get(status=Cycle.Status.ACTIVE)
    for days in (14, 7, 1):
        rollup_scores(cycle.pk, day=timezone.localdate() - datetime.timedelta(days=days))


def sign_in(page, live_server, name: str) -> None:
    User.objects.filter(email=demo_email(name)).update(language="fr")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", demo_email(name))
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_ceo_follows_an_alert_kpi_and_an_attention_item_then_walks_back_up(
    page, live_server, demo_organisation
):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "claire.dubois")
    assert page.get_by_role("heading", name="Tableau de bord").is_visible()
    assert page.get_by_role("heading", name="Ce qui a changé cette semaine").is_visible()

    # A KPI in alert, named with its status in words, leads to its page and its team.
    alert = page.locator(".kpi-alerts tbody tr", has=page.locator("[data-kpi-status=red]")).first
    kpi_name = alert.locator("th a").inner_text()
    alert.locator("th a").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=kpi_name, level=1).is_visible()
    assert page.locator(".kpi-facts a[href^='/teams/']").is_visible()
    page.go_back()
    page.wait_for_load_state()

    # A key result that needs attention leads to its page, breadcrumbs on top.
    item = page.locator(".attention-list a[href^='/checkins/key-results/']").first
    title = item.inner_text()
    item.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=title, level=1).is_visible()
    assert page.locator(f"{CRUMBS} [aria-current=page]").inner_text() == title

    # Up the chain: objective, then its owner or team, the department, the company, the
    # dashboard; each page names itself as its breadcrumbs' last step.
    visited = []
    while True:
        links = page.locator(f"{CRUMBS} a")
        parent = links.nth(links.count() - 1)
        label = parent.inner_text()
        parent.click()
        page.wait_for_load_state()
        visited.append(label)
        if label == "Tableau de bord":
            break
        assert page.locator(f"{CRUMBS} [aria-current=page]").inner_text() == label
        assert page.get_by_role("heading", name=label, level=1).is_visible()
        assert len(visited) < 8, visited
    assert page.get_by_role("heading", name="Tableau de bord").is_visible()
    assert len(visited) >= 3  # objective, a team or person, the company at least
    assert not [error for error in errors if "Content Security Policy" in error]
