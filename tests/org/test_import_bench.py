"""The org-import benchmark works (at a small size here; `manage.py bench_org_import` runs the
10,000 rows) and leaves the database as it was."""

from __future__ import annotations

import pytest

from okrapp.bench import orgimport
from okrapp.core.models import User

pytestmark = pytest.mark.django_db


def test_the_benchmark_imports_then_changes_nothing_and_rolls_back(company):
    results = orgimport.measure(people=300, teams=20)
    assert results["errors"] == 0
    assert results["created"] == 300
    assert results["again_changes_anything"] is False
    assert not User.objects.filter(email__endswith="@import.example").exists()


def test_the_import_issues_a_bounded_number_of_queries_per_team_not_per_person(company):
    small = orgimport.measure(people=100, teams=10)
    large = orgimport.measure(people=1000, teams=10)
    # Ten times the people: only the bulk inserts' batches (SQLite's limit on parameters) add up.
    assert large["import"]["queries"] <= small["import"]["queries"] + 30
    assert large["again"]["queries"] == small["again"]["queries"]
