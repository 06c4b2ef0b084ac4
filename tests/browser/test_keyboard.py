"""With the keyboard alone, a member signs in, checks in two key results, opens the dashboard
and drills down to a key result; every stop is reachable in focus order and visibly focused."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from checkins.models import CheckIn
from okrapp.core.models import Team, User
from okrapp.demo.organisation import DEMO_PASSWORD, demo_email
from tests.support.axe import axe_violations, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member(db) -> User:
    call_command("load_demo", verbosity=0)
    return User.objects.get(email=demo_email("camille.petit"))


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Presses Tab until the focus is on `selector`: it must be reachable in focus order, and
    every element the focus passes on the way must show it (:focus-visible's outline; for a
    picker, the outline of the control around its search field).
    After the page's last element the focus goes to the browser's controls, then wraps."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """(selector) => {
                const element = document.activeElement;
                // A picker's search field is drawn inside its control, which shows the focus.
                const style = getComputedStyle(element.closest(".ts-control") || element);
                // Past the last element the focus leaves for the browser's own controls.
                if (element === document.body) return {match: false, visible: true, html: ""};
                return {
                    match: element.matches(selector),
                    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
                    html: element.outerHTML.slice(0, 120),
                };
            }""",
            selector,
        )
        assert focused["visible"], f"the focus is not visible on {focused['html']}"
        if focused["match"]:
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def check_in_the_focused_row(page) -> None:
    """The focus is on the row's first field: a value to type, or a milestone's box to tick."""
    if page.evaluate("document.activeElement.type") == "checkbox":
        page.keyboard.press("Space")
    else:
        # The field selects its value on focus; the same value again is always plausible
        # (an arbitrary one, "12", may ask for a confirmation: checkins.plausibility).
        value = page.evaluate("document.activeElement.value")
        page.keyboard.type(value)
    page.keyboard.press("Tab")  # confidence
    page.keyboard.press("Tab")  # comment
    page.keyboard.type("Avancé au clavier")
    page.keyboard.press("Enter")


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_member_checks_in_twice_and_drills_down_to_a_key_result_with_the_keyboard_alone(
    page, live_server, member, language, width
):
    User.objects.filter(pk=member.pk).update(language=language)
    marketing = Team.objects.get(name="Marketing")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type(member.email)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    tab_to(page, "nav a[href='/checkins/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/checkins/")
    before = CheckIn.objects.filter(author=member).count()
    tab_to(page, ".checkin-row form input:not([type=hidden])")
    first_row = page.evaluate("document.activeElement.closest('.checkin-row').id")
    check_in_the_focused_row(page)
    page.locator(f"#{first_row} .saved-note").wait_for()
    # The focus moved on to the next row's first field, and the live region said it.
    page.wait_for_function(
        "(id) => document.activeElement.closest('.checkin-row')?.id !== id", arg=first_row
    )
    expect(page.locator("#announcer")).to_have_text(re.compile(r"\S"))
    check_in_the_focused_row(page)
    expect(page.locator(".checkin-row .saved-note")).to_have_count(2)
    assert CheckIn.objects.filter(author=member).count() == before + 2
    page.screenshot(path=f"/tmp/shots/keyboard-my-week-{language}-{width}.png", full_page=True)

    tab_to(page, "nav a[href='/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    tab_to(page, f"main a[href='/teams/{marketing.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/teams/{marketing.pk}/")
    tab_to(page, "main a[href^='/okrs/']:not([href='/okrs/'])")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/okrs/\d+/$"))
    tab_to(page, "main a[href^='/checkins/key-results/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/checkins/key-results/\d+/$"))
    assert page.locator("h1").count() == 1
    page.screenshot(path=f"/tmp/shots/keyboard-key-result-{language}-{width}.png", full_page=True)
    violations = axe_violations(page, f"member, {language}, {width} px, keyboard journey's end")
    assert not violations, report(violations)


def test_the_delete_dialog_takes_the_focus_escape_keeps_the_check_in_and_gives_it_back(
    page, live_server, member
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", member.email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/checkins/")
    before = CheckIn.objects.filter(author=member).count()

    tab_to(page, "[data-delete-checkin]")
    row = page.evaluate("document.activeElement.closest('.checkin-row').id")
    page.keyboard.press("Enter")
    page.locator(f"#{row} [role=alertdialog]").wait_for()
    expect(page.locator(f"#{row} [data-confirm-delete] button")).to_be_focused()
    page.keyboard.press("Escape")
    page.locator(f"#{row} [role=alertdialog]").wait_for(state="detached")
    expect(page.locator(f"#{row} [data-delete-checkin]")).to_be_focused()
    assert CheckIn.objects.filter(author=member).count() == before

    page.keyboard.press("Enter")
    expect(page.locator(f"#{row} [data-confirm-delete] button")).to_be_focused()
    page.keyboard.press("Enter")
    page.locator(f"#{row} [role=alertdialog]").wait_for(state="detached")
    expect(page.locator("#announcer")).to_have_text(re.compile(r"\S"))
    assert CheckIn.objects.filter(author=member).count() == before - 1
