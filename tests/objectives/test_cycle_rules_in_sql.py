"""The reminder and the KPI bridge ask the database which cycles take check-ins
(objectives.permissions.cycles_taking_checkins_q); it answers as the pure rule does
(objectives.cycles.takes_checkins), state by state, late days or not."""

from __future__ import annotations

import datetime

import pytest

from objectives import cycles
from objectives.permissions import cycles_taking_checkins_q
from okrapp.core.models import Cycle
from tests.factories import CycleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 4, 10)


@pytest.mark.parametrize("late_days", [0, 3])
@pytest.mark.parametrize("days_since_grading", [0, 2, 3, 10])
@pytest.mark.parametrize("status", cycles.ORDER)
def test_the_sql_rule_agrees_with_the_pure_rule(settings, status, days_since_grading, late_days):
    settings.LATE_CHECKIN_DAYS = late_days
    opened = TODAY - datetime.timedelta(days=days_since_grading)
    cycle = CycleFactory(status=status, grading_opened_on=opened)
    in_sql = Cycle.objects.filter(cycles_taking_checkins_q(TODAY), pk=cycle.pk).exists()
    assert in_sql is cycles.takes_checkins(
        status, grading_opened_on=opened, today=TODAY, late_days=late_days
    )
