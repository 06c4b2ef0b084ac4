from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = _("Objectives")

    def ready(self) -> None:
        from objectives.handover import OPEN_OBJECTIVES
        from okrapp.core.hooks import register_hand_over

        register_hand_over(OPEN_OBJECTIVES)

        from objectives.pickers import PARENTS
        from okrapp.core.pickers import register_source

        register_source(PARENTS)
