"""A key result owner checks in on My week, with the keyboard, and the board's score moves."""

from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.models import Objective
from okrapp.core.models import Membership
from tests.factories import (
    PASSWORD,
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
    company_team,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner_with_key_results(db):
    team = TeamFactory(name="Marketing", parent=company_team())
    owner = MembershipFactory(
        team=team, role=Membership.Role.LEAD, user__display_name="Marc Member", user__language="en"
    ).user
    cycle = CycleFactory(name="T4 2026")
    objective = ObjectiveFactory(
        cycle=cycle,
        team=team,
        owner=owner,
        title="Our marketing brings our communities to life",
        visibility=Objective.Visibility.PUBLIC,
    )
    first = KeyResultFactory(
        objective=objective, owner=owner, title="Reach 100 leads a month", target_value=100
    )
    second = KeyResultFactory(
        objective=objective, owner=owner, title="Grow LinkedIn followers by 50", target_value=50
    )
    return owner, objective, first, second


def sign_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def board_score(page, live_server, objective) -> str:
    page.goto(f"{live_server.url}/okrs/")
    return page.locator(f"#objective-{objective.pk} .okr-card-head .score").inner_text().strip()


def test_owner_checks_in_on_my_week_with_the_keyboard_and_the_board_score_changes(
    page, live_server, owner_with_key_results
):
    owner, objective, first, second = owner_with_key_results
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, owner.email)
    before = board_score(page, live_server, objective)
    assert not before.endswith("30")

    page.goto(f"{live_server.url}/checkins/")
    row = page.locator(f"#checkin-row-{first.pk}")
    value = row.get_by_label("Value")
    value.fill("60")
    value.press("Tab")  # confidence
    page.keyboard.press("Tab")  # comment
    page.keyboard.type("Webinar brought many leads")
    page.keyboard.press("Enter")
    row.locator("text=Checked in this week").wait_for()
    assert row.locator(".saved-note").is_visible()
    # After saving, the focus is on the next row's first field: keep typing.
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"id_kr{second.pk}-value"
    page.screenshot(path="/tmp/shots/checkins-browser-my-week-1280.png", full_page=True)

    first.refresh_from_db()
    assert first.current_value == Decimal(60)
    objective.refresh_from_db()
    assert objective.score == Decimal(30)
    # The objective averages its two key results: (60 + 0) / 2.
    assert board_score(page, live_server, objective).endswith("30")

    page.goto(f"{live_server.url}/checkins/key-results/{first.pk}/")
    assert "Webinar brought many leads" in page.locator("main").inner_text()
    page.locator("canvas[data-chart]").wait_for()


def test_an_invalid_value_shows_the_error_in_the_row_and_keeps_the_comment(
    page, live_server, owner_with_key_results
):
    owner, _, first, _ = owner_with_key_results
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/checkins/")
    row = page.locator(f"#checkin-row-{first.pk}")
    row.get_by_label("Value").fill("lots")
    row.get_by_label("Comment").fill("Keep me")
    row.get_by_label("Comment").press("Enter")
    row.locator(".errorlist").wait_for()
    assert row.get_by_label("Comment").input_value() == "Keep me"
    page.screenshot(path="/tmp/shots/checkins-browser-error-375.png", full_page=True)


@pytest.fixture
def two_rows_checked_in_before(owner_with_key_results):
    from checkins.services import checkin_create

    owner, _objective, first, second = owner_with_key_results
    checkin_create(key_result=first, author=owner, value=Decimal(63), confidence="on_track")
    checkin_create(key_result=second, author=owner, value=Decimal(20), confidence="on_track")
    return owner, first, second


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("fr", 375)])
def test_two_rows_saved_in_a_row_with_the_keyboard_store_what_was_typed(
    page, live_server, two_rows_checked_in_before, language, width
):
    """Typing over a value replaces it: the field selects its content on focus, also when
    the focus arrives there after the previous row was saved."""
    owner, first, second = two_rows_checked_in_before
    owner.language = language
    owner.save()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/checkins/")
    page.locator(f"#id_kr{first.pk}-value").focus()
    page.keyboard.type("70")
    page.keyboard.press("Enter")
    page.locator(f"#checkin-row-{first.pk} .saved-note").wait_for()
    page.wait_for_function(f"document.activeElement.id === 'id_kr{second.pk}-value'")
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    page.locator(f"#checkin-row-{second.pk} .saved-note").wait_for()
    page.screenshot(path=f"/tmp/shots/checkins-two-rows-{language}-{width}.png", full_page=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.current_value, second.current_value) == (Decimal(70), Decimal(25))


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
def test_a_value_that_looks_like_a_slip_asks_in_the_row_and_can_be_saved_anyway(
    page, live_server, two_rows_checked_in_before, language, width
):
    owner, first, _ = two_rows_checked_in_before
    owner.language = language
    owner.save()
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/checkins/")
    page.locator(f"#id_kr{first.pk}-value").focus()
    page.keyboard.press("ArrowLeft")  # the caret before "63", as the newcomer had it
    page.keyboard.press("Home")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    row = page.locator(f"#checkin-row-{first.pk}")
    row.locator(".confirm-jump").wait_for()
    page.screenshot(path=f"/tmp/shots/checkins-slip-{language}-{width}.png", full_page=True)
    first.refresh_from_db()
    assert first.current_value == Decimal(63)  # nothing saved yet
    assert page.evaluate("document.activeElement.id") == f"id_kr{first.pk}-value"
    page.keyboard.press("Tab")  # to "save anyway"
    page.keyboard.press("Enter")
    row.locator(".saved-note").wait_for()
    first.refresh_from_db()
    assert first.current_value == Decimal(263)
