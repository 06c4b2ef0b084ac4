"""Notifications: one per person and event (a unique key), written in bulk after the change
commits, each with its email status from the person's preference."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from checkins import delivery
from checkins.conversation_services.comments import comment_thread, thread_url
from checkins.models import (
    CheckIn,
    Comment,
    EmailStatus,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from objectives.models import Confidence
from objectives.permissions import can_view_objective
from okrapp.core.jobs import job_record
from okrapp.core.models import User
from okrapp.core.permissions import viewer_for


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
