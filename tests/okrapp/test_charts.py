"""The chart builder: data only, the look is the JavaScript's (static/js/charts.js)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from okrapp.core import charts


def test_a_series_carries_its_label_role_and_values_as_numbers():
    line = charts.series("Value", [Decimal("12.5"), None, 3])
    assert line == {"label": "Value", "role": "value", "data": [12.5, None, 3.0]}


def test_a_series_rounds_its_values_when_asked():
    line = charts.series("Score", [Decimal("66.666"), None], role=charts.OWN, places=1)
    assert line["data"] == [66.7, None]
    assert line["role"] == "own"


def test_a_series_has_no_colour_or_style():
    line = charts.series("Value", [1, 2])
    assert set(line) == {"label", "role", "data"}


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        charts.series("Value", [1], role="blue")


def test_a_level_is_a_flat_line_across_the_labels():
    assert charts.level("Target", Decimal(50), 3)["data"] == [50.0, 50.0, 50.0]
    assert charts.level("Target", Decimal(50), 3)["role"] == "target"


def test_a_band_level_says_it_fills_down_to_the_series_before():
    threshold = charts.level("Alert", 40, 2, role=charts.THRESHOLD, band=True)
    assert threshold["fill"] == "-1"
    assert "fill" not in charts.level("Target", 50, 2)


def test_date_labels_follow_the_active_language():
    day = datetime.date(2026, 1, 31)
    with translation.override("fr"):
        assert charts.date_labels([day]) == ["31/01/2026"]
    with translation.override("en"):
        assert charts.date_labels([day], charts.DAY_MONTH) == ["31 Jan."]


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("fr", ["1 jan.", "1 fév.", "1 juin", "1 juil.", "1 sept."]),
        ("en", ["1 Jan.", "1 Feb.", "1 June", "1 July", "1 Sept."]),
    ],
)
def test_month_abbreviations_are_all_in_one_language(language, labels):
    days = [datetime.date(2026, month, 1) for month in (1, 2, 6, 7, 9)]
    with translation.override(language):
        assert charts.date_labels(days, charts.DAY_MONTH) == labels


def test_a_line_chart_gives_its_kind_labels_series_and_axis():
    spec = charts.line_chart(
        labels=["a", "b"], series=[charts.series("Value", [1, 2])], y_title="leads"
    )
    assert spec == {
        "kind": "line",
        "labels": ["a", "b"],
        "datasets": [{"label": "Value", "role": "value", "data": [1.0, 2.0]}],
        "yTitle": "leads",
    }


def test_a_line_chart_suggests_its_y_range_only_when_given():
    spec = charts.line_chart(labels=[], series=[], y_min=0, y_max=100)
    assert (spec["yMin"], spec["yMax"]) == (0, 100)


def kpi_like_chart() -> dict:
    labels = ["01/10/2026", "08/10/2026", "15/10/2026"]
    return charts.line_chart(
        labels=labels,
        series=[
            charts.series("Visits", [Decimal("1200"), None, Decimal("1534.5")]),
            charts.level("Target", 1500, len(labels)),
        ],
    )


def test_the_text_alternative_says_where_a_series_went_from_and_to():
    with translation.override("en"):
        text = charts.text_alternative(kpi_like_chart())
    expected = "Visits: from 1,200 on 01/10/2026 to 1,534.5 on 15/10/2026 (2 points)."
    assert expected in text["summary"]


def test_the_text_alternative_names_a_level_line_once():
    with translation.override("en"):
        text = charts.text_alternative(kpi_like_chart())
    assert text["summary"].endswith("Target: 1,500.")


def test_the_text_alternative_speaks_the_active_language():
    with translation.override("fr"):
        text = charts.text_alternative(kpi_like_chart())
    assert "Visits : de 1\xa0200 le 01/10/2026 à 1\xa0534,5" in text["summary"]


def test_the_data_table_has_a_row_per_label_and_a_dash_for_a_gap():
    with translation.override("en"):
        text = charts.text_alternative(kpi_like_chart())
    assert text["columns"] == ["Visits", "Target"]
    assert text["rows"][1] == ("08/10/2026", ["—", "1,500"])


def test_a_series_without_any_value_says_so():
    chart = charts.line_chart(labels=["a"], series=[charts.series("Score", [None])])
    with translation.override("en"):
        assert charts.text_alternative(chart)["summary"] == "Score: no value yet."


def test_a_charts_headline_comes_first_in_its_text_alternative():
    from okrapp.core import charts as chart_specs

    spec = chart_specs.line_chart(
        labels=["1 Oct", "8 Oct"],
        series=[
            chart_specs.series("Score", [40, 49]),
            chart_specs.series("Expected pace", [44, 54], role=chart_specs.PACE),
        ],
        headline="Score 49, up 9 this week, 5 behind pace",
    )
    from django.utils import translation

    with translation.override("en"):
        text = chart_specs.text_alternative(spec)
    assert text["summary"].startswith("Score 49, up 9 this week, 5 behind pace. Score:")
    assert text["columns"] == ["Score", "Expected pace"]
