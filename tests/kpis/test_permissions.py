"""Who sees and changes KPIs: a story with the owner, a teammate, a lead, an outsider, an admin."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.models import CheckIn
from kpis.models import KPI, Measurement
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_kpi(team, member):
    return KPIFactory(team=team, owner=member, visibility=KPI.Visibility.PRIVATE)


@pytest.fixture
def public_kpi(team, member):
    return KPIFactory(team=team, owner=member)


def test_anonymous_visitor_is_sent_to_sign_in(client, public_kpi):
    for url in (reverse("kpis:board"), reverse("kpis:detail", args=[public_kpi.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_everyone_sees_a_public_kpi(client, outsider, public_kpi):
    client.force_login(outsider)
    assert client.get(reverse("kpis:detail", args=[public_kpi.pk])).status_code == 200


def test_outsider_cannot_see_a_private_kpi(client, outsider, private_kpi):
    client.force_login(outsider)
    assert client.get(reverse("kpis:detail", args=[private_kpi.pk])).status_code == 404
    assert client.get(reverse("kpis:export", args=[private_kpi.pk])).status_code == 404
    assert private_kpi.name not in client.get(reverse("kpis:board")).content.decode()


@pytest.mark.parametrize("who", ["member", "lead", "admin"])
def test_owner_team_and_admins_see_a_private_kpi(client, request, who, private_kpi):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("kpis:detail", args=[private_kpi.pk])).status_code == 200


def test_outsider_may_not_record_a_measurement_on_a_public_kpi(client, outsider, public_kpi):
    client.force_login(outsider)
    response = client.post(
        reverse("kpis:measurement_add", args=[public_kpi.pk]),
        {"period_date": "2026-01-31", "value": "12"},
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_teammate_who_does_not_own_it_may_not_edit(client, team, lead, member):
    kpi = KPIFactory(team=team, owner=lead)
    client.force_login(member)
    assert client.get(reverse("kpis:edit", args=[kpi.pk])).status_code == 403
    assert client.post(reverse("kpis:delete", args=[kpi.pk])).status_code == 403
    assert client.get(reverse("kpis:import", args=[kpi.pk])).status_code == 403
    assert KPI.objects.filter(pk=kpi.pk).exists()


@pytest.mark.parametrize("who", ["member", "lead", "admin"])
def test_owner_lead_and_admin_record_measurements(client, request, who, public_kpi):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("kpis:measurement_add", args=[public_kpi.pk]),
        {"period_date": "2026-01-31", "value": "12,5"},
    )
    assert response.status_code == 302
    assert Measurement.objects.get().value == Decimal("12.5")


def test_lead_of_a_parent_team_edits_a_sub_team_kpi(client, team, member):
    from okrapp.core.models import Membership, Team
    from tests.factories import MembershipFactory

    sub_team = Team.objects.create(name="Newsletter", parent=team)
    kpi = KPIFactory(team=sub_team, owner=member)
    parent_lead = MembershipFactory(team=team, role=Membership.Role.LEAD, is_primary=False).user
    client.force_login(parent_lead)
    assert client.get(reverse("kpis:edit", args=[kpi.pk])).status_code == 200


def test_outsider_may_not_import_or_delete_a_measurement(client, outsider, public_kpi):
    measurement = MeasurementFactory(kpi=public_kpi)
    client.force_login(outsider)
    confirm = reverse("kpis:import_confirm", args=[public_kpi.pk])
    assert client.post(confirm, {"csv": "2026-01-31;1"}).status_code == 403
    delete = reverse("kpis:measurement_delete", args=[public_kpi.pk, measurement.pk])
    assert client.post(delete).status_code == 403
    assert Measurement.objects.count() == 1


def test_a_measurement_of_another_kpi_is_not_found(client, member, public_kpi):
    other = MeasurementFactory(kpi=KPIFactory(owner=member))
    client.force_login(member)
    url = reverse("kpis:measurement_delete", args=[public_kpi.pk, other.pk])
    assert client.post(url).status_code == 404


def test_member_may_not_create_a_kpi_owned_by_someone_else(client, team, member, lead):
    client.force_login(member)
    response = client.post(reverse("kpis:create"), _kpi_data(team, owner=lead))
    assert response.status_code == 400
    assert "You may only own the KPIs of your team" in response.content.decode()
    assert not KPI.objects.exists()


def test_outsider_may_not_create_a_kpi_for_another_team(client, team, outsider):
    client.force_login(outsider)
    response = client.post(reverse("kpis:create"), _kpi_data(team, owner=outsider))
    assert response.status_code == 400
    assert not KPI.objects.exists()


def test_outsider_may_not_turn_a_key_result_into_a_kpi(client, cycle, team, lead, outsider):
    key_result = KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead))
    client.force_login(outsider)
    assert client.get(reverse("kpis:from_key_result", args=[key_result.pk])).status_code == 403


def test_a_private_key_result_is_not_found_when_turning_it_into_a_kpi(
    client, cycle, team, lead, outsider
):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, visibility="private")
    key_result = KeyResultFactory(objective=objective)
    client.force_login(outsider)
    assert client.get(reverse("kpis:from_key_result", args=[key_result.pk])).status_code == 404


def test_outsider_may_not_add_a_key_result_to_an_objective_they_cannot_edit(
    client, cycle, team, lead, outsider, public_kpi
):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    client.force_login(outsider)
    response = client.post(
        reverse("kpis:to_key_result", args=[public_kpi.pk]),
        {
            "destination": "existing",
            "objective": objective.pk,
            "title": "x",
            "start_value": "1",
            "target_value": "2",
        },
    )
    assert response.status_code == 400  # the objective is not among the choices
    assert not objective.key_results.exists()


def test_outsider_measurement_never_reaches_a_linked_key_result(
    client, cycle, team, lead, outsider, public_kpi
):
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, owner=lead), kpi=public_kpi
    )
    CheckInFactory(key_result=key_result)
    client.force_login(outsider)
    client.post(
        reverse("kpis:measurement_add", args=[public_kpi.pk]),
        {"period_date": datetime.date.today().isoformat(), "value": "99"},
    )
    assert CheckIn.objects.count() == 1


def _kpi_data(team, *, owner, **overrides):
    return {
        "name": "Newsletter open rate",
        "definition": "Unique opens / delivered",
        "unit": "%",
        "direction": "higher_is_better",
        "target_value": "50",
        "alert_threshold": "",
        "data_source": "Emailing tool",
        "frequency": "monthly",
        "team": team.pk,
        "owner": owner.pk,
        "visibility": "public",
        **overrides,
    }
