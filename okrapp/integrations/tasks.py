"""Celery tasks of the integrations: thin wrappers that take ids. Each delivery runs as a
recorded job (okrapp.core.jobs) and claims its row before sending (services), so a second
worker, a retry or a job offered twice never sends twice."""

from __future__ import annotations

from celery import shared_task

from okrapp.integrations import services


@shared_task
def send_webhook_delivery(delivery_id: int) -> str | None:
    return services.webhook_delivery_send(delivery_id=delivery_id)


@shared_task
def send_chat_message(message_id: int) -> str | None:
    return services.chat_message_send(message_id=message_id)


@shared_task
def sweep_deliveries() -> int:
    """Every minute (beat, okrapp/celery.py): deliveries due again, and claims of dead
    workers."""
    return services.deliveries_sweep()


@shared_task(acks_late=True)
def post_weekly_team_messages() -> int:
    """Monday after the reminders (beat): each team's reminder summary and weekly digest on
    its chat channels; keyed by the week, so a rerun posts nothing more."""
    return services.weekly_posts_record()
