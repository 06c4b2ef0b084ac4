"""Pickers in the browser: a lead picks, with the keyboard only, a key result's owner among
a large team by typing part of the name (French, 375 px), and the owner of a KPI (English,
1280 px); the pickers, open, have no WCAG violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from objectives.models import KeyResult
from okrapp.core.models import Membership, User
from tests.browser.test_organisation import sign_in_with_keyboard
from tests.support.axe import axe_violations, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"


@pytest.fixture
def big_team(team, lead):
    people = User.objects.bulk_create(
        User(email=f"colleague{n}@acme.example", display_name=f"Collègue {n:03}", password="!")
        for n in range(120)
    )
    zola = User.objects.create(email="zacharie@acme.example", display_name="Zacharie Zola")
    Membership.objects.bulk_create(
        Membership(user=person, team=team, is_primary=True) for person in [*people, zola]
    )
    return zola


def pick(page, control: str, typed: str, expected: str, shot: str | None = None) -> None:
    """Focus a picker, type part of a name, and choose the match with Enter."""
    page.locator(control).focus()
    page.keyboard.type(typed, delay=30)
    option = page.locator(".ts-dropdown .option", has_text=expected)
    expect(option.first).to_be_visible(timeout=5000)
    expect(page.locator(".ts-dropdown .option.active")).to_have_text(re.compile(expected))
    if shot:
        page.screenshot(path=shot, full_page=False)
    page.keyboard.press("Enter")


def test_a_lead_picks_a_key_results_owner_by_typing_in_french(
    page, live_server, lead, team, cycle, big_team, password
):
    User.objects.filter(pk=lead.pk).update(language="fr")
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_keyboard(page, live_server, lead.email, password)
    page.goto(f"{live_server.url}/okrs/new/?level=team&team={team.pk}")
    page.wait_for_function("() => document.querySelector('#id_kr-0-owner.tomselected')")
    # Without searching, the row offers only a few people, not the team's 121.
    assert page.locator("#id_kr-0-owner option").count() <= 5
    page.fill("#id_title", "Notre lettre est attendue chaque mois")
    page.fill("#id_kr-0-title", "500 abonnés")
    page.fill("#id_kr-0-target_value", "500")
    pick(
        page,
        "#id_kr-0-owner-ts-control",
        "zola",
        "Zacharie Zola",
        shot=f"{SHOTS}/picker-editor-fr-375.png",
    )
    assert page.locator("#id_kr-0-owner").input_value() == str(big_team.pk)
    violations = axe_violations(page, "editor, French, 375 px, a picker chosen")
    page.locator("#id_owner-ts-control").focus()
    page.keyboard.type("lé")
    expect(page.locator(".ts-dropdown .option").first).to_be_visible(timeout=5000)
    violations += axe_violations(page, "editor, French, 375 px, a picker open")
    page.keyboard.press("Escape")
    assert not violations, report(violations)
    page.locator(".form-actions button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/okrs/\d+/$"))
    assert KeyResult.objects.get(title="500 abonnés").owner == big_team


def test_a_lead_picks_a_kpis_owner_in_english_at_1280(
    page, live_server, lead, team, cycle, big_team, password
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_keyboard(page, live_server, lead.email, password)
    page.goto(f"{live_server.url}/okrs/new/?level=team&team={team.pk}")
    page.wait_for_function("() => document.querySelector('#id_kr-0-owner.tomselected')")
    page.locator("#id_kr-0-owner-ts-control").focus()
    page.keyboard.type("Collègue 01", delay=30)
    expect(page.locator(".ts-dropdown .option").first).to_contain_text("Collègue 01", timeout=5000)
    page.screenshot(path=f"{SHOTS}/picker-editor-en-1280.png", full_page=False)
    violations = axe_violations(page, "editor, English, 1280 px, a picker open")
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/kpis/new/")
    page.wait_for_function("() => document.querySelector('#id_owner.tomselected')")
    pick(page, "#id_owner-ts-control", "zach", "Zacharie Zola")
    assert page.locator("#id_owner").input_value() == str(big_team.pk)
    expect(page.locator("#id_owner-ts-control").locator("..")).to_contain_text("Zacharie Zola")
    page.screenshot(path=f"{SHOTS}/picker-kpi-en-1280.png", full_page=False)
    violations += axe_violations(page, "KPI form, English, 1280 px, a picker chosen")
    assert not violations, report(violations)


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_the_editors_picker_open_has_no_wcag_violation(
    page, live_server, lead, team, cycle, big_team, password, language, width
):
    User.objects.filter(pk=lead.pk).update(language=language)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_keyboard(page, live_server, lead.email, password)
    page.goto(f"{live_server.url}/okrs/new/?level=team&team={team.pk}")
    page.wait_for_function("() => document.querySelector('#id_kr-0-owner.tomselected')")
    page.locator("#id_kr-0-owner-ts-control").focus()
    page.keyboard.type("zach", delay=30)
    expect(page.locator(".ts-dropdown .option.active")).to_contain_text("Zacharie Zola")
    page.screenshot(path=f"{SHOTS}/picker-editor-{language}-{width}.png", full_page=False)
    violations = axe_violations(page, f"editor, {language}, {width} px, a picker open")
    assert not violations, report(violations)
