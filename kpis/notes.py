"""Beside a check-in recorded from a KPI measurement (registered with checkins.hooks): which
KPI and period it came from — the KPI's name and page only for those who may see the KPI."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from checkins.models import CheckIn
from kpis.models import MeasurementCheckIn
from kpis.permissions import can_view_kpi
from okrapp.core.permissions import Viewer


def checkin_measurement_notes(viewer: Viewer, checkins: Sequence[CheckIn]) -> dict[int, SafeString]:
    """One query whatever the number of check-ins."""
    links = MeasurementCheckIn.objects.filter(check_in__in=checkins).select_related(
        "measurement__kpi"
    )
    notes = {}
    for link in links:
        kpi = link.measurement.kpi
        context = {
            "kpi": kpi,
            "kpi_visible": can_view_kpi(viewer, kpi),
            "period_date": link.measurement.period_date,
        }
        notes[link.check_in_id] = render_to_string("kpis/_checkin_note.html", context)
    return notes
