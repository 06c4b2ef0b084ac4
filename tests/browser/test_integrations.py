"""Browser journeys of the integrations, axe-checked and photographed at 375 and 1280 px, in
French and English: a lead adds a chat channel from the team page and sends a test message
(announced by htmx); an admin registers a webhook, copies its secret and reads its delivery
log."""

from __future__ import annotations

import os
import uuid

import pytest

from okrapp.integrations.models import WebhookDelivery, WebhookEndpoint
from tests.support.axe import axe_violations, report
from tests.support.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots"
DELIVERED = {"en": "was delivered", "fr": "a été distribué"}
SECRET_SHOWN = {"en": "shown only once", "fr": "affiché qu’une fois"}


def sign_in(page, live_server, user, password, language):
    type(user).objects.filter(pk=user.pk).update(language=language)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{live_server.url}/")


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/integrations-{name}.png", full_page=True)


@pytest.fixture
def receiver(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    with Receiver() as server:
        yield server


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [375, 1280])
def test_a_lead_adds_a_chat_channel_and_sends_a_test_message(
    page, live_server, lead, password, team, receiver, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, lead, password, language)
    page.goto(f"{live_server.url}/teams/{team.pk}/")
    page.click(f"a[href='/integrations/teams/{team.pk}/channels/']")
    page.fill("#id_name", "#marketing")
    page.fill("#id_url", receiver.url(scheme="json"))
    page.select_option("#id_language", language)
    page.press("#id_url", "Enter")
    page.locator("table.channels-table").wait_for()
    violations = axe_violations(page, f"lead, {language}, {width} px, chat channels")
    page.locator("form[action$='/test/'] button").press("Enter")
    page.get_by_role("status").filter(has_text=DELIVERED[language]).wait_for()
    page.wait_for_timeout(100)
    violations += axe_violations(page, f"lead, {language}, {width} px, test message sent")
    shot(page, f"channels-{language}-{width}")
    assert len(receiver.received) == 1
    assert receiver.url(scheme="json") not in page.content()
    assert not violations, report(violations)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [375, 1280])
def test_an_admin_registers_a_webhook_and_reads_its_delivery_log(
    page, live_server, admin, password, receiver, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, admin, password, language)
    page.goto(f"{live_server.url}/integrations/webhooks/")
    violations = axe_violations(page, f"admin, {language}, {width} px, webhooks, none yet")
    page.fill("#id_name", "CRM")
    page.fill("#id_url", receiver.url())
    page.check("input[name=events][value='checkin.created']")
    page.check("input[name=events][value='kpi.status_changed']")
    page.click("main form button[type=submit]")
    page.get_by_text(SECRET_SHOWN[language]).wait_for()
    violations += axe_violations(page, f"admin, {language}, {width} px, webhook secret shown")
    shot(page, f"webhooks-{language}-{width}")
    endpoint = WebhookEndpoint.objects.get()
    for status, code in (("sent", 200), ("pending", 502), ("failed", 500)):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=uuid.uuid4(),
            event="checkin.created",
            body="{}",
            status=status,
            attempts=1,
            response_code=code,
            duration_ms=37,
            error="" if code == 200 else f"HTTP {code}",
        )
    page.click(f"a[href='/integrations/webhooks/{endpoint.pk}/']")
    page.locator("table.deliveries-table").wait_for()
    violations += axe_violations(page, f"admin, {language}, {width} px, webhook delivery log")
    shot(page, f"webhook-{language}-{width}")
    page.fill("#id_url", "ftp://example.org/hook")
    page.click(f"main form[action$='/webhooks/{endpoint.pk}/'] button[type=submit]")
    page.locator(".errorlist").first.wait_for()
    violations += axe_violations(page, f"admin, {language}, {width} px, webhook refused address")
    assert not violations, report(violations)
