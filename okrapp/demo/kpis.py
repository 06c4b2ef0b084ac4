"""The demo KPIs of the seeds, with 18 months of measurements, and one KPI bridged to a key result.

Statuses on the day the demo is loaded: two healthy, one to watch (amber), one in alert (red,
and still amber a week before), one stale (its measurements stopped four months ago). Every
row is found or created by its natural key (KPI name and team; measurement KPI and period
date), so loading twice changes nothing.
"""

from __future__ import annotations

import calendar
import datetime
import math
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kpis.models import KPI, KeyResultLink, Measurement
from objectives.models import KeyResult
from okrapp.core.models import Cycle

MONTHS = 18

# name, definition, unit, direction, target, threshold, source, frequency, team, owner,
# and the series: (first value, last value, wave amplitude, months without data at the end)
KPIS = [
    {
        "name": "Taux d'ouverture de la newsletter",
        "definition": "Ouvertures uniques ÷ emails délivrés sur le mois, toutes newsletters "
        "confondues (hors emails transactionnels).",
        "unit": "%",
        "direction": KPI.Direction.HIGHER_IS_BETTER,
        "target_value": Decimal(50),
        "alert_threshold": Decimal(42),
        "data_source": "Outil d'emailing",
        "frequency": KPI.Frequency.MONTHLY,
        "team": "Contenu & communauté",
        "owner": "julien.bernard",
        "series": (38, 53.4, 2.5, 0),
    },
    {
        "name": "Nouveaux abonnés LinkedIn par mois",
        "definition": "Abonnés gagnés moins abonnés perdus sur la page entreprise, sur le mois.",
        "unit": "abonnés",
        "direction": KPI.Direction.HIGHER_IS_BETTER,
        "target_value": Decimal(50),
        "alert_threshold": Decimal(35),
        "data_source": "LinkedIn",
        "frequency": KPI.Frequency.MONTHLY,
        "team": "Contenu & communauté",
        "owner": "camille.petit",
        "series": (22, 43, 6, 0),
    },
    {
        "name": "Visiteurs organiques (3 derniers mois)",
        "definition": "Visiteurs uniques arrivés par un moteur de recherche sur les trois "
        "derniers mois glissants (objectif : 10 000 sur le trimestre).",
        "unit": "visiteurs",
        "direction": KPI.Direction.HIGHER_IS_BETTER,
        "target_value": Decimal(10000),
        "alert_threshold": Decimal(8000),
        "data_source": "Web analytics",
        "frequency": KPI.Frequency.MONTHLY,
        "team": "Acquisition",
        "owner": "emma.laurent",
        "series": (6200, 10850, 450, 0),
    },
    {
        "name": "Leads web qualifiés (4 dernières semaines)",
        "definition": "Leads entrants du site validés par les ventes (statut « qualifié » dans "
        "le CRM) sur les quatre dernières semaines glissantes.",
        "unit": "leads",
        "direction": KPI.Direction.HIGHER_IS_BETTER,
        "target_value": Decimal(50),
        "alert_threshold": Decimal(40),
        "data_source": "CRM",
        "frequency": KPI.Frequency.WEEKLY,
        "team": "Acquisition",
        "owner": "hugo.simon",
        "series": (47, 31, 4, 0),
        # Still to watch a week ago, in alert since: the dashboard's "what changed".
        "previous": Decimal(42),
    },
    {
        "name": "Taux de rebond du site",
        "definition": "Sessions d'une seule page ÷ sessions, sur le mois, tout le site.",
        "unit": "%",
        "direction": KPI.Direction.LOWER_IS_BETTER,
        "target_value": Decimal(40),
        "alert_threshold": Decimal(48),
        "data_source": "Web analytics",
        "frequency": KPI.Frequency.MONTHLY,
        "team": "Acquisition",
        "owner": "lea.michel",
        "series": (52, 43, 1.5, 4),
    },
]
BRIDGED_KPI = "Taux d'ouverture de la newsletter"
# Fed by an HTTP JSON connector from the fake analytics endpoint this server serves in DEBUG
# (okrapp.demo.views): Sync now on its page fetches today's figure.
CONNECTED_KPI = {
    "name": "Inscriptions à l'essai (semaine)",
    "definition": "Comptes d'essai créés sur le site dans la semaine, lus chaque jour dans "
    "l'outil d'analytics (démo : un faux point d'accès servi par l'application).",
    "unit": "inscriptions",
    "direction": KPI.Direction.HIGHER_IS_BETTER,
    "target_value": Decimal(60),
    "alert_threshold": Decimal(45),
    "data_source": "Web analytics",
    "frequency": KPI.Frequency.WEEKLY,
    "team": "Acquisition",
    "owner": "emma.laurent",
    "series": (41, 63, 3, 0),
}


