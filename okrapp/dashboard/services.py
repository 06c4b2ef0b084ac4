"""Writes of the dashboard: the quarterly report's PDFs made by a worker."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from okrapp.core import jobs
from okrapp.core.models import Cycle, Team
from okrapp.core.permissions import Viewer
from okrapp.dashboard.models import ReportFile

KEEP_FOR = datetime.timedelta(hours=24)
REUSE_FOR = datetime.timedelta(minutes=10)
TASK = "okrapp.dashboard.tasks.render_report_pdf"


@transaction.atomic
def report_file_request(*, viewer: Viewer, cycle: Cycle, team: Team, language: str) -> ReportFile:
    """The reader's PDF of this report: the one asked for in the last minutes if it is not
    failed, else a new row and its job (okrapp.core.jobs: recorded in this transaction, so a
    broker outage only delays it)."""
    now = timezone.now()
    recent = (
        ReportFile.objects.filter(
            requested_by=viewer.user,
            cycle=cycle,
            team=team,
            language=language,
            created_at__gte=now - REUSE_FOR,
        )
        .exclude(status=ReportFile.Status.FAILED)
        .first()
    )
    if recent is not None:
        return recent
    report = ReportFile.objects.create(
        requested_by=viewer.user,
        cycle=cycle,
        team=team,
        language=language,
        expires_at=now + KEEP_FOR,
    )
    jobs.job_record(task=TASK, kwargs={"report_id": report.pk})
    return report


def report_file_claim(report_id: int) -> bool:
    """Pending → running with a conditional UPDATE: of two deliveries, one works."""
    return bool(
        ReportFile.objects.filter(pk=report_id, status=ReportFile.Status.PENDING).update(
            status=ReportFile.Status.RUNNING, progress=5
        )
    )


def report_file_progress(report_id: int, progress: int) -> None:
    ReportFile.objects.filter(pk=report_id, status=ReportFile.Status.RUNNING).update(
        progress=progress
    )


def report_file_done(report_id: int, pdf: bytes) -> None:
    ReportFile.objects.filter(pk=report_id, status=ReportFile.Status.RUNNING).update(
        status=ReportFile.Status.DONE, progress=100, pdf=pdf
    )


def report_file_failed(report_id: int, error: str) -> None:
    ReportFile.objects.filter(pk=report_id).update(
        status=ReportFile.Status.FAILED, error=error[:300]
    )


def report_files_purge(now: datetime.datetime | None = None) -> int:
    """Delete the expired PDFs (beat, okrapp/celery.py)."""
    deleted, _rows = ReportFile.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted
