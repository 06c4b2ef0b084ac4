"""Invitations: an email in the invitee's language, sent after the commit through a job, with
a single-use link that expires and lets the invitee choose their own password."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from okrapp.core.models import Invitation, Job, User
from okrapp.core.permissions import viewer_for
from okrapp.core.services import invitation_create, invitation_resend

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-Passphrase-42"


@pytest.fixture
def invite(admin, team, django_capture_on_commit_callbacks):
    def invite(email="nina@example.org", language="fr"):
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(
                viewer=viewer_for(admin),
                email=email,
                display_name="Nina New",
                team=team,
                language=language,
            )

    return invite


def link(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0).split("8000", 1)[-1]


def test_the_invitee_receives_one_email_in_their_language(invite, mailoutbox):
    invite(language="fr")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nina@example.org"]
    assert "/invitations/" in mailoutbox[0].body
    assert Job.objects.get().status == Job.Status.DONE


def test_the_email_leaves_only_after_the_transaction_commits(admin, team, mailoutbox):
    invitation_create(viewer=viewer_for(admin), email="n@example.org", display_name="N", team=team)
    assert mailoutbox == []  # no commit in this test's transaction yet
    assert Job.objects.filter(task="okrapp.core.tasks.send_invitation").count() == 1


def test_the_invitee_chooses_a_password_and_is_signed_in(client, invite, mailoutbox):
    invite()
    url = link(mailoutbox[0])
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert User.objects.get(email="nina@example.org").check_password(NEW_PASSWORD)


def test_the_link_works_only_once(client, invite, mailoutbox):
    invite()
    url = link(mailoutbox[0])
    client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    response = client.post(
        url, {"new_password1": "another-Pass-99", "new_password2": "another-Pass-99"}
    )
    assert response.status_code == 410
    assert User.objects.get(email="nina@example.org").check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused(client, invite, mailoutbox):
    invitation = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(link(mailoutbox[0])).status_code == 410


def test_a_link_expires_after_seven_days_by_default(invite):
    invitation = invite()
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        datetime.timedelta(days=7), abs=datetime.timedelta(seconds=5)
    )


def test_a_weak_password_is_refused_by_djangos_validators(client, invite, mailoutbox):
    invite()
    response = client.post(link(mailoutbox[0]), {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400
    assert not User.objects.get(email="nina@example.org").has_usable_password()


def test_a_forged_link_is_refused(client, invite):
    invite()
    assert client.get("/invitations/forged:token/").status_code == 410


def test_resending_replaces_the_link(
    client, admin, invite, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = invite()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(viewer=viewer_for(admin), invitation=invitation)
    assert len(mailoutbox) == 2
    assert client.get(link(mailoutbox[0])).status_code == 410
    assert client.get(link(mailoutbox[1])).status_code == 200


def test_a_revoked_invitation_no_longer_works(client, admin, invite, mailoutbox):
    invitation = invite()
    client.force_login(admin)
    client.post(reverse("org_invitation_revoke", args=[invitation.pk]))
    client.logout()
    assert client.get(link(mailoutbox[0])).status_code == 410
    assert not User.objects.get(email="nina@example.org").is_active


def test_an_invitation_to_an_existing_email_is_refused_with_a_clear_message(
    admin_client, member, team
):
    response = admin_client.post(
        reverse("org_person_create"),
        {
            "email": member.email,
            "display_name": "X",
            "team": team.pk,
            "role": "member",
            "invite": "on",
        },
    )
    assert response.status_code == 400
    assert (
        f"{member.email} already belongs to someone in the organisation."
        in response.content.decode()
    )
    assert Invitation.objects.count() == 0


def test_the_admin_sees_pending_invitations_and_resends_one(admin_client, invite, mailoutbox):
    invitation = invite()
    page = admin_client.get(reverse("org_invitations")).content.decode()
    assert "nina@example.org" in page
    admin_client.post(reverse("org_invitation_resend", args=[invitation.pk]))
    assert Invitation.objects.get(pk=invitation.pk).nonce != invitation.nonce


def test_an_admin_invites_from_the_add_a_person_page(admin_client, team, mailoutbox):
    response = admin_client.post(
        reverse("org_person_create"),
        {
            "email": "zoe@example.org",
            "display_name": "Zoé",
            "team": team.pk,
            "role": "member",
            "language": "en",
            "invite": "on",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get().user.email == "zoe@example.org"


@pytest.mark.parametrize("role", ["member", "lead"])
def test_people_other_than_admins_cannot_resend_or_revoke(client, request, role, invite):
    invitation = invite()
    client.force_login(request.getfixturevalue(role))
    assert client.post(reverse("org_invitation_resend", args=[invitation.pk])).status_code == 403
    assert client.post(reverse("org_invitation_revoke", args=[invitation.pk])).status_code == 403
    assert Invitation.objects.get(pk=invitation.pk).is_open


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("fr", "Vous êtes invité aux OKR de votre organisation"),
        ("en", "You are invited to the OKRs of your organisation"),
    ],
)
def test_the_email_is_in_the_invitees_language(invite, mailoutbox, language, subject):
    invite(language=language)
    assert mailoutbox[0].subject == subject
