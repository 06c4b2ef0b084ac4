"""Emails of the notifications: one at a time (immediately) or gathered (the daily digest).
Each row is claimed before its email is sent, so two workers never send one twice."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from checkins.conversation_services.notifications import _in_language
from checkins.models import EmailStatus, Notification
from okrapp.core.models import User

logger = logging.getLogger(__name__)


def _claim(ids: list[int], *, status: str) -> list[int]:
    """status → sending for these notifications, in one conditional UPDATE committed at once:
    of two workers, only one gets each row. The ids it got."""
    with transaction.atomic():
        claimed = list(
            Notification.objects.select_for_update()
            .filter(pk__in=ids, email_status=status)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=claimed, email_status=status).update(
            email_status=EmailStatus.SENDING
        )
    return claimed


def _send(person: User, template: str, context: dict, subject) -> None:
    """Render in the person's language (`subject` is called there) and send, HTML and text."""

    def render():
        full = {**context, "person": person, "site_url": settings.SITE_URL}
        full["subject"] = subject()
        text = render_to_string(f"checkins/emails/{template}.txt", full)
        html = render_to_string(f"checkins/emails/{template}.html", full)
        return full["subject"], text, html

    subject_text, text, html = _in_language(person, render)
    message = EmailMultiAlternatives(subject_text, text, to=[person.email])
    message.attach_alternative(html, "text/html")
    message.send()


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's email, once: claimed before sending; an error puts it back for
    the job's retry; a crash after the claim leaves it "sending" (never sent twice)."""
    if not _claim([notification_id], status=EmailStatus.PENDING):
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        _send(
            notification.user,
            "notification",
            {"notification": notification, "url": settings.SITE_URL + notification.url},
            lambda: notification.message,
        )
    except Exception:
        Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
            email_status=EmailStatus.PENDING
        )
        raise
    Notification.objects.filter(pk=notification_id).update(email_status=EmailStatus.SENT)
    return True


def digests_send() -> int:
    """The daily digest: each person's notifications waiting for it, in one email. Each row
    is claimed (digest → sending) before the email, so two runs never send one item twice."""
    waiting = (
        Notification.objects.filter(email_status=EmailStatus.DIGEST, user__is_active=True)
        .order_by("user_id", "created_at", "id")
        .values_list("user_id", "pk")
    )
    by_person: dict[int, list[int]] = {}
    for user_id, pk in waiting:
        by_person.setdefault(user_id, []).append(pk)
    sent = 0
    for user_id, ids in by_person.items():
        claimed = _claim(ids, status=EmailStatus.DIGEST)
        if not claimed:
            continue
        person = User.objects.get(pk=user_id)
        items = list(Notification.objects.filter(pk__in=claimed).order_by("created_at", "id"))
        try:
            _send(
                person,
                "digest",
                {
                    "items": items,
                    "inbox_url": settings.SITE_URL + reverse("checkins:notifications"),
                },
                lambda: _("Your daily digest"),
            )
        except Exception:
            logger.exception(
                "Daily digest to user %s failed; its items wait for the next.", user_id
            )
            Notification.objects.filter(pk__in=claimed, email_status=EmailStatus.SENDING).update(
                email_status=EmailStatus.DIGEST
            )
            continue
        Notification.objects.filter(pk__in=claimed).update(email_status=EmailStatus.SENT)
        sent += 1
    return sent
