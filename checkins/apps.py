from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = _("Check-ins")

    def ready(self) -> None:
        # Recorded jobs (okrapp.core.jobs) name these tasks; register them in every process.
        from checkins import tasks  # noqa: F401
        from checkins.grading import GRADES, tell_leads_grading_opened
        from checkins.hooks import register_reminder_topic
        from objectives.hooks import register_grading_opened

        register_grading_opened("lead-notifications", tell_leads_grading_opened)
        # During grading, the weekly reminder asks for grades (before the KPIs' topic).
        register_reminder_topic(GRADES)
