"""Key results fed by a KPI (registered with checkins.hooks): My week shows them as fed, with
the KPI's latest value and when it came, and asks for no value; the reminder leaves them out.
The KPI's name only for those who may see it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from checkins.hooks import FedKeyResults
from kpis.models import KPI, KeyResultLink
from kpis.permissions import can_view_kpi
from kpis.selectors import with_latest
from objectives.models import KeyResult
from okrapp.core.permissions import Viewer


def fed_by_kpi_q() -> Q:
    return Q(kpi_link__isnull=False)


def fed_notes(viewer: Viewer, key_results: Sequence[KeyResult]) -> dict[int, SafeString]:
    """Two queries whatever the number of key results."""
    links = dict(
        KeyResultLink.objects.filter(key_result__in=key_results).values_list(
            "key_result_id", "kpi_id"
        )
    )
    if not links:
        return {}
    kpis = {kpi.pk: kpi for kpi in with_latest(KPI.objects.filter(pk__in=set(links.values())))}
    notes = {}
    for key_result_id, kpi_id in links.items():
        kpi = kpis[kpi_id]
        context = {"kpi": kpi, "kpi_visible": can_view_kpi(viewer, kpi)}
        notes[key_result_id] = render_to_string("kpis/_fed_note.html", context)
    return notes


FED_BY_KPI = FedKeyResults(name="kpi", fed_q=fed_by_kpi_q, notes=fed_notes)
