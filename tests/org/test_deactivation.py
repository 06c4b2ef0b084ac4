"""Deactivation keeps history: no sign-in, no reminder, no picker; check-ins and scores stay;
what the person owns in open cycles is handed over in one step."""

from __future__ import annotations

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from objectives.models import KeyResult, Objective
from okrapp.core.models import Cycle, User
from tests.factories import CheckInFactory, CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(member, team, cycle):
    objective = ObjectiveFactory(owner=member, team=team, cycle=cycle, title="Grow the pipeline")
    key_result = KeyResultFactory(objective=objective, owner=member, title="100 demos")
    CheckInFactory(key_result=key_result, author=member)
    closed = CycleFactory(name="T1 2020", status=Cycle.Status.CLOSED)
    old = ObjectiveFactory(owner=member, team=team, cycle=closed, title="Old times")
    return objective, key_result, old


def test_the_deactivation_page_lists_open_objectives_and_key_results_not_closed_ones(
    admin_client, member, owned
):
    page = admin_client.get(reverse("org_deactivate", args=[member.pk])).content.decode()
    assert "Grow the pipeline" in page and "100 demos" in page
    assert "Old times" not in page


def test_deactivating_with_a_successor_hands_everything_over_in_one_step(
    admin_client, member, lead, owned
):
    objective, key_result, old = owned
    response = admin_client.post(
        reverse("org_deactivate", args=[member.pk]), {"successor": lead.pk}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert Objective.objects.get(pk=objective.pk).owner == lead
    assert KeyResult.objects.get(pk=key_result.pk).owner == lead
    assert Objective.objects.get(pk=old.pk).owner == member  # a closed cycle's history stays


def test_a_deactivated_person_keeps_their_check_ins(admin_client, member, owned):
    admin_client.post(reverse("org_deactivate", args=[member.pk]))
    assert CheckIn.objects.filter(author=member).count() == 1


def test_a_deactivated_person_cannot_sign_in_and_their_session_ends(
    client, admin, member, password
):
    member_client = type(client)()
    member_client.force_login(member)
    client.force_login(admin)
    client.post(reverse("org_deactivate", args=[member.pk]))
    assert member_client.get(reverse("dashboard")).status_code == 302
    assert not member_client.login(username=member.email, password=password)


def test_a_deactivated_person_leaves_the_owner_pickers(admin_client, member, cycle):
    admin_client.post(reverse("org_deactivate", args=[member.pk]))
    page = admin_client.get(reverse("objectives:create") + f"?cycle={cycle.pk}").content.decode()
    assert member.email not in page


def test_an_admin_cannot_deactivate_themselves(admin_client, admin):
    response = admin_client.post(reverse("org_deactivate", args=[admin.pk]))
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_active


def test_a_deactivated_person_is_handed_over_later_from_their_page(
    admin_client, member, lead, owned
):
    objective, _key_result, _old = owned
    admin_client.post(reverse("org_deactivate", args=[member.pk]))
    assert (
        "Grow the pipeline"
        in admin_client.get(reverse("org_person", args=[member.pk])).content.decode()
    )
    admin_client.post(reverse("org_hand_over", args=[member.pk]), {"successor": lead.pk})
    assert Objective.objects.get(pk=objective.pk).owner == lead


def test_a_deactivated_person_is_not_offered_as_a_successor(admin_client, member, lead, owned):
    User.objects.filter(pk=lead.pk).update(is_active=False)
    response = admin_client.post(reverse("org_hand_over", args=[member.pk]), {"successor": lead.pk})
    assert response.status_code == 400


def test_a_reactivated_person_signs_in_again(client, admin, member, password):
    client.force_login(admin)
    client.post(reverse("org_deactivate", args=[member.pk]))
    client.post(reverse("org_reactivate", args=[member.pk]))
    assert type(client)().login(username=member.email, password=password)
