from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo company (`manage.py load_demo`): top layer, it writes through every app."""

    name = "okrapp.demo"
    verbose_name = _("Demo data")
