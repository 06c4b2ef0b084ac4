from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = _("Check-ins")

    def ready(self) -> None:
        # Recorded jobs (okrapp.core.jobs) name these tasks; register them in every process.
        from checkins import tasks  # noqa: F401
        from checkins.conversation_services import events
        from checkins.grading import GRADES
        from checkins.hooks import register_reminder_topic
        from checkins.pickers import MENTIONS
        from objectives.hooks import register_grading_opened, register_owners_assigned
        from okrapp.core.hooks import register_invitation_accepted
        from okrapp.core.pickers import register_source

        register_grading_opened("lead-notifications", events.tell_leads_grading_opened)
        register_owners_assigned("owner-notifications", events.record_assignments)
        register_invitation_accepted("admin-notifications", events.record_invitation_accepted)
        # During grading, the weekly reminder asks for grades (before the KPIs' topic).
        register_reminder_topic(GRADES)
        register_source(MENTIONS)
