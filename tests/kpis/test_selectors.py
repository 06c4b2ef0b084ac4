"""Reads shared by pages and tasks: the board and the stale KPIs of the weekly reminder."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kpis import health, selectors
from kpis.models import KPI, Measurement
from okrapp.core.permissions import viewer_for
from tests.factories import KPIFactory, MeasurementFactory, TeamFactory, UserFactory

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


# The board's pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 120])
def test_a_board_page_takes_three_queries_whatever_the_number_of_kpis(
    member, team, size, django_assert_num_queries
):
    kpis = KPIFactory.create_batch(size, team=team, owner=member)
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, period_date=TODAY - datetime.timedelta(days=30 * n), value=n)
        for kpi in kpis
        for n in range(15)
    )
    viewer = viewer_for(member)
    with django_assert_num_queries(3):
        page = selectors.board_page(viewer, today=TODAY)
        cards = list(page)
        [(card.kpi.team_name, card.latest) for card in cards]
    assert len(cards) == min(size, selectors.BOARD_PER_PAGE)
    assert page.paginator.count == size
    assert all(len(card.recent) == 12 for card in cards)
    with django_assert_num_queries(3):
        page = selectors.board_page(viewer, status="red", page=2, today=TODAY)
        [(card.kpi.team_name, card.latest) for card in page]
    assert page.paginator.count == size and {card.status for card in page} == {"red"}


def a_board_of_every_status(member, team, other_team):
    """Eleven KPIs the member sees, in two teams, of every status; one private KPI they do
    not see."""
    measured = {
        "green": (TODAY, Decimal(60)),
        "amber": (TODAY, Decimal(45)),
        "red": (TODAY, Decimal(10)),
        "stale": (TODAY - datetime.timedelta(days=46), Decimal(60)),
    }
    kinds = ["green", "amber", "red", "stale", "none"]
    for number in range(11):
        kind = kinds[number % 5]
        kpi = KPIFactory(
            team=team if number % 2 else other_team,
            owner=member,
            name=f"KPI {10 - number:02}",  # created out of the board's order
            alert_threshold=Decimal(40),
        )
        if kind in measured:
            day, value = measured[kind]
            MeasurementFactory(kpi=kpi, period_date=day - datetime.timedelta(days=31), value=0)
            MeasurementFactory(kpi=kpi, period_date=day, value=value)
    KPIFactory(team=other_team, name="Private", visibility=KPI.Visibility.PRIVATE)


def paged(viewer, **filters) -> list[list[tuple[int, str]]]:
    pages, number = [], 1
    while True:
        page = selectors.board_page(viewer, page=number, today=TODAY, **filters)
        pages.append([(card.kpi.pk, card.status) for card in page])
        if not page.has_next():
            return pages
        number += 1


@pytest.mark.parametrize("status", ["", "green", "red", "none"])
def test_the_board_pages_keep_the_whole_boards_order_statuses_and_filters(
    member, team, other_team, status, monkeypatch
):
    monkeypatch.setattr(selectors, "BOARD_PER_PAGE", 4)
    a_board_of_every_status(member, team, other_team)
    viewer = viewer_for(member)
    for filters in ({"status": status}, {"status": status, "team": team}):
        whole = [
            (card.kpi.pk, card.status) for card in selectors.board(viewer, today=TODAY, **filters)
        ]
        if not status:
            assert {found for _, found in whole} == set(health.STATUSES)
        pages = paged(viewer, **filters)
        assert [row for page in pages for row in page] == whole
        assert all(len(page) == 4 for page in pages[:-1])
        assert selectors.board_page(viewer, today=TODAY, **filters).paginator.count == len(whole)


def test_a_page_beyond_the_last_shows_the_last(member, team, other_team, monkeypatch):
    monkeypatch.setattr(selectors, "BOARD_PER_PAGE", 4)
    a_board_of_every_status(member, team, other_team)
    viewer = viewer_for(member)
    last = selectors.board_page(viewer, page=99, today=TODAY)
    assert last.number == 3
    assert [(card.kpi.pk, card.status) for card in last] == [
        (card.kpi.pk, card.status) for card in selectors.board(viewer, today=TODAY)[8:]
    ]


def test_a_filter_matching_nothing_gives_an_empty_page(member, team, other_team):
    a_board_of_every_status(member, team, other_team)
    quiet = TeamFactory()
    KPIFactory(team=quiet, owner=member)
    page = selectors.board_page(viewer_for(member), team=quiet, status="green", today=TODAY)
    assert list(page) == [] and page.paginator.count == 0
