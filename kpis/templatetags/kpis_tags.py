"""Template helpers for KPI cards: the server-rendered sparkline."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 32, 3


@register.inclusion_tag("kpis/_sparkline.html")
def sparkline(measurements, kpi, status: str = "none") -> dict:
    return sparkline_shape(measurements, kpi, status)


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
