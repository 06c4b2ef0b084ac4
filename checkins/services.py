"""Every write to check-ins, one transaction each.

A check-in sets its key result's current value and confidence in the same transaction.
The key result row is locked first (SELECT … FOR UPDATE), so concurrent check-ins on one
key result are serialised: the last committed one wins and no update is lost.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checkins import hooks, selectors
from checkins.conversation_services import checkin_record_notifications
from checkins.models import CheckIn, Notification, Reminder
from objectives.models import Confidence, KeyResult
from objectives.permissions import cycle_takes_checkins
from objectives.services import objective_refresh_score
from okrapp.core import weeks
from okrapp.core.hooks import event_emit
from okrapp.core.models import Cycle, User

logger = logging.getLogger(__name__)


def _lock_key_result(key_result_id: int) -> KeyResult:
    return (
        KeyResult.objects.select_for_update()
        .select_related("objective__cycle")
        .get(pk=key_result_id)
    )


def checkin_refusal(cycle: Cycle) -> str | None:
    """Why no check-in may be made in this cycle now; None in an active cycle (and the first
    days of grading, if allowed: objectives.cycles.takes_checkins)."""
    if cycle_takes_checkins(cycle):
        return None
    if cycle.status == Cycle.Status.PLANNING:
        return _("This cycle has not started yet: check-ins open when it becomes active.")
    if cycle.status == Cycle.Status.GRADING:
        return _("This cycle is being graded: check-ins are closed.")
    return _("This cycle is closed: its check-ins are read-only.")


def _ensure_open(key_result: KeyResult) -> None:
    if refusal := checkin_refusal(key_result.objective.cycle):
        raise ValidationError(refusal)


def milestone_value(key_result: KeyResult, value) -> Decimal:
    """A milestone is done or not: done stores its target, not done its start value.

    Storing 1/0 (the first version) scored a milestone with a target other than 1 wrongly.
    A value equal to the target, or any value other than 0 and the start, means done.
    """
    value = Decimal(value)
    done = value == key_result.target_value or value not in (Decimal(0), key_result.start_value)
    return key_result.target_value if done else key_result.start_value


@transaction.atomic
def key_result_follow_latest(*, key_result: KeyResult) -> None:
    """The key result takes the value and confidence of its latest remaining check-in, and its
    objective's score follows. Also for a history written in bulk (the demo), which is why it
    does not refuse a closed cycle: check-in writes refuse it before they get here."""
    latest = CheckIn.objects.filter(key_result=key_result).order_by("-created_at", "-id").first()
    if latest is None:
        key_result.current_value = key_result.start_value
        key_result.confidence = ""
        key_result.last_checkin_at = None
    else:
        key_result.current_value = latest.value
        key_result.confidence = latest.confidence
        key_result.last_checkin_at = latest.created_at
    key_result.save(update_fields=["current_value", "confidence", "last_checkin_at"])
    objective_refresh_score(objective_id=key_result.objective_id)


@transaction.atomic
def checkin_create(
    *,
    key_result: KeyResult,
    author: User,
    value: Decimal,
    confidence: str,
    comment: str = "",
    blockers: str = "",
    created_at=None,
) -> CheckIn:
    locked = _lock_key_result(key_result.pk)
    _ensure_open(locked)
    if locked.is_milestone:
        value = milestone_value(locked, value)
    checkin = CheckIn(
        key_result=locked,
        author=author,
        value=value,
        confidence=confidence,
        comment=comment,
        blockers=blockers,
        created_at=created_at or timezone.now(),
    )
    checkin.full_clean()
    checkin.save()
    previous_confidence = locked.confidence
    key_result_follow_latest(key_result=locked)
    checkin_record_notifications(checkin=checkin, previous_confidence=previous_confidence)
    event_emit("checkin.created", checkin_id=checkin.pk)
    if checkin.confidence == Confidence.OFF_TRACK and previous_confidence != Confidence.OFF_TRACK:
        event_emit("key_result.off_track", checkin_id=checkin.pk)
    key_result.refresh_from_db()
    return checkin


def latest_checkin(key_result: KeyResult) -> CheckIn | None:
    return CheckIn.objects.filter(key_result=key_result).order_by("-created_at", "-id").first()


def _ensure_latest_of_author(checkin: CheckIn, author: User) -> None:
    if checkin.author_id != author.pk:
        raise ValidationError(_("Only the author may correct or delete a check-in."))
    latest = latest_checkin(checkin.key_result)
    if latest is None or latest.pk != checkin.pk:
        raise ValidationError(_("Only the latest check-in of a key result can be changed."))


@transaction.atomic
def checkin_update(
    *,
    checkin: CheckIn,
    author: User,
    value: Decimal,
    confidence: str,
    comment: str = "",
    blockers: str = "",
) -> CheckIn:
    locked = _lock_key_result(checkin.key_result_id)
    # The rule of new check-ins: a correction changes the key result's value just as much.
    if refusal := checkin_refusal(locked.objective.cycle):
        raise ValidationError({"value": [refusal]})
    checkin = CheckIn.objects.select_related("key_result").get(pk=checkin.pk)
    _ensure_latest_of_author(checkin, author)
    if locked.is_milestone:
        value = milestone_value(locked, value)
    checkin.value, checkin.confidence = value, confidence
    checkin.comment, checkin.blockers = comment, blockers
    checkin.full_clean()
    checkin.save()
    key_result_follow_latest(key_result=locked)
    return checkin


@transaction.atomic
def checkin_delete(*, checkin: CheckIn, author: User) -> None:
    locked = _lock_key_result(checkin.key_result_id)
    _ensure_open(locked)
    checkin = CheckIn.objects.select_related("key_result").get(pk=checkin.pk)
    _ensure_latest_of_author(checkin, author)
    if weeks.week_of(checkin.created_at) != weeks.week_of():
        raise ValidationError(
            _(
                "Only a check-in of this week can be deleted: an older one is history. "
                "Correct it instead, saying why in its comment."
            )
        )
    checkin.delete()
    key_result_follow_latest(key_result=locked)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@dataclass
class ReminderReport:
    week: weeks.Week
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    abandoned: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "iso_year": self.week.iso_year,
            "iso_week": self.week.iso_week,
            "sent": len(self.sent),
            "skipped": len(self.skipped),
            "failed": len(self.failed),
            "abandoned": len(self.abandoned),
        }


def reminders_send(*, now: datetime.datetime | None = None) -> ReminderReport:
    """Send this week's check-in reminder to everyone due, at most once per person per week.

    1. Pick everyone due in a few set-based queries (selectors.reminders_due).
    2. For each person, make sure the week's Reminder row exists (unique on person, ISO year,
       ISO week; get_or_create survives a concurrent insert).
    3. Claim it before sending: a conditional UPDATE pending → sending, committed at once.
       Of two runners (a rerun, a second beat, a retry), only one wins the row.
    4. Send the email. If sending raises, the row goes back to pending for the retry (the
       others are kept); once it is sent, the notification is written and the row marked sent.
       A crash between the claim and the end leaves the row "sending": that person is not
       reminded again this week — at most one reminder, never two.
    5. A row left "sending" longer than REMINDER_SENDING_TIMEOUT (its worker died; the broker
       redelivers the task to another) is marked failed and logged, first thing.
    """
    week = weeks.week_of(now)
    report = ReminderReport(week=week)
    report.abandoned = reminders_resolve_abandoned(week=week, now=now)
    for due in selectors.reminders_due(week, now):
        reminder, _ = Reminder.objects.get_or_create(
            user=due.person, iso_year=week.iso_year, iso_week=week.iso_week
        )
        if not _claim(reminder.pk):
            report.skipped.append(due.person.pk)  # sent (or being sent) by another run
            continue
        try:
            notification = _send_email(due)
        except Exception:
            logger.exception(
                "Check-in reminder to user %s failed; it goes back to pending.", due.person.pk
            )
            Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.SENDING).update(
                status=Reminder.Status.PENDING
            )
            report.failed.append(due.person.pk)
            continue
        report.sent.append(due.person.pk)
        try:
            _mark_sent(reminder_id=reminder.pk, person=due.person, notification=notification)
        except Exception:
            # The email is out: the row stays "sending", so no run sends it again.
            logger.exception("Check-in reminder to user %s sent but not recorded.", due.person.pk)
    return report


def _claim(reminder_id: int) -> bool:
    """pending → sending in one conditional UPDATE, committed before the email goes out."""
    with transaction.atomic():
        return bool(
            Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
                status=Reminder.Status.SENDING,
                attempts=F("attempts") + 1,
                claimed_at=timezone.now(),
            )
        )


def reminders_resolve_abandoned(
    *, week: weeks.Week, now: datetime.datetime | None = None
) -> list[int]:
    """The week's reminders claimed longer ago than REMINDER_SENDING_TIMEOUT and never
    finished, marked failed (not resent: the email may have left); their people's ids."""
    limit = (now or timezone.now()) - datetime.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT)
    stuck = Reminder.objects.filter(
        iso_year=week.iso_year,
        iso_week=week.iso_week,
        status=Reminder.Status.SENDING,
        claimed_at__lt=limit,
    )
    people = list(stuck.values_list("user_id", flat=True))
    if people:
        with transaction.atomic():
            stuck.filter(user_id__in=people).update(status=Reminder.Status.FAILED)
        logger.error(
            "Check-in reminders of week %s-W%02d abandoned while sending (worker lost), "
            "marked failed and not resent: users %s",
            week.iso_year,
            week.iso_week,
            people,
        )
    return people


