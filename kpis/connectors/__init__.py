"""KPI connectors: where a KPI fetches its own numbers (an HTTP JSON endpoint, a CSV link, an
SQL query), how their settings are checked, and how a plain-language sentence says what will
be fetched. The network rules are `network`, the reading of documents `extract`, the SQL
connector `sql`. No ORM here: kpis.sync_services stores what these return.

A connector's settings are one dict with these keys, whichever channel (the KPI form, the API)
gives them; `SECRET_KEYS` are kept apart, encrypted (kpis.secrets), and never shown again.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kpis.connectors import extract, network, sql
from kpis.connectors.network import ConnectorError

MANUAL, HTTP_JSON, CSV_URL, SQL = "manual", "http_json", "csv_url", "sql"

FIELDS = {
    MANUAL: (),
    HTTP_JSON: ("url", "header_name", "header_value", "value_path", "date_path"),
    CSV_URL: ("url", "header_name", "header_value", "date_column", "value_column"),
    SQL: ("database_url", "query"),
}
REQUIRED = {
    HTTP_JSON: ("url", "value_path"),
    CSV_URL: ("url",),
    SQL: ("database_url", "query"),
}
SECRET_KEYS = {HTTP_JSON: "header_value", CSV_URL: "header_value", SQL: "database_url"}
ALL_KEYS = frozenset(key for keys in FIELDS.values() for key in keys)
HEADER_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def _error(key: str, message: str) -> ValidationError:
    return ValidationError({f"source_{key}": message})


def clean(
    kind: str, given: Mapping[str, str], *, stored_secret: str = "", check_network: bool = True
) -> tuple[dict, str]:
    """(settings without the secret, the secret in plain text) for a connector of `kind`.

    1. Refuse keys the kind does not take; strip the values.
    2. A secret left blank keeps the stored one (the form never shows it again).
    3. Refuse missing required values, a header name that is not one, an invalid path, a
       query that is not a single SELECT.
    4. With `check_network`, resolve the address now, so that a private one is refused on
       the form rather than at the first sync.
    Errors are keyed `source_<key>`, the KPI form's field names.
    """
    if kind not in FIELDS:
        raise ValidationError({"source_kind": _("Unknown data source kind.")})
    unknown = set(given) - set(FIELDS[kind])
    if unknown:
        raise ValidationError(
            {
                "source_config": _("Unknown settings: %(keys)s.")
                % {"keys": ", ".join(sorted(unknown))}
            }
        )
    values = {key: str(given.get(key) or "").strip() for key in FIELDS[kind]}
    secret_key = SECRET_KEYS.get(kind)
    secret = values.pop(secret_key, "") if secret_key else ""
    secret = secret or stored_secret
    errors: dict[str, str] = {}
    for key in REQUIRED.get(kind, ()):
        if not (secret if key == secret_key else values.get(key)):
            errors[f"source_{key}"] = _("This setting is required for this data source.")
    if errors:
        raise ValidationError(errors)
    try:
        _check(kind, values, secret, check_network=check_network)
    except ConnectorError as exc:
        raise _error((exc.field or "source_config").removeprefix("source_"), exc.message) from exc
    return values, secret


def _check(kind: str, values: dict, secret: str, *, check_network: bool) -> None:
    if kind in (HTTP_JSON, CSV_URL):
        header = values.get("header_name", "")
        if header and not set(header) <= HEADER_NAME_CHARS:
            raise ConnectorError(
                _("A header name has only letters, digits and dashes."), field="source_header_name"
            )
        if secret and not header:
            raise ConnectorError(
                _("Name the header that carries this value."), field="source_header_name"
            )
        if "\n" in secret or "\r" in secret:
            raise ConnectorError(_("A header value fits on one line."), field="source_header_value")
        network.parse_url(values["url"])
        if check_network:
            network.check_url(values["url"])
    if kind == HTTP_JSON:
        extract.compile_path(values["value_path"], field="source_value_path")
        if values.get("date_path"):
            extract.compile_path(values["date_path"], field="source_date_path")
    if kind == SQL:
        sql.check_query(values["query"])
        if check_network:
            sql.check_database_url(secret)


def fetch_items(
    kind: str, config: Mapping[str, str], secret: str, *, today: datetime.date
) -> list[dict]:
    """The measurement items (`period_date`, `value`) the source holds now; ConnectorError
    in plain language when it cannot be read."""
    headers = {config["header_name"]: secret} if secret and config.get("header_name") else {}
    if kind == HTTP_JSON:
        body = network.fetch(config["url"], headers=headers)
        return extract.json_items(
            body,
            value_path=config["value_path"],
            date_path=config.get("date_path", ""),
            today=today,
        )
    if kind == CSV_URL:
        body = network.fetch(config["url"], headers=headers)
        return extract.csv_items(
            body,
            date_column=config.get("date_column", ""),
            value_column=config.get("value_column", ""),
        )
    if kind == SQL:
        return sql.sql_items(database_url=secret, query=config["query"])
    raise ConnectorError(_("This KPI's numbers are typed or imported by hand."))


def describe(kind: str, config: Mapping[str, str], *, has_secret: bool) -> str:
    """What will be fetched, in a sentence; never the secret."""
    if kind == HTTP_JSON:
        text = _("The value at %(path)s in the JSON of %(url)s") % {
            "path": config.get("value_path", ""),
            "url": config.get("url", ""),
        }
        text += (
            _(", dated by %(path)s.") % {"path": config["date_path"]}
            if config.get("date_path")
            else _(", dated the day of the sync.")
        )
    elif kind == CSV_URL:
        text = _(
            "The columns %(date)s (date) and %(value)s (value) of the CSV file at %(url)s."
        ) % {
            "date": config.get("date_column") or "1",
            "value": config.get("value_column") or "2",
            "url": config.get("url", ""),
        }
    elif kind == SQL:
        text = _("The (date, value) rows of an SQL query, read-only.")
    else:
        return _("Typed or imported by hand.")
    if has_secret and kind != SQL:
        text += " " + _("The header %(name)s is sent with a saved value.") % {
            "name": config.get("header_name", "")
        }
    return text
