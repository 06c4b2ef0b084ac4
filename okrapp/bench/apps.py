from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchConfig(AppConfig):
    """The benchmark organisation and timings (`manage.py bench`)."""

    name = "okrapp.bench"
    verbose_name = _("Benchmark")
