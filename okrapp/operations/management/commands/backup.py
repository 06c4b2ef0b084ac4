from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from okrapp.operations.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database (PostgreSQL: pg_dump custom format) into "
        "BACKUP_DIR, and print its path. The database is all the product stores."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir", dest="directory", help="folder to write into (default: BACKUP_DIR)"
        )

    def handle(self, *args, directory: str | None, **options) -> None:
        try:
            path = backup_create(directory=Path(directory or settings.BACKUP_DIR))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
