from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from okrapp import demo


class Command(BaseCommand):
    help = "Load the demo organisation, its OKRs, check-ins and KPIs (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        organisation = demo.load()
        for module in demo_modules():
            module.load(organisation)
        demo.load_score_history(organisation)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(organisation.people)} people, "
                f"{len(organisation.teams) + 1} teams. Password: {demo.DEMO_PASSWORD}"
            )
        )


def demo_modules() -> list:
    """Each app adds its demo rows; they run in order (objectives before check-ins)."""
    import importlib

    modules = []
    for name in ("objectives.demo", "checkins.demo", "kpis.demo"):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return modules
