"""Who may read the quarterly report and its PDFs.

- Everyone signed in reads the report of any cycle and scope (transparency); private
  objectives count in its scores and show their titles only to those allowed.
- A PDF made by a worker belongs to whoever asked for it: its masking is theirs. Anyone
  else gets 404, as for something that does not exist.
"""

from __future__ import annotations

from django.http import Http404

from okrapp.core.permissions import Viewer
from okrapp.dashboard.models import ReportFile


def get_report_file_for_user(viewer: Viewer, pk: int) -> ReportFile:
    report = ReportFile.objects.filter(pk=pk, requested_by=viewer.user).first()
    if report is None:
        raise Http404
    return report
