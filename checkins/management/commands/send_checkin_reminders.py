from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from checkins.services import reminders_send


class Command(BaseCommand):
    help = (
        "Send this week's check-in reminders now (what the Celery task does; safe to run "
        "twice: a person gets at most one reminder per week)."
    )

    def handle(self, *args, **options) -> None:
        report = reminders_send()
        summary = report.as_dict()
        self.stdout.write(
            "Week {iso_year}-W{iso_week:02d}: {sent} sent, {skipped} already sent, "
            "{failed} failed.".format(**summary)
        )
        if report.failed:
            raise CommandError("Some reminders could not be sent; run the command again.")
