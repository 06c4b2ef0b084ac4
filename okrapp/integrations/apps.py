from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "okrapp.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from okrapp.core.hooks import register_event_listener
        from okrapp.integrations.services import event_record

        register_event_listener("integrations", event_record)
        # The delivery tasks run through okrapp.core.jobs, which finds them by name.
        import okrapp.integrations.tasks  # noqa: F401
