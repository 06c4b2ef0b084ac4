"""The KPI badge beside a key result (registered with objectives.hooks): the KPI it follows,
masked for those who may not see that KPI, or the button to turn the key result into a KPI."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kpis.permissions import can_turn_key_result_into_kpi, can_view_kpi
from kpis.selectors import linked_kpis
from objectives.models import KeyResult
from okrapp.core.permissions import Viewer


def key_result_kpi_badges(
    viewer: Viewer, key_results: Sequence[KeyResult]
) -> dict[int, SafeString]:
    """One query whatever the number of key results."""
    kpis = linked_kpis([key_result.pk for key_result in key_results])
    badges = {}
    for key_result in key_results:
        kpi = kpis.get(key_result.pk)
        context = {
            "key_result": key_result,
            "kpi": kpi,
            "kpi_visible": kpi is not None and can_view_kpi(viewer, kpi),
            "can_turn_into_kpi": can_turn_key_result_into_kpi(viewer, key_result),
        }
        if kpi is not None or context["can_turn_into_kpi"]:
            badges[key_result.pk] = render_to_string("kpis/_key_result_kpi_link.html", context)
    return badges
