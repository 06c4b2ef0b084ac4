from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from okrapp.bench import orgimport


class Command(BaseCommand):
    help = (
        "Time the org-chart import of a large HR export (preview, import, same file again), "
        "in a transaction rolled back at the end."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--teams", type=int, default=200)

    def handle(self, *args, people: int, teams: int, **options) -> None:
        results = orgimport.measure(people=people, teams=teams)
        self.stdout.write(json.dumps(results, indent=2))
