"""The template components of values and titles: the rules stay in Python, the templates show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from objectives.models import KeyResult, Objective
from tests.factories import ObjectiveFactory

VALUE = Template("{% load okr %}{% key_result_value kr value %}")


def value_of(key_result: KeyResult, value) -> str:
    with translation.override("en"):
        return VALUE.render(Context({"kr": key_result, "value": value}))


def test_a_value_shows_with_its_unit_joined_by_a_non_breaking_space():
    key_result = KeyResult(kind=KeyResult.Kind.NUMERIC, start_value=0, target_value=50, unit="%")
    assert value_of(key_result, Decimal("12.50")) == "12.5\u00a0%"
    assert value_of(key_result, None) == "—"


def test_a_milestone_value_reads_done_or_not_done():
    key_result = KeyResult(kind=KeyResult.Kind.MILESTONE, start_value=0, target_value=1)
    assert value_of(key_result, Decimal(1)) == "Done"
    assert value_of(key_result, Decimal(0)) == "Not done"


def test_a_percentage_without_a_unit_of_its_own_shows_percent():
    assert KeyResult(kind=KeyResult.Kind.PERCENTAGE, unit="").display_unit == "%"
    assert KeyResult(kind=KeyResult.Kind.PERCENTAGE, unit="pts").display_unit == "pts"
    assert KeyResult(kind=KeyResult.Kind.NUMERIC, unit="").display_unit == ""


def test_only_a_weight_other_than_the_default_is_worth_showing():
    assert not KeyResult(weight=Decimal(1)).is_weighted
    assert KeyResult(weight=Decimal("0.5")).is_weighted


def title(**context) -> str:
    with translation.override("en"):
        return render_to_string("components/objective_title.html", context)


def test_a_hidden_objective_shows_as_private_whatever_is_asked():
    objective = Objective(pk=1, title="Secret plan")
    key_result = KeyResult(title="Secret figure")
    assert title(visible=False, objective=objective) == ('<em class="muted">Private objective</em>')
    assert "Secret" not in title(visible=False, objective=objective, key_result=key_result)


def test_a_key_result_line_gives_its_objective_after_it_or_below():
    objective = Objective(pk=1, title="Grow")
    key_result = KeyResult(title="Reach 500")
    inline = title(visible=True, objective=objective, key_result=key_result)
    assert inline == 'Reach 500<span class="muted small"> · Grow</span>'
    stacked = title(visible=True, objective=objective, key_result=key_result, stacked=True)
    assert stacked == 'Reach 500<div class="muted small">Grow</div>'


@pytest.mark.django_db
def test_a_visible_objective_links_to_its_page_with_a_private_pill_when_private():
    objective = ObjectiveFactory(title="Grow", visibility=Objective.Visibility.PRIVATE)
    html = title(visible=True, objective=objective)
    assert html == (f'<a href="/okrs/{objective.pk}/">Grow</a> <span class="pill">Private</span>')
