"""Celery application. Every beat schedule of the product is declared here, in one place."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrapp.settings")

app = Celery("okrapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def declare_beat_schedule(sender: Celery, **kwargs) -> None:
    from django.conf import settings

    sender.conf.beat_schedule = {
        "send-checkin-reminders": {
            "task": "checkins.tasks.send_checkin_reminders",
            "schedule": crontab(
                day_of_week=settings.CHECKIN_REMINDER_DAY[:3].lower(),
                hour=settings.CHECKIN_REMINDER_HOUR,
                minute=0,
            ),
        },
        "sweep-jobs": {
            "task": "okrapp.core.tasks.sweep_jobs",
            "schedule": 60.0,
        },
        "sync-due-kpis": {
            "task": "kpis.tasks.sync_due_kpis",
            "schedule": 300.0,
        },
        "rollup-scores-nightly": {
            "task": "objectives.tasks.rollup_active_cycles",
            "schedule": crontab(hour=settings.ROLLUP_HOUR, minute=0),
        },
    }
