"""The quarterly review's reading of a team (objectives.review): a table, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from objectives.review import REGULAR_CHECKINS, ObjectiveRow, diagnose, review


@pytest.mark.parametrize(
    ("score", "discipline", "reading"),
    [
        (None, Decimal("0.9"), "no_data"),
        (Decimal(20), Decimal("0.9"), "targets"),
        (Decimal(20), Decimal("0.2"), "cadence"),
        (Decimal(20), None, "cadence"),
        (Decimal(55), Decimal("0.9"), "midway"),
        (Decimal(55), Decimal("0.3"), "cadence"),
        (Decimal("69.5"), REGULAR_CHECKINS, "healthy"),
        (Decimal(90), Decimal("0.1"), "unfollowed"),
    ],
)
def test_the_reading_weighs_the_score_against_the_check_in_discipline(score, discipline, reading):
    assert diagnose(score=score, discipline=discipline) == reading


def test_low_scores_with_regular_check_ins_point_at_the_targets():
    result = review([ObjectiveRow("committed", Decimal(10))], checked_weeks=9, expected_weeks=10)
    with translation.override("en"):
        assert "targets or the strategy" in result.message


def test_the_review_counts_bands_and_expectations_met():
    result = review(
        [
            ObjectiveRow("committed", Decimal(100)),
            ObjectiveRow("committed", Decimal(80)),
            ObjectiveRow("aspirational", Decimal(70)),
            ObjectiveRow("aspirational", Decimal(30)),
            ObjectiveRow("committed", None),
        ],
        checked_weeks=6,
        expected_weeks=12,
    )
    assert result.bands == {"green": 3, "amber": 0, "red": 1, "none": 1}
    assert (result.committed_met, result.committed) == (1, 3)
    assert (result.aspirational_met, result.aspirational) == (1, 2)
    assert result.discipline == Decimal("0.5")


def test_without_key_results_the_discipline_is_unknown():
    assert review([], checked_weeks=0, expected_weeks=0).discipline is None
