"""A person creates an API token on their profile page, uses it, revokes it; the API docs
render under the strict CSP."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person(db, password):
    return MembershipFactory(user__display_name="Tina Token", user__language="en").user


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_person_creates_uses_and_revokes_a_token(page, live_server, person, password):
    sign_in(page, live_server, person.email, password)
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(f"{live_server.url}/profile/")
    page.fill("input[name=token-name]", "CRM export")
    page.get_by_role("button", name="Create a token").click()
    secret = page.locator("#new-token-secret").inner_text().strip()
    assert secret.startswith("okr_")
    page.screenshot(path="/tmp/shots/api-token-created-375.png", full_page=True)

    answer = page.request.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 200
    assert answer.json()["name"] == "Tina Token"

    page.goto(f"{live_server.url}/profile/")
    assert page.locator("#new-token-secret").count() == 0
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_load_state()
    assert page.get_by_text("is revoked").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/shots/api-token-revoked-desktop.png", full_page=True)
    answer = page.request.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Bearer {secret}"}
    )
    assert answer.status == 401


def test_the_api_docs_render_under_the_strict_csp(page, live_server, person, password):
    violations = []
    page.on("console", lambda message: violations.append(message.text))
    sign_in(page, live_server, person.email, password)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    assert page.locator(".opblock-summary-path", has_text="/api/v1/objectives/").count() >= 1
    page.screenshot(path="/tmp/shots/api-docs-desktop.png")
    # Swagger UI sets a few inline styles, which style-src 'self' blocks (cosmetic only);
    # no script may be blocked.
    assert not [text for text in violations if "script-src" in text]
