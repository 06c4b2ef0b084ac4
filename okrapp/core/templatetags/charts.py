"""The text alternative of a chart (okrapp.core.charts), for templates/components/chart.html."""

from __future__ import annotations

from typing import Any

from django import template

from okrapp.core import charts

register = template.Library()


@register.simple_tag
def chart_text(spec: dict[str, Any]) -> dict[str, Any]:
    return charts.text_alternative(spec)
