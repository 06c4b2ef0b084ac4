"""The measures taken inside the bench's own process: the roll-up and a KPI's CSV import."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis import selectors as kpi_selectors
from kpis import services as kpi_services
from kpis.models import KPI
from objectives.models import ScoreSnapshot
from objectives.rollup_services import snapshots_refresh
from okrapp.core.models import Cycle
from okrapp.core.permissions import viewer_for


def measure_rollup(cycle: Cycle) -> dict:
    """The day's first roll-up (inserts every snapshot), then a second run (writes nothing)."""
    ScoreSnapshot.objects.filter(cycle=cycle, day=timezone.localdate()).delete()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        first = snapshots_refresh(cycle_id=cycle.pk)
        first_seconds = time.perf_counter() - started
    query_count = len(queries)
    started = time.perf_counter()
    again = snapshots_refresh(cycle_id=cycle.pk)
    again_seconds = time.perf_counter() - started
    return {
        "seconds": round(first_seconds, 3),
        "queries": query_count,
        "snapshots_created": first.created,
        "second_run_seconds": round(again_seconds, 3),
        "second_run_writes": again.created + again.updated + again.deleted,
    }


def measure_kpi_import(kpi: KPI, rows: int = 5000) -> dict:
    """A CSV of `rows` daily measurements previewed, then imported, by the KPI's owner; rolled
    back, so that the organisation is the same for the next run."""
    first = datetime.date(2000, 1, 1)
    text = "date;value\n" + "".join(
        f"{first + datetime.timedelta(days=day):%d/%m/%Y};{Decimal(day % 97) + Decimal('0.5')}\n"
        for day in range(rows)
    )
    viewer = viewer_for(kpi.owner)
    started = time.perf_counter()
    preview = kpi_selectors.import_preview(kpi=kpi, text=text)
    preview_seconds = time.perf_counter() - started
    assert not preview.errors, preview.errors[:3]
    with transaction.atomic():
        started = time.perf_counter()
        counts = kpi_services.import_apply(viewer=viewer, kpi=kpi, text=text, recorded_by=kpi.owner)
        import_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "preview_seconds": round(preview_seconds, 3),
        "import_seconds": round(import_seconds, 3),
        "counts": counts,
    }
