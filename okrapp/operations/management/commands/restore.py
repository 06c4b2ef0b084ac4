from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from okrapp.operations.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the configured database, which "
        "must be empty (a new database, before migrate) unless --force."
    )
    # The database of a restore is empty: no check may read it first.
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the backup file (.dump for PostgreSQL, .sqlite3)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what a non-empty database holds with the backup",
        )

    def handle(self, *args, file: str, force: bool, **options) -> None:
        try:
            backup_restore(path=Path(file), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Restored {file}. Run `manage.py migrate` if the code is newer.")
        )
