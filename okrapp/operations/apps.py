from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running the product: health, metrics, logs, backups, whole-organisation export."""

    name = "okrapp.operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from okrapp.operations import logs

        logs.connect()
