"""Celery tasks of check-ins: thin wrappers that call the services."""

from __future__ import annotations

from celery import shared_task

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
