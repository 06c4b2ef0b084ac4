"""Syncing KPIs from their connectors: asking for a sync, claiming the due ones, running one.

1. `kpi_sync_request` (Sync now, the page and the API) and `kpis_claim_due` (beat, on the
   KPI's frequency) create a queued KPISync and record the job that runs it
   (okrapp.core.jobs), in one transaction.
2. `kpi_sync_run` (the task) claims the queued sync, fetches from the source outside any
   transaction, then records every item through kpis.services.measurements_record — the
   page's, the CSV import's and the API's one upsert path, the bridge included — all or
   nothing, authored by the KPI's owner.
3. The sync stores its outcome: rows added, changed and unchanged, or the error in plain
   language. The owner is told of a failure once per run of failures, not at every retry.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from checkins.models import Notification
from kpis import connectors, health, permissions, secrets
from kpis.models import KPI, KPISync
from kpis.selectors import CREATED, UNCHANGED, UPDATED
from okrapp.core.jobs import job_record
from okrapp.core.permissions import Viewer, viewer_for

logger = logging.getLogger(__name__)

SYNC_TASK = "kpis.tasks.sync_kpi"
# A sync claimed longer ago than this belongs to a worker that died: it may be claimed again.
RUNNING_LEASE = datetime.timedelta(minutes=10)
CLAIM_BATCH = 200


def sync_interval(frequency: str) -> datetime.timedelta:
    """A KPI is synced once per period of its frequency (a month and a quarter on average)."""
    return datetime.timedelta(days=float(health.PERIOD_DAYS[frequency]))


def _queue(kpi: KPI, *, trigger: str, requested_by=None) -> KPISync:
    sync = KPISync.objects.create(kpi=kpi, trigger=trigger, requested_by=requested_by)
    job_record(task=SYNC_TASK, kwargs={"sync_id": sync.pk}, key=f"kpi-sync:{sync.pk}")
    return sync


@transaction.atomic
def kpi_sync_request(*, viewer: Viewer, kpi: KPI) -> KPISync:
    """Sync now: a queued sync, or the one already queued or running."""
    if not permissions.can_edit_kpi(viewer, kpi):
        raise PermissionDenied(_("You may not sync this KPI."))
    if not kpi.is_connected:
        raise ValidationError(_("This KPI has no connector: its numbers are typed by hand."))
    pending = KPISync.objects.filter(
        kpi=kpi, status__in=[KPISync.Status.QUEUED, KPISync.Status.RUNNING]
    ).first()
    if pending is not None:
        return pending
    return _queue(kpi, trigger=KPISync.Trigger.MANUAL, requested_by=viewer.user)


def kpis_claim_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Queue a sync for every connected KPI that is due; the ids of the syncs queued.

    Each KPI is claimed by a conditional UPDATE that moves its next sync one period ahead
    only if it is still due: of two workers running this at once, one claims it and the
    other's UPDATE matches no row, so a KPI is never synced twice for one period.
    """
    now = now or timezone.now()
    due = list(
        KPI.objects.filter(next_sync_at__lte=now)
        .exclude(source_kind=KPI.SourceKind.MANUAL)
        .order_by("next_sync_at")
        .values_list("pk", "frequency")[:CLAIM_BATCH]
    )
    queued = []
    for pk, frequency in due:
        with transaction.atomic():
            claimed = KPI.objects.filter(pk=pk, next_sync_at__lte=now).update(
                next_sync_at=now + sync_interval(frequency)
            )
            if claimed:
                kpi = KPI.objects.get(pk=pk)
                queued.append(_queue(kpi, trigger=KPISync.Trigger.SCHEDULE).pk)
    return queued


def _claim_sync(sync_id: int, now: datetime.datetime) -> bool:
    # A conditional UPDATE: the job may be delivered twice, only one delivery runs the sync.
    return bool(
        KPISync.objects.filter(
            Q(status=KPISync.Status.QUEUED)
            | Q(status=KPISync.Status.RUNNING, started_at__lt=now - RUNNING_LEASE),
            pk=sync_id,
        ).update(status=KPISync.Status.RUNNING, started_at=now)
    )


def kpi_sync_run(*, sync_id: int) -> KPISync | None:
    """Run a queued sync (see the module's steps); None when another run has it."""
    from kpis.services import measurements_record  # services import this module's callers

    if not _claim_sync(sync_id, timezone.now()):
        return None
    sync = KPISync.objects.select_related("kpi__owner", "kpi__team").get(pk=sync_id)
    kpi = sync.kpi
    try:
        secret = secrets.decrypt(kpi.source_secret)
        items = connectors.fetch_items(
            kpi.source_kind, kpi.source_config, secret, today=timezone.localdate()
        )
        recorded = measurements_record(
            viewer=viewer_for(kpi.owner), kpi=kpi, items=items, recorded_by=None
        )
    except connectors.ConnectorError as exc:
        return _failed(sync, exc.message)
    except secrets.SecretUnreadable:
        return _failed(sync, _("The saved secret cannot be read: enter it again."))
    except ValidationError as exc:
        return _failed(
            sync, _("A value was refused: %(error)s") % {"error": " ".join(exc.messages)}
        )
    except PermissionDenied:
        return _failed(sync, _("The KPI's owner may no longer record its measurements."))
    counts = recorded.counts
    sync.rows_created, sync.rows_updated = counts[CREATED], counts[UPDATED]
    sync.rows_unchanged = counts[UNCHANGED]
    sync.status, sync.finished_at, sync.error = KPISync.Status.SUCCEEDED, timezone.now(), ""
    sync.save()
    KPI.objects.filter(pk=kpi.pk).update(sync_failures=0, sync_failure_notified=False)
    return sync


@transaction.atomic
def _failed(sync: KPISync, message: str) -> KPISync:
    sync.status, sync.finished_at, sync.error = KPISync.Status.FAILED, timezone.now(), message[:500]
    sync.save()
    kpi = sync.kpi
    logger.info("KPI %s sync %s failed: %s", kpi.pk, sync.pk, message)
    KPI.objects.filter(pk=kpi.pk).update(sync_failures=kpi.sync_failures + 1)
    # Told once: only the update that flips the flag sends the notification.
    if KPI.objects.filter(pk=kpi.pk, sync_failure_notified=False).update(
        sync_failure_notified=True
    ):
        with override(kpi.owner.language or None):
            message_text = _("The KPI “%(name)s” could not fetch its numbers: %(error)s") % {
                "name": kpi.name,
                "error": message,
            }
        Notification.objects.create(
            user=kpi.owner,
            message=message_text[:300],
            url=reverse("kpis:detail", args=[kpi.pk]),
        )
    return sync
