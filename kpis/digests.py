"""The KPIs' topic in the weekly digest of a scope (checkins.hooks.DigestTopic): the KPIs of
its teams that turned alert (red) or stale during the week, as the digest's reader may see
them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from checkins.digests import Audience, absolute
from checkins.hooks import DigestItem, DigestTopic
from kpis import health
from kpis.models import KPI, Measurement
from kpis.permissions import visible_kpis_q
from kpis.selectors import STATUS_LABELS
from okrapp.core.weeks import Week

LIMIT = 50


def _audience_q(audience: Audience) -> Q:
    if audience.viewer is not None:
        return visible_kpis_q(audience.viewer)
    return Q(visibility=KPI.Visibility.PUBLIC) | Q(team_id=audience.team_id)


def _latest_as_of(moment: datetime.datetime):
    return Measurement.objects.filter(kpi=OuterRef("pk"), recorded_at__lt=moment).order_by(
        "-period_date"
    )


def _status(kpi: KPI, value, date, today: datetime.date) -> str:
    return health.status(
        direction=kpi.direction,
        target=kpi.target_value,
        threshold=kpi.alert_threshold,
        frequency=kpi.frequency,
        latest_value=value,
        latest_date=date,
        today=today,
    )


def kpis_turned_alert_or_stale(
    team_ids: Sequence[int], week: Week, audience: Audience
) -> list[DigestItem]:
    """Each KPI's status at the week's end and just before it began, from the measurements
    recorded by then (one query); those that became red or stale during the week."""
    before, after = _latest_as_of(week.start), _latest_as_of(week.end)
    kpis = (
        KPI.objects.filter(team_id__in=list(team_ids))
        .filter(_audience_q(audience))
        .annotate(
            value_before=Subquery(before.values("value")[:1]),
            date_before=Subquery(before.values("period_date")[:1]),
            value_after=Subquery(after.values("value")[:1]),
            date_after=Subquery(after.values("period_date")[:1]),
        )
        .order_by("name", "id")
    )
    start_day = week.start.date() - datetime.timedelta(days=1)
    end_day = week.end.date() - datetime.timedelta(days=1)
    items = []
    for kpi in kpis:
        was = _status(kpi, kpi.value_before, kpi.date_before, start_day)
        now = _status(kpi, kpi.value_after, kpi.date_after, end_day)
        if now in (health.RED, health.STALE) and now != was:
            items.append(
                DigestItem(
                    title=kpi.name,
                    url=absolute(reverse("kpis:detail", args=[kpi.pk])),
                    note=str(STATUS_LABELS[now]),
                )
            )
            if len(items) == LIMIT:
                break
    return items


KPIS_TURNED_ALERT_OR_STALE = DigestTopic(
    name="kpis",
    heading=lambda: _("KPIs that turned alert or stale"),
    items=kpis_turned_alert_or_stale,
)
