"""Single sign-on in headless Chromium, in French: the sign-in page's button, the identity
provider's own sign-in form (a real OpenID Connect provider on 127.0.0.1), and back signed in."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory
from tests.support.axe import axe_violations, report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person(team):
    return MembershipFactory(
        team=team,
        user__email="lea.martin@acme.example",
        user__display_name="Léa Martin",
        user__language="fr",
    ).user


def test_a_person_signs_in_with_the_company_account_in_french(page, live_server, sso, person):
    sso.add_person(person.email, name="Léa Martin", email_verified=True, locale="fr-FR")
    page.context.set_extra_http_headers({"Accept-Language": "fr"})
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/checkins/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    page.screenshot(path="/tmp/shots/sso-signin-fr-375.png", full_page=True)
    page.get_by_role("button", name="Sign in with ACME ID").click()
    page.wait_for_url(f"{sso.url}/authorize**")
    page.get_by_label("Email").fill(person.email)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/checkins/")
    assert page.get_by_text("Léa Martin").first.is_visible()
    assert page.locator("html").get_attribute("lang") == "fr"


def test_a_refused_sign_on_says_why_on_the_sign_in_page_in_french(page, live_server, sso, person):
    sso.add_person(person.email, name="Mallory", email_verified=False)
    page.context.set_extra_http_headers({"Accept-Language": "fr"})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Sign in with ACME ID").click()
    page.get_by_label("Email").fill(person.email)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "n’a pas confirmé votre adresse" in page.locator(".messages").inner_text()
    page.screenshot(path="/tmp/shots/sso-refused-fr-1280.png", full_page=True)


@pytest.mark.parametrize(("language", "width"), [("fr", 1280), ("en", 375)])
@pytest.mark.parametrize("password_signin", [True, False])
def test_the_sign_in_page_with_its_sso_button_has_no_wcag_violation(
    page, live_server, sso, settings, language, width, password_signin
):
    settings.PASSWORD_SIGNIN = password_signin
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("button", name="Sign in with ACME ID").is_visible()
    assert page.locator("input[name=password]").count() == (1 if password_signin else 0)
    mode = "password and SSO" if password_signin else "SSO only"
    page.screenshot(path=f"/tmp/shots/sso-signin-{mode.replace(' ', '-')}-{language}-{width}.png")
    violations = axe_violations(page, f"sign-in, {mode}, {language}, {width} px")
    assert not violations, report(violations)
