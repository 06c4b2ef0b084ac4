"""The organisation's emails (invitations), rendered in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from okrapp.core.models import Invitation
from okrapp.core.services import invitation_token


def invitation_email(*, invitation_id: int, nonce: str) -> bool:
    """Send the invitation if its link is still the latest and usable; True when sent."""
    invitation = (
        Invitation.objects.filter(pk=invitation_id, nonce=nonce)
        .select_related("user", "invited_by")
        .first()
    )
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        return False
    person = invitation.user
    with translation.override(person.language or settings.LANGUAGE_CODE):
        context = {
            "person": person,
            "invited_by": invitation.invited_by,
            "expires_at": invitation.expires_at,
            "url": settings.SITE_URL
            + reverse("invitation_accept", args=[invitation_token(invitation)]),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("okrapp/emails/invitation_subject.txt", context).strip()
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("okrapp/emails/invitation.txt", context),
            to=[person.email],
        )
        message.attach_alternative(
            render_to_string("okrapp/emails/invitation.html", context), "text/html"
        )
    message.send()
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True
