from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from okrapp.bench import run as bench


class Command(BaseCommand):
    help = (
        "Build a synthetic organisation (scale 1.0 = 5,000 people, 400 teams, 8,000 objectives, "
        "25,000 key results, 300,000 check-ins) in the configured database, then time the "
        "roll-up and the main pages. Refuses a database holding other data unless --flush."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--requests", type=int, default=20, help="Timed requests per page.")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete EVERY row of the configured database first, then build.",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Rebuild the bench organisation even if one is there (flushes the database).",
        )
        parser.add_argument(
            "--pages",
            default=",".join(bench.PAGE_KEYS),
            help=f"Pages to time, comma-separated among {', '.join(bench.PAGE_KEYS)}.",
        )
        parser.add_argument(
            "--report-pdf",
            action="store_true",
            help="Also make the whole company's quarterly report as a PDF (minutes at scale 1).",
        )
        parser.add_argument("--output", default="bench-results/bench.json")

    def handle(
        self,
        *args,
        scale: float,
        requests: int,
        flush: bool,
        rebuild: bool,
        output: str,
        pages: str,
        report_pdf: bool = False,
        **options,
    ) -> None:
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        existing = bench.existing_bench()
        if flush or (rebuild and existing is not None):
            self.stdout.write("Flushing the database…")
            call_command("flush", interactive=False, verbosity=0)
            existing = None
        elif existing is None and not bench.is_empty():
            raise CommandError(
                f"The database {settings.DATABASES['default']['NAME']!s} holds other data. "
                "Point DATABASE_URL at a scratch database, or pass --flush to delete everything."
            )

        build_seconds = None
        if existing is None:
            self.stdout.write(f"Building the organisation at scale {scale}…")
            started = time.perf_counter()
            org = bench.build(scale, log=self.stdout.write)
            build_seconds = round(time.perf_counter() - started, 1)
            self.stdout.write(f"Built in {build_seconds} s.")
        else:
            self.stdout.write(
                "Reusing the bench organisation already there (--rebuild to start over)."
            )
            org = bench.find(existing)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        self.stdout.write("Measuring…")
        results = {
            "database": connection.vendor,
            "scale": scale if existing is None else None,
            "counts": bench.counts(),
            "build_seconds": build_seconds,
            "rollup": bench.measure_rollup(org.cycle),
            "pages": bench.pages_as_dicts(
                bench.measure_pages(org, requests=requests, only=pages.split(","))
            ),
            "report": bench.measure_report(org, pdf=report_pdf),
            "targets": bench.TARGETS,
            "viewer": {"id": org.member.pk, "is_admin": org.member.is_staff},
        }
        self.stdout.write(bench.report(results))
        path = Path(output)
        bench.write_json(results, path)
        self.stdout.write(f"Written to {path}")
