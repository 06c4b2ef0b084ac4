"""The cycle's objectives and key results as a spreadsheet, filtered like the board: CSV in
the reader's spreadsheet conventions (semicolons and decimal commas in French, as the KPI
export) and XLSX. One row per key result (an objective without any has one row of its own).
Private objectives the reader may not see are left out, as on the board."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives.models import KeyResult
from objectives.selectors import filter_objectives, visible_objectives
from okrapp.core import numbers
from okrapp.core.csvtext import neutralise
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_dialect(language: str | None) -> tuple[str, str]:
    """(cell separator, decimal mark) a spreadsheet in this language opens in columns."""
    return (";", ",") if (language or "").lower().startswith("fr") else (",", ".")


def header() -> list[str]:
    return [
        _("Cycle"),
        _("Level"),
        _("Team"),
        _("Objective"),
        _("Objective owner"),
        _("Objective score"),
        _("Key result"),
        _("Key result owner"),
        _("Start"),
        _("Current"),
        _("Target"),
        _("Unit"),
        _("Key result score"),
        _("Confidence"),
        _("Last check-in"),
    ]


def _score(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"))


def export_rows(viewer: Viewer, cycle: Cycle, **filters) -> Iterator[list]:
    """Two queries: the objectives (with owner and team), then their key results."""
    key_results = KeyResult.objects.select_related("owner").order_by("position", "id")
    objectives = (
        filter_objectives(visible_objectives(viewer, cycle), **filters)
        .prefetch_related(Prefetch("key_results", queryset=key_results))
        .order_by("level", "team__path", "id")
    )
    for objective in objectives:
        head = [
            cycle.name,
            objective.get_level_display(),
            objective.team.name,
            objective.title,
            str(objective.owner),
            _score(objective.score),
        ]
        rows = list(objective.key_results.all())
        if not rows:
            yield [*head, *[None] * 9]
        for key_result in rows:
            last = key_result.last_checkin_at
            yield [
                *head,
                key_result.title,
                str(key_result.owner),
                key_result.start_value,
                key_result.current_value,
                key_result.target_value,
                key_result.display_unit,
                _score(key_result.score),
                key_result.get_confidence_display() if key_result.confidence else "",
                timezone.localtime(last).date() if last else None,
            ]


def _cell(value, decimal_mark: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return numbers.plain_decimal(value, decimal_mark=decimal_mark)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def as_csv(rows, *, language: str | None) -> str:
    """CSV text with its header, with a byte order mark so that Excel reads UTF-8."""
    delimiter, decimal_mark = spreadsheet_dialect(language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header())
    for row in rows:
        writer.writerow([_cell(value, decimal_mark) for value in row])
    return "\ufeff" + buffer.getvalue()


def as_xlsx(rows) -> bytes:
    """An XLSX workbook: numbers as numbers, dates as dates, text never read as a formula."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("OKRs"))
    sheet.append([neutralise(title) for title in header()])
    for row in rows:
        sheet.append(
            [
                float(value)
                if isinstance(value, Decimal)
                else neutralise(value)
                if isinstance(value, str)
                else value
                for value in row
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
