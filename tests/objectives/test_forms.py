from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.forms import KeyResultForm
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
