"""A team lead writes an objective with three key results, listens to the coach, and finds the
objective on the board. Screenshots of every OKR page at phone and desktop widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from objectives.models import Objective

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def fill_key_result(page, index: int, title: str, start: str, target: str) -> None:
    page.fill(f"#id_kr-{index}-title", title)
    page.fill(f"#id_kr-{index}-start_value", start)
    page.fill(f"#id_kr-{index}-target_value", target)


def test_lead_creates_an_objective_with_three_key_results_and_the_coach(
    page, live_server, lead, team, cycle, password
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, lead.email, password)
    page.goto(f"{live_server.url}/okrs/")
    page.get_by_role("link", name="New objective").click()
    page.wait_for_url(re.compile(r".*/okrs/new/$"))
    # htmx is loaded with `defer`: typing before it runs would fire no live check.
    page.wait_for_function("() => window.htmx !== undefined")

    page.fill("#id_title", "Reach 500 newsletter fans")
    expect(page.locator("#coach-title")).to_contain_text("figure", timeout=5000)
    page.screenshot(path=f"{SHOTS}/obj-browser-coach-1280.png", full_page=True)

    page.fill("#id_title", "Our newsletter is awaited every month")
    expect(page.locator("#coach-title")).to_be_empty(timeout=5000)

    fill_key_result(page, 0, "Grow to 500 subscribers", "100", "500")
    fill_key_result(page, 1, "Raise the open rate to 50 %", "30", "50")
    fill_key_result(page, 2, "Launch the campaign", "0", "1")
    expect(page.locator("#coach-kr-2")).to_contain_text("task", timeout=5000)
    fill_key_result(page, 2, "Get 100 replies a month", "0", "100")
    expect(page.locator("#coach-kr-2")).to_be_empty(timeout=5000)

    # A fourth row without reload, then removed again; the second moved to the top.
    page.get_by_role("button", name="Add a key result").click()
    expect(page.locator("#id_kr-3-title")).to_be_focused()
    page.locator("#row-kr-3 [data-remove]").click()
    expect(page.locator("#row-kr-3")).to_be_hidden()
    page.locator("#row-kr-1 [data-move=up]").click()

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/okrs/\d+/$"))
    objective = Objective.objects.get()
    assert list(objective.key_results.values_list("title", flat=True)) == [
        "Raise the open rate to 50 %",
        "Grow to 500 subscribers",
        "Get 100 replies a month",
    ]

    page.goto(f"{live_server.url}/okrs/")
    expect(page.get_by_role("link", name="Our newsletter is awaited every month")).to_be_visible()
    page.fill("#id_q", "zzz")
    expect(page.get_by_text("No objective matches these filters.")).to_be_visible(timeout=5000)
    assert "q=zzz" in page.url

    page.set_viewport_size({"width": 375, "height": 800})
    for name, url in [
        ("board", "/okrs/"),
        ("objective", f"/okrs/{objective.pk}/"),
        ("editor", f"/okrs/{objective.pk}/edit/"),
        ("alignment", "/okrs/alignment/"),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.screenshot(path=f"{SHOTS}/obj-browser-{name}-375.png", full_page=True)


def test_a_french_speaker_gets_the_coach_and_the_errors_in_french(
    page, live_server, member, cycle, password
):
    member.language = "fr"
    member.save(update_fields=["language"])
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, member.email, password)
    page.goto(f"{live_server.url}/okrs/new/")
    page.wait_for_function("() => window.htmx !== undefined")

    page.fill("#id_title", "Atteindre 500 fans")
    expect(page.locator("#coach-title")).to_contain_text("chiffre", timeout=5000)
    fill_key_result(page, 0, "Publier la newsletter", "0", "")
    expect(page.locator("#coach-kr-0")).to_contain_text("ressemble à une tâche", timeout=5000)

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#id_kr-0-target_value_error")).to_contain_text("valeur cible")
    expect(page.locator("#id_title")).to_have_value("Atteindre 500 fans")
    expect(page.locator("#id_kr-0-title")).to_have_value("Publier la newsletter")
    page.screenshot(path=f"{SHOTS}/obj-browser-errors-fr-375.png", full_page=True)

    page.fill("#id_kr-0-target_value", "12")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(re.compile(r".*/okrs/\d+/$"))
    assert Objective.objects.get().title == "Atteindre 500 fans"  # warnings never block
