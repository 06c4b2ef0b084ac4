"""The scoring rules, exactly: every score shown anywhere comes from objectives.scoring."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from objectives import scoring

D = Decimal
values = st.decimals(min_value=-(10**6), max_value=10**6, places=4, allow_nan=False)
scores = st.decimals(min_value=0, max_value=100, places=6, allow_nan=False)
weights = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        ("0", "100", "0", "0"),
        ("0", "100", "50", "0.5"),
        ("0", "100", "100", "1"),
        ("0", "100", "150", "1"),  # clamped above
        ("0", "100", "-20", "0"),  # clamped below
        ("20", "60", "30", "0.25"),
        ("100", "50", "75", "0.5"),  # decreasing metric: target below start
        ("100", "50", "40", "1"),
        ("100", "50", "120", "0"),
        ("4", "2", "3.1", "0.45"),  # churn from 4 % to 2 %
        ("-10", "10", "0", "0.5"),
    ],
)
def test_progress_table(start, target, current, expected):
    assert scoring.progress(start=D(start), target=D(target), current=D(current)) == D(expected)


def test_progress_refuses_a_target_equal_to_the_start():
    with pytest.raises(ValueError):
        scoring.progress(start=D(5), target=D(5), current=D(5))


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        ("0", "100", "50", "50"),
        ("0", "100", "69.5", "69.5"),
        ("0", "3", "1", "33.33333333333333333333333333"),
        ("200", "100", "125", "75"),
    ],
)
def test_key_result_score_is_a_hundred_times_the_progress(start, target, current, expected):
    score = scoring.key_result_score(start=D(start), target=D(target), current=D(current))
    assert score == D(expected)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        ("0", "1", "0", 0),
        ("0", "1", "0.99", 0),
        ("0", "1", "1", 100),
        ("0", "1", "2", 100),
        ("10", "0", "5", 0),  # decreasing milestone not reached
        ("10", "0", "0", 100),
    ],
)
def test_milestone_scores_zero_or_a_hundred(start, target, current, expected):
    score = scoring.key_result_score(
        start=D(start), target=D(target), current=D(current), is_milestone=True
    )
    assert score == D(expected)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("50", "1"), ("100", "1")], "75"),
        ([("50", "3"), ("100", "1")], "62.5"),
        ([("40", "0"), ("80", "2")], "80"),  # a zero weight leaves the score out
        ([("0", "1")], "0"),
        ([("30", "0"), ("60", "0")], "45"),  # all zero: the plain mean, never lost
    ],
)
def test_objective_score_is_the_weighted_mean(pairs, expected):
    assert scoring.objective_score([(D(s), D(w)) for s, w in pairs]) == D(expected)


def test_objective_without_key_results_has_no_score():
    assert scoring.objective_score([]) is None


def test_negative_weights_are_refused():
    with pytest.raises(ValueError):
        scoring.weighted_mean([(D(50), D(-1))])


def test_mean_leaves_out_objectives_without_score():
    assert scoring.mean([D(40), None, D(60)]) == D(50)
    assert scoring.mean([None, None]) is None
    assert scoring.mean([]) is None


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        (None, None),
        ("0", 0),
        ("69.5", 70),
        ("69.4999", 69),
        ("39.5", 40),
        ("0.5", 1),
        ("99.5", 100),
        ("100", 100),
        ("33.333333", 33),
    ],
)
def test_display_rounds_half_up_to_a_whole_number(score, shown):
    assert scoring.display(None if score is None else D(score)) == shown


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (None, "none"),
        ("100", "green"),
        ("70", "green"),
        ("69.5", "green"),  # shown as 70
        ("69.49", "amber"),
        ("40", "amber"),
        ("39.5", "amber"),  # shown as 40
        ("39.49", "red"),
        ("0", "red"),
    ],
)
def test_bands_are_judged_on_the_displayed_number(score, band):
    assert scoring.band(None if score is None else D(score)) == band


def test_two_decimals_for_the_api():
    assert scoring.two_decimals(D("66.666666")) == D("66.67")
    assert scoring.two_decimals(D("12.345")) == D("12.35")
    assert scoring.two_decimals(None) is None


@given(start=values, target=values, current=values)
def test_progress_is_always_between_zero_and_one(start, target, current):
    assume(start != target)
    result = scoring.progress(start=start, target=target, current=current)
    assert D(0) <= result <= D(1)


@given(start=values, target=values)
def test_reaching_the_target_is_always_a_hundred(start, target):
    assume(start != target)
    assert scoring.key_result_score(start=start, target=target, current=target) == D(100)
    assert scoring.key_result_score(start=start, target=target, current=start) == D(0)


@given(start=values, target=values, a=values, b=values)
def test_moving_towards_the_target_never_lowers_the_score(start, target, a, b):
    assume(start != target)
    # Order a and b so that b is at least as close to the target as a.
    if (target > start) == (a > b):
        a, b = b, a
    low = scoring.key_result_score(start=start, target=target, current=a)
    high = scoring.key_result_score(start=start, target=target, current=b)
    assert low <= high


@given(start=values, target=values, current=values)
def test_decreasing_metric_mirrors_the_increasing_one(start, target, current):
    assume(start != target)
    up = scoring.key_result_score(start=start, target=target, current=current)
    down = scoring.key_result_score(start=-start, target=-target, current=-current)
    assert up == down


@given(start=values, target=values, current=values)
def test_milestone_is_zero_or_a_hundred(start, target, current):
    assume(start != target)
    score = scoring.key_result_score(start=start, target=target, current=current, is_milestone=True)
    assert score in {D(0), D(100)}


@given(st.lists(st.tuples(scores, weights), min_size=1, max_size=8))
def test_weighted_mean_stays_between_the_lowest_and_highest_score(pairs):
    result = scoring.objective_score(pairs)
    present = [score for score, _ in pairs]
    assert min(present) - D("1e-20") <= result <= max(present) + D("1e-20")


@given(st.lists(scores, min_size=1, max_size=8), weights)
def test_equal_weights_give_the_plain_mean(score_list, weight):
    assume(weight > 0)
    result = scoring.objective_score([(score, weight) for score in score_list])
    assert abs(result - scoring.mean(score_list)) < D("1e-20")


@given(scores)
def test_band_agrees_with_the_displayed_number(score):
    shown = scoring.display(score)
    band = scoring.band(score)
    assert band == ("green" if shown >= 70 else "amber" if shown >= 40 else "red")
    assert 0 <= shown <= 100


@pytest.mark.parametrize(
    ("start", "target", "current", "done"),
    [
        ("0", "1", "1", True),
        ("0", "1", "0", False),
        ("10", "0", "0", True),
        ("10", "0", "5", False),
    ],
)
def test_a_milestone_is_done_once_its_value_reaches_the_target(start, target, current, done):
    assert scoring.milestone_done(start=D(start), target=D(target), current=D(current)) is done


def test_a_key_result_never_checked_in_at_its_start_is_not_scored_yet():
    assert (
        scoring.key_result_score_if_scored(
            start=Decimal(0), target=Decimal(10), current=Decimal(0), checked_in=False
        )
        is None
    )


def test_a_key_result_at_its_start_after_a_check_in_scores_zero():
    assert scoring.key_result_score_if_scored(
        start=Decimal(0), target=Decimal(10), current=Decimal(0), checked_in=True
    ) == Decimal(0)


def test_an_objective_is_unscored_until_one_of_its_key_results_is_scored():
    assert scoring.objective_score([(Decimal(0), Decimal(1))], scored=False) is None
    assert scoring.objective_score(
        [(Decimal(60), Decimal(1)), (Decimal(0), Decimal(1))], scored=True
    ) == Decimal(30)
