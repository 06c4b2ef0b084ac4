"""Every write of the conversations: comments, reactions, nudges, notifications and their
emails. One transaction each; notifications are written after the change commits (a recorded
job, okrapp.core.jobs), once per person and event (a unique key), in bulk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from checkins import delivery, permissions
from checkins.comment_text import mentioned_emails
from checkins.models import (
    CheckIn,
    Comment,
    EmailStatus,
    Emoji,
    Notification,
    NotificationKind,
    NotificationPreference,
    Nudge,
    Reaction,
)
from checkins.permissions import Thread
from objectives.models import Confidence
from objectives.permissions import can_view_objective
from okrapp.core import weeks
from okrapp.core.jobs import job_record
from okrapp.core.models import User
from okrapp.core.permissions import Viewer, viewer_for

logger = logging.getLogger(__name__)

MAX_MENTIONS = 20


@dataclass
class Written:
    """A comment as written, and the people it mentions who may not see it (not notified)."""

    comment: Comment
    unseen_mentions: list[User] = field(default_factory=list)


def thread_url(thread: Thread) -> str:
    if thread.key_result is not None:
        return reverse("checkins:key_result", args=[thread.key_result.pk]) + "#comments"
    return reverse("objectives:detail", args=[thread.objective.pk]) + "#comments"


def comment_thread(comment: Comment) -> Thread:
    return Thread(comment.objective, comment.key_result, comment.checkin)


def _mentions(body: str, objective) -> tuple[list[User], list[User]]:
    """The people mentioned: (those who may see the objective, those who may not)."""
    emails = mentioned_emails(body)[:MAX_MENTIONS]
    if not emails:
        return [], []
    q = Q(pk__in=[])
    for email in emails:
        q |= Q(email__iexact=email)
    people = list(User.objects.filter(q, is_active=True).order_by("display_name"))
    seen = [person for person in people if can_view_objective(viewer_for(person), objective)]
    return seen, [person for person in people if person not in seen]


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    return body


@transaction.atomic
def comment_create(*, viewer: Viewer, thread: Thread, body: str) -> Written:
    if not can_view_objective(viewer, thread.objective):
        raise PermissionDenied
    comment = Comment(
        objective=thread.objective,
        key_result=thread.key_result,
        checkin=thread.checkin,
        author=viewer.user,
        body=_clean_body(body),
    )
    comment.full_clean()
    comment.save()
    seen, unseen = _mentions(comment.body, thread.objective)
    comment.mentions.set(seen)
    job_record(
        task="checkins.tasks.notify_comment",
        kwargs={"comment_id": comment.pk},
        key=f"notify-comment:{comment.pk}",
    )
    return Written(comment, unseen)


@transaction.atomic
def comment_update(*, viewer: Viewer, comment: Comment, body: str) -> Written:
    comment = Comment.objects.select_for_update().select_related("objective").get(pk=comment.pk)
    if not permissions.can_edit_comment(viewer, comment):
        raise PermissionDenied
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "edited_at"])
    seen, unseen = _mentions(comment.body, comment.objective)
    comment.mentions.set(seen)
    # Only people newly mentioned hear of it: each mention's notification has a unique key.
    job_record(
        task="checkins.tasks.notify_comment",
        kwargs={"comment_id": comment.pk},
        key=f"notify-comment:{comment.pk}:{comment.edited_at.timestamp()}",
    )
    return Written(comment, unseen)


@transaction.atomic
def comment_delete(*, viewer: Viewer, comment: Comment) -> None:
    if not permissions.can_delete_comment(viewer, comment):
        raise PermissionDenied
    Comment.objects.filter(pk=comment.pk).delete()


def reaction_toggle(
    *, viewer: Viewer, emoji: str, checkin: CheckIn | None = None, comment: Comment | None = None
) -> bool:
    """Add the viewer's emoji, or take it back if it was there; True when it is now on."""
    if emoji not in Emoji.values:
        raise ValidationError(_("This reaction is not offered."))
    objective = comment.objective if comment else checkin.key_result.objective
    if not can_view_objective(viewer, objective):
        raise PermissionDenied
    target = {"comment": comment} if comment else {"checkin": checkin}
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(user=viewer.user, emoji=emoji, **target).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(user=viewer.user, emoji=emoji, **target)
        except IntegrityError:
            pass  # the same click twice at once: it is on, once
    return True


# --- Notifications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One notification to write: for whom, what kind, which event (its unique key)."""

    user: User
    kind: str
    key: str
    message: str
    url: str


@transaction.atomic
def notifications_create(*, events: list[Event]) -> int:
    """Write each event's notification once (a second run finds the unique key taken), with
    its email status from the person's preference; each immediate email is recorded as a job.
    Four queries whatever the number of people, plus one job per immediate email; returns how
    many were new."""
    if not events:
        return 0
    people = [event.user for event in events]
    chosen = {
        (user_id, kind): email
        for user_id, kind, email in NotificationPreference.objects.filter(
            user__in=people, kind__in={event.kind for event in events}
        ).values_list("user_id", "kind", "email")
    }
    rows = [
        Notification(
            user=event.user,
            kind=event.kind,
            key=event.key,
            message=event.message[:300],
            url=event.url,
            email_status=delivery.email_status(event.kind, chosen.get((event.user.pk, event.kind))),
        )
        for event in events
    ]
    existing = set(
        Notification.objects.filter(
            key__in={event.key for event in events}, user__in=people
        ).values_list("user_id", "key")
    )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    fresh = [row for row in rows if (row.user_id, row.key) not in existing]
    if fresh:
        for pk in Notification.objects.filter(
            email_status=EmailStatus.PENDING,
            key__in={row.key for row in fresh},
            user__in=[row.user_id for row in fresh],
        ).values_list("pk", flat=True):
            job_record(
                task="checkins.tasks.send_notification_email",
                kwargs={"notification_id": pk},
                key=f"notification-email:{pk}",
            )
    return len(fresh)


