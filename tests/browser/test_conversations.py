"""A member comments in French and mentions her lead with the keyboard; the lead sees the
badge, opens the inbox, follows the notification and reacts, twice, with the keyboard."""

from __future__ import annotations

import pytest

from checkins.models import Reaction
from objectives.models import Objective
from okrapp.core.models import Membership
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
    assert f"@{lead.email}" in body.input_value()
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
