"""CSV import of measurements: spreadsheets' formats, preview, all-or-nothing, idempotence."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kpis import csvformat, selectors, services
from kpis.models import Measurement
from okrapp.core import numbers
from okrapp.core.permissions import viewer_for
from tests.factories import KPIFactory, MeasurementFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234.5", "1234.5"),
        ("1234,5", "1234.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("1\u202f234,5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("1,234,567", "1234567"),
        ("-3", "-3"),
        ("45 %", "45"),
        ("1\u202f234,50\u00a0€", "1234.5"),
        ("$1,234.50", "1234.5"),
        ("0,123456", "0.1235"),
    ],
)
def test_numbers_are_read_as_spreadsheets_write_them(raw, expected):
    assert numbers.parse_decimal(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", "abc", "12a", "1.2.3", "NaN", "Infinity", "1e30"])
def test_what_is_not_a_number_is_refused(raw):
    with pytest.raises(numbers.NumberError):
        numbers.parse_decimal(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2026-01-31", D(2026, 1, 31)), ("31/01/2026", D(2026, 1, 31)), ("5/2/2026", D(2026, 2, 5))],
)
def test_dates_are_iso_or_day_first(raw, expected):
    assert csvformat.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["", "2026-02-30", "31/13/2026", "01-31-26", "janvier"])
def test_what_is_not_a_date_is_refused(raw):
    with pytest.raises(csvformat.ParseError):
        csvformat.parse_date(raw)


def test_french_spreadsheet_rows_with_header_and_semicolons():
    rows = csvformat.parse_rows("Date;Valeur;Note\n31/01/2026;1 234,5;soldes\n28/02/2026;987,25;\n")
    assert [(row.period_date, row.value, row.note, row.error) for row in rows] == [
        (D(2026, 1, 31), Decimal("1234.5"), "soldes", ""),
        (D(2026, 2, 28), Decimal("987.25"), "", ""),
    ]


def test_comma_separated_rows_without_header_and_a_quoted_french_number():
    rows = csvformat.parse_rows('2026-01-31,"12,5",first\n2026-02-28,13.5\n')
    assert [(row.value, row.note) for row in rows] == [
        (Decimal("12.5"), "first"),
        (Decimal("13.5"), ""),
    ]


def test_blank_lines_are_skipped_and_line_numbers_kept():
    rows = csvformat.parse_rows("date,value\n\n2026-01-31,1\n\n2026-02-28,x\n")
    assert [(row.line, bool(row.error)) for row in rows] == [(3, False), (5, True)]


def test_a_date_twice_in_the_file_is_an_error_on_the_second_row():
    rows = csvformat.parse_rows("2026-01-31;1\n2026-01-31;2\n")
    assert rows[0].error == ""
    assert "line 1" in rows[1].error


def test_old_mac_line_endings_are_read_like_any_other():
    rows = csvformat.parse_rows("2026-01-31;1\r2026-02-28;2\r")
    assert [(row.period_date, row.value, row.error) for row in rows] == [
        (D(2026, 1, 31), Decimal(1), ""),
        (D(2026, 2, 28), Decimal(2), ""),
    ]


def test_a_quote_left_open_is_an_error_row_not_a_crash():
    rows = csvformat.parse_rows('2026-01-31;"12\n' + "x" * 200_000 + "\n")
    assert len(rows) == 1 and "quote" in rows[0].error


def test_a_binary_file_gives_error_rows_not_a_crash():
    text = csvformat.decode(bytes(range(256)) * 10)
    rows = csvformat.parse_rows(text)
    assert rows and all(row.error for row in rows)


def test_export_writes_iso_dates_and_dots():
    text = csvformat.write_rows(
        [(D(2026, 1, 31), Decimal("1234.5000"), "a, b"), (D(2026, 2, 28), Decimal("7.0000"), "")],
        header=["date", "value", "note"],
    )
    assert text == 'date,value,note\n2026-01-31,1234.5,"a, b"\n2026-02-28,7,\n'


# The import services ------------------------------------------------------------------------

pytestmark = pytest.mark.django_db

FRENCH_FILE = "Date;Valeur;Note\n31/01/2026;1 234,5;janvier\n28/02/2026;1 300,25;\n"


@pytest.fixture
def kpi(lead):
    return KPIFactory(target_value=Decimal(1000), owner=lead)


def import_apply(kpi, text, *, by):
    return services.import_apply(viewer=viewer_for(by), kpi=kpi, text=text, recorded_by=by)


def test_preview_says_row_by_row_what_the_import_would_do(kpi):
    MeasurementFactory(kpi=kpi, period_date=D(2026, 1, 31), value=Decimal(1000))
    MeasurementFactory(kpi=kpi, period_date=D(2026, 2, 28), value=Decimal("1300.25"))
    preview = selectors.import_preview(
        kpi=kpi, text=FRENCH_FILE + "31/03/2026;1 400;\n30/04/2026;beaucoup;\n"
    )
    assert [row.outcome for row in preview.rows] == ["updated", "unchanged", "created", "error"]
    assert preview.counts == {"created": 1, "updated": 1, "unchanged": 1, "errors": 1}
    assert preview.rows[0].previous == Decimal(1000)
    assert "beaucoup" in preview.rows[3].error
    assert not preview.is_valid


def test_preview_writes_nothing(kpi, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        selectors.import_preview(kpi=kpi, text=FRENCH_FILE)
    assert not Measurement.objects.exists()


def test_import_reads_french_number_formats(kpi, lead):
    counts = import_apply(kpi, FRENCH_FILE, by=lead)
    assert counts == {"created": 2, "updated": 0, "unchanged": 0}
    assert list(Measurement.objects.order_by("period_date").values_list("value", "note")) == [
        (Decimal("1234.5"), "janvier"),
        (Decimal("1300.25"), ""),
    ]


def test_import_is_all_or_nothing(kpi, lead):
    MeasurementFactory(kpi=kpi, period_date=D(2026, 1, 31), value=Decimal(1))
    with pytest.raises(ValidationError):
        import_apply(kpi, FRENCH_FILE + "31/02/2026;12\n", by=lead)
    assert list(Measurement.objects.values_list("period_date", "value")) == [
        (D(2026, 1, 31), Decimal(1))
    ]


def test_reimporting_the_same_file_changes_nothing(kpi, lead):
    import_apply(kpi, FRENCH_FILE, by=lead)
    before = list(Measurement.objects.order_by("pk").values())
    counts = import_apply(kpi, FRENCH_FILE, by=lead)
    assert counts == {"created": 0, "updated": 0, "unchanged": 2}
    assert list(Measurement.objects.order_by("pk").values()) == before


def test_importing_a_period_again_updates_it_rather_than_duplicating(kpi, lead):
    import_apply(kpi, FRENCH_FILE, by=lead)
    import_apply(kpi, "2026-01-31,1500\n", by=lead)
    assert Measurement.objects.count() == 2
    assert Measurement.objects.get(period_date=D(2026, 1, 31)).value == Decimal(1500)


def test_an_empty_file_is_refused(kpi, lead):
    with pytest.raises(ValidationError):
        import_apply(kpi, "date;value\n", by=lead)


def test_export_of_a_kpi_imports_back_unchanged(kpi, lead):
    import_apply(kpi, FRENCH_FILE, by=lead)
    exported = services.measurements_csv(kpi)
    assert exported.splitlines()[1] == "2026-01-31,1234.5,janvier"
    assert import_apply(kpi, exported, by=lead)["unchanged"] == 2
