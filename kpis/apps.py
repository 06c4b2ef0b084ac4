from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("KPIs")

    def ready(self) -> None:
        from checkins.hooks import (
            register_checkin_notes,
            register_digest_topic,
            register_fed_key_results,
            register_reminder_topic,
        )
        from kpis.badges import key_result_kpi_badges
        from kpis.digests import KPIS_TURNED_ALERT_OR_STALE
        from kpis.fed import FED_BY_KPI
        from kpis.notes import checkin_measurement_notes
        from kpis.reminders import STALE_KPIS
        from objectives.hooks import register_key_result_badges

        register_reminder_topic(STALE_KPIS)
        register_digest_topic(KPIS_TURNED_ALERT_OR_STALE)
        register_key_result_badges("kpi", key_result_kpi_badges)
        register_checkin_notes("kpi", checkin_measurement_notes)
        register_fed_key_results(FED_BY_KPI)

        from kpis.pickers import KPI_TEAMS, OBJECTIVE_OWNERS
        from okrapp.core.pickers import register_source

        register_source(KPI_TEAMS)
        register_source(OBJECTIVE_OWNERS)
        # The sync tasks run through okrapp.core.jobs, which finds them by name: registered
        # in every process, the web's (eager in development) as the worker's.
        import kpis.tasks  # noqa: F401
