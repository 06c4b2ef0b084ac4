from django.apps import AppConfig
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """Without Redis the rate limits count in a database table (settings.CACHES): `migrate`
    creates it, so that no deployment needs a step of its own. Nothing happens for Redis."""
    call_command("createcachetable", database=using, verbosity=0)


class OrganisationConfig(AppConfig):
    """The bottom layer. Its label stays "okrapp" so that tables, migrations and
    AUTH_USER_MODEL ("okrapp.User") are those of every existing database."""

    name = "okrapp.core"
    label = "okrapp"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from okrapp.core import freshness

        post_migrate.connect(create_cache_table, sender=self)
        connection_created.connect(freshness.watch)
        request_started.connect(freshness.request_started)
        request_finished.connect(freshness.request_finished)
