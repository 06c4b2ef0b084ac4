"""Reactions, nudges from a lead, the inbox, notification settings, emails and digests."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from checkins import conversation_services, permissions
from checkins.models import (
    Comment,
    EmailChoice,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
    Nudge,
    Reaction,
)
from checkins.services import checkin_create
from okrapp.core.models import Membership
from okrapp.core.permissions import viewer_for
from tests.factories import CheckInFactory, KeyResultFactory, MembershipFactory

pytestmark = pytest.mark.django_db

THUMBS = "👍"


def toggle(client, kind, pk, emoji=THUMBS, **headers):
    return client.post(
        reverse("checkins:reaction_toggle", args=[kind, pk]), {"emoji": emoji}, **headers
    )


# --- Reactions --------------------------------------------------------------------------------


def test_a_reaction_on_a_check_in_toggles_on_then_off_with_htmx(client, lead, key_result):
    checkin = CheckInFactory(key_result=key_result)
    client.force_login(lead)
    response = toggle(client, "check-in", checkin.pk, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert f'id="reactions-check-in-{checkin.pk}"' in page
    assert 'aria-pressed="true"' in page
    assert Reaction.objects.filter(checkin=checkin, user=lead, emoji=THUMBS).count() == 1
    toggle(client, "check-in", checkin.pk, HTTP_HX_REQUEST="true")
    assert not Reaction.objects.exists()


def test_two_people_reacting_with_the_same_emoji_count_two(client, lead, member, key_result):
    checkin = CheckInFactory(key_result=key_result)
    for person in (lead, member):
        client.force_login(person)
        response = toggle(client, "check-in", checkin.pk, HTTP_HX_REQUEST="true")
    assert '<span class="reaction-count">2</span>' in response.content.decode()


def test_a_reaction_on_a_comment_without_javascript_redirects_back(client, member, key_result):
    comment = Comment.objects.create(
        objective=key_result.objective, key_result=key_result, author=member, body="Hi"
    )
    client.force_login(member)
    response = toggle(client, "comment", comment.pk, "🎉")
    assert response.status_code == 302
    assert Reaction.objects.get().comment == comment


def test_a_fragment_swapped_in_by_htmx_keeps_the_page_as_its_next_address(client, lead, key_result):
    checkin = CheckInFactory(key_result=key_result)
    page = reverse("checkins:key_result", args=[key_result.pk])
    client.force_login(lead)
    response = client.post(
        reverse("checkins:reaction_toggle", args=["check-in", checkin.pk]),
        {"emoji": THUMBS, "next": page},
        HTTP_HX_REQUEST="true",
    )
    assert f'name="next" value="{page}"' in response.content.decode()


def test_without_javascript_a_reaction_returns_to_its_page(client, lead, key_result):
    checkin = CheckInFactory(key_result=key_result)
    page = reverse("checkins:key_result", args=[key_result.pk])
    client.force_login(lead)
    response = client.post(
        reverse("checkins:reaction_toggle", args=["check-in", checkin.pk]),
        {"emoji": THUMBS, "next": page},
    )
    assert response.status_code == 302
    assert response.url == page


def test_without_javascript_a_reaction_never_returns_to_its_post_only_address(
    client, lead, key_result
):
    """A `next` naming the reaction's own address (POST only: a GET there answers 405) is
    replaced by the thread the reaction belongs to."""
    checkin = CheckInFactory(key_result=key_result)
    own = reverse("checkins:reaction_toggle", args=["check-in", checkin.pk])
    client.force_login(lead)
    response = client.post(own, {"emoji": THUMBS, "next": own})
    assert response.status_code == 302
    assert response.url == reverse("checkins:key_result", args=[key_result.pk]) + "#comments"
    assert client.get(response.url).status_code == 200


def test_without_javascript_a_reaction_refuses_a_next_on_another_site(client, lead, key_result):
    checkin = CheckInFactory(key_result=key_result)
    client.force_login(lead)
    response = client.post(
        reverse("checkins:reaction_toggle", args=["check-in", checkin.pk]),
        {"emoji": THUMBS, "next": "https://evil.example/"},
    )
    assert response.url.startswith(reverse("checkins:key_result", args=[key_result.pk]))


def test_an_emoji_that_is_not_offered_is_refused(client, member, key_result):
    checkin = CheckInFactory(key_result=key_result)
    client.force_login(member)
    assert toggle(client, "check-in", checkin.pk, "💩").status_code == 400
    assert not Reaction.objects.exists()


def test_nobody_reacts_on_a_check_in_they_may_not_see(client, member, private_key_result):
    checkin = CheckInFactory(key_result=private_key_result)
    client.force_login(member)
    assert toggle(client, "check-in", checkin.pk).status_code == 404
    assert not Reaction.objects.exists()


def test_the_key_result_page_shows_each_check_ins_reactions(client, lead, member, key_result):
    checkin = CheckInFactory(key_result=key_result)
    Reaction.objects.create(checkin=checkin, user=lead, emoji=THUMBS)
    client.force_login(member)
    page = client.get(reverse("checkins:key_result", args=[key_result.pk])).content.decode()
    assert f'id="reactions-check-in-{checkin.pk}"' in page
    assert '<span class="reaction-count">1</span>' in page


# --- Nudges -----------------------------------------------------------------------------------


def nudge(client, person, **headers):
    return client.post(reverse("checkins:nudge", args=[person.pk]), **headers)


def test_a_lead_reminds_a_silent_member_in_one_click(
    client, lead, member, key_result, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = nudge(client, member, HTTP_HX_REQUEST="true")
    assert "Reminder sent to Marc Member." in response.content.decode()
    notification = Notification.objects.get(user=member)
    assert notification.kind == NotificationKind.NUDGE
    assert notification.url == reverse("checkins:my_week")
    assert [message.to for message in mailoutbox] == [[member.email]]


def test_a_member_is_reminded_at_most_once_a_day(client, lead, member, key_result):
    client.force_login(lead)
    nudge(client, member)
    response = nudge(client, member)
    assert response.status_code == 302
    assert Nudge.objects.count() == 1
    assert Notification.objects.filter(user=member).count() == 1


def test_a_member_cannot_remind_a_teammate(client, member, team, key_result):
    teammate = MembershipFactory(team=team).user
    client.force_login(member)
    assert nudge(client, teammate).status_code == 403
    assert not Nudge.objects.exists()


def test_a_lead_cannot_remind_someone_outside_their_teams(client, lead, outsider):
    client.force_login(lead)
    assert nudge(client, outsider).status_code == 403


def test_the_team_page_offers_to_remind_the_silent_and_shows_who_was_reminded(
    client, lead, member, team, key_result
):
    done = MembershipFactory(team=team, user__display_name="Dora Done").user
    CheckInFactory(key_result=KeyResultFactory(objective=key_result.objective, owner=done))
    client.force_login(lead)
    page = client.get(reverse("checkins:team_week")).content.decode()
    assert "Remind Marc Member" in page
    assert "Remind Dora Done" not in page
    nudge(client, member)
    page = client.get(reverse("checkins:team_week")).content.decode()
    assert "Remind Marc Member" not in page
    assert "Reminded today" in page


# --- Check-in events --------------------------------------------------------------------------


def test_a_check_in_by_someone_else_tells_the_key_result_owner(
    lead, member, key_result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin_create(key_result=key_result, author=lead, value=Decimal(20), confidence="on_track")
    notification = Notification.objects.get(user=member)
    assert notification.kind == NotificationKind.CHECKIN
    assert notification.email_status == EmailStatus.DIGEST


def test_an_owners_own_check_in_on_track_tells_nobody(
    member, key_result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin_create(
            key_result=key_result, author=member, value=Decimal(20), confidence="on_track"
        )
    assert not Notification.objects.exists()


def test_a_key_result_going_off_track_tells_its_owner_and_the_objectives_owner(
    lead, member, key_result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        checkin_create(
            key_result=key_result, author=member, value=Decimal(5), confidence="off_track"
        )
    off_track = Notification.objects.filter(kind=NotificationKind.OFF_TRACK)
    assert set(off_track.values_list("user_id", flat=True)) == {lead.pk, member.pk}


# --- Inbox and settings -----------------------------------------------------------------------


def test_the_inbox_lists_what_i_owe_this_week(client, member, key_result):
    client.force_login(member)
    page = client.get(reverse("checkins:notifications")).content.decode()
    assert "What I owe this week" in page
    assert key_result.title in page


def test_the_inbox_filters_unread_notifications(client, member):
    Notification.objects.create(user=member, message="Fresh news")
    Notification.objects.create(user=member, message="Old news", read_at="2026-01-01T00:00Z")
    client.force_login(member)
    page = client.get(reverse("checkins:notifications") + "?unread=1").content.decode()
    assert "Fresh news" in page
    assert "Old news" not in page


@pytest.mark.parametrize("size", [3, 30])
def test_the_inbox_runs_a_bounded_number_of_queries(
    client, member, objective, django_assert_max_num_queries, size
):
    for index in range(size):
        KeyResultFactory(objective=objective, owner=member)
        Notification.objects.create(user=member, message=f"News {index}")
    client.force_login(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("checkins:notifications"))
    assert len(response.context["notifications"]) == size
    assert len(response.context["to_check_in"]) == size


def test_i_choose_never_for_mentions_and_get_no_email(
    client, member, lead, key_result, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(lead)
    form = {"mention": "never", "comment": "digest", "checkin": "digest"}
    form |= {"off_track": "immediately", "nudge": "immediately", "weekly_digest": "never"}
    form |= {"assignment": "immediately", "kpi_status": "digest", "grading": "digest"}
    form |= {"invitation": "digest"}
    assert client.post(reverse("checkins:notification_preferences"), form).status_code == 302
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("checkins:thread", args=["key-result", key_result.pk]),
            {"body": f"@{lead.email} look"},
        )
    notification = Notification.objects.get(user=lead)
    assert notification.email_status == EmailStatus.NONE
    assert mailoutbox == []


def test_a_setting_that_is_not_offered_is_refused(client, member):
    client.force_login(member)
    response = client.post(reverse("checkins:notification_preferences"), {"mention": "pigeon"})
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


# --- Emails and digests -----------------------------------------------------------------------


def test_a_notification_email_is_sent_once_even_if_two_workers_run_it(member, mailoutbox):
    notification = Notification.objects.create(
        user=member, message="You were mentioned", url="/", email_status=EmailStatus.PENDING
    )
    assert conversation_services.notification_email_send(notification_id=notification.pk)
    assert not conversation_services.notification_email_send(notification_id=notification.pk)
    assert len(mailoutbox) == 1


def test_a_failed_email_goes_back_to_pending_for_the_retry(member, monkeypatch):
    notification = Notification.objects.create(
        user=member, message="You were mentioned", url="/", email_status=EmailStatus.PENDING
    )

    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(OSError):
        conversation_services.notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.PENDING


def test_the_daily_digest_gathers_each_persons_items_once_in_their_language(
    member, lead, mailoutbox
):
    member.language = "fr"
    member.save()
    for message in ("Léa commented", "Léa checked in"):
        Notification.objects.create(
            user=member, message=message, url="/kr/1/", email_status=EmailStatus.DIGEST
        )
    Notification.objects.create(user=lead, message="Not in a digest", email_status="")
    assert conversation_services.digests_send() == 1
    assert conversation_services.digests_send() == 0
    [email] = mailoutbox
    assert email.to == [member.email]
    assert email.subject == "Votre résumé du jour"
    assert "Léa commented" in email.body and "Léa checked in" in email.body
    assert "/kr/1/" in email.alternatives[0][0]
    assert not Notification.objects.filter(email_status=EmailStatus.DIGEST).exists()


def test_a_digest_that_fails_keeps_its_items_for_the_next(member, monkeypatch):
    Notification.objects.create(user=member, message="Item", email_status=EmailStatus.DIGEST)

    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert conversation_services.digests_send() == 0
    assert Notification.objects.get().email_status == EmailStatus.DIGEST


def test_a_lead_of_a_parent_team_may_remind_members_of_sub_teams(team, member):
    parent_lead = MembershipFactory(team=team.parent, role=Membership.Role.LEAD).user
    assert member.pk in permissions.nudgeable_ids(viewer_for(parent_lead), [member.pk])


def test_default_choices_send_mentions_at_once_and_the_rest_in_the_digest():
    from checkins import delivery

    assert delivery.email_status(NotificationKind.MENTION, None) == EmailStatus.PENDING
    assert delivery.email_status(NotificationKind.COMMENT, None) == EmailStatus.DIGEST
    assert delivery.email_status(NotificationKind.COMMENT, EmailChoice.NEVER) == EmailStatus.NONE
    assert delivery.email_status(NotificationKind.REMINDER, EmailChoice.IMMEDIATELY) == ""
