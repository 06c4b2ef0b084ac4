"""The SQL connector against a second, real PostgreSQL database: (date, value) rows, read-only,
with a statement time-out."""

from __future__ import annotations

import datetime
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.utils import translation

from kpis.connectors.network import ConnectorError
from kpis.connectors.sql import check_query, sql_items

SOURCE_DATABASE = "okr_wt17_source"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def source_url(settings, db):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = True
    params = connection.settings_dict
    server = {
        "host": params["HOST"] or "127.0.0.1",
        "port": params["PORT"] or 5432,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [SOURCE_DATABASE]
        ).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{SOURCE_DATABASE}"')
    with psycopg.connect(dbname=SOURCE_DATABASE, autocommit=True, **server) as source:
        source.execute("DROP TABLE IF EXISTS sales")
        source.execute("CREATE TABLE sales (day date, amount numeric)")
        source.execute(
            "INSERT INTO sales VALUES ('2026-01-31', 1200.5), ('2026-02-28', 1350), "
            "('2026-02-28', 10)"
        )
    password = f":{server['password']}" if server["password"] else ""
    return f"postgresql://{server['user']}{password}@{server['host']}:{server['port']}/{SOURCE_DATABASE}"


@pytest.mark.postgres
def test_an_sql_query_gives_one_measurement_per_date(source_url):
    items = sql_items(
        database_url=source_url,
        query="SELECT day, sum(amount) FROM sales GROUP BY day ORDER BY day;",
    )
    assert [(item["period_date"], item["value"]) for item in items] == [
        (datetime.date(2026, 1, 31), Decimal("1200.5")),
        (datetime.date(2026, 2, 28), Decimal("1360")),
    ]


@pytest.mark.postgres
def test_a_query_that_would_change_the_database_is_stopped_by_the_read_only_transaction(
    source_url,
):
    query = "WITH gone AS (DELETE FROM sales RETURNING day, amount) SELECT * FROM gone"
    with pytest.raises(ConnectorError) as refused:
        sql_items(database_url=source_url, query=query)
    assert refused.value.message == "The query tried to change the database."
    assert len(sql_items(database_url=source_url, query="SELECT day, amount FROM sales")) == 2


@pytest.mark.postgres
def test_a_query_running_past_the_time_out_is_cancelled(source_url, settings):
    settings.KPI_CONNECTOR_TIMEOUT = 1
    with pytest.raises(ConnectorError) as cancelled:
        sql_items(database_url=source_url, query="SELECT now()::date, 1 FROM pg_sleep(3)")
    assert cancelled.value.message == "The query took longer than 1 seconds."


@pytest.mark.postgres
def test_a_database_on_the_servers_own_network_is_refused_without_the_switch(source_url, settings):
    settings.KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(ConnectorError) as refused:
        sql_items(database_url=source_url, query="SELECT day, amount FROM sales")
    assert refused.value.field == "source_database_url"


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM sales",
        "SELECT 1; DROP TABLE sales",
        "select 1 /* ; */ ; update sales set amount = 0",
        "COPY sales TO '/tmp/x'",
        "",
    ],
)
def test_anything_but_a_single_select_is_refused_before_connecting(query):
    with pytest.raises(ConnectorError):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT day, amount FROM sales;",
        "select ';' as day, 1",
        "WITH s AS (SELECT 1) SELECT * FROM s",
    ],
)
def test_a_single_select_is_accepted(query):
    assert check_query(query)
