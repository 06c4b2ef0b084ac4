"""Chart specifications, built in one place for every page that draws a chart: the key result's
trajectory, the score trends, the KPI's measurements.

A specification is data only: the labels of the x axis, each series' label, values and role,
and the y axis' title and range. How a role looks (colour, dashes, points, the alert band's
fill) is decided by static/js/charts.js, which draws it; the page puts the specification in a
<script type="application/json"> (json_script), never in inline script.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from okrapp.core.numbers import format_decimal

Number = Decimal | float | int

# What a series is, which static/js/charts.js turns into its look.
VALUE = "value"  # the measured values: a key result's, a KPI's, a rolled-up score
OWN = "own"  # a second score beside the main one (a team's own objectives)
IDEAL = "ideal"  # the straight line from start to target
PROJECTION = "projection"  # where the values are heading
TARGET = "target"  # a KPI's target, a level line
THRESHOLD = "threshold"  # a KPI's alert threshold, the band between it and the target
PACE = "pace"  # the expected score on each day if the cycle's work went in a straight line
ROLES = (VALUE, OWN, IDEAL, PROJECTION, TARGET, THRESHOLD, PACE)


def _number(value: Number | None, places: int | None) -> float | None:
    if value is None:
        return None
    return float(value if places is None else round(value, places))


def series(
    label: str, values: Iterable[Number | None], *, role: str = VALUE, places: int | None = None
) -> dict[str, Any]:
    """One line: its label, its role and its values (None leaves a gap, spanned when drawn),
    rounded to `places` decimals when given."""
    if role not in ROLES:
        raise ValueError(f"Unknown chart series role: {role!r}")
    return {"label": str(label), "role": role, "data": [_number(v, places) for v in values]}


def level(
    label: str, value: Number, count: int, *, role: str = TARGET, band: bool = False
) -> dict[str, Any]:
    """A horizontal line at `value` across `count` labels: a target, a threshold. With `band`,
    the area between it and the series before it is a band (the KPI's alert band): "fill"
    says which area, in Chart.js's words ("-1": down to the previous series); its colour is
    the JavaScript's."""
    line = series(label, [value] * count, role=role)
    if band:
        line["fill"] = "-1"
    return line


# Day and month, the month in the language's own abbreviation ("3 févr.", "3 Feb."). Django's
# "M" is not one: in French it mixes "Fév" with English-looking "Jan", "Jul" and "Jui".
DAY_MONTH = "j N"


def date_labels(days: Iterable[datetime.date], date_format_name: str = "SHORT_DATE_FORMAT"):
    """The x axis' labels for these days, in the active language."""
    return [date_format(day, date_format_name) for day in days]


def line_chart(
    *,
    labels: Sequence[str],
    series: Sequence[dict[str, Any]],
    y_title: str = "",
    y_min: Number | None = None,
    y_max: Number | None = None,
    headline: str = "",
) -> dict[str, Any]:
    """The specification static/js/charts.js draws; the y range is only a suggestion (the
    chart widens it for values beyond). `headline` is what the chart says in one sentence
    ("Score 49, up 3 this week, 5 behind pace"), first in its text alternative."""
    spec: dict[str, Any] = {
        "kind": "line",
        "labels": list(labels),
        "datasets": list(series),
        "yTitle": str(y_title),
    }
    if y_min is not None:
        spec["yMin"] = y_min
    if y_max is not None:
        spec["yMax"] = y_max
    if headline:
        spec["headline"] = str(headline)
    return spec


def _shown(value: float | None) -> str:
    return format_decimal(None if value is None else Decimal(str(value)))


def text_alternative(spec: dict[str, Any]) -> dict[str, Any]:
    """What a chart shows, for those who cannot see it: a sentence per measured series (its
    first and latest values, and when), a sentence per level line, and the data as a table's
    columns and rows, each value in the active language (WCAG 1.1.1)."""
    labels = spec["labels"]
    sentences = [spec["headline"].rstrip(".") + "."] if spec.get("headline") else []
    for line in spec["datasets"]:
        points = [(labels[i], v) for i, v in enumerate(line["data"]) if v is not None]
        if not points:
            sentences.append(_("%(series)s: no value yet.") % {"series": line["label"]})
        elif line["role"] in (TARGET, THRESHOLD) and len({v for _label, v in points}) == 1:
            sentences.append(
                _("%(series)s: %(value)s.")
                % {"series": line["label"], "value": _shown(points[0][1])}
            )
        elif line["role"] in (VALUE, OWN):
            (first_when, first), (last_when, last) = points[0], points[-1]
            sentences.append(
                ngettext(
                    "%(series)s: %(last)s on %(last_when)s (%(count)s point).",
                    "%(series)s: from %(first)s on %(first_when)s to %(last)s on %(last_when)s"
                    " (%(count)s points).",
                    len(points),
                )
                % {
                    "series": line["label"],
                    "first": _shown(first),
                    "first_when": first_when,
                    "last": _shown(last),
                    "last_when": last_when,
                    "count": len(points),
                }
            )
    rows = [
        (label, [_shown(line["data"][i]) for line in spec["datasets"]])
        for i, label in enumerate(labels)
    ]
    return {
        "summary": " ".join(sentences),
        "columns": [line["label"] for line in spec["datasets"]],
        "rows": rows,
    }


def svg_points(
    values: Sequence[Number | None],
    *,
    width: int,
    height: int,
    y_min: Number = 0,
    y_max: Number = 100,
    pad: int = 2,
) -> str:
    """A polyline's points ("x,y x,y …") for values over an even x axis, drawn without
    JavaScript (the printed report, the PDF); gaps are skipped."""
    span = float(y_max - y_min) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = []
    for index, value in enumerate(values):
        if value is None:
            continue
        share = (float(value) - float(y_min)) / span
        y = height - pad - max(0.0, min(1.0, share)) * (height - 2 * pad)
        points.append(f"{pad + index * step:.1f},{y:.1f}")
    return " ".join(points)
