from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from okrapp.bench import organisation as bench
from okrapp.bench import stack


class Command(BaseCommand):
    help = (
        "Run the product as two gunicorn instances, two Celery workers and a beat on the "
        "configured PostgreSQL database and Redis; post check-ins concurrently through both, "
        "fire the reminders and the roll-up twice, and check that nothing was lost, doubled "
        "or scored differently. Flushes the configured database: use a scratch one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=0.02)
        parser.add_argument("--threads", type=int, default=8, help="People posting at once.")
        parser.add_argument("--posts", type=int, default=6, help="Check-ins per person.")

    def handle(self, *args, scale, threads, posts, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not bench.is_empty() and bench.existing_bench() is None:
            raise CommandError(
                "The database holds other data: point DATABASE_URL at a scratch one."
            )
        call_command("flush", interactive=False, verbosity=0)
        try:
            report = stack.run(scale=scale, threads=threads, posts=posts, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for fact in report.facts:
            self.stdout.write(f"  {fact}")
        for problem in [*report.refused, *report.problems]:
            self.stdout.write(f"  PROBLEM  {problem}")
        if not report.passed:
            raise CommandError("The multi-process run found problems (above).")
        self.stdout.write(
            "Multi-process run: no check-in lost or doubled, one reminder each, "
            "scores as one process computes them."
        )
