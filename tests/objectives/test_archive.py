"""Deleting an objective with check-ins archives it: kept with its history, out of boards,
roll-ups, My week and lists, restorable by its owner, a lead of its team or an admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import checkin_create
from objectives import rollup_services, services
from objectives.models import KeyResult, Objective
from okrapp.core.permissions import viewer_for
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked_in(cycle, team, lead, member):
    """A team objective whose key result, owned by the member, has a check-in."""
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, level="team")
    key_result = KeyResultFactory(
        objective=objective, owner=member, start_value=Decimal(0), target_value=Decimal(100)
    )
    checkin_create(key_result=key_result, author=member, value=Decimal(60), confidence="on_track")
    objective.refresh_from_db()
    return objective


def test_deleting_an_objective_with_check_ins_archives_it_with_its_history(checked_in, lead):
    outcome = services.objective_delete(viewer=viewer_for(lead), objective=checked_in)
    assert outcome == "archived"
    archived = Objective.all_objects.get(pk=checked_in.pk)
    assert archived.is_archived
    assert CheckIn.objects.count() == 1 and KeyResult.objects.count() == 1
    assert not Objective.objects.filter(pk=checked_in.pk).exists()


def test_an_objective_without_check_ins_is_deleted_outright(cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, level="team")
    KeyResultFactory(objective=objective)
    assert services.objective_delete(viewer=viewer_for(lead), objective=objective) == "deleted"
    assert not Objective.all_objects.exists() and not KeyResult.objects.exists()


def test_an_archived_objective_leaves_the_board_my_week_and_the_roll_up(
    client, checked_in, lead, member, team, cycle
):
    before = rollup_services.team_scores(cycle.pk)[team.pk].own_score
    assert before == Decimal(60)
    services.objective_delete(viewer=viewer_for(lead), objective=checked_in)
    client.force_login(member)
    assert checked_in.title not in client.get(reverse("objectives:board")).content.decode()
    assert checked_in.title not in client.get(reverse("checkins:my_week")).content.decode()
    assert (
        checked_in.title not in client.get(reverse("team_detail", args=[team.pk])).content.decode()
    )
    assert rollup_services.team_scores(cycle.pk)[team.pk].own_score is None


def test_an_archived_objective_keeps_its_page_and_is_read_only(client, checked_in, lead):
    services.objective_delete(viewer=viewer_for(lead), objective=checked_in)
    client.force_login(lead)
    page = client.get(reverse("objectives:detail", args=[checked_in.pk]))
    assert page.status_code == 200 and "Archived on" in page.content.decode()
    assert client.get(reverse("objectives:edit", args=[checked_in.pk])).status_code == 403
    key_result = checked_in.key_results.get()
    response = client.post(
        reverse("checkins:checkin_create", args=[key_result.pk]),
        {f"kr{key_result.pk}-value": "70", f"kr{key_result.pk}-confidence": "on_track"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["owner", "lead", "admin"])
def test_the_owner_a_lead_or_an_admin_restores_it(client, cycle, team, lead, member, admin, who):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    key_result = KeyResultFactory(objective=objective, owner=member)
    checkin_create(key_result=key_result, author=member, value=Decimal(5), confidence="on_track")
    services.objective_delete(viewer=viewer_for(member), objective=objective)
    user = {"owner": member, "lead": lead, "admin": admin}[who]
    client.force_login(user)
    response = client.post(reverse("objectives:restore", args=[objective.pk]))
    assert response.status_code == 302
    assert Objective.objects.filter(pk=objective.pk).exists()


def test_a_teammate_may_not_restore_it(checked_in, lead, team):
    from tests.factories import MembershipFactory

    teammate = MembershipFactory(team=team).user
    services.objective_delete(viewer=viewer_for(lead), objective=checked_in)
    archived = Objective.all_objects.get(pk=checked_in.pk)
    with pytest.raises(PermissionDenied):
        services.objective_restore(viewer=viewer_for(teammate), objective=archived)


def test_an_outsider_cannot_restore_or_see_a_private_archived_objective(
    client, cycle, team, lead, member, outsider
):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, level="team", visibility="private"
    )
    key_result = KeyResultFactory(objective=objective, owner=member)
    checkin_create(key_result=key_result, author=member, value=Decimal(5), confidence="on_track")
    services.objective_delete(viewer=viewer_for(lead), objective=objective)
    client.force_login(outsider)
    assert client.get(reverse("objectives:detail", args=[objective.pk])).status_code == 404
    assert client.post(reverse("objectives:restore", args=[objective.pk])).status_code == 404
    assert Objective.all_objects.get(pk=objective.pk).is_archived


def test_the_api_lists_archived_objectives_only_when_asked(client, checked_in, lead):
    services.objective_delete(viewer=viewer_for(lead), objective=checked_in)
    client.force_login(lead)
    default = client.get("/api/v1/objectives/").json()
    archived = client.get("/api/v1/objectives/?archived=true").json()
    ids = lambda page: [row["id"] for row in page["results"]]  # noqa: E731
    assert checked_in.pk not in ids(default)
    assert ids(archived) == [checked_in.pk]
    assert archived["results"][0]["archived_at"]
    assert client.get("/api/v1/objectives/?archived=maybe").status_code == 400


def test_the_delete_page_says_it_archives_when_there_are_check_ins(client, checked_in, lead):
    client.force_login(lead)
    html = client.get(reverse("objectives:delete", args=[checked_in.pk])).content.decode()
    assert "Archive the objective?" in html
