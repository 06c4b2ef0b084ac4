from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "okrapp.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        # The report PDF's task, registered for the jobs that name it (okrapp.core.jobs).
        from okrapp.dashboard import tasks  # noqa: F401
