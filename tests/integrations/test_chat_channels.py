"""A team's chat channels through Apprise: set by its leads and admins, stored encrypted,
checked against the server's own network, tested, and posted to in the channel's language."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from checkins.services import checkin_create
from okrapp.integrations import chat, services
from okrapp.integrations.models import ChatChannel, ChatMessage, Delivery
from tests.factories import KeyResultFactory, KPIFactory, MeasurementFactory, ObjectiveFactory

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"


def _channel(viewer, team, url, language="fr"):
    return services.channel_create(
        viewer=viewer, team=team, name="#marketing", url=url, language=language
    )


def test_an_apprise_url_reaches_the_local_json_endpoint(receiver):
    assert chat.send(receiver.url(scheme="json"), title="Bonjour", body="Le message")
    [(path, body, _headers)] = receiver.received
    assert path == "/hook"
    assert json.loads(body)["title"] == "Bonjour"
    assert json.loads(body)["message"] == "Le message"


def test_a_connection_to_the_servers_network_is_refused_even_after_the_check(
    receiver, settings, monkeypatch
):
    """A DNS answer that changes after the check, or a redirect, ends at the connection."""
    settings.OUTBOUND_ALLOW_PRIVATE = False
    monkeypatch.setattr(chat, "check_target", lambda parsed, **kwargs: None)
    with translation.override("en"), pytest.raises(chat.ChannelRefused, match="private"):
        chat.send(receiver.url(scheme="json"), title="t", body="b")
    assert receiver.received == []


def test_a_lead_saves_a_channel_encrypted_and_sees_it_only_masked(client, lead, team):
    client.force_login(lead)
    url = reverse("integrations:team_channels", args=[team.pk])
    answer = client.post(url, {"name": "#marketing", "url": SLACK, "language": "fr"})
    assert answer.status_code == 302
    channel = ChatChannel.objects.get(team=team)
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in channel.url_encrypted
    assert services.secret_box.decrypt(channel.url_encrypted) == SLACK
    page = client.get(url).content.decode()
    assert "#marketing" in page and "slack://" in page
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in page and "T1JJ3T3L2" not in page


def test_an_admin_may_set_any_team_s_channels(client, admin, team):
    client.force_login(admin)
    assert client.get(reverse("integrations:team_channels", args=[team.pk])).status_code == 200


def test_the_team_page_links_to_the_channels_for_its_lead_only(client, lead, member, team):
    link = reverse("integrations:team_channels", args=[team.pk])
    client.force_login(lead)
    assert link in client.get(reverse("team_detail", args=[team.pk])).content.decode()
    client.force_login(member)
    assert link not in client.get(reverse("team_detail", args=[team.pk])).content.decode()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_a_member_or_the_lead_of_another_team_may_not_set_channels(
    client, request, who, team, lead
):
    channel = _channel(request.getfixturevalue("lead_viewer"), team, SLACK)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("integrations:team_channels", args=[team.pk])).status_code == 403
    answer = client.post(
        reverse("integrations:team_channels", args=[team.pk]),
        {"name": "x", "url": SLACK, "language": "fr"},
    )
    assert answer.status_code == 403
    for name in ("channel_test", "channel_delete"):
        assert client.post(reverse(f"integrations:{name}", args=[channel.pk])).status_code == 403
    assert ChatChannel.objects.count() == 1


def test_the_lead_of_another_team_may_not_set_this_team_s_channels(client, other_team, team):
    from okrapp.core.models import Membership
    from tests.factories import MembershipFactory

    other_lead = MembershipFactory(team=other_team, role=Membership.Role.LEAD).user
    client.force_login(other_lead)
    assert client.get(reverse("integrations:team_channels", args=[team.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, team):
    answer = client.get(reverse("integrations:team_channels", args=[team.pk]))
    assert answer.status_code == 302 and "login" in answer["Location"]


REFUSED = [
    ("not an address", "Apprise"),
    ("json://127.0.0.1:9/hook", "private or reserved"),
    ("json://10.1.2.3/hook", "private or reserved"),
    ("xml://169.254.169.254/latest", "private or reserved"),
    ("form://localhost/x", "private or reserved"),
    ("mmost://[::1]/token", "private or reserved"),
    ("json://no-such-host.invalid/x", "cannot be resolved"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_an_address_apprise_cannot_read_or_on_the_servers_network_is_refused(
    lead_viewer, team, url, reason
):
    with translation.override("en"), pytest.raises(ValidationError, match=reason):
        _channel(lead_viewer, team, url)


def test_a_refused_address_re_renders_the_form_with_its_error(client, lead, team):
    client.force_login(lead)
    answer = client.post(
        reverse("integrations:team_channels", args=[team.pk]),
        {"name": "x", "url": "json://127.0.0.1/x", "language": "fr"},
    )
    assert answer.status_code == 400
    assert "private or reserved" in answer.content.decode() or "privé" in answer.content.decode()


def test_the_test_button_posts_and_announces_the_result_with_htmx(
    client, receiver, lead, lead_viewer, team
):
    channel = _channel(lead_viewer, team, receiver.url(scheme="json"), language="en")
    client.force_login(lead)
    answer = client.post(
        reverse("integrations:channel_test", args=[channel.pk]), HTTP_HX_REQUEST="true"
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert 'role="status"' in page and "<html" not in page
    assert "delivered" in page or "distribué" in page
    assert json.loads(receiver.received[0][1])["title"] == "Test message"


def test_the_test_button_says_when_the_channel_fails(client, receiver, lead, lead_viewer, team):
    receiver.status = 500
    channel = _channel(lead_viewer, team, receiver.url(scheme="json"))
    client.force_login(lead)
    answer = client.post(
        reverse("integrations:channel_test", args=[channel.pk]), HTTP_HX_REQUEST="true"
    )
    assert "pill-red" in answer.content.decode()


def test_an_off_track_check_in_is_posted_on_the_team_s_channel_once(
    receiver, lead_viewer, team, key_result, member
):
    channel = _channel(lead_viewer, team, receiver.url(scheme="json"), language="en")
    checkin = checkin_create(
        key_result=key_result, author=member, value=Decimal(5), confidence="off_track"
    )
    message = ChatMessage.objects.get(channel=channel)
    assert message.key == f"off-track:{checkin.pk}"
    assert services.chat_message_send(message_id=message.pk) == Delivery.Status.SENT
    assert services.chat_message_send(message_id=message.pk) is None
    [(_path, body, _headers)] = receiver.received
    assert "went off track" in json.loads(body)["message"]


def test_the_channel_s_language_is_the_message_s(receiver, lead_viewer, team, key_result, member):
    _channel(lead_viewer, team, receiver.url(scheme="json"), language="fr")
    checkin_create(key_result=key_result, author=member, value=Decimal(5), confidence="off_track")
    message = ChatMessage.objects.get()
    assert message.title == "Résultat clé en difficulté"
    assert "a décroché" in message.body


def test_a_private_objective_is_never_posted(receiver, lead_viewer, team, cycle, lead, member):
    _channel(lead_viewer, team, receiver.url(scheme="json"))
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, visibility="private")
    key_result = KeyResultFactory(objective=objective, owner=member)
    checkin_create(key_result=key_result, author=member, value=Decimal(5), confidence="off_track")
    assert not ChatMessage.objects.exists()


def test_a_kpi_turning_alert_is_posted_on_its_team_s_channel(
    receiver, lead_viewer, admin_viewer, admin, team
):
    from kpis import services as kpi_services

    _channel(lead_viewer, team, receiver.url(scheme="json"), language="en")
    kpi = KPIFactory(team=team, name="Churn", target_value=Decimal(100), alert_threshold=None)
    MeasurementFactory(kpi=kpi, value=Decimal(120))
    period = kpi.measurements.get().period_date
    kpi_services.measurements_record(
        viewer=admin_viewer,
        kpi=kpi,
        items=[{"period_date": period, "value": Decimal(1)}],
        recorded_by=admin,
    )
    assert "Churn" in ChatMessage.objects.get().body


def test_a_failed_chat_message_is_retried_later(receiver, clock, lead_viewer, team):
    receiver.status = 500
    channel = _channel(lead_viewer, team, receiver.url(scheme="json"))
    services.chat_message_record(channel=channel, key="k", title="t", body="b")
    message = ChatMessage.objects.get()
    assert services.chat_message_send(message_id=message.pk) == Delivery.Status.PENDING
    receiver.status = 200
    clock.move(minutes=1)
    assert services.chat_message_send(message_id=message.pk) == Delivery.Status.SENT


def test_the_weekly_posts_carry_the_reminder_summary_and_the_digest_once_a_week(
    receiver, lead_viewer, team, key_result, member
):
    _channel(lead_viewer, team, receiver.url(scheme="json"), language="en")
    assert services.weekly_posts_record() == 2
    assert services.weekly_posts_record() == 0
    reminder, digest = ChatMessage.objects.order_by("id")
    assert reminder.key.startswith("weekly-reminder:")
    assert "Marc Member" in reminder.body and "1 key result of Marketing awaits" in reminder.body
    assert digest.key.startswith("weekly-digest:") and digest.title.startswith("Weekly digest")


def test_removing_a_channel(client, lead, lead_viewer, team):
    channel = _channel(lead_viewer, team, SLACK)
    client.force_login(lead)
    assert client.post(reverse("integrations:channel_delete", args=[channel.pk])).status_code == 302
    assert not ChatChannel.objects.exists()


def test_the_channels_page_runs_a_bounded_number_of_queries(
    client, lead, lead_viewer, team, django_assert_max_num_queries
):
    client.force_login(lead)
    url = reverse("integrations:team_channels", args=[team.pk])
    for size in (1, 8):
        while ChatChannel.objects.count() < size:
            _channel(lead_viewer, team, SLACK)
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