def _in_language(person: User, build):
    with translation.override(person.language or settings.LANGUAGE_CODE):
        return build()


def notify_comment(*, comment_id: int) -> int:
    """The notifications of a comment: to each person it mentions who may see it, and to the
    owners of what it is about (who may see it), never to its author."""
    comment = (
        Comment.objects.select_related(
            "author", "objective__owner", "key_result__owner", "checkin__author"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return 0  # deleted before the job ran
    url = thread_url(comment_thread(comment))
    about = comment.key_result.title if comment.key_result else comment.objective.title
    events = []
    mentioned = [p for p in comment.mentions.all() if p.pk != comment.author_id]
    for person in mentioned:
        message = _in_language(
            person,
            lambda: (
                _("%(author)s mentioned you on “%(about)s”.")
                % {"author": comment.author, "about": about}
            ),
        )
        events.append(
            Event(person, NotificationKind.MENTION, f"mention:{comment.pk}", message, url)
        )
    owners = {comment.objective.owner}
    if comment.key_result:
        owners.add(comment.key_result.owner)
    if comment.checkin:
        owners.add(comment.checkin.author)
    for person in sorted(owners - set(mentioned), key=lambda p: p.pk):
        if person.pk == comment.author_id or not person.is_active:
            continue
        if not can_view_objective(viewer_for(person), comment.objective):
            continue
        message = _in_language(
            person,
            lambda: (
                _("%(author)s commented on “%(about)s”.")
                % {"author": comment.author, "about": about}
            ),
        )
        events.append(
            Event(person, NotificationKind.COMMENT, f"comment:{comment.pk}", message, url)
        )
    return notifications_create(events=events)


def notify_checkin(*, checkin_id: int) -> int:
    """A check-in by someone else tells the key result's owner; one off track tells the owners
    of the key result and of its objective."""
    checkin = (
        CheckIn.objects.select_related(
            "author", "key_result__owner", "key_result__objective__owner"
        )
        .filter(pk=checkin_id)
        .first()
    )
    if checkin is None:
        return 0
    key_result = checkin.key_result
    url = reverse("checkins:key_result", args=[key_result.pk])
    events = []
    owner = key_result.owner
    if owner.pk != checkin.author_id and owner.is_active:
        message = _in_language(
            owner,
            lambda: (
                _("%(author)s checked in on your key result “%(title)s”.")
                % {"author": checkin.author, "title": key_result.title}
            ),
        )
        events.append(Event(owner, NotificationKind.CHECKIN, f"checkin:{checkin.pk}", message, url))
    if checkin.confidence == Confidence.OFF_TRACK:
        for person in {owner, key_result.objective.owner}:
            if not person.is_active or not can_view_objective(
                viewer_for(person), key_result.objective
            ):
                continue
            message = _in_language(
                person,
                lambda: (
                    _("The key result “%(title)s” went off track.") % {"title": key_result.title}
                ),
            )
            events.append(
                Event(person, NotificationKind.OFF_TRACK, f"off-track:{checkin.pk}", message, url)
            )
    return notifications_create(events=events)


def checkin_record_notifications(*, checkin: CheckIn, previous_confidence: str) -> None:
    """Called in checkin_create's transaction: only check-ins that tell someone something
    record a job (a check-in by its owner, still on track, records none)."""
    by_other = checkin.author_id != checkin.key_result.owner_id
    went_off = (
        checkin.confidence == Confidence.OFF_TRACK and previous_confidence != Confidence.OFF_TRACK
    )
    if by_other or went_off:
        job_record(
            task="checkins.tasks.notify_checkin",
            kwargs={"checkin_id": checkin.pk},
            key=f"notify-checkin:{checkin.pk}",
        )


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """The person's email choice for each kind (kind → immediately, digest or never)."""
    for kind, email in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": email}
        )


# --- Nudges ----------------------------------------------------------------------------------


@transaction.atomic
def nudge_send(*, viewer: Viewer, person: User) -> Nudge:
    """A lead reminds a member to check in: at most once a day per member (whoever sends it)."""
    if person.pk not in permissions.nudgeable_ids(viewer, [person.pk]):
        raise PermissionDenied
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(person=person, sender=viewer.user, day=weeks.local_date())
    except IntegrityError as error:
        raise ValidationError(
            _("%(person)s was already reminded today.") % {"person": person}
        ) from error
    message = _in_language(
        person,
        lambda: _("%(lead)s reminds you to check in this week.") % {"lead": viewer.user},
    )
    notifications_create(
        events=[
            Event(
                person,
                NotificationKind.NUDGE,
                f"nudge:{nudge.pk}",
                message,
                reverse("checkins:my_week"),
            )
        ]
    )
    return nudge


# --- Emails ----------------------------------------------------------------------------------


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
