"""A KPI's owner is told when it turns alert (red) or stale: once per turn.

1. Read the KPIs' statuses now, from their latest measurements (one query).
2. For each KPI now red or stale whose owner was not told of that status yet, claim the turn
   with a conditional UPDATE of `notified_status`; only the run whose UPDATE matched writes the
   notification (checkins.conversation_services, once per key). Two runs at once, or a
   measurement and the daily scan together, tell the owner once.
3. A KPI back to green, amber or none forgets what it was told (one UPDATE), so that its next
   turn is told again.

Run after each recorded measurement (a job, after the commit) and every day by beat (a KPI
turns stale with time alone).
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins.conversation_services import Event, notifications_create
from checkins.conversation_services.notifications import _in_language
from checkins.models import NotificationKind
from kpis import health, selectors
from kpis.models import KPI
from okrapp.core.jobs import job_record

TOLD = (health.RED, health.STALE)


def record_status_check(kpi: KPI) -> None:
    """In the caller's transaction: check the KPI's status once its change is committed."""
    job_record(
        task="kpis.tasks.notify_kpi_statuses",
        kwargs={"kpi_ids": [kpi.pk]},
        key=f"kpi-status-check:{kpi.pk}:{timezone.now().timestamp()}",
    )


def _message(kpi: KPI, status: str) -> str:
    if status == health.RED:
        return _("Your KPI “%(name)s” is in alert: its latest value misses the threshold.") % {
            "name": kpi.name
        }
    return _("Your KPI “%(name)s” has no recent measurement.") % {"name": kpi.name}


def kpi_statuses_notify(
    *, kpi_ids: list[int] | None = None, today: datetime.date | None = None
) -> int:
    """Tell owners of the KPIs that turned alert or stale (module doc); how many were told."""
    today = today or timezone.localdate()
    kpis = selectors.with_latest(KPI.objects.filter(owner__is_active=True)).select_related("owner")
    if kpi_ids is not None:
        kpis = kpis.filter(pk__in=kpi_ids)
    fine, events = [], []
    for kpi in kpis:
        status = selectors.latest_status(kpi, today)
        if status not in TOLD:
            if kpi.notified_status:
                fine.append(kpi.pk)
            continue
        if kpi.notified_status == status:
            continue
        claimed = (
            KPI.objects.filter(pk=kpi.pk)
            .exclude(notified_status=status)
            .update(notified_status=status)
        )
        if not claimed:
            continue  # another run told the owner
        events.append(
            Event(
                kpi.owner,
                NotificationKind.KPI_STATUS,
                f"kpi-status:{kpi.pk}:{status}:{kpi.latest_date}",
                _in_language(kpi.owner, lambda kpi=kpi, status=status: _message(kpi, status)),
                reverse("kpis:detail", args=[kpi.pk]),
            )
        )
    if fine:
        KPI.objects.filter(pk__in=fine).filter(~Q(notified_status="")).update(notified_status="")
    return notifications_create(events=events)
