"""Charts in templates: their text alternative (okrapp.core.charts) for
templates/components/chart.html, and that template drawn once per content."""

from __future__ import annotations

from typing import Any

from django import template

from okrapp.core import charts, drawings

register = template.Library()


@register.simple_tag
def chart_text(spec: dict[str, Any]) -> dict[str, Any]:
    return charts.text_alternative(spec)


@register.simple_tag
def chart_figure(chart: dict[str, Any], chart_id: str, label: str, box_class: str = "") -> str:
    """components/chart.html for `chart`, drawn once per content and language
    (okrapp.core.drawings): a cycle's trend is a data table of a few hundred numbers."""
    return drawings.draw(
        "components/chart.html",
        {"chart": chart, "chart_id": chart_id, "label": str(label), "box_class": box_class},
    )
