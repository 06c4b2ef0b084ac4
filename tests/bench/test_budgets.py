"""`make bench`'s verdicts: a page within 3× the trivial page and 250 KB, the same number of
queries at every scale, the roll-up within 0.5 s, a check-in POST within 3×."""

from __future__ import annotations

import pytest

from okrapp.bench import budgets


def page(**changes) -> dict:
    return {
        "key": "board",
        "name": "OKR board",
        "role": "member",
        "status": 200,
        "queries": 12,
        "html_bytes": 120_000,
        "p50_ms": 30.0,
        "p95_ms": 40.0,
        "trivial_p50_ms": 12.0,
        "ratio": 2.5,
        **changes,
    }


def met(verdicts, measure_end: str) -> bool:
    (verdict,) = [v for v in verdicts if v.measure.endswith(measure_end)]
    return verdict.met


@pytest.mark.parametrize(
    ("changes", "p50_met", "html_met"),
    [
        ({}, True, True),
        ({"ratio": 3.0}, True, True),
        ({"ratio": 3.01}, False, True),
        ({"html_bytes": 250_000}, True, True),
        ({"html_bytes": 250_001}, True, False),
        ({"status": 500, "ratio": 0.5}, False, True),
    ],
)
def test_a_page_meets_its_time_and_size_budgets(changes, p50_met, html_met):
    verdicts = budgets.page_verdicts(page(**changes), {})
    assert met(verdicts, ": p50") is p50_met
    assert met(verdicts, ": HTML") is html_met


def test_a_page_whose_query_count_grew_with_the_organisation_misses():
    verdicts = budgets.page_verdicts(page(queries=13), {"0.1": {"board": 12}, "4": {"board": 13}})
    queries = [v for v in verdicts if v.measure.endswith("SQL queries")]
    assert [v.met for v in queries] == [False, True]


def test_without_runs_at_other_scales_no_query_verdict_is_claimed():
    verdicts = budgets.page_verdicts(page(), {"1": {"dashboard": 9}})
    assert not [v for v in verdicts if v.measure.endswith("SQL queries")]


def test_the_report_names_every_missed_budget():
    results = {
        "database": "postgresql",
        "scale": 1.0,
        "counts": {"people": 5000},
        "build_seconds": None,
        "rollup": {
            "seconds": 0.7,
            "queries": 11,
            "snapshots_created": 10,
            "second_run_seconds": 0.1,
            "second_run_writes": 0,
        },
        "kpi_import": {"rows": 5000, "preview_seconds": 0.2, "import_seconds": 0.4},
        "checkin_post": {
            "p50_ms": 20.0,
            "p95_ms": 25.0,
            "queries": 19,
            "trivial_p50_ms": 9.0,
            "ratio": 2.2,
        },
        "pages": [page(), page(key="alignment", name="Alignment", ratio=20.0)],
    }
    verdicts = budgets.all_verdicts(results, {})
    text = budgets.report(results, verdicts)
    assert "Budgets: 4 of 6 met." in text
    assert "MISSED  roll-up: 0.700 s (budget ≤ 0.5 s)" in text
    assert "MISSED  Alignment (member): p50" in text
    (alignment_row,) = [line for line in text.splitlines() if line.startswith("Alignment ")]
    assert alignment_row.endswith("MISSED: p50")
