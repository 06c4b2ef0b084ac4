"""The organisation's week: ISO weeks from Monday 00:00 in its time zone (TIME_ZONE).
Check-ins, reminders, the dashboard's "this week" and streaks all count weeks this way."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def organisation_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """An ISO week in the organisation's time zone; `start` is Monday 00:00 local time."""

    iso_year: int
    iso_week: int
    start: datetime.datetime

    @property
    def end(self) -> datetime.datetime:
        monday = self.start.date() + datetime.timedelta(days=7)
        return datetime.datetime.combine(monday, datetime.time.min, tzinfo=self.start.tzinfo)


def week_of(now: datetime.datetime | None = None) -> Week:
    local = (now or timezone.now()).astimezone(organisation_zone())
    iso_year, iso_week, _ = local.isocalendar()
    start = datetime.datetime.combine(monday_of(local.date()), datetime.time.min, local.tzinfo)
    return Week(iso_year=iso_year, iso_week=iso_week, start=start)


def local_date(now: datetime.datetime | None = None) -> datetime.date:
    """Today (or `now`'s day) in the organisation's time zone."""
    return (now or timezone.now()).astimezone(organisation_zone()).date()
