"""Objective, key result and initiative services: rights, validation, alignment, scores."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from objectives import services
from objectives.models import Initiative, KeyResult, Objective
from okrapp.core.models import Cycle, Membership
from okrapp.core.permissions import viewer_for
from tests.factories import (
    CycleFactory,
    InitiativeFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def kr(title="Reach 500 subscribers", **fields):
    return {"title": title, "start_value": Decimal(0), "target_value": Decimal(100), **fields}


@pytest.fixture
def company_objective(cycle, company, admin):
    return ObjectiveFactory(
        cycle=cycle, level=Objective.Level.COMPANY, team=company, owner=admin, title="Loyal"
    )


def create(viewer_user, cycle, **overrides):
    fields = {
        "title": "Our community loves us",
        "level": Objective.Level.TEAM,
        "owner": viewer_user,
        "key_results": [kr("Reach 500 subscribers"), kr("Raise NPS to 80", target_value=80)],
        **overrides,
    }
    return services.objective_create(viewer=viewer_for(viewer_user), cycle=cycle, **fields)


def test_lead_creates_a_team_objective_with_key_results_and_a_score(lead, team, cycle):
    objective = create(
        lead,
        cycle,
        team=team,
        key_results=[kr(current_value=Decimal(50)), kr("Raise NPS", current_value=Decimal(100))],
    )
    objective.refresh_from_db()
    assert objective.score == Decimal(75)
    assert [k.position for k in objective.key_results.all()] == [0, 1]
    assert objective.key_results.first().owner == lead


def test_new_key_result_starts_at_its_start_value(lead, team, cycle):
    objective = create(
        lead, cycle, team=team, key_results=[kr(start_value=Decimal(100), target_value=50)]
    )
    key_result = objective.key_results.get()
    assert key_result.current_value == Decimal(100)
    assert key_result.score is None  # not scored until a first check-in


def test_objective_without_key_results_has_no_score(lead, team, cycle):
    objective = create(lead, cycle, team=team, key_results=[])
    objective.refresh_from_db()
    assert objective.score is None


def test_company_objective_belongs_to_the_company(admin, company, team, cycle):
    objective = create(admin, cycle, level=Objective.Level.COMPANY, team=team)
    assert objective.team == company


def test_individual_objective_defaults_to_the_owners_primary_team(member, team, cycle):
    objective = create(member, cycle, level=Objective.Level.INDIVIDUAL)
    assert objective.team == team


def test_start_equal_to_target_is_rejected_with_a_clear_message(lead, team, cycle):
    with pytest.raises(ValidationError) as error:
        create(lead, cycle, team=team, key_results=[kr(start_value=5, target_value=5)])
    assert "differ from the start" in error.value.message_dict["key_results.0.target_value"][0]
    assert not Objective.objects.exists()


def test_negative_weight_is_rejected(lead, team, cycle):
    with pytest.raises(ValidationError) as error:
        create(lead, cycle, team=team, key_results=[kr(weight=Decimal(-1))])
    assert "key_results.0.weight" in error.value.message_dict


def test_all_zero_weights_are_rejected(lead, team, cycle):
    with pytest.raises(ValidationError) as error:
        create(lead, cycle, team=team, key_results=[kr(weight=0), kr("B", weight=0)])
    assert "key_results" in error.value.message_dict


def test_plain_member_may_not_create_a_team_objective(member, team, cycle):
    with pytest.raises(PermissionDenied):
        create(member, cycle, team=team)


def test_lead_may_not_create_a_company_objective(lead, cycle):
    with pytest.raises(PermissionDenied):
        create(lead, cycle, level=Objective.Level.COMPANY)


def test_lead_of_another_team_may_not_create_for_this_team(outsider, team, other_team, cycle):
    Membership.objects.filter(user=outsider).update(role=Membership.Role.LEAD)
    with pytest.raises(PermissionDenied):
        create(outsider, cycle, team=team)


def test_member_may_not_set_an_individual_objective_for_someone_else(member, lead, cycle):
    with pytest.raises(PermissionDenied):
        create(member, cycle, level=Objective.Level.INDIVIDUAL, owner=lead)


def test_nothing_is_created_in_a_closed_cycle(admin, cycle):
    cycle.status = Cycle.Status.CLOSED
    cycle.save()
    with pytest.raises(PermissionDenied):
        create(admin, cycle, level=Objective.Level.COMPANY)


def test_team_objective_aligns_to_a_company_objective(lead, team, cycle, company_objective):
    objective = create(lead, cycle, team=team, parent=company_objective)
    assert objective.parent == company_objective


def test_team_objective_aligns_to_a_parent_teams_objective(lead, team, cycle):
    sub_team = TeamFactory(parent=team)
    parent = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    objective = create(lead, cycle, team=sub_team, parent=parent)
    assert objective.parent == parent


def test_team_objective_may_not_align_to_a_sibling_teams_objective(lead, team, other_team, cycle):
    sibling = ObjectiveFactory(cycle=cycle, team=other_team)
    with pytest.raises(ValidationError) as error:
        create(lead, cycle, team=team, parent=sibling)
    assert "parent" in error.value.message_dict


def test_individual_objective_may_not_align_to_an_individual_one(member, team, cycle):
    other = ObjectiveFactory(cycle=cycle, team=team, level=Objective.Level.INDIVIDUAL)
    with pytest.raises(ValidationError) as error:
        create(member, cycle, level=Objective.Level.INDIVIDUAL, parent=other)
    assert "parent" in error.value.message_dict


def test_alignment_stays_within_the_cycle(lead, team, cycle, company, admin):
    elsewhere = ObjectiveFactory(
        cycle=CycleFactory(), level=Objective.Level.COMPANY, team=company, owner=admin
    )
    with pytest.raises(ValidationError) as error:
        create(lead, cycle, team=team, parent=elsewhere)
    assert "same cycle" in error.value.message_dict["parent"][0]


def test_company_objective_has_no_parent(admin, cycle, company_objective):
    with pytest.raises(ValidationError) as error:
        create(admin, cycle, level=Objective.Level.COMPANY, parent=company_objective)
    assert "parent" in error.value.message_dict


def test_one_may_not_align_to_a_private_objective_one_cannot_see(outsider, cycle, team):
    hidden = ObjectiveFactory(cycle=cycle, team=team, visibility=Objective.Visibility.PRIVATE)
    with pytest.raises(ValidationError) as error:
        create(outsider, cycle, level=Objective.Level.INDIVIDUAL, parent=hidden)
    assert "parent" in error.value.message_dict


def test_update_replaces_the_key_results_in_the_given_order(lead, team, cycle):
    objective = create(lead, cycle, team=team)
    first, second = objective.key_results.all()
    services.objective_update(
        viewer=viewer_for(lead),
        objective=objective,
        title="Our community adores us",
        key_results=[
            {"id": second.pk, "title": "Raise NPS to 90", "target_value": Decimal(90)},
            kr("A brand new one", current_value=Decimal(100)),
        ],
    )
    titles = list(objective.key_results.values_list("title", "position"))
    assert titles == [("Raise NPS to 90", 0), ("A brand new one", 1)]
    assert not KeyResult.objects.filter(pk=first.pk).exists()
    objective.refresh_from_db()
    assert objective.title == "Our community adores us"
    assert objective.score == Decimal(50)


def test_update_refuses_a_key_result_of_another_objective(lead, team, cycle):
    objective = create(lead, cycle, team=team)
    stranger = KeyResultFactory()
    with pytest.raises(ValidationError):
        services.objective_update(
            viewer=viewer_for(lead),
            objective=objective,
            key_results=[{"id": stranger.pk, "title": "Mine now"}],
        )


def test_update_refuses_a_level_that_would_orphan_aligned_objectives(
    admin, lead, team, cycle, company_objective
):
    create(lead, cycle, team=team, parent=company_objective)
    with pytest.raises(ValidationError) as error:
        services.objective_update(
            viewer=viewer_for(admin),
            objective=company_objective,
            level=Objective.Level.INDIVIDUAL,
            team=team,
        )
    assert "level" in error.value.message_dict


def test_lead_may_not_promote_a_team_objective_to_company(lead, team, cycle):
    objective = create(lead, cycle, team=team)
    with pytest.raises(PermissionDenied):
        services.objective_update(
            viewer=viewer_for(lead), objective=objective, level=Objective.Level.COMPANY
        )


def test_update_refuses_unknown_fields(lead, team, cycle):
    objective = create(lead, cycle, team=team)
    with pytest.raises(ValidationError):
        services.objective_update(viewer=viewer_for(lead), objective=objective, score=100)


def test_delete_leaves_aligned_objectives_unaligned(admin, lead, team, cycle, company_objective):
    child = create(lead, cycle, team=team, parent=company_objective)
    services.objective_delete(viewer=viewer_for(admin), objective=company_objective)
    child.refresh_from_db()
    assert child.parent is None


def test_member_may_not_delete_the_team_objective(member, lead, team, cycle):
    objective = create(lead, cycle, team=team)
    with pytest.raises(PermissionDenied):
        services.objective_delete(viewer=viewer_for(member), objective=objective)


def test_key_result_create_update_delete_keep_the_score(lead, team, cycle):
    objective = create(lead, cycle, team=team, key_results=[kr(current_value=Decimal(100))])
    viewer = viewer_for(lead)
    added = services.key_result_create(
        viewer=viewer, objective=objective, title="Raise NPS", target_value=Decimal(10)
    )
    objective.refresh_from_db()
    assert objective.score == Decimal(50)
    assert added.position == 1
    services.key_result_update(viewer=viewer, key_result=added, current_value=Decimal(10))
    objective.refresh_from_db()
    assert objective.score == Decimal(100)
    services.key_result_delete(viewer=viewer, key_result=added)
    objective.refresh_from_db()
    assert objective.score == Decimal(100)


def test_key_result_update_rejects_target_equal_to_start(lead, team, cycle):
    objective = create(lead, cycle, team=team)
    with pytest.raises(ValidationError) as error:
        services.key_result_update(
            viewer=viewer_for(lead),
            key_result=objective.key_results.first(),
            target_value=Decimal(0),
        )
    assert "target_value" in error.value.message_dict


def test_key_result_update_rejects_all_zero_weights(lead, team, cycle):
    objective = create(lead, cycle, team=team, key_results=[kr()])
    with pytest.raises(ValidationError):
        services.key_result_update(
            viewer=viewer_for(lead), key_result=objective.key_results.get(), weight=Decimal(0)
        )


def test_milestone_without_target_is_unscored_until_checked_in(lead, team, cycle):
    objective = create(
        lead,
        cycle,
        team=team,
        key_results=[{"title": "Contract signed", "kind": KeyResult.Kind.MILESTONE}],
    )
    milestone = objective.key_results.get()
    assert (milestone.start_value, milestone.target_value, milestone.score) == (0, 1, None)


def test_member_may_not_add_key_results_to_the_team_objective(member, lead, team, cycle):
    objective = create(lead, cycle, team=team)
    with pytest.raises(PermissionDenied):
        services.key_result_create(
            viewer=viewer_for(member), objective=objective, title="X", target_value=Decimal(1)
        )


def test_key_result_owner_manages_initiatives(member, lead, team, cycle):
    objective = create(lead, cycle, team=team, key_results=[kr(owner=member)])
    key_result = objective.key_results.get()
    viewer = viewer_for(member)
    initiative = services.initiative_create(
        viewer=viewer, key_result=key_result, title="Launch the campaign"
    )
    services.initiative_update(viewer=viewer, initiative=initiative, status="done")
    assert Initiative.objects.get().status == Initiative.Status.DONE
    services.initiative_delete(viewer=viewer, initiative=initiative)
    assert not Initiative.objects.exists()


def test_initiatives_are_never_scored(lead, team, cycle):
    objective = create(lead, cycle, team=team, key_results=[kr(current_value=Decimal(20))])
    InitiativeFactory(key_result=objective.key_results.get(), status=Initiative.Status.DONE)
    services.objective_refresh_score(objective_id=objective.pk)
    objective.refresh_from_db()
    assert objective.score == Decimal(20)


def test_outsider_may_not_manage_initiatives(outsider, lead, team, cycle):
    objective = create(lead, cycle, team=team)
    with pytest.raises(PermissionDenied):
        services.initiative_create(
            viewer=viewer_for(outsider), key_result=objective.key_results.first(), title="X"
        )


def test_initiatives_of_a_closed_cycle_are_read_only(lead, team, cycle):
    objective = create(lead, cycle, team=team)
    initiative = InitiativeFactory(key_result=objective.key_results.first())
    cycle.status = Cycle.Status.CLOSED
    cycle.save()
    initiative.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.initiative_update(viewer=viewer_for(lead), initiative=initiative, status="done")


def test_ancestor_team_lead_edits_a_sub_teams_objective(lead, team, cycle):
    sub_team = TeamFactory(parent=team)
    sub_lead = MembershipFactory(team=sub_team, role=Membership.Role.LEAD).user
    objective = create(sub_lead, cycle, team=sub_team)
    services.objective_update(viewer=viewer_for(lead), objective=objective, title="Better words")
    objective.refresh_from_db()
    assert objective.title == "Better words"
