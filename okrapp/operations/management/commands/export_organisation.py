from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand

from okrapp.operations.export_format import SECTIONS, organisation_export


class Command(BaseCommand):
    help = (
        "Write the whole organisation (people with their password hashes, teams, cycles, OKRs, "
        "check-ins, KPIs, measurements, snapshots) as JSON, format 1. Keep it like a backup."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, output: str | None, **options) -> None:
        document = organisation_export()
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if output is None:
            self.stdout.write(text)
            return
        # Only its owner may read it: it holds every person's password hash.
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text + "\n")
        counts = ", ".join(f"{len(document[s.name])} {s.name}" for s in SECTIONS)
        self.stderr.write(f"Wrote {output}: {counts}.")
