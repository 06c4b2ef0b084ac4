"""Template helpers for KPI cards: the server-rendered sparkline and the target in words."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from okrapp.core import drawings
from okrapp.core.numbers import format_with_unit

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 32, 3


@register.simple_tag
def kpi_target(kpi) -> SafeString:
    """ "Target ≥ 50 % · alert below 40 %": the side of the target that is met, and the alert
    threshold if any, in the active language. A tag rather than an included template: the
    board shows it 48 times."""
    target = conditional_escape(format_with_unit(kpi.target_value, kpi.unit))
    if kpi.lower_is_better:
        text, alert = _("Target ≤ %(target)s"), _("alert above %(threshold)s")
    else:
        text, alert = _("Target ≥ %(target)s"), _("alert below %(threshold)s")
    text %= {"target": target}
    if kpi.alert_threshold is not None:
        threshold = conditional_escape(format_with_unit(kpi.alert_threshold, kpi.unit))
        text += " · " + alert % {"threshold": threshold}
    return mark_safe(text)  # the values are escaped, the words are the catalogue's


@register.simple_tag
def measurements_table(rows: list[dict], kpi) -> SafeString:
    """kpis/_measurements_table.html without its row actions, drawn once per content and
    language (okrapp.core.drawings): dozens of dates and numbers formatted on every view."""
    return drawings.draw("kpis/_measurements_table.html", {"rows": rows, "unit": kpi.unit})


@register.simple_tag
def sparkline(measurements, kpi, status: str = "none") -> SafeString:
    """The card's sparkline, an SVG of `sparkline_shape`; written here rather than in an
    included template: the board draws 48."""
    shape = sparkline_shape(measurements, kpi, status)
    if not shape["points"]:
        return mark_safe("")
    line = (
        ""
        if shape["single"]
        else format_html(
            '<polyline class="sparkline-line" points="{}"></polyline>', shape["points"]
        )
    )
    return format_html(
        '<svg class="sparkline sparkline-{status}" viewBox="0 0 {width} {height}"'
        ' preserveAspectRatio="none" aria-hidden="true" focusable="false">\n'
        '  <line class="sparkline-target" x1="0" x2="{width}" y1="{target_y}" y2="{target_y}">'
        "</line>\n"
        "  {line}\n"
        '  <circle class="sparkline-last" cx="{last_x}" cy="{last_y}" r="2.5"></circle>\n'
        "</svg>",
        line=line,
        **{
            key: shape[key] for key in ("status", "width", "height", "target_y", "last_x", "last_y")
        },
    )


@register.simple_tag
def sparkline_shape(measurements, kpi, status: str = "none") -> dict:
    """An SVG polyline of the measurements (oldest first) and a dashed target line, scaled
    together so the line shows at a glance which side of the target the KPI sits."""
    values = [Decimal(m.value) for m in measurements]
    if not values:
        return {"points": "", "status": status}
    target = Decimal(kpi.target_value)
    low, high = min([*values, target]), max([*values, target])
    span = high - low or Decimal(1)

    def y(value: Decimal) -> str:
        return f"{HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD):.1f}"

    step = Decimal(WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = " ".join(f"{PAD + index * step:.1f},{y(value)}" for index, value in enumerate(values))
    last_x = PAD + (len(values) - 1) * step
    return {
        "points": points,
        "target_y": y(target),
        "last_x": f"{last_x:.1f}",
        "last_y": y(values[-1]),
        "width": WIDTH,
        "height": HEIGHT,
        "status": status,
        "single": len(values) == 1,
    }
