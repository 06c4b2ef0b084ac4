"""KPI → key result: a new objective by default, an existing one only when chosen, and every
inconsistent choice a field error (never a silent pick)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.forms import KeyResultFromKPIForm
from kpis.selectors import to_key_result_page
from objectives.models import KeyResult, Objective
from okrapp.core.permissions import viewer_for
from tests.factories import KPIFactory, MembershipFactory, ObjectiveFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = {"title": "Open rate at 50 %", "start_value": "31", "target_value": "50"}


def _form(viewer_user, kpi, data):
    viewer = viewer_for(viewer_user)
    page = to_key_result_page(viewer, kpi)
    return KeyResultFromKPIForm(
        {**BASE, **data},
        initial=page["initial"],
        objectives=page["objectives"],
        cycle=page["cycle"],
        viewer=viewer,
        kpi=kpi,
    )


@pytest.mark.parametrize(
    ("destination", "new_title", "pick_objective", "errors"),
    [
        ("new", "Our newsletter is awaited", False, set()),
        ("new", "", False, {"new_objective_title"}),
        ("new", "Our newsletter is awaited", True, {"objective"}),
        ("new", "", True, {"new_objective_title", "objective"}),
        ("existing", "", True, set()),
        ("existing", "", False, {"objective"}),
        ("existing", "Our newsletter is awaited", True, {"new_objective_title"}),
        ("existing", "Our newsletter is awaited", False, {"objective", "new_objective_title"}),
        ("", "Our newsletter is awaited", False, {"destination"}),
    ],
)
def test_the_form_accepts_exactly_one_consistent_destination(
    lead, team, cycle, destination, new_title, pick_objective, errors
):
    kpi = KPIFactory(team=team, owner=lead)
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    form = _form(
        lead,
        kpi,
        {
            "destination": destination,
            "new_objective_title": new_title,
            "objective": objective.pk if pick_objective else "",
        },
    )
    assert set(form.errors) == set(errors)


def test_the_page_proposes_a_new_objective_and_preselects_no_existing_one(
    client, lead, team, cycle
):
    kpi = KPIFactory(team=team, owner=lead)
    ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    client.force_login(lead)
    form = client.get(reverse("kpis:to_key_result", args=[kpi.pk])).context["form"]
    assert form["destination"].value() == "new"
    assert form["objective"].value() is None


def test_a_colleagues_objective_is_not_offered_to_a_member(client, member, lead, team, cycle):
    kpi = KPIFactory(team=team, owner=member)
    colleagues = ObjectiveFactory(cycle=cycle, team=team, owner=lead, level="team")
    own = ObjectiveFactory(cycle=cycle, team=team, owner=member, level="individual")
    form = _form(member, kpi, {"destination": "existing", "objective": colleagues.pk})
    assert "objective" in form.errors
    assert list(form.fields["objective"].queryset) == [own]


def test_a_member_gets_a_new_individual_objective_of_their_own(client, member, lead, team, cycle):
    kpi = KPIFactory(team=team, owner=lead, target_value=Decimal(50))
    client.force_login(member)
    response = client.post(
        reverse("kpis:to_key_result", args=[kpi.pk]),
        {**BASE, "destination": "new", "new_objective_title": "Readers wait for us"},
    )
    assert response.status_code == 302
    objective = KeyResult.objects.get().objective
    assert (objective.title, objective.level, objective.team, objective.owner) == (
        "Readers wait for us",
        Objective.Level.INDIVIDUAL,
        team,
        member,
    )


def test_a_lead_gets_a_team_objective_owned_by_whom_they_choose(client, lead, member, team, cycle):
    kpi = KPIFactory(team=team, owner=lead)
    client.force_login(lead)
    response = client.post(
        reverse("kpis:to_key_result", args=[kpi.pk]),
        {
            **BASE,
            "destination": "new",
            "new_objective_title": "Readers wait for us",
            "new_objective_owner": member.pk,
        },
    )
    assert response.status_code == 302
    objective = KeyResult.objects.get().objective
    assert (objective.level, objective.team, objective.owner) == ("team", team, member)


def test_a_lead_may_not_make_an_outsider_own_the_new_objective(client, lead, outsider, team, cycle):
    kpi = KPIFactory(team=team, owner=lead)
    client.force_login(lead)
    response = client.post(
        reverse("kpis:to_key_result", args=[kpi.pk]),
        {
            **BASE,
            "destination": "new",
            "new_objective_title": "Readers wait for us",
            "new_objective_owner": outsider.pk,
        },
    )
    assert response.status_code == 400
    assert not Objective.objects.exists()


def test_a_lead_without_a_choice_owns_the_new_objective(client, lead, team, cycle):
    MembershipFactory(team=team, user=UserFactory())
    kpi = KPIFactory(team=team, owner=lead)
    client.force_login(lead)
    client.post(
        reverse("kpis:to_key_result", args=[kpi.pk]),
        {**BASE, "destination": "new", "new_objective_title": "Readers wait for us"},
    )
    assert KeyResult.objects.get().objective.owner == lead


def test_an_existing_objective_keeps_its_score_untouched_when_a_new_one_is_made(
    client, lead, team, cycle
):
    kpi = KPIFactory(team=team, owner=lead)
    existing = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    client.force_login(lead)
    client.post(
        reverse("kpis:to_key_result", args=[kpi.pk]),
        {**BASE, "destination": "new", "new_objective_title": "Readers wait for us"},
    )
    assert not existing.key_results.exists()
