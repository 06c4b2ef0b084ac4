"""An admin runs the organisation from the product, with the keyboard: searches people,
deactivates someone and hands over their objectives (French, 375 px); creates a team and
invites a person, who chooses a password from the emailed link (English, 1280 px)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from objectives.models import Objective
from okrapp.core.models import Membership, Team, User
from tests.factories import CycleFactory, MembershipFactory, ObjectiveFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organisation(db):
    company = Team.objects.create(name="ACME")
    sales = Team.objects.create(name="Ventes", parent=company)
    admin = UserFactory(email="ada@example.org", display_name="Ada Admin", is_staff=True)
    MembershipFactory(user=admin, team=company)
    leaving = MembershipFactory(
        team=sales, user__display_name="Paul Partant", user__email="paul@example.org"
    ).user
    successor = MembershipFactory(
        team=sales, role=Membership.Role.LEAD, user__display_name="Sara Suite"
    ).user
    ObjectiveFactory(owner=leaving, team=sales, cycle=CycleFactory(), title="Doubler le CA")
    return admin, leaving, successor


def pick(page, control: str, typed: str, expected: str) -> None:
    """A picker, with the keyboard: type part of the name, Enter on the match."""
    page.locator(control).focus()
    page.keyboard.type(typed, delay=30)
    active = page.locator(".ts-dropdown .option.active")
    expect(active).to_contain_text(expected, timeout=5000)
    page.keyboard.press("Enter")


def submit(page, key: str = "Enter") -> None:
    """Press the key and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def sign_in_with_keyboard(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").focus()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_an_admin_deactivates_someone_and_hands_over_their_objectives_in_french(
    page, live_server, organisation, password
):
    admin, leaving, successor = organisation
    User.objects.filter(pk=admin.pk).update(language="fr")
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in_with_keyboard(page, live_server, admin.email, password)
    page.goto(f"{live_server.url}/organisation/people/")
    page.get_by_label("Rechercher").focus()
    page.keyboard.type("paul")
    submit(page)
    page.get_by_role("link", name="Paul Partant").focus()
    submit(page)
    page.get_by_role("link", name="Désactiver").focus()
    submit(page)
    assert "Doubler le CA" in page.content()
    pick(page, "#id_successor-ts-control", "sara", "Sara Suite")
    assert page.locator("#id_successor").input_value() == str(successor.pk)
    page.screenshot(path="/tmp/shots/org-deactivate-fr-375.png", full_page=True)
    page.get_by_role("button", name="Désactiver").focus()
    submit(page)
    assert "Paul Partant est désactivé." in page.content()
    assert not User.objects.get(pk=leaving.pk).is_active
    assert Objective.objects.get(title="Doubler le CA").owner == successor
    page.screenshot(path="/tmp/shots/org-person-fr-375.png", full_page=True)


def test_an_admin_creates_a_team_and_invites_a_person_who_sets_a_password_in_english(
    page, live_server, organisation, password, browser
):
    admin, _leaving, _successor = organisation
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_keyboard(page, live_server, admin.email, password)
    page.goto(f"{live_server.url}/organisation/teams/")
    page.get_by_label("Name").focus()
    page.keyboard.type("Growth")
    pick(page, "#id_parent-ts-control", "vent", "Ventes")
    page.get_by_role("button", name="Create").focus()
    submit(page)
    assert "The team Growth is created." in page.content()
    page.screenshot(path="/tmp/shots/org-teams-en-1280.png", full_page=True)

    page.goto(f"{live_server.url}/organisation/people/new/")
    page.get_by_label("Email address").focus()
    page.keyboard.type("nina@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Nina New")
    pick(page, "#id_team-ts-control", "grow", "Growth")
    assert page.locator("#id_team").input_value() == str(Team.objects.get(name="Growth").pk)
    page.get_by_role("button", name="Add").focus()
    submit(page)
    assert "Nina New is in the organisation." in page.content()
    page.screenshot(path="/tmp/shots/org-invited-en-1280.png", full_page=True)

    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    invitee = context.new_page()
    invitee.goto(live_server.url + "/invitations/" + link.split("/invitations/")[1])
    invitee.locator("#id_new_password1").focus()
    invitee.keyboard.type("a-long-Passphrase-42")
    invitee.keyboard.press("Tab")
    invitee.keyboard.type("a-long-Passphrase-42")
    invitee.screenshot(path="/tmp/shots/org-accept-en-1280.png", full_page=True)
    invitee.keyboard.press("Enter")
    invitee.wait_for_url(f"{live_server.url}/")
    invitee.wait_for_load_state("networkidle")
    context.close()
    assert User.objects.get(email="nina@example.org").check_password("a-long-Passphrase-42")


def test_an_admin_opens_a_branch_of_the_teams_with_the_keyboard_and_finds_a_team(
    page, live_server, organisation, password
):
    admin, _leaving, _successor = organisation
    sales = Team.objects.get(name="Ventes")
    accounts = Team.objects.create(name="Grands comptes", parent=sales)
    Team.objects.create(name="Secteur public", parent=accounts)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_with_keyboard(page, live_server, admin.email, password)
    page.goto(f"{live_server.url}/organisation/teams/")
    toggle = page.get_by_role("button", name="1 sub-team of Ventes")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Grands comptes")).to_have_count(0)

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Grands comptes")).to_be_visible()
    assert page.url == f"{live_server.url}/organisation/teams/"  # htmx, not a new page
    page.screenshot(path="/tmp/shots/org-teams-branch-en-1280.png", full_page=True)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Grands comptes")).to_be_hidden()

    page.get_by_role("searchbox", name="Find a team").focus()
    page.keyboard.type("public")
    submit(page)
    expect(page.locator(".is-focus")).to_contain_text("Secteur public")
    expect(page.get_by_role("button", name="1 sub-team of Grands comptes")).to_have_attribute(
        "aria-expanded", "true"
    )
