"""Sign-in protection in the browser: a locked-out person reads why on the sign-in page; the
security headers raise no warning in Chromium."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person(db):
    return MembershipFactory(user__display_name="Lou Locked", user__language="en").user


def try_to_sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_a_locked_out_person_reads_why_on_the_sign_in_page(page, live_server, person, password):
    page.set_viewport_size({"width": 375, "height": 800})
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        try_to_sign_in(page, live_server, person.email, "not-the-password")
    try_to_sign_in(page, live_server, person.email, password)
    alert = page.get_by_role("alert")
    assert "Too many failed sign-in attempts" in alert.inner_text()
    assert page.locator("input[name=username]").input_value() == person.email
    assert page.url.endswith("/accounts/login/")
    page.screenshot(path="/tmp/shots/signin-locked-out-375.png", full_page=True)


def test_the_security_headers_raise_no_warning_in_the_browser(page, live_server, person, password):
    warnings = []
    page.on("console", lambda message: warnings.append(message.text))
    try_to_sign_in(page, live_server, person.email, password)
    page.goto(f"{live_server.url}/profile/")
    assert not [text for text in warnings if "Permissions-Policy" in text]
