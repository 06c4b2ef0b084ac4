"""The org chart from a CSV file, as the import page does it: for a nightly HR-system export."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from okrapp.core.models import User
from okrapp.core.permissions import viewer_for
from okrapp.core.services import org_import


class Command(BaseCommand):
    help = (
        "Import the org chart from a CSV file (email, name, team, parent_team, role, language): "
        "every row or none; the same file twice changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--dry-run", action="store_true", help="show what would change")
        parser.add_argument("--invite", action="store_true", help="invite the people created")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="deactivate the active people missing from the file",
        )
        parser.add_argument(
            "--as",
            dest="actor",
            default="",
            help="the administrator's email the import is done as (default: the first "
            "active superuser); they are never deactivated",
        )

    def handle(self, *args, file: str, dry_run: bool, invite: bool, **options) -> None:
        actor = self._actor(options["actor"])
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        result = org_import(
            viewer=viewer_for(actor),
            data=data,
            dry_run=dry_run,
            invite=invite,
            deactivate_missing=options["deactivate_missing"],
        )
        self._report(result)
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _actor(self, email: str) -> User:
        people = User.objects.filter(is_active=True)
        actor = (
            people.filter(email=email.strip().lower(), is_staff=True).first()
            if email
            else people.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("No active administrator to import as (use --as EMAIL).")
        return actor

    def _report(self, result) -> None:
        plan = result.plan
        for line, message in plan.errors:
            self.stderr.write(f"line {line}: {message}" if line else message)
        for name, parent in plan.new_teams:
            self.stdout.write(f"new team: {name} (under {parent or 'the company'})")
        for name, parent in plan.moved_teams:
            self.stdout.write(f"moved team: {name} (now under {parent or 'the company'})")
        for person in plan.people:
            if person.action == "create":
                self.stdout.write(f"line {person.line}: create {person.email}")
            elif person.action == "change":
                self.stdout.write(
                    f"line {person.line}: change {person.email}: {'; '.join(person.changes)}"
                )
        for email in plan.deactivated:
            self.stdout.write(f"deactivate {email}")
        counts = result.counts
        self.stdout.write(
            f"created {counts['create']}, changed {counts['change']}, "
            f"unchanged {counts['unchanged']}, deactivated {len(plan.deactivated)}, "
            f"invited {len(result.invited)}"
        )
