from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    """The bottom layer. Its label stays "okrapp" so that tables, migrations and
    AUTH_USER_MODEL ("okrapp.User") are those of every existing database."""

    name = "okrapp.core"
    label = "okrapp"
    verbose_name = _("Organisation")
