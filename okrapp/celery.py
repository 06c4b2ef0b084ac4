"""Celery application. Every beat schedule of the product is declared here, in one place."""

from __future__ import annotations

import os

from celery import Celery, signals
from celery.schedules import crontab
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okrapp.settings")

app = Celery("okrapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's start, success, retry and failure is logged with its id (django-structlog), and
# its log lines carry the request id of the web request that queued it.
app.steps["worker"].add(DjangoStructLogInitStep)


@signals.setup_logging.connect
def keep_django_logging(**kwargs) -> None:
    """Django's LOGGING (JSON lines in production) stays in force in the worker and beat: a
    receiver here stops Celery from installing its own handlers."""


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_an_unsafe_production_start(**kwargs) -> None:
    from django.conf import settings

    refusal = settings.PRODUCTION_REFUSALS.get("SECRET_KEY")
    if refusal:
        # SystemExit, not an exception: Celery logs and swallows a signal receiver's errors.
        raise SystemExit(f"Refusing to start with DEBUG off: {refusal}")


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
        "advance-cycles-daily": {
            "task": "objectives.tasks.advance_cycles",
            "schedule": crontab(hour=settings.CYCLE_ADVANCE_HOUR, minute=5),
        },
        "sync-due-kpis": {
            "task": "kpis.tasks.sync_due_kpis",
            "schedule": 300.0,
        },
        "rollup-scores-nightly": {
            "task": "objectives.tasks.rollup_active_cycles",
            "schedule": crontab(hour=settings.ROLLUP_HOUR, minute=0),
        },
        "sweep-integration-deliveries": {
            "task": "okrapp.integrations.tasks.sweep_deliveries",
            "schedule": 60.0,
        },
        # Mondays, after the weekly reminders and with the leads' digest: each team's chat
        # channels get its check-in summary and its weekly digest.
        "post-weekly-team-messages": {
            "task": "okrapp.integrations.tasks.post_weekly_team_messages",
            "schedule": crontab(day_of_week="mon", hour=settings.WEEKLY_DIGEST_HOUR, minute=45),
        },
        # Mondays, after the weekly reminders: the leads' and executives' digest of last week.
        "send-weekly-digests": {
            "task": "checkins.tasks.send_weekly_digests",
            "schedule": crontab(day_of_week="mon", hour=settings.WEEKLY_DIGEST_HOUR, minute=30),
        },
        # KPIs turn stale with time alone: their owners are told each morning, before the
        # daily digest that may carry it.
        "notify-kpi-statuses": {
            "task": "kpis.tasks.notify_kpi_statuses",
            "schedule": crontab(
                hour=settings.DIGEST_HOUR - 1 if settings.DIGEST_HOUR else 0, minute=30
            ),
        },
        "send-daily-digests": {
            "task": "checkins.tasks.send_daily_digests",
            "schedule": crontab(hour=settings.DIGEST_HOUR, minute=0),
        },
    }
