"""From a fetched document to measurement items: pure functions, no ORM, no network.

- JSON: `value_path` (and an optional `date_path`) are JMESPath expressions
  (https://jmespath.org), e.g. `data.metrics[0].value` or `rows[*].count`. One value gives one
  measurement; a list of values with a list of dates of the same length gives one per date.
  Without a date path the measurement is dated the day of the sync.
- CSV: the same reader as the CSV import (kpis.csvformat), its date and value columns chosen
  by name (the header's) or by position (1 is the first column).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation

import jmespath
from django.utils.translation import gettext as _
from jmespath.exceptions import JMESPathError

from kpis import csvformat
from kpis.connectors.network import ConnectorError
from okrapp.core import numbers


def compile_path(path: str, *, field: str):
    try:
        return jmespath.compile(path)
    except JMESPathError as exc:
        raise ConnectorError(
            _("“%(path)s” is not a valid path (write it like data.metrics[0].value).")
            % {"path": path},
            field=field,
        ) from exc


def to_decimal(raw, *, path: str) -> Decimal:
    if isinstance(raw, bool) or raw is None or isinstance(raw, dict | list):
        raise ConnectorError(_("The field %(path)s is not a number.") % {"path": path})
    if isinstance(raw, int | float):
        try:
            return Decimal(str(raw))
        except InvalidOperation as exc:
            raise ConnectorError(_("The field %(path)s is not a number.") % {"path": path}) from exc
    try:
        return numbers.parse_decimal(str(raw))
    except numbers.NumberError as exc:
        raise ConnectorError(
            _("The field %(path)s is not a number: %(error)s") % {"path": path, "error": exc}
        ) from exc


def to_date(raw, *, path: str) -> datetime.date:
    text = str(raw or "").strip()
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]  # an ISO date-time: its day
    try:
        return csvformat.parse_date(text)
    except csvformat.ParseError as exc:
        raise ConnectorError(
            _("The field %(path)s is not a date: %(error)s") % {"path": path, "error": exc}
        ) from exc


def json_items(
    body: bytes, *, value_path: str, date_path: str = "", today: datetime.date
) -> list[dict]:
    try:
        document = json.loads(csvformat.decode(body))
    except ValueError as exc:
        raise ConnectorError(_("The response is not JSON.")) from exc
    values = compile_path(value_path, field="source_value_path").search(document)
    if values is None:
        raise ConnectorError(_("The response has no field %(path)s.") % {"path": value_path})
    dates = None
    if date_path:
        dates = compile_path(date_path, field="source_date_path").search(document)
        if dates is None:
            raise ConnectorError(_("The response has no field %(path)s.") % {"path": date_path})
    if isinstance(values, list):
        if dates is None or not isinstance(dates, list) or len(dates) != len(values):
            raise ConnectorError(
                _("%(path)s gives a list: give a date path that gives a list of the same length.")
                % {"path": value_path}
            )
        pairs = list(zip(dates, values, strict=True))
    else:
        if isinstance(dates, list):
            raise ConnectorError(
                _("%(path)s gives a list of dates for a single value.") % {"path": date_path}
            )
        pairs = [(dates, values)]
    items = {}
    for raw_date, raw_value in pairs:
        period_date = today if raw_date is None else to_date(raw_date, path=date_path)
        items[period_date] = to_decimal(raw_value, path=value_path)
    return [{"period_date": day, "value": value} for day, value in sorted(items.items())]


def csv_items(body: bytes, *, date_column: str, value_column: str) -> list[dict]:
    text = csvformat.decode(body)
    try:
        rows = csvformat.parse_rows(text, date_column=date_column, value_column=value_column)
    except csvformat.ParseError as exc:
        raise ConnectorError(str(exc)) from exc
    errors = [row for row in rows if row.error]
    if errors:
        first = errors[0]
        raise ConnectorError(
            _("Line %(line)s of the file: %(error)s (%(count)s lines with errors).")
            % {"line": first.line, "error": first.error, "count": len(errors)}
        )
    if not rows:
        raise ConnectorError(_("The file holds no measurement."))
    return [{"period_date": row.period_date, "value": row.value} for row in rows]
