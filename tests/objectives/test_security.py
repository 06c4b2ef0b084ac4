"""Security review: an individual objective belongs to one of its owner's teams, so no one
can slip an objective into a team they are not in (its board, its scores, its private view),
nor hand one to a person outside the team they lead — through the service, the page or the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from objectives import services
from objectives.models import Objective
from okrapp.core.permissions import viewer_for
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db


def create_individual(viewer_user, cycle, *, owner, team):
    return services.objective_create(
        viewer=viewer_for(viewer_user),
        cycle=cycle,
        title="Grow my skills",
        level=Objective.Level.INDIVIDUAL,
        team=team,
        owner=owner,
    )


def test_a_member_cannot_set_their_individual_objective_in_another_team(cycle, member, other_team):
    with pytest.raises(ValidationError) as error:
        create_individual(member, cycle, owner=member, team=other_team)
    assert "team" in error.value.message_dict
    assert not Objective.objects.exists()


def test_a_lead_cannot_give_an_individual_objective_to_someone_outside_their_team(
    cycle, lead, team, outsider
):
    with pytest.raises(ValidationError) as error:
        create_individual(lead, cycle, owner=outsider, team=team)
    assert "team" in error.value.message_dict
    assert not Objective.objects.exists()


def test_a_member_sets_their_individual_objective_in_their_own_team(cycle, member, team):
    objective = create_individual(member, cycle, owner=member, team=team)
    assert objective.team == team


def test_a_lead_sets_an_individual_objective_for_a_member_of_their_team(cycle, lead, member, team):
    objective = create_individual(lead, cycle, owner=member, team=team)
    assert (objective.owner, objective.team) == (member, team)


def test_a_member_cannot_move_their_individual_objective_to_another_team(
    cycle, member, team, other_team
):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, level=Objective.Level.INDIVIDUAL
    )
    with pytest.raises(ValidationError):
        services.objective_update(viewer=viewer_for(member), objective=objective, team=other_team)
    objective.refresh_from_db()
    assert objective.team == team


def test_the_editor_page_refuses_another_team_for_ones_individual_objective(
    client, cycle, member, other_team
):
    client.force_login(member)
    response = client.post(
        reverse("objectives:create"),
        {
            "title": "Grow my skills",
            "level": Objective.Level.INDIVIDUAL,
            "team": other_team.pk,
            "owner": member.pk,
            "kind": Objective.Kind.COMMITTED,
            "visibility": Objective.Visibility.PUBLIC,
            "kr-TOTAL_FORMS": "0",
            "kr-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert not Objective.objects.exists()


def test_the_api_refuses_another_team_for_ones_individual_objective(cycle, member, other_team):
    api = APIClient()
    api.force_authenticate(member)
    response = api.post(
        "/api/v1/objectives/",
        {
            "cycle": cycle.pk,
            "title": "Grow my skills",
            "level": Objective.Level.INDIVIDUAL,
            "team": other_team.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "team" in response.json()
    assert not Objective.objects.exists()


@pytest.fixture
def aligned_under_a_private_parent(cycle, member, team, other_team, outsider):
    private_parent = ObjectiveFactory(
        cycle=cycle, team=other_team, owner=outsider, visibility=Objective.Visibility.PRIVATE
    )
    return ObjectiveFactory(
        cycle=cycle,
        level=Objective.Level.INDIVIDUAL,
        team=team,
        owner=member,
        parent=private_parent,
    )


def test_editing_keeps_a_parent_the_editor_cannot_see(member, aligned_under_a_private_parent):
    objective = aligned_under_a_private_parent
    parent_id = objective.parent_id
    services.objective_update(
        viewer=viewer_for(member), objective=objective, title="Grow my skills, again"
    )
    objective.refresh_from_db()
    assert objective.parent_id == parent_id


def test_editor_offers_the_hidden_parent_without_its_title(
    client, member, aligned_under_a_private_parent
):
    client.force_login(member)
    response = client.get(reverse("objectives:edit", args=[aligned_under_a_private_parent.pk]))
    page = response.content.decode()
    parent = aligned_under_a_private_parent.parent
    assert f'<option value="{parent.pk}" selected>Private objective</option>' in page
    assert parent.title not in page


def test_nobody_can_newly_align_to_a_parent_they_cannot_see(
    cycle, member, team, aligned_under_a_private_parent
):
    with pytest.raises(ValidationError) as error:
        services.objective_create(
            viewer=viewer_for(member),
            cycle=cycle,
            title="Another",
            level=Objective.Level.INDIVIDUAL,
            team=team,
            owner=member,
            parent=aligned_under_a_private_parent.parent,
        )
    assert "parent" in error.value.message_dict
