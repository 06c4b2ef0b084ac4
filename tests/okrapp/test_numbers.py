"""One way to read and write numbers: forms, CSV and templates share okrapp.core.numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from okrapp.core import numbers
from okrapp.core.forms import LocalizedDecimalField


class ValueForm(forms.Form):
    value = LocalizedDecimalField()


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (Decimal("12.5000"), "12.5", "12,5"),
        (Decimal("50.0000"), "50", "50"),
        (Decimal("1234.5"), "1,234.5", "1\u202f234,5"),
    ],
)
def test_a_value_reads_in_the_active_language(value, english, french):
    with translation.override("en"):
        assert numbers.format_decimal(value) == english
    with translation.override("fr"):
        assert numbers.format_decimal(value).replace("\xa0", "\u202f") == french


def test_no_value_reads_as_an_em_dash():
    assert numbers.format_decimal(None) == "—"
    assert numbers.format_with_unit(None, "%") == "—"


def test_a_unit_follows_its_value_without_a_line_break():
    with translation.override("en"):
        assert numbers.format_with_unit(Decimal("45"), "%") == "45\u00a0%"


@pytest.mark.parametrize("mark", [".", ","])
def test_a_plain_value_is_what_a_person_types(mark):
    assert numbers.plain_decimal(Decimal("12.5000"), decimal_mark=mark) == f"12{mark}5"
    assert numbers.plain_decimal(Decimal("50.0000"), decimal_mark=mark) == "50"


@pytest.mark.parametrize("typed", ["1 234,5", "1234.5", "1\u202f234,50 €"])
def test_a_form_reads_a_number_as_people_write_it(typed):
    form = ValueForm({"value": typed})
    assert form.is_valid()
    assert form.cleaned_data["value"] == Decimal("1234.5")


@pytest.mark.parametrize("typed", ["NaN", "sNaN", "Infinity", "1e30", "beaucoup"])
def test_a_form_refuses_what_is_not_a_number_with_a_field_error(typed):
    with translation.override("fr"):
        form = ValueForm({"value": typed})
        assert not form.is_valid()
        assert "pas un nombre" in form.errors["value"][0]


def test_an_unchanged_value_is_not_a_change_however_it_is_written():
    form = ValueForm({"value": "12,50"}, initial={"value": Decimal("12.5")})
    assert not form.has_changed()


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("fr", "0,6", "0.6"),
        ("fr", "1 234,5", "1234.5"),
        ("fr", "1\u202f234,5", "1234.5"),
        ("fr", "1.234,5", "1234.5"),
        ("fr", "-3,25", "-3.25"),
        ("fr", "45 %", "45"),
        ("fr", "1,234", "1.234"),  # a French comma is a decimal mark
        ("en", "0.6", "0.6"),
        ("en", "1,234.5", "1234.5"),
        ("en", "1,234", "1234"),  # an English comma groups thousands
        ("en", "1,234,567", "1234567"),
        ("en", "0,6", "0.6"),  # not a thousands group: a decimal comma, as typed
        ("en", "0,125", "0.125"),
        ("en", "-3.25", "-3.25"),
        ("en", "1 234.5", "1234.5"),
    ],
)
def test_the_form_parser_reads_each_language_as_its_people_write(language, typed, read):
    with translation.override(language):
        form = ValueForm({"value": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["value"] == Decimal(read)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("value", ["0.6", "1234.5", "-3.25", "1000000"])
def test_what_a_page_shows_reads_back_as_the_same_number(language, value):
    with translation.override(language):
        shown = numbers.format_decimal(Decimal(value))
        form = ValueForm({"value": shown})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["value"] == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("0", None),
        ("-3", None),
        ("²", None),
        ("١٢", None),
        ("12a", None),
        ("", None),
        (None, None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        ("9" * 40, None),
    ],
)
def test_an_id_from_a_query_string_is_one_the_database_can_hold(raw, expected):
    assert numbers.parse_id(raw) == expected
