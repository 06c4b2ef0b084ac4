"""A member comments in French and mentions her lead with the keyboard; the lead sees the
badge, opens the inbox, follows the notification and reacts, twice, with the keyboard. In a
large organisation, the mention picker finds, as one types, someone it did not offer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from checkins.models import Comment, Reaction
from objectives.models import Objective
from okrapp.core.models import Membership, User
from tests.factories import (
    PASSWORD,
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
    company_team,
)
from tests.support.axe import axe_violations, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team_with_key_result(db):
    team = TeamFactory(name="Marketing", parent=company_team())
    lead = MembershipFactory(
        team=team, role=Membership.Role.LEAD, user__display_name="Léa Lead", user__language="en"
    ).user
    member = MembershipFactory(
        team=team, user__display_name="Marie Membre", user__language="fr"
    ).user
    objective = ObjectiveFactory(
        cycle=CycleFactory(name="T4 2026"),
        team=team,
        owner=lead,
        title="Notre marketing anime nos communautés",
        visibility=Objective.Visibility.PRIVATE,
    )
    key_result = KeyResultFactory(objective=objective, owner=member, title="Atteindre 100 leads")
    return lead, member, key_result


def sign_in(page, live_server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_member_mentions_her_lead_in_french_and_the_lead_reacts_from_the_inbox(
    page, live_server, team_with_key_result
):
    lead, member, key_result = team_with_key_result
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, member.email)
    page.goto(f"{live_server.url}/checkins/key-results/{key_result.pk}/")
    body = page.locator("#comments").get_by_label("Commentaire")
    body.focus()
    page.keyboard.type("Le webinaire a bien marché, ")
    page.keyboard.press("Tab")  # the person picker
    page.keyboard.type("Léa")
    page.keyboard.press("Enter")  # picks Léa: her email goes into the comment
    expect(body).to_have_value(re.compile(re.escape(f"@{lead.email} ")))
    page.keyboard.type("tu valides ?")
    page.keyboard.press("Tab")  # the picker again
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Publier le commentaire"
    comment = page.locator("#comments .comment").first
    comment.wait_for()
    assert "@Léa Lead" in comment.inner_text()
    assert "tu valides ?" in comment.inner_text()
    page.screenshot(path="/tmp/shots/conversations-comment-fr-375.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, lead.email)
    badge = page.locator(".site-header .badge").first
    assert badge.inner_text().strip() == "1"
    page.goto(f"{live_server.url}/checkins/notifications/")
    assert "Marie Membre mentioned you" in page.locator(".notification-list").inner_text()
    page.get_by_role("button", name="Open").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/checkins/key-results/{key_result.pk}/#comments")
    thumbs = page.locator("#comments .reaction[title='Thumbs up']").first
    thumbs.focus()
    page.keyboard.press("Enter")
    page.locator("#comments .reaction.is-mine").first.wait_for()
    page.locator("#comments .reaction[title='Celebrate']").first.focus()
    page.keyboard.press("Enter")
    page.locator("#comments .reaction.is-mine >> nth=1").wait_for()
    page.screenshot(path="/tmp/shots/conversations-reactions-en-1280.png", full_page=True)
    assert sorted(Reaction.objects.filter(user=lead).values_list("emoji", flat=True)) == sorted(
        ["👍", "🎉"]
    )
    assert page.locator(".site-header .badge").count() == 0


def test_a_lead_reacts_twice_in_a_row_then_takes_one_back_without_leaving_the_page(
    page, live_server, team_with_key_result
):
    """Each reaction swaps its fragment in with htmx; the next one, given at once, goes
    through htmx too (the swapped-in form is live as soon as it is shown), so the page is
    never left for the reaction's POST-only address."""
    lead, member, key_result = team_with_key_result
    checkin = CheckInFactory(key_result=key_result, author=member)
    sign_in(page, live_server, lead.email)
    url = f"{live_server.url}/checkins/key-results/{key_result.pk}/"
    page.goto(url)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    reactions = page.locator(f"#reactions-check-in-{checkin.pk}")

    reactions.locator(".reaction[title='Thumbs up']").click()
    reactions.locator(".reaction.is-mine").first.wait_for()
    reactions.locator(".reaction[title='Celebrate']").click()
    reactions.locator(".reaction.is-mine >> nth=1").wait_for()
    reactions.locator(".reaction[title='Thumbs up']").click()
    reactions.locator(".reaction[title='Thumbs up'][aria-pressed='false']").wait_for()

    assert reactions.locator(".reaction.is-mine").count() == 1
    assert list(Reaction.objects.filter(user=lead).values_list("emoji", flat=True)) == ["🎉"]
    assert navigations == []
    assert page.url == url


@pytest.mark.parametrize("width", [375, 1280])
def test_a_member_mentions_someone_of_another_team_found_by_typing_part_of_the_name(
    page, live_server, team_with_key_result, width
):
    lead, member, key_result = team_with_key_result
    User.objects.filter(pk=member.pk).update(language="en")
    teammates = User.objects.bulk_create(
        User(email=f"colleague{n}@acme.example", display_name=f"Colleague {n:03}", password="!")
        for n in range(40)
    )
    Membership.objects.bulk_create(
        Membership(user=person, team=lead.memberships.get().team) for person in teammates
    )
    sales = TeamFactory(name="Sales", parent=company_team())
    zoe = MembershipFactory(team=sales, user__display_name="Zoé Zola").user
    zacharie = MembershipFactory(team=sales, user__display_name="Zacharie Zola").user
    Objective.objects.filter(pk=key_result.objective_id).update(
        visibility=Objective.Visibility.PUBLIC
    )
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, member.email)
    page.goto(f"{live_server.url}/checkins/key-results/{key_result.pk}/")
    picker = page.locator("#comments select[data-mention-into]")
    assert picker.locator("option").count() <= 11  # the empty choice and ten people at most
    page.wait_for_function("() => document.querySelector('select[data-mention-into].tomselected')")
    body = page.locator("#comments textarea[name=body]")
    body.fill("Can you help us with the webinar, ")
    page.keyboard.press("End")
    page.keyboard.press("Tab")  # the person picker
    page.keyboard.type("zola", delay=30)
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(2, timeout=5000)  # asked to the server: neither was offered
    second = options.nth(1).inner_text()
    chosen = zoe if zoe.email in second else zacharie
    page.keyboard.press("ArrowDown")  # the second match
    expect(page.locator(".ts-dropdown .option.active")).to_contain_text(chosen.email)
    page.screenshot(path=f"/tmp/shots/conversations-mention-search-{width}.png", full_page=False)
    violations = axe_violations(page, f"key result, {width} px, the mention picker open")
    page.keyboard.press("Enter")
    expect(body).to_have_value(f"Can you help us with the webinar, @{chosen.email} ")
    expect(body).to_be_focused()
    page.keyboard.type("please?")
    page.get_by_role("button", name="Post the comment").click()
    page.locator("#comments .comment").first.wait_for()
    assert f"@{chosen.display_name}" in page.locator("#comments .comment").first.inner_text()
    assert list(Comment.objects.get().mentions.all()) == [chosen]
    # The thread swapped in after the comment has its picker again.
    expect(page.locator("#comments .mention-picker .ts-wrapper")).to_be_visible()
    assert not violations, report(violations)
