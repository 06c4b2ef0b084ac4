"""Comments on objectives, key results and check-ins: who sees them, who may change them,
what they say, and whom they tell."""

from __future__ import annotations

import pytest
from django.urls import reverse

from checkins import conversation_services
from checkins.models import Comment, EmailStatus, Notification, NotificationKind
from objectives.models import Objective
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def thread_url(kind, pk):
    return reverse("checkins:thread", args=[kind, pk])


def post_comment(client, key_result, body, **headers):
    return client.post(thread_url("key-result", key_result.pk), {"body": body}, **headers)


@pytest.fixture
def private_objective(cycle, other_team, outsider):
    return ObjectiveFactory(
        cycle=cycle,
        team=other_team,
        owner=outsider,
        visibility=Objective.Visibility.PRIVATE,
        title="Confidential sales plan",
    )


def comment_on(key_result, author, body="Looks good"):
    return Comment.objects.create(
        objective=key_result.objective, key_result=key_result, author=author, body=body
    )


def test_a_member_comments_on_a_key_result_with_htmx_and_gets_the_thread_alone(
    client, member, key_result
):
    client.force_login(member)
    response = post_comment(client, key_result, "We are on it", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="comments"' in page
    assert "We are on it" in page
    assert Comment.objects.get().objective == key_result.objective


def test_without_javascript_a_comment_redirects_to_the_key_result_page(client, member, key_result):
    client.force_login(member)
    response = post_comment(client, key_result, "We are on it")
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("checkins:key_result", args=[key_result.pk]) + "#comments"
    )
    page = client.get(response["Location"]).content.decode()
    assert "We are on it" in page


