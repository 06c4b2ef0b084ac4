"""The quarterly report's PDF for a large scope, made by a worker; thin tasks taking ids."""

from __future__ import annotations

import logging

from celery import shared_task

from okrapp.core.permissions import viewer_for
from okrapp.dashboard import pdf, services
from okrapp.dashboard.models import ReportFile
from okrapp.dashboard.report import quarterly_report

logger = logging.getLogger(__name__)


@shared_task
def render_report_pdf(report_id: int) -> str:
    """Claim the row (a conditional UPDATE: a second delivery finds it running or done and
    stops), build the report as its reader sees it, make the PDF, store it. A failure is
    recorded on the row for the reader to see and ask again; it is not retried blindly."""
    if not services.report_file_claim(report_id):
        return "skipped"
    report = ReportFile.objects.select_related("requested_by", "cycle", "team").get(pk=report_id)
    try:
        if not report.requested_by.is_active:
            raise PermissionError("the reader is no longer active")
        data = quarterly_report(report.cycle, viewer_for(report.requested_by), team=report.team)
        services.report_file_progress(report_id, 40)
        html = pdf.report_document(data, report.language)
        services.report_file_progress(report_id, 60)
        document = pdf.html_to_pdf(html)
    except Exception as error:
        logger.exception("Report PDF %s failed", report_id)
        services.report_file_failed(report_id, f"{type(error).__name__}: {error}")
        return "failed"
    services.report_file_done(report_id, document)
    return "done"


@shared_task
def purge_report_files() -> int:
    """Hourly (beat, okrapp/celery.py): the expired PDFs leave the database."""
    return services.report_files_purge()
