from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from okrapp.operations.export_format import OrganisationFileError, organisation_import


class Command(BaseCommand):
    help = (
        "Load an organisation written by export_organisation into this instance, which must "
        "be empty (migrated, nobody created yet). All or nothing; every row gets a new id."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the JSON file, or - for standard input")

    def handle(self, *args, file: str, **options) -> None:
        try:
            if file == "-":
                document = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    document = json.load(handle)
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            counts = organisation_import(document)
        except OrganisationFileError as error:
            raise CommandError(str(error)) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
