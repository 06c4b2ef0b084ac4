"""Celery tasks of KPIs: thin wrappers that call kpis.sync_services (beat: okrapp/celery.py)."""

from __future__ import annotations

from celery import shared_task

from kpis import sync_services


@shared_task(soft_time_limit=120, time_limit=180)
def sync_due_kpis() -> int:
    """Queue a sync for each KPI due on its frequency. Safe to run twice: each KPI is claimed
    by a conditional UPDATE (sync_services.kpis_claim_due)."""
    return len(sync_services.kpis_claim_due())


@shared_task(soft_time_limit=90, time_limit=120)
def sync_kpi(sync_id: int) -> str | None:
    """Run one queued sync. Safe to run twice: the sync is claimed before it runs."""
    sync = sync_services.kpi_sync_run(sync_id=sync_id)
    return sync.status if sync else None


@shared_task
def notify_kpi_statuses(kpi_ids: list[int] | None = None) -> int:
    """Tell owners of KPIs that turned alert or stale (daily by beat, and after each recorded
    measurement). Safe to run twice: each turn is claimed by a conditional UPDATE."""
    from kpis.status_notifications import kpi_statuses_notify

    return kpi_statuses_notify(kpi_ids=kpi_ids)
