from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from okrapp.demo import checkins, kpis, objectives, organisation, quarter


class Command(BaseCommand):
    help = "Load the demo organisation, its OKRs, check-ins and KPIs (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        company = organisation.load()
        # In the order of the layers: objectives before the check-ins and KPIs that use them.
        for module in (objectives, checkins, kpis):
            module.load(company)
        organisation.load_score_history(company)
        quarter.load(company)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: {len(company.people)} people, "
                f"{len(company.teams) + 1} teams. Password: {organisation.DEMO_PASSWORD}"
            )
        )
