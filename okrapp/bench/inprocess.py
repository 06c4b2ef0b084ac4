"""The measures taken inside the bench's own process: the roll-up, a KPI's CSV import, and the
whole company's quarterly report."""

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


def measure_report(cycle: Cycle, reader, *, pdf: bool = False) -> dict:
    """The whole company's quarterly report as `reader` reads it, through the product's own
    URLs in this process (Django's test client): the page once (its queries, time and size),
    and with `pdf` the PDF asked for and made as a worker makes it (Celery eager for the
    while). Measured once, not held to the pages' budgets: it is a document, not a page."""
    from celery import current_app
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    overrides = {
        "ALLOWED_HOSTS": [*settings.ALLOWED_HOSTS, "testserver"],
        "SECURE_SSL_REDIRECT": False,
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    }
    results: dict = {}
    with override_settings(**overrides):
        client = Client()
        client.force_login(reader)
        url = f"/report/?cycle={cycle.pk}"
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            results["seconds"] = round(time.perf_counter() - started, 2)
        results["status"] = response.status_code
        results["queries"] = len(queries)
        results["html_kilobytes"] = round(len(response.content) / 1000)
        if pdf:
            eager = current_app.conf.task_always_eager
            current_app.conf.task_always_eager = True
            try:
                started = time.perf_counter()
                asked = client.post(f"/report/pdf/?cycle={cycle.pk}")
                document = client.get(asked["Location"].rstrip("/") + "/download/")
                results["pdf_seconds"] = round(time.perf_counter() - started, 1)
            finally:
                current_app.conf.task_always_eager = eager
            results["pdf_status"] = document.status_code
            results["pdf_kilobytes"] = round(len(document.content) / 1000)
    return results
