"""The bench organisation at a small scale: every kind of row, and the things measured."""

from __future__ import annotations

import pytest
from django.test import Client

from kpis.models import KPI, KeyResultLink, Measurement
from okrapp.bench import organisation as bench
from okrapp.bench.middleware import HEADER, QueryCountHeaderMiddleware

pytestmark = pytest.mark.django_db


def test_the_organisation_has_every_kind_of_row_at_a_small_scale():
    org = bench.build(0.01, log=lambda _line: None)
    counts = bench.counts()
    assert counts["people"] == 50 and counts["kpis"] == 10
    assert counts["measurements"] == 10 * bench.MONTHS_OF_MEASUREMENTS - 2  # one stale KPI
    assert KeyResultLink.objects.count() == 1
    assert KPI.objects.filter(visibility=KPI.Visibility.PRIVATE).exists()
    assert org.key_result.objective == org.objective
    assert org.objective.owner == org.member and not org.member.is_staff
    assert org.admin.is_staff and org.leaf.depth == counts["team_levels"] - 1


def test_the_organisation_is_found_again_as_it_was_built():
    built = bench.build(0.01, log=lambda _line: None)
    found = bench.find(bench.existing_bench())
    assert (found.member, found.objective, found.kpi) == (built.member, built.objective, built.kpi)


def test_measurements_of_the_stale_kpi_stop_two_months_ago():
    bench.build(0.01, log=lambda _line: None)
    stale = KPI.objects.order_by("pk").first()
    assert Measurement.objects.filter(kpi=stale).count() == bench.MONTHS_OF_MEASUREMENTS - 2


def test_the_query_count_header_counts_the_answers_queries(settings):
    settings.MIDDLEWARE = [
        "okrapp.bench.middleware.QueryCountHeaderMiddleware",
        *settings.MIDDLEWARE,
    ]
    answer = Client().get("/healthz")
    assert answer[HEADER] == "0"
    assert QueryCountHeaderMiddleware  # the class settings name


def test_the_query_count_header_is_off_unless_the_bench_asks(client):
    assert HEADER not in client.get("/accounts/login/")
