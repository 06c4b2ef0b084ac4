"""Exports are safe to open in a spreadsheet: a text cell that would run as a formula is
neutralised the OWASP way (a leading apostrophe), numbers stay numbers, and the product's own
import reads its exports back unchanged."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis import csvformat, services
from kpis.models import Measurement
from okrapp.core.permissions import viewer_for
from tests.factories import KPIFactory, MeasurementFactory

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_cell_that_starts_a_formula_gets_an_apostrophe(text):
    assert csvformat.format_cell(text) == "'" + text


@pytest.mark.parametrize("text", [*FORMULAS, "'quoted", "'=x", "plain", "", "'"])
def test_every_text_cell_reads_back_as_it_was(text):
    assert csvformat.restore(csvformat.format_cell(text)) == text


def test_a_negative_number_stays_a_number():
    assert csvformat.format_cell(Decimal("-3.5000")) == "-3.5"


def test_the_board_export_neutralises_a_kpi_named_as_a_formula(client, member, team):
    KPIFactory(team=team, owner=member, name=FORMULAS[0], unit="=1+1")
    client.force_login(member)
    body = client.get(reverse("kpis:board_export")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(" in body and "'=1+1" in body
    assert "\n=" not in body and ",=" not in body and ";=" not in body


def test_a_note_that_looks_like_a_formula_is_neutralised_and_imports_back_unchanged(lead, team):
    kpi = KPIFactory(team=team, owner=lead)
    MeasurementFactory(kpi=kpi, period_date=datetime.date(2026, 1, 31), value=-3, note="@SUM(A1)")
    exported = services.measurements_csv(kpi)
    assert exported.splitlines()[1] == "2026-01-31,-3,'@SUM(A1)"
    counts = services.import_apply(
        viewer=viewer_for(lead), kpi=kpi, text=exported, recorded_by=lead
    )
    assert counts["unchanged"] == 1
    assert Measurement.objects.get(kpi=kpi).note == "@SUM(A1)"
