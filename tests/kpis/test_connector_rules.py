"""The connectors' rules as tables: which addresses are refused, how a JSON path and CSV
columns are read."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from kpis.connectors import extract
from kpis.connectors.network import ConnectorError, address_refused, check_url

TODAY = datetime.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("address", "refused_by_default", "refused_when_allowed"),
    [
        ("93.184.216.34", False, False),
        ("2606:2800:220:1:248:1893:25c8:1946", False, False),
        ("127.0.0.1", True, False),
        ("127.8.9.10", True, False),
        ("::1", True, False),
        ("10.0.0.1", True, False),
        ("172.16.5.4", True, False),
        ("192.168.1.1", True, False),
        ("100.64.0.1", True, False),
        ("169.254.10.10", True, False),
        ("fe80::1", True, False),
        ("fc00::1", True, False),
        ("::ffff:127.0.0.1", True, False),
        ("169.254.169.254", True, True),
        ("fd00:ec2::254", True, True),
        ("::ffff:169.254.169.254", True, True),
        ("0.0.0.0", True, True),
        ("::", True, True),
        ("224.0.0.1", True, True),
        ("ff02::1", True, True),
        ("240.0.0.1", True, True),
    ],
)
def test_connectors_refuse_private_local_and_metadata_addresses(
    address, refused_by_default, refused_when_allowed
):
    assert address_refused(address, allow_private=False) is refused_by_default
    assert address_refused(address, allow_private=True) is refused_when_allowed


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/metrics",
        "http://localhost:8000/metrics",  # a DNS name that resolves to 127.0.0.1
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
        "ftp://example.com/file.csv",
        "file:///etc/passwd",
        "gopher://example.com/",
        "http:///no-host",
        "http://user:password@example.com/",
        "",
    ],
)
def test_an_address_a_connector_may_not_fetch_is_refused_before_any_request(settings, url):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(ConnectorError) as refused:
        check_url(url)
    assert refused.value.field == "source_url"
    assert refused.value.message


def test_the_switch_lets_connectors_reach_the_local_network_but_never_cloud_metadata(settings):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = True
    check_url("http://localhost:8000/metrics")
    with pytest.raises(ConnectorError):
        check_url("http://169.254.169.254/latest/meta-data/")


@pytest.mark.parametrize(
    ("document", "value_path", "date_path", "expected"),
    [
        ('{"data": {"total": 42}}', "data.total", "", [(TODAY, "42")]),
        (
            '{"data": {"metrics": [{"value": 12.5}]}}',
            "data.metrics[0].value",
            "",
            [(TODAY, "12.5")],
        ),
        ('{"v": "1 234,5"}', "v", "", [(TODAY, "1234.5")]),
        ('{"v": "1234.5"}', "v", "", [(TODAY, "1234.5")]),
        ('{"v": 3, "d": "2026-02-28"}', "v", "d", [(datetime.date(2026, 2, 28), "3")]),
        ('{"v": 3, "d": "28/02/2026"}', "v", "d", [(datetime.date(2026, 2, 28), "3")]),
        ('{"v": 3, "d": "2026-02-28T23:00:00Z"}', "v", "d", [(datetime.date(2026, 2, 28), "3")]),
        (
            '{"rows": [{"day": "2026-01-31", "n": 5}, {"day": "2026-02-28", "n": 7}]}',
            "rows[*].n",
            "rows[*].day",
            [(datetime.date(2026, 1, 31), "5"), (datetime.date(2026, 2, 28), "7")],
        ),
        ('{"a-b": {"c": 1}}', '"a-b".c', "", [(TODAY, "1")]),
    ],
)
def test_a_json_path_reads_values_and_dates(document, value_path, date_path, expected):
    items = extract.json_items(
        document.encode(), value_path=value_path, date_path=date_path, today=TODAY
    )
    assert [(item["period_date"], item["value"]) for item in items] == [
        (day, Decimal(value)) for day, value in expected
    ]


@pytest.mark.parametrize(
    ("document", "value_path", "date_path", "message"),
    [
        ('{"data": {}}', "data.total", "", "The response has no field data.total."),
        ("<html>", "data.total", "", "The response is not JSON."),
        ('{"v": "many"}', "v", "", "The field v is not a number"),
        ('{"v": true}', "v", "", "The field v is not a number."),
        ('{"v": {"x": 1}}', "v", "", "The field v is not a number."),
        ('{"v": 1, "d": "soon"}', "v", "d", "The field d is not a date"),
        ('{"v": [1, 2]}', "v", "", "v gives a list"),
        ('{"v": 1}', "v", "d", "The response has no field d."),
        ('{"v": 1}', "v[", "", "“v[” is not a valid path"),
    ],
)
def test_a_json_document_that_does_not_fit_says_why_in_plain_language(
    document, value_path, date_path, message
):
    with pytest.raises(ConnectorError) as failed:
        extract.json_items(
            document.encode(), value_path=value_path, date_path=date_path, today=TODAY
        )
    assert message in failed.value.message


@pytest.mark.parametrize(
    ("text", "date_column", "value_column", "expected"),
    [
        ("date,value\n2026-01-31,10\n", "", "", [("2026-01-31", "10")]),
        ("31/01/2026;1 234,5\n", "", "", [("2026-01-31", "1234.5")]),
        ("Jour;Région;Ventes\n31/01/2026;Nord;52,4\n", "Jour", "ventes", [("2026-01-31", "52.4")]),
        ("a,b,c\nx,2026-01-31,7\n", "2", "3", [("2026-01-31", "7")]),
        ("x,2026-01-31,7\ny,2026-02-28,8\n", "2", "3", [("2026-01-31", "7"), ("2026-02-28", "8")]),
    ],
)
def test_csv_columns_are_chosen_by_name_or_position_with_the_import_rules(
    text, date_column, value_column, expected
):
    items = extract.csv_items(text.encode(), date_column=date_column, value_column=value_column)
    assert [(item["period_date"].isoformat(), item["value"]) for item in items] == [
        (day, Decimal(value)) for day, value in expected
    ]


@pytest.mark.parametrize(
    ("text", "date_column", "message"),
    [
        ("day,value\n2026-01-31,10\n", "date", "The file has no column “date”."),
        ("2026-01-31,10\n2026-02-30,11\n", "", "Line 2 of the file"),
        ("", "", "The file holds no measurement."),
    ],
)
def test_a_csv_file_that_does_not_fit_says_why(text, date_column, message):
    with pytest.raises(ConnectorError) as failed:
        extract.csv_items(text.encode(), date_column=date_column, value_column="")
    assert message in failed.value.message
