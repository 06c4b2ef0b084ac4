"""Security review: a private KPI's name never shows to someone who may not see the KPI,
not even on a public key result that follows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kpis.models import KPI
from kpis.selectors import linked_kpi
from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

SECRET = "Churn of the confidential pilot"


@pytest.fixture
def bridged_key_result(cycle, team, lead):
    kpi = KPIFactory(name=SECRET, team=team, owner=lead, visibility=KPI.Visibility.PRIVATE)
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    return KeyResultFactory(objective=objective, owner=lead, kpi=kpi)


@pytest.mark.parametrize("page", ["objectives:detail", "checkins:key_result"])
def test_a_public_key_result_does_not_show_the_name_of_its_private_kpi_to_outsiders(
    client, outsider, bridged_key_result, page
):
    client.force_login(outsider)
    pk = bridged_key_result.objective_id if page == "objectives:detail" else bridged_key_result.pk
    response = client.get(reverse(page, args=[pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET not in html
    assert reverse("kpis:detail", args=[linked_kpi(bridged_key_result).pk]) not in html


@pytest.mark.parametrize("page", ["objectives:detail", "checkins:key_result"])
def test_the_kpis_team_sees_the_link_to_the_private_kpi(client, member, bridged_key_result, page):
    client.force_login(member)
    pk = bridged_key_result.objective_id if page == "objectives:detail" else bridged_key_result.pk
    html = client.get(reverse(page, args=[pk])).content.decode()
    assert SECRET in html
    assert reverse("kpis:detail", args=[linked_kpi(bridged_key_result).pk]) in html