def _send_email(due: selectors.ReminderDue) -> tuple[str, str]:
    """Send the reminder email in the person's language; return the notification's text and
    where it leads."""
    person = due.person
    with translation.override(person.language or settings.LANGUAGE_CODE):
        topics = [
            {"topic": topic, "items": due.topics[topic.name]}
            for topic in hooks.reminder_topics()
            if due.topics.get(topic.name)
        ]
        context = {
            "person": person,
            "key_results": due.key_results,
            "topics": topics,
            "subject": (
                _("Your weekly check-in is due")
                if due.key_results or not topics
                else topics[0]["topic"].subject()
            ),
            "my_week_url": settings.SITE_URL + reverse("checkins:my_week"),
            "site_url": settings.SITE_URL,
        }
        subject = " ".join(
            render_to_string("checkins/emails/reminder_subject.txt", context).split()
        )
        body = render_to_string("checkins/emails/reminder.txt", context)
        html = render_to_string("checkins/emails/reminder.html", context)
        notification = _reminder_message(due, topics)[:300]
    message = EmailMultiAlternatives(subject, body, to=[person.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return notification, _reminder_url(due, topics)


def _reminder_url(due: selectors.ReminderDue, topics: list[dict]) -> str:
    """My week when there is something to check in; else the first topic's own page (the
    grading page during grading), when it has one."""
    if not due.key_results and topics and topics[0]["topic"].url is not None:
        return topics[0]["topic"].url(topics[0]["items"])
    return reverse("checkins:my_week")


@transaction.atomic
def _mark_sent(*, reminder_id: int, person: User, notification: tuple[str, str]) -> None:
    message, url = notification
    Notification.objects.create(user=person, message=message, url=url)
    Reminder.objects.filter(pk=reminder_id).update(
        status=Reminder.Status.SENT, sent_at=timezone.now()
    )


def _reminder_message(due: selectors.ReminderDue, topics: list[dict]) -> str:
    parts = []
    if due.key_results:
        parts.append(
            ngettext(
                "%(count)d key result waits for this week's check-in.",
                "%(count)d key results wait for this week's check-in.",
                len(due.key_results),
            )
            % {"count": len(due.key_results)}
        )
    parts.extend(entry["topic"].summary(len(entry["items"])) for entry in topics)
    return " ".join(parts)
