"""The Django admin follows the cycles' rules: its status is read-only, a cycle moves forward
one step at a time through the cycles' service, never backwards, and a closed one is read-only."""

from __future__ import annotations

import datetime

import pytest

from okrapp.core.models import Cycle
from tests.factories import CycleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/okrapp/cycle/"


@pytest.fixture
def superuser(client, admin):
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return admin


def _change(cycle: Cycle, **fields) -> dict:
    return {
        "name": cycle.name,
        "start_date": cycle.start_date.isoformat(),
        "end_date": cycle.end_date.isoformat(),
        **fields,
    }


@pytest.mark.parametrize("status", [Cycle.Status.ACTIVE, Cycle.Status.GRADING, Cycle.Status.CLOSED])
def test_the_admin_form_cannot_set_a_status_not_even_backwards(client, superuser, status):
    cycle = CycleFactory(status=status)
    client.post(f"{CHANGELIST}{cycle.pk}/change/", _change(cycle, status="planning"))
    cycle.refresh_from_db()
    assert cycle.status == status


def test_a_cycle_added_in_the_admin_starts_in_planning(client, superuser):
    response = client.post(
        f"{CHANGELIST}add/",
        {
            "name": "T1 2031",
            "start_date": "2031-01-01",
            "end_date": "2031-03-31",
            "status": "active",
        },
    )
    assert response.status_code == 302
    assert Cycle.objects.get(name="T1 2031").status == Cycle.Status.PLANNING


def test_the_admin_refuses_overlapping_dates_as_the_cycles_page_does(client, superuser):
    existing = CycleFactory(status=Cycle.Status.ACTIVE)
    response = client.post(
        f"{CHANGELIST}add/",
        {
            "name": "Overlap",
            "start_date": (existing.start_date + datetime.timedelta(days=3)).isoformat(),
            "end_date": (existing.end_date + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "overlap" in response.text
    assert not Cycle.objects.filter(name="Overlap").exists()


def test_a_closed_cycle_is_read_only_in_the_admin(client, superuser):
    cycle = CycleFactory(status=Cycle.Status.CLOSED)
    client.post(f"{CHANGELIST}{cycle.pk}/change/", _change(cycle, name="Renamed"))
    cycle.refresh_from_db()
    assert cycle.name != "Renamed"


@pytest.mark.parametrize(
    ("status", "after"),
    [
        (Cycle.Status.PLANNING, Cycle.Status.ACTIVE),
        (Cycle.Status.ACTIVE, Cycle.Status.GRADING),
        (Cycle.Status.GRADING, Cycle.Status.CLOSED),
        (Cycle.Status.CLOSED, Cycle.Status.CLOSED),
    ],
)
def test_the_admin_moves_a_cycle_one_step_forward(client, superuser, status, after):
    cycle = CycleFactory(status=status)
    response = client.post(CHANGELIST, {"action": "move_forward", "_selected_action": [cycle.pk]})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == after


def test_opening_grading_in_the_admin_records_when_it_opened(client, superuser):
    cycle = CycleFactory(status=Cycle.Status.ACTIVE)
    client.post(CHANGELIST, {"action": "move_forward", "_selected_action": [cycle.pk]})
    cycle.refresh_from_db()
    assert cycle.grading_opened_on is not None


def test_the_admin_does_not_close_an_active_cycle_before_its_grading(client, superuser):
    cycle = CycleFactory(status=Cycle.Status.ACTIVE)
    client.post(CHANGELIST, {"action": "close_cycles", "_selected_action": [cycle.pk]})
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.ACTIVE


def test_a_cycle_that_ran_cannot_be_deleted_in_the_admin(client, superuser):
    cycle = CycleFactory(status=Cycle.Status.GRADING)
    assert client.post(f"{CHANGELIST}{cycle.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Cycle.objects.filter(pk=cycle.pk).exists()
