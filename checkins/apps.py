from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = _("Check-ins")

    def ready(self) -> None:
        # Recorded jobs (okrapp.core.jobs) name these tasks; register them in every process.
        from checkins import tasks  # noqa: F401