def load(organisation, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    kpis = {}
    for spec in [*KPIS, CONNECTED_KPI]:
        team = organisation.teams.get(spec["team"], organisation.company)
        owner = organisation.people[spec["owner"]]
        fields = {
            key: value
            for key, value in spec.items()
            if key not in {"series", "team", "owner", "previous"}
        }
        kpi, _ = KPI.objects.get_or_create(
            name=spec["name"], team=team, defaults={**fields, "owner": owner}
        )
        kpis[kpi.name] = kpi
        _measurements(kpi, spec["series"], today, recorded_by=owner, previous=spec.get("previous"))
    _bridge(kpis[BRIDGED_KPI], organisation)
    _connect(kpis[CONNECTED_KPI["name"]])


def _connect(kpi: KPI) -> None:
    """Point the KPI at the demo endpoint. Set directly rather than through the service, which
    resolves the address: the server is not running while the demo loads."""
    if kpi.is_connected:
        return
    kpi.source_kind = KPI.SourceKind.HTTP_JSON
    kpi.source_config = {
        "url": settings.DEMO_BASE_URL.rstrip("/") + reverse("demo_analytics"),
        "header_name": "",
        "value_path": "data.trial_signups",
        "date_path": "data.date",
    }
    kpi.next_sync_at = timezone.now()
    kpi.save()


def _period_dates(frequency: str, today: datetime.date, skip: int) -> list[datetime.date]:
    """The last day of each of the 18 months (or each Sunday of 18 months) before today,
    minus the `skip` latest months."""
    if frequency == KPI.Frequency.WEEKLY:
        last_sunday = today - datetime.timedelta(days=today.isoweekday() % 7 or 7)
        weeks = MONTHS * 52 // 12
        return [last_sunday - datetime.timedelta(weeks=n) for n in range(weeks)][::-1]
    dates = []
    year, month = today.year, today.month
    for _ in range(MONTHS + skip):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        dates.append(datetime.date(year, month, calendar.monthrange(year, month)[1]))
    return dates[skip:][::-1]


def _measurements(
    kpi: KPI, series, today: datetime.date, *, recorded_by, previous: Decimal | None = None
) -> None:
    """The series' measurements; `previous`, when given, is the period before the latest's."""
    first, last, wave, skip = series
    dates = _period_dates(kpi.frequency, today, skip)
    count = len(dates)
    existing = set(Measurement.objects.filter(kpi=kpi).values_list("period_date", flat=True))
    new = []
    for index, period_date in enumerate(dates):
        if period_date in existing:
            continue
        trend = first + (last - first) * index / max(count - 1, 1)
        # A gentle wave, flattened on the last point so the status is the intended one.
        noise = 0 if index == count - 1 else wave * math.sin(index * 1.3)
        value = Decimal(str(trend + noise)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if kpi.unit != "%":
            value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if previous is not None and index == count - 2:
            value = previous
        new.append(
            Measurement(kpi=kpi, period_date=period_date, value=value, recorded_by=recorded_by)
        )
    Measurement.objects.bulk_create(new, ignore_conflicts=True)


def _bridge(kpi: KPI, organisation) -> None:
    """Link the newsletter KPI to the newsletter key result of the active cycle (the one the
    objectives demo creates). The link alone: the key result keeps the check-in history of the
    check-ins demo, and the next measurement recorded flows into it through the bridge."""
    key_results = KeyResult.objects.filter(objective__cycle=organisation.active_cycle).exclude(
        objective__cycle__status=Cycle.Status.CLOSED
    )
    key_result = (
        key_results.filter(kpi_link__kpi=kpi).first()
        or key_results.filter(title__icontains="newsletter").order_by("id").first()
    )
    if key_result is None:
        return
    KeyResultLink.objects.update_or_create(key_result=key_result, defaults={"kpi": kpi})
