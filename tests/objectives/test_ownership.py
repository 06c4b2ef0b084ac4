"""Who may be made an owner: yourself; a member of a team you lead (or of one under it);
anyone if you are an admin — one rule (objectives.permissions.can_make_owner) for the pages,
the KPI bridge and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from objectives import services
from objectives.models import KeyResult
from okrapp.core.permissions import viewer_for
from tests.api.conftest import client_for
from tests.factories import KeyResultFactory, MembershipFactory, ObjectiveFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_objective(cycle, team, lead):
    return ObjectiveFactory(cycle=cycle, team=team, owner=lead, level="team")


@pytest.fixture
def key_result(team_objective, lead):
    return KeyResultFactory(objective=team_objective, owner=lead)


def test_a_lead_may_hand_a_key_result_to_a_member_of_the_team(lead, member, key_result):
    services.key_result_update(viewer=viewer_for(lead), key_result=key_result, owner=member)
    assert KeyResult.objects.get(pk=key_result.pk).owner == member


def test_a_lead_may_hand_a_key_result_to_a_member_of_a_team_under_theirs(lead, team, key_result):
    acquisition = TeamFactory(name="Acquisition", parent=team)
    newcomer = MembershipFactory(team=acquisition).user
    services.key_result_update(viewer=viewer_for(lead), key_result=key_result, owner=newcomer)
    assert KeyResult.objects.get(pk=key_result.pk).owner == newcomer


def test_a_lead_may_not_hand_a_key_result_to_someone_of_another_team(lead, outsider, key_result):
    with pytest.raises(ValidationError) as refused:
        services.key_result_update(viewer=viewer_for(lead), key_result=key_result, owner=outsider)
    assert "owner" in refused.value.message_dict
    assert KeyResult.objects.get(pk=key_result.pk).owner == lead


def test_an_admin_may_make_anyone_an_owner(admin, outsider, key_result):
    services.key_result_update(viewer=viewer_for(admin), key_result=key_result, owner=outsider)
    assert KeyResult.objects.get(pk=key_result.pk).owner == outsider


def test_a_lead_may_not_make_someone_of_another_team_own_a_team_objective(
    lead, outsider, cycle, team
):
    with pytest.raises(ValidationError) as refused:
        services.objective_create(
            viewer=viewer_for(lead),
            cycle=cycle,
            title="Grow",
            level="team",
            team=team,
            owner=outsider,
        )
    assert "owner" in refused.value.message_dict


def test_a_new_key_result_in_the_editor_may_not_go_to_another_team(lead, outsider, team_objective):
    rows = [{"title": "Reach 500", "target_value": 500, "owner": outsider}]
    with pytest.raises(ValidationError) as refused:
        services.objective_update(
            viewer=viewer_for(lead), objective=team_objective, key_results=rows
        )
    assert "key_results.0.owner" in refused.value.message_dict


def test_an_owner_left_unchanged_is_never_questioned(lead, outsider, key_result):
    KeyResult.objects.filter(pk=key_result.pk).update(owner=outsider)
    key_result.refresh_from_db()
    services.key_result_update(viewer=viewer_for(lead), key_result=key_result, title="Renamed")
    assert KeyResult.objects.get(pk=key_result.pk).title == "Renamed"


def test_the_api_refuses_to_make_someone_of_another_team_an_owner(lead, outsider, key_result):
    response = client_for(lead).patch(
        f"/api/v1/key-results/{key_result.pk}/", {"owner": outsider.pk}, format="json"
    )
    assert response.status_code == 400 and "owner" in response.json()
