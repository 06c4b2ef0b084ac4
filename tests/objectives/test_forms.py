from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import QueryDict

from objectives.forms import (
    MAX_ROWS,
    KeyResultForm,
    coach_owner_id,
    editor_data,
    editor_initial,
    row_prefixes,
)
from okrapp.core.permissions import viewer_for
from tests.factories import KeyResultFactory

pytestmark = pytest.mark.django_db


def test_an_existing_key_result_value_moves_by_check_ins_only():
    key_result = KeyResultFactory(current_value=Decimal(30))
    form = KeyResultForm(
        instance=key_result,
        data={
            "title": key_result.title,
            "kind": "numeric",
            "start_value": "0",
            "target_value": "100",
            "current_value": "99",
            "weight": "1",
            "position": "0",
        },
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["current_value"] == Decimal(30)


def test_a_new_key_result_row_leaves_the_current_value_empty():
    # Prefilled with 0, a decreasing key result (start 10, target 2) would start at 100.
    form = KeyResultForm()
    assert form["current_value"].value() is None
    assert 'name="current_value"' in str(form["current_value"])
    assert 'value="' not in str(form["current_value"])


def test_an_untouched_new_row_is_no_change():
    form = KeyResultForm(
        data={
            "title": "",
            "kind": "numeric",
            "start_value": "0",
            "target_value": "",
            "current_value": "",
            "unit": "",
            "weight": "1",
            "owner": "",
            "position": "2",
        }
    )
    assert not form.has_changed()


def _row(**values) -> dict:
    return {
        "title": "Reach 500 subscribers",
        "kind": "numeric",
        "start_value": "0",
        "target_value": "500",
        "weight": "1",
        "position": "0",
        **values,
    }


@pytest.mark.parametrize("field", ["start_value", "target_value", "weight"])
@pytest.mark.parametrize("value", ["sNaN", "NaN", "Infinity", "-Infinity", "1e30", "beaucoup"])
def test_a_key_result_number_that_is_not_finite_is_a_field_error_not_a_crash(field, value):
    form = KeyResultForm(data=_row(**{field: value}), initial={field: Decimal(1)})
    assert not form.is_valid()
    assert field in form.errors
    assert field in form.changed_data


@pytest.mark.parametrize(
    ("typed", "expected"), [("0,6", "0.6"), ("1 234,5", "1234.5"), ("1,234.5", "1234.5")]
)
def test_the_editor_reads_numbers_as_people_write_them(typed, expected):
    form = KeyResultForm(data=_row(target_value=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target_value"] == Decimal(expected)


def test_a_weight_keeps_its_two_decimal_places():
    assert KeyResultForm(data=_row(weight="0,5")).is_valid()
    form = KeyResultForm(data=_row(weight="0,125"))
    assert not form.is_valid() and "weight" in form.errors


# The editor's raw data ---------------------------------------------------------------------


def test_the_rows_of_raw_editor_data_follow_its_total_forms_within_a_limit():
    assert row_prefixes({"kr-TOTAL_FORMS": "2"}) == ["kr-0", "kr-1"]
    assert row_prefixes({"kr-TOTAL_FORMS": "many"}) == []
    assert len(row_prefixes({"kr-TOTAL_FORMS": "100000"})) == MAX_ROWS


def test_adding_a_row_without_javascript_counts_one_more_form():
    post = QueryDict("kr-TOTAL_FORMS=2&add_row=1")
    assert editor_data(post)["kr-TOTAL_FORMS"] == "3"
    assert post["kr-TOTAL_FORMS"] == "2"  # the request's data is left as it was
    assert editor_data(QueryDict("kr-TOTAL_FORMS=x&add_row=1"))["kr-TOTAL_FORMS"] == "x"
    plain = QueryDict("kr-TOTAL_FORMS=2")
    assert editor_data(plain) is plain


def test_the_coach_reads_the_owner_only_when_it_is_an_id():
    assert coach_owner_id({"owner": "12"}) == 12
    assert coach_owner_id({"owner": "twelve"}) is None
    assert coach_owner_id({}) is None


def test_a_leads_new_objective_defaults_to_their_team(lead, team):
    initial = editor_initial(viewer_for(lead), QueryDict(""))
    assert initial == {"owner": lead.pk, "level": "team", "team": team.pk}


def test_a_members_new_objective_defaults_to_their_own_and_keeps_the_asked_parent(member):
    initial = editor_initial(viewer_for(member), QueryDict("level=company&parent=7"))
    assert initial == {"owner": member.pk, "level": "individual", "parent": 7}


def test_team_options_are_indented_without_a_stray_dot(db):
    from objectives.forms import team_label
    from tests.factories import TeamFactory, company_team

    company = company_team()
    team = TeamFactory(name="Marketing", parent=company)
    sub = TeamFactory(name="Content", parent=team)
    assert [team_label(t) for t in (company, team, sub)] == [
        company.name,
        "\u00a0\u00a0\u00a0Marketing",
        "\u00a0" * 6 + "Content",
    ]
