from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from okrapp.bench import budgets, inprocess
from okrapp.bench import http as bench_http
from okrapp.bench import organisation as bench
from okrapp.bench.pages import pages_for
from okrapp.core import freshness
from okrapp.core.services import token_create


class Command(BaseCommand):
    help = (
        "Migrate the configured database, build a synthetic organisation in it (scale 1.0 = "
        "5,000 people, 400 teams, 8,000 objectives, 25,000 key results, 300,000 check-ins, "
        "1,000 KPIs), then time every page over HTTP against gunicorn beside a trivial page, "
        "the roll-up, a check-in POST and a KPI CSV import, and check the budgets. Refuses a "
        "database holding other data unless --flush."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--rounds", type=int, default=15, help="Timed requests per page.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
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
        parser.add_argument("--pages", default="", help="Only these page keys, comma-separated.")
        parser.add_argument(
            "--report-pdf",
            action="store_true",
            help="Also make the whole company's quarterly report as a PDF (minutes at scale 1).",
        )
        parser.add_argument("--output-dir", default="bench-results")

    def handle(
        self,
        *args,
        scale,
        rounds,
        workers,
        flush,
        rebuild,
        pages,
        output_dir,
        report_pdf=False,
        **options,
    ):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        existing = bench.existing_bench()
        existing_scale = _built_scale(existing)
        if existing is not None and existing_scale != scale and not rebuild:
            self.stdout.write(
                f"The bench organisation there was built at scale {existing_scale}; "
                f"rebuilding at {scale}."
            )
            rebuild = True
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
            self.stdout.write("Reusing the bench organisation there (--rebuild to start over).")
            org = bench.find(existing)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        self.stdout.write("Roll-up and KPI import…")
        results = {
            "database": connection.vendor,
            "scale": scale,
            "counts": bench.counts(),
            "build_seconds": build_seconds,
            "rollup": inprocess.measure_rollup(org.cycle),
            "kpi_import": inprocess.measure_kpi_import(org.kpi),
            "report": inprocess.measure_report(org.cycle, org.member, pdf=report_pdf),
        }
        chosen = pages_for(org)
        if pages:
            wanted = set(pages.split(","))
            chosen = [page for page in chosen if page.key in wanted]
        tokens = {
            role: token_create(user=user, name="bench")[1]
            for role, user in (("member", org.member), ("admin", org.admin))
        }
        self.stdout.write(f"Measuring {len(chosen)} pages over HTTP, {rounds} rounds…")
        # The server reads committed rows only: everything above is committed by now.
        connection.close()
        directory = Path(output_dir)
        log = directory / "gunicorn.log"
        self.stdout.write(f"gunicorn with {workers} workers, its log in {log}")
        with bench_http.gunicorn(log=log, workers=workers) as base:
            browsers = {}
            for role, user in (("member", org.member), ("admin", org.admin)):
                browsers[role] = bench_http.Browser(base)
                browsers[role].sign_in(user.email, bench.PASSWORD)
            timings = bench_http.measure(
                browsers, chosen, rounds=rounds, api_tokens=tokens, after_a_write=freshness.bump
            )
            results["checkin_post"] = _checkin_posts(browsers["member"], org, rounds)
        results["pages"] = [
            {k: v for k, v in vars(timing).items() if k != "samples_ms"} for timing in timings
        ]
        others = _other_runs(directory, scale)
        verdicts = budgets.all_verdicts(results, others)
        results["budgets"] = [vars(verdict) for verdict in verdicts]
        self.stdout.write(budgets.report(results, verdicts))
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"bench-scale-{scale:g}.json"
        path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        self.stdout.write(f"Written to {path}")


def _built_scale(cycle) -> float | None:
    if cycle is None:
        return None
    people = bench.counts()["people"]
    return round(people / bench.FULL["people"], 3)


def _other_runs(directory: Path, scale: float) -> dict[str, dict[str, int]]:
    """Query counts per page of the runs at other scales kept in the same folder."""
    runs = {}
    for path in sorted(directory.glob("bench-scale-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("scale") != scale and "pages" in data:
            runs[f"{data['scale']:g}"] = {
                f"{page['key']}": page["queries"] for page in data["pages"]
            }
    return runs


def _checkin_posts(browser: bench_http.Browser, org, rounds: int) -> dict:
    """A check-in posted from My week as its owner, each round beside the trivial page. The
    value moves by a twentieth of the key result's range, up to the target and back down,
    so that none looks like a slip (checkins.plausibility), however many runs came before."""
    key_result = org.key_result
    path = f"/checkins/key-results/{key_result.pk}/check-in/"
    prefix = f"kr{key_result.pk}"
    value = key_result.current_value if key_result.current_value is not None else 0
    start, target = key_result.start_value, key_result.target_value
    step = abs(target - start) / 20 or 1
    rising = value < target
    samples, trivial, queries, statuses = [], [], 0, set()
    for _ in range(rounds):
        if value >= max(start, target):
            rising = False
        elif value <= min(start, target):
            rising = True
        value += step if rising else -step
        trivial.append(bench_http._timed(browser, bench_http.TRIVIAL)[0])
        data = {f"{prefix}-value": str(value), f"{prefix}-confidence": "on_track"}
        status, ms, queries = browser.post(path, data, form_page="/checkins/")
        statuses.add(status)
        samples.append(ms)
    if statuses != {302}:
        raise CommandError(f"the check-in POST answered {sorted(statuses)}, not a redirect")
    p50 = statistics.median(samples)
    trivial_p50 = statistics.median(trivial)
    return {
        "p50_ms": round(p50, 1),
        "p95_ms": round(bench_http.percentile(samples, 0.95), 1),
        "queries": queries,
        "trivial_p50_ms": round(trivial_p50, 1),
        "ratio": round(p50 / trivial_p50, 2),
    }
