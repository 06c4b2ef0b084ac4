"""Reads shared by pages and tasks: the board and the stale KPIs of the weekly reminder."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kpis import selectors
from kpis.models import KPI, Measurement
from okrapp.core.permissions import viewer_for
from tests.factories import KPIFactory, MeasurementFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.mark.parametrize("size", [5, 50])
def test_board_takes_two_queries_whatever_the_number_of_kpis(
    member, team, size, django_assert_num_queries
):
    kpis = KPIFactory.create_batch(size, team=team, owner=member)
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, period_date=TODAY - datetime.timedelta(days=30 * n), value=n)
        for kpi in kpis
        for n in range(15)
    )
    viewer = viewer_for(member)
    with django_assert_num_queries(2):
        cards = selectors.board(viewer, today=TODAY)
    assert len(cards) == size
    assert all(len(card.recent) == 12 for card in cards)
    assert cards[0].recent[-1].period_date == TODAY  # oldest first, latest last


def test_board_statuses(member, team):
    green = KPIFactory(team=team, owner=member, name="a")
    MeasurementFactory(kpi=green, period_date=TODAY, value=Decimal(60))
    stale = KPIFactory(team=team, owner=member, name="b")
    MeasurementFactory(kpi=stale, period_date=TODAY - datetime.timedelta(days=46), value=60)
    KPIFactory(team=team, owner=member, name="c")
    cards = selectors.board(viewer_for(member), today=TODAY)
    assert [card.status for card in cards] == ["green", "stale", "none"]


def test_stale_kpis_by_owner_in_one_query(django_assert_num_queries, team):
    alice, bob = UserFactory(), UserFactory()
    fresh = KPIFactory(owner=alice, frequency=KPI.Frequency.WEEKLY)
    MeasurementFactory(kpi=fresh, period_date=TODAY - datetime.timedelta(days=10))
    weekly = KPIFactory(owner=alice, frequency=KPI.Frequency.WEEKLY, name="weekly")
    MeasurementFactory(kpi=weekly, period_date=TODAY - datetime.timedelta(days=11))
    MeasurementFactory(kpi=weekly, period_date=TODAY - datetime.timedelta(days=40))
    yearly = KPIFactory(owner=bob, frequency=KPI.Frequency.YEARLY, name="yearly")
    MeasurementFactory(kpi=yearly, period_date=TODAY - datetime.timedelta(days=548))
    KPIFactory(owner=bob, name="never measured")
    with django_assert_num_queries(1):
        stale = selectors.stale_kpis_by_owner(today=TODAY)
    assert {owner: [kpi.name for kpi in kpis] for owner, kpis in stale.items()} == {
        alice.pk: ["weekly"],
        bob.pk: ["yearly"],
    }


@pytest.mark.parametrize("frequency", KPI.Frequency.values)
def test_stale_kpis_agree_with_the_status_at_the_boundary(frequency, member):
    from kpis import health

    days = health.max_fresh_age_days(frequency)
    for age in (days, days + 1):
        kpi = KPIFactory(owner=member, frequency=frequency, name=f"{frequency}-{age}")
        MeasurementFactory(kpi=kpi, period_date=TODAY - datetime.timedelta(days=age))
    names = [kpi.name for kpi in selectors.stale_kpis_by_owner(today=TODAY)[member.pk]]
    assert names == [f"{frequency}-{days + 1}"]
    cards = selectors.board(viewer_for(member), today=TODAY)
    statuses = {card.kpi.name: card.status for card in cards}
    assert statuses[f"{frequency}-{days + 1}"] == "stale"
    assert statuses[f"{frequency}-{days}"] != "stale"
