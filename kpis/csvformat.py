"""Measurements as CSV, read the way spreadsheets write them: pure functions, no ORM.

Reading accepts `date,value[,note]` rows, comma- or semicolon-separated (a French spreadsheet
uses semicolons), numbers as okrapp.core.numbers reads them ("1 234,5"), dates as ISO
(2026-01-31) or day first (31/01/2026), and an optional header row. Writing uses ISO dates;
numbers with a dot and commas between cells, or, for a French spreadsheet, a decimal comma and
semicolons (`spreadsheet_dialect`). Either way an export imports back unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from okrapp.core import numbers
from okrapp.core.csvtext import (
    clean_lines,
    neutralise,
    restore,
    sniff_delimiter,
)

MAX_ROWS = 10_000
MAX_BYTES = 1_000_000
NOTE_LENGTH = 300
DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class ParseError(ValueError):
    pass


def parse_date(raw: str) -> datetime.date:
    text = (raw or "").strip()
    if not text:
        raise ParseError(_("The date is missing."))
    match = ISO.match(text)
    try:
        if match:
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        match = DAY_FIRST.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    except ValueError:
        pass
    raise ParseError(
        _("“%(value)s” is not a date (write 2026-01-31 or 31/01/2026).") % {"value": text}
    )


@dataclass
class Row:
    line: int
    raw: str
    period_date: datetime.date | None = None
    value: Decimal | None = None
    note: str = ""
    error: str = ""
    outcome: str = ""  # set by the preview: created, updated, unchanged or error
    previous: Decimal | None = None


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as older Excel versions save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_rows(text: str) -> list[Row]:
    """Every non-empty row, parsed or with its error; the header row, if any, is left out.

    1. Guess the separator from the first non-empty line (semicolon, tab, else comma).
    2. Read the rows; a note holding the separator unquoted is joined back together.
    3. The first row is a header when neither its date nor its value parses.
    4. A date given twice in the file is an error on its second row.
    5. What the csv module cannot read at all (an unclosed quote running past its size limit)
       ends the reading with an error row, never an exception.
    """
    text = clean_lines(text)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[Row] = []
    try:
        _read_rows(reader, delimiter, rows)
    except csv.Error:
        rows.append(
            Row(
                line=reader.line_num,
                raw="",
                error=_("This line cannot be read as CSV (is a quote left open?)."),
            )
        )
    return rows


def _read_rows(reader, delimiter: str, rows: list[Row]) -> None:
    seen: dict[datetime.date, int] = {}
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        line = reader.line_num
        row = Row(line=line, raw=delimiter.join(cells))
        if len(rows) >= MAX_ROWS:
            row.error = _("Too many rows: import at most %(count)s at a time.") % {
                "count": MAX_ROWS
            }
            rows.append(row)
            break
        date_cell = cells[0]
        value_cell = cells[1] if len(cells) > 1 else ""
        row.note = restore(delimiter.join(cells[2:]).strip())
        errors = []
        try:
            row.period_date = parse_date(date_cell)
        except ParseError as exc:
            errors.append(str(exc))
        try:
            row.value = numbers.parse_decimal(value_cell)
        except numbers.NumberError as exc:
            errors.append(str(exc))
        if not rows and len(errors) == 2 and not _looks_numeric(date_cell):
            continue  # the header row
        if len(row.note) > NOTE_LENGTH:
            errors.append(
                _("The note is longer than %(count)s characters.") % {"count": NOTE_LENGTH}
            )
        if row.period_date is not None:
            if row.period_date in seen:
                errors.append(
                    _("This date is already on line %(line)s.") % {"line": seen[row.period_date]}
                )
            else:
                seen[row.period_date] = line
        row.error = " ".join(errors)
        rows.append(row)


def _looks_numeric(cell: str) -> bool:
    return any(char.isdigit() for char in cell)


def spreadsheet_dialect(language: str | None) -> tuple[str, str]:
    """(cell separator, decimal mark) a spreadsheet in this language opens in columns:
    French ones split cells on semicolons and write a decimal comma."""
    return (";", ",") if (language or "").lower().startswith("fr") else (",", ".")


def write_rows(rows, header: list[str], *, delimiter: str = ",", decimal_mark: str = ".") -> str:
    """CSV text with a header row; dates in ISO, Decimals with the given decimal mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([format_cell(cell, decimal_mark=decimal_mark) for cell in row])
    return buffer.getvalue()


def format_cell(cell, *, decimal_mark: str = ".") -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return numbers.plain_decimal(cell, decimal_mark=decimal_mark)
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    return neutralise(str(cell))
