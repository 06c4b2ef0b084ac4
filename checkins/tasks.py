"""Celery tasks of check-ins: thin wrappers that call the services."""

from __future__ import annotations

from celery import shared_task

from checkins import conversation_services
from checkins.conversation_services import events
from checkins.services import reminders_send


class ReminderSendFailed(Exception):
    pass


@shared_task(bind=True, max_retries=6, default_retry_delay=300, acks_late=True)
def send_checkin_reminders(self) -> dict:
    """The weekly reminder (scheduled by beat in okrapp/celery.py). Safe to run twice: each
    person's Reminder row of the week is claimed before sending, so a rerun, a second beat or
    a retry only sends what is still pending."""
    report = reminders_send()
    if report.failed:
        raise self.retry(
            exc=ReminderSendFailed(f"{len(report.failed)} reminder(s) failed; retrying")
        )
    return report.as_dict()


# Conversations: each runs as a recorded job (okrapp.core.jobs), so a broker outage only
# delays it; each is safe to run twice (unique notification keys, claimed emails).


@shared_task
def notify_comment(comment_id: int) -> int:
    return conversation_services.notify_comment(comment_id=comment_id)


@shared_task
def notify_checkin(checkin_id: int) -> int:
    return conversation_services.notify_checkin(checkin_id=checkin_id)


@shared_task
def send_notification_email(notification_id: int) -> bool:
    return conversation_services.notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Every morning (beat, okrapp/celery.py): each person's digest, rows claimed first."""
    return conversation_services.digests_send()


class WeeklyDigestFailed(Exception):
    pass


@shared_task(bind=True, max_retries=6, default_retry_delay=300, acks_late=True)
def send_weekly_digests(self) -> dict:
    """Mondays after the reminders (beat, okrapp/celery.py): each lead's and executive's
    digest of last week. Safe to run twice: each person's row of the week is claimed before
    sending, so a rerun, a second worker or a retry only sends what is still pending."""
    report = conversation_services.weekly_digests_send()
    if report.failed:
        raise self.retry(
            exc=WeeklyDigestFailed(f"{len(report.failed)} weekly digest(s) failed; retrying")
        )
    return report.as_dict()


@shared_task
def notify_assignments(assignments: list, at: str) -> int:
    return events.notify_assignments(assignments=assignments, at=at)


@shared_task
def notify_invitation_accepted(invitation_id: int) -> int:
    return events.notify_invitation_accepted(invitation_id=invitation_id)
