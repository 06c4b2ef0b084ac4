"""The SQL connector: a single read-only SELECT on a PostgreSQL database given by its URL.

1. The query is one statement starting with SELECT or WITH (`check_query`); anything else,
   or a second statement, is refused before connecting.
2. The database's host passes the same network rule as the web connectors, and the
   connection goes to the address that was checked (libpq's `hostaddr`).
3. The query runs in a READ ONLY transaction with a statement time-out, and is rolled back:
   the connector can change nothing even where the URL's user could. It has the rights of
   the URL's user, no more: give it a user that may only read.
4. Rows are `(date, value)`; at most csvformat.MAX_ROWS.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _

from kpis import csvformat
from kpis.connectors.extract import to_date, to_decimal
from kpis.connectors.network import ConnectorError, resolve_checked

SELECT_START = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)
COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")


def check_query(query: str) -> str:
    """The query without a trailing semicolon, or a field error."""
    text = COMMENT.sub(" ", query or "").strip().rstrip(";").strip()
    if not SELECT_START.match(text):
        raise ConnectorError(_("The query must be a single SELECT."), field="source_query")
    if ";" in QUOTED.sub("''", text):
        raise ConnectorError(
            _("The query must be a single SELECT, without a second statement."),
            field="source_query",
        )
    return text


def _conninfo(database_url: str) -> dict:
    import psycopg.conninfo

    url = (database_url or "").strip()
    if not re.match(r"^postgres(ql)?://", url):
        raise ConnectorError(
            _("Give a PostgreSQL URL: postgresql://user:password@host:5432/database."),
            field="source_database_url",
        )
    try:
        params = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConnectorError(
            _("This database URL cannot be read."), field="source_database_url"
        ) from exc
    host = params.get("host") or ""
    if not host or host.startswith("/") or "," in host:
        raise ConnectorError(_("The database URL must name one host."), field="source_database_url")
    port = int(params.get("port") or 5432)
    params["hostaddr"] = resolve_checked(host, port, field="source_database_url")
    return params


def check_database_url(database_url: str) -> None:
    _conninfo(database_url)


def sql_items(*, database_url: str, query: str) -> list[dict]:
    import psycopg

    statement = check_query(query)
    params = _conninfo(database_url)
    timeout = settings.KPI_CONNECTOR_TIMEOUT
    try:
        with psycopg.connect(**params, connect_timeout=timeout, autocommit=False) as connection:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
                cursor.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
                cursor.execute(statement)
                rows = cursor.fetchmany(csvformat.MAX_ROWS + 1)
            connection.rollback()
    except psycopg.errors.QueryCanceled as exc:
        raise ConnectorError(
            _("The query took longer than %(seconds)s seconds.") % {"seconds": timeout}
        ) from exc
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise ConnectorError(_("The query tried to change the database.")) from exc
    except psycopg.OperationalError as exc:
        raise ConnectorError(_("The database cannot be reached or refused the user.")) from exc
    except psycopg.Error as exc:
        # The database's own message names tables and columns, never the password.
        detail = getattr(exc.diag, "message_primary", None) or exc.__class__.__name__
        raise ConnectorError(
            _("The database refused the query: %(detail)s") % {"detail": detail}
        ) from exc
    if len(rows) > csvformat.MAX_ROWS:
        raise ConnectorError(
            _("The query returns more than %(count)s rows.") % {"count": csvformat.MAX_ROWS}
        )
    items = {}
    for row in rows:
        if len(row) < 2:
            raise ConnectorError(_("Each row must have two columns: the date and the value."))
        raw_date = row[0].isoformat() if hasattr(row[0], "isoformat") else row[0]
        items[to_date(raw_date, path=_("the first column"))] = to_decimal(
            row[1], path=_("the second column")
        )
    return [{"period_date": day, "value": value} for day, value in sorted(items.items())]
