"""The KPIs' topic in the weekly reminder: owners of stale KPIs are asked for a measurement."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checkins.hooks import ReminderTopic
from kpis.selectors import stale_kpis_by_owner


def stale_kpis_due(today: datetime.date) -> dict[int, list]:
    return stale_kpis_by_owner(today)


def _summary(count: int) -> str:
    return ngettext(
        "%(count)d KPI of yours has no recent measurement.",
        "%(count)d KPIs of yours have no recent measurement.",
        count,
    ) % {"count": count}


STALE_KPIS = ReminderTopic(
    name="stale_kpis",
    # Looked up at call time, so that a test may replace stale_kpis_due.
    items_by_person=lambda today: stale_kpis_due(today),
    summary=_summary,
    subject=lambda: _("Your KPIs need a new measurement"),
    template="kpis/emails/_reminder_stale_kpis",
)