def test_an_empty_comment_is_refused_with_422_for_htmx(client, member, key_result):
    client.force_login(member)
    response = post_comment(client, key_result, "   ", HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert not Comment.objects.exists()


def test_a_comment_is_shown_escaped_with_its_links_clickable(client, member, key_result):
    comment_on(key_result, member, "<script>alert(1)</script> see https://example.org/plan?a=1&b=2")
    client.force_login(member)
    page = client.get(reverse("checkins:key_result", args=[key_result.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="https://example.org/plan?a=1&amp;b=2" rel="nofollow noopener">' in page


def test_a_javascript_link_stays_plain_text(client, member, key_result):
    comment_on(key_result, member, "javascript:alert(1) and <a href='javascript:x'>x</a>")
    client.force_login(member)
    page = client.get(thread_url("key-result", key_result.pk)).content.decode()
    assert 'href="javascript' not in page
    assert "<a href='javascript" not in page


def test_an_outsider_cannot_read_the_comments_of_a_private_objective(
    client, member, private_objective
):
    client.force_login(member)
    assert client.get(thread_url("objective", private_objective.pk)).status_code == 404


def test_an_outsider_cannot_comment_on_a_private_objective(client, member, private_objective):
    client.force_login(member)
    response = client.post(thread_url("objective", private_objective.pk), {"body": "Hello"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_the_private_objectives_own_team_reads_its_comments(
    client, outsider, other_team, private_objective
):
    teammate = MembershipFactory(team=other_team).user
    Comment.objects.create(objective=private_objective, author=outsider, body="Secret plan")
    client.force_login(teammate)
    assert (
        "Secret plan" in client.get(thread_url("objective", private_objective.pk)).content.decode()
    )


def test_a_comment_on_a_hidden_check_in_cannot_be_reached(client, member, private_key_result):
    checkin = CheckInFactory(key_result=private_key_result)
    client.force_login(member)
    assert client.get(thread_url("check-in", checkin.pk)).status_code == 404
    assert client.get(thread_url("nothing", checkin.pk)).status_code == 404


def test_the_author_edits_a_comment_and_it_says_edited(client, member, key_result):
    comment = comment_on(key_result, member)
    client.force_login(member)
    response = client.post(
        reverse("checkins:comment_edit", args=[comment.pk]),
        {f"c{comment.pk}-body": "Looks great"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Looks great" in page
    assert "edited" in page
    comment.refresh_from_db()
    assert comment.edited_at is not None


def test_nobody_else_edits_a_comment_not_even_an_admin(client, member, lead, admin, key_result):
    comment = comment_on(key_result, member)
    for person in (lead, admin):
        client.force_login(person)
        url = reverse("checkins:comment_edit", args=[comment.pk])
        assert client.post(url, {f"c{comment.pk}-body": "Mine now"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Looks good"


def test_a_member_cannot_delete_someone_elses_comment(client, member, lead, key_result):
    comment = comment_on(key_result, lead)
    client.force_login(member)
    assert client.post(reverse("checkins:comment_delete", args=[comment.pk])).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_an_admin_deletes_any_comment(client, member, admin, key_result):
    comment = comment_on(key_result, member)
    client.force_login(admin)
    response = client.post(
        reverse("checkins:comment_delete", args=[comment.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_the_author_deletes_their_comment(client, member, key_result):
    comment = comment_on(key_result, member)
    client.force_login(member)
    response = client.post(reverse("checkins:comment_delete", args=[comment.pk]))
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_a_comment_on_a_check_in_appears_on_its_key_result_page(client, member, key_result):
    checkin = CheckInFactory(key_result=key_result)
    client.force_login(member)
    client.post(thread_url("check-in", checkin.pk), {"body": "Nice jump this week"})
    comment = Comment.objects.get()
    assert comment.checkin == checkin and comment.key_result == key_result
    page = client.get(reverse("checkins:key_result", args=[key_result.pk])).content.decode()
    assert "Nice jump this week" in page
    assert "on the check-in of" in page


def test_the_objective_page_loads_its_thread(client, member, objective):
    Comment.objects.create(objective=objective, author=member, body="Objective-level remark")
    client.force_login(member)
    page = client.get(reverse("objectives:detail", args=[objective.pk])).content.decode()
    assert thread_url("objective", objective.pk) in page
    thread = client.get(thread_url("objective", objective.pk), HTTP_HX_REQUEST="true")
    assert "Objective-level remark" in thread.content.decode()


# --- Mentions ---------------------------------------------------------------------------------


def test_a_mention_notifies_the_person_at_once_by_email(
    client, member, lead, key_result, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, key_result, f"@{lead.email} can you look?")
    notification = Notification.objects.get(user=lead, kind=NotificationKind.MENTION)
    assert "mentioned you" in notification.message
    assert notification.url.endswith("#comments")
    assert notification.email_status == EmailStatus.SENT
    assert [message.to for message in mailoutbox] == [[lead.email]]
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_a_mention_is_shown_with_the_persons_name(client, member, lead, key_result):
    client.force_login(member)
    post_comment(client, key_result, f"Thanks @{lead.email}!")
    page = client.get(thread_url("key-result", key_result.pk)).content.decode()
    assert '<strong class="mention">@Léa Lead</strong>' in page


def test_a_mention_of_someone_who_may_not_see_is_not_notified_and_the_writer_is_told(
    client, outsider, other_team, private_objective, member, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            thread_url("objective", private_objective.pk),
            {"body": f"@{member.email} what do you think?"},
            HTTP_HX_REQUEST="true",
        )
    assert "Marc Member may not see this, so was not notified." in response.content.decode()
    assert not Notification.objects.filter(user=member).exists()
    assert not Comment.objects.get().mentions.exists()


def test_mentioning_oneself_notifies_nobody(
    client, member, key_result, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, key_result, f"Note to @{member.email}")
    assert not Notification.objects.filter(kind=NotificationKind.MENTION).exists()


def test_a_comment_tells_the_owners_of_what_it_is_about_in_the_digest(
    client, lead, member, key_result, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, key_result, "How is it going?")
    notification = Notification.objects.get(user=member)
    assert notification.kind == NotificationKind.COMMENT
    assert notification.email_status == EmailStatus.DIGEST
    assert mailoutbox == []
    assert not Notification.objects.filter(user=lead).exists()  # the author, owner of the objective


def test_the_notifications_of_a_comment_are_written_once_however_often_the_job_runs(
    member, lead, key_result
):
    comment = comment_on(key_result, lead, f"@{member.email} and the owner")
    comment.mentions.set([member])
    assert conversation_services.notify_comment(comment_id=comment.pk) == 1
    assert conversation_services.notify_comment(comment_id=comment.pk) == 0
    assert Notification.objects.filter(user=member).count() == 1


def test_an_edit_notifies_only_the_newly_mentioned(
    client, member, lead, admin, key_result, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(client, key_result, f"@{lead.email}")
    comment = Comment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("checkins:comment_edit", args=[comment.pk]),
            {f"c{comment.pk}-body": f"@{lead.email} @{admin.email}"},
        )
    assert Notification.objects.filter(user=lead, kind=NotificationKind.MENTION).count() == 1
    assert Notification.objects.filter(user=admin, kind=NotificationKind.MENTION).count() == 1


@pytest.mark.parametrize("size", [3, 30])
def test_the_thread_runs_a_bounded_number_of_queries(
    client, member, key_result, django_assert_max_num_queries, size
):
    for index in range(size):
        person = UserFactory()
        comment = comment_on(key_result, person, f"Comment {index} @{member.email}")
        comment.mentions.set([member])
    client.force_login(member)
    with django_assert_max_num_queries(9):
        response = client.get(thread_url("key-result", key_result.pk), HTTP_HX_REQUEST="true")
    assert len(response.context["comments"]) == size


def test_a_key_result_of_another_objective_does_not_show_this_ones_comments(
    client, member, key_result, objective
):
    comment_on(key_result, member, "Only here")
    other = KeyResultFactory(objective=objective, owner=member)
    client.force_login(member)
    assert "Only here" not in client.get(thread_url("key-result", other.pk)).content.decode()
