from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from objectives.tasks import rollup_scores
from okrapp.core.models import Cycle


class Command(BaseCommand):
    help = "Snapshot today's team and person scores (every active cycle, or --cycle ID)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cycle", type=int, help="Only this cycle (id).")

    def handle(self, *args, cycle: int | None = None, **options) -> None:
        if cycle is not None:
            if not Cycle.objects.filter(pk=cycle).exists():
                raise CommandError(f"No cycle with id {cycle}.")
            cycle_ids = [cycle]
        else:
            cycle_ids = list(
                Cycle.objects.filter(status=Cycle.Status.ACTIVE).values_list("id", flat=True)
            )
        for cycle_id in cycle_ids:
            # Called directly: the command works without a broker, in-process.
            result = rollup_scores(cycle_id)
            if result["frozen"]:
                self.stdout.write(f"Cycle {cycle_id}: final scores are frozen; nothing written.")
            else:
                self.stdout.write(
                    f"Cycle {cycle_id} on {result['day']}: {result['teams']} teams, "
                    f"{result['people']} people; {result['created']} created, "
                    f"{result['updated']} updated, {result['deleted']} deleted."
                )
        if not cycle_ids:
            self.stdout.write("No active cycle.")
