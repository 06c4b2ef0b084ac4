"""Nothing of a private KPI — name, id, values' origin — reaches someone who may not see it,
even when it feeds a public key result: the sweep of every page, export, API list and email
as a reader without rights, and the confirmation asked before such a link is made."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import reminders_send
from kpis import services
from kpis.models import KPI, KeyResultLink, MeasurementCheckIn
from kpis.selectors import linked_kpi
from objectives.models import Objective
from okrapp.core.permissions import viewer_for
from tests.api.conftest import client_for
from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

SECRET = "Churn of the confidential pilot"


@pytest.fixture
def private_kpi(team, lead):
    return KPIFactory(
        name=SECRET, team=team, owner=lead, visibility=KPI.Visibility.PRIVATE, target_value=5
    )


@pytest.fixture
def public_key_result(cycle, team, lead, outsider, private_kpi):
    """A public objective's key result, owned by someone of another team, following the
    private KPI, with a check-in the KPI recorded."""
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Keep our customers")
    key_result = KeyResultFactory(
        objective=objective,
        owner=outsider,
        title="Churn under 5 %",
        target_value=5,
        kpi=private_kpi,
    )
    services.measurements_record(
        viewer=viewer_for(lead),
        kpi=private_kpi,
        items=[{"period_date": datetime.date(2026, 11, 30), "value": Decimal(7)}],
        recorded_by=lead,
    )
    return key_result


def assert_no_secret(text: str, kpi: KPI, where: str) -> None:
    assert SECRET not in text, f"the private KPI's name leaks on {where}"
    assert reverse("kpis:detail", args=[kpi.pk]) not in text, f"its page leaks on {where}"


def test_the_check_in_a_private_kpi_records_carries_no_name(public_key_result):
    checkin = CheckIn.objects.get(key_result=public_key_result)
    assert checkin.comment == ""
    assert MeasurementCheckIn.objects.filter(check_in=checkin).exists()


def test_no_page_or_export_shows_the_private_kpi_to_a_reader_without_rights(
    client, outsider, public_key_result, private_kpi, team, lead
):
    client.force_login(outsider)
    objective = public_key_result.objective
    for url in [
        reverse("dashboard"),
        reverse("objectives:board"),
        reverse("objectives:alignment"),
        reverse("objectives:detail", args=[objective.pk]),
        reverse("checkins:key_result", args=[public_key_result.pk]),
        reverse("checkins:my_week"),
        reverse("checkins:notifications"),
        reverse("team_detail", args=[team.pk]),
        reverse("person_detail", args=[lead.pk]),
        reverse("person_detail", args=[outsider.pk]),
        reverse("kpis:board"),
        reverse("kpis:board_export"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response.content.decode(), private_kpi, url)


@pytest.mark.django_db(transaction=True)
def test_the_board_drawn_for_one_who_may_see_a_private_kpi_hides_it_from_others(
    client, outsider, lead, private_kpi
):
    client.force_login(lead)
    assert SECRET in client.get(reverse("kpis:board")).content.decode()
    client.force_login(outsider)
    assert_no_secret(client.get(reverse("kpis:board")).content.decode(), private_kpi, "board")


def test_the_key_result_page_says_where_the_check_in_came_from_only_to_those_who_may_see(
    client, outsider, lead, public_key_result
):
    url = reverse("checkins:key_result", args=[public_key_result.pk])
    client.force_login(outsider)
    assert "Recorded from a KPI" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(lead)
    assert SECRET in client.get(url).content.decode()


def test_no_api_answer_gives_the_private_kpi_to_a_reader_without_rights(
    outsider, lead, public_key_result, private_kpi
):
    api = client_for(outsider)
    for url in [
        "/api/v1/key-results/",
        f"/api/v1/key-results/{public_key_result.pk}/",
        "/api/v1/objectives/",
        f"/api/v1/objectives/{public_key_result.objective_id}/",
        "/api/v1/check-ins/",
        "/api/v1/kpis/",
    ]:
        response = api.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    assert api.get(f"/api/v1/key-results/{public_key_result.pk}/").json()["kpi"] is None
    assert (
        client_for(lead).get(f"/api/v1/key-results/{public_key_result.pk}/").json()["kpi"]
        == private_kpi.pk
    )


@pytest.mark.django_db(transaction=True)
def test_the_objectives_list_shared_with_one_who_may_see_a_private_kpi_hides_it_from_others(
    outsider, lead, public_key_result, private_kpi
):
    def kpis_listed(user) -> list:
        objectives = client_for(user).get("/api/v1/objectives/").json()["results"]
        return [row["kpi"] for objective in objectives for row in objective["key_results"]]

    assert kpis_listed(lead) == [private_kpi.pk]
    assert kpis_listed(outsider) == [None]


@pytest.mark.django_db(transaction=True)
def test_the_key_results_list_shared_with_one_who_may_see_a_private_kpi_hides_it_from_others(
    outsider, lead, public_key_result, private_kpi
):
    def kpis_listed(user) -> list:
        return [
            row["kpi"] for row in client_for(user).get("/api/v1/key-results/").json()["results"]
        ]

    assert kpis_listed(lead) == [private_kpi.pk]
    assert kpis_listed(outsider) == [None]


def test_filtering_key_results_by_a_private_kpi_is_refused_as_an_unknown_one(
    outsider, public_key_result, private_kpi
):
    response = client_for(outsider).get(f"/api/v1/key-results/?kpi={private_kpi.pk}")
    unknown = client_for(outsider).get("/api/v1/key-results/?kpi=999999")
    assert response.status_code == unknown.status_code == 400


def test_a_key_result_fed_by_a_private_kpi_leaves_the_reminder_which_names_no_private_kpi(
    outsider, public_key_result
):
    CheckIn.objects.filter(key_result=public_key_result).delete()
    reminders_send()
    assert not [m for m in mail.outbox if m.to == [outsider.email]]
    for message in mail.outbox:
        assert SECRET not in message.body and SECRET not in message.alternatives[0][0]


def test_linking_a_private_kpi_to_a_public_objective_asks_for_confirmation(
    lead, cycle, team, private_kpi
):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    arguments = {
        "viewer": viewer_for(lead),
        "kpi": private_kpi,
        "objective": objective,
        "title": "Churn under 5 %",
        "start_value": Decimal(7),
        "target_value": Decimal(5),
    }
    with pytest.raises(ValidationError) as refused:
        services.kpi_to_key_result(**arguments)
    assert "reveal_private_values" in refused.value.message_dict
    key_result = services.kpi_to_key_result(**arguments, reveal_private_values=True)
    assert linked_kpi(key_result) == private_kpi


def test_a_private_kpi_joins_a_private_objective_without_confirmation(
    lead, cycle, team, private_kpi
):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, visibility=Objective.Visibility.PRIVATE
    )
    key_result = services.kpi_to_key_result(
        viewer=viewer_for(lead),
        kpi=private_kpi,
        objective=objective,
        title="Churn under 5 %",
        start_value=Decimal(7),
        target_value=Decimal(5),
    )
    assert KeyResultLink.objects.filter(key_result=key_result, kpi=private_kpi).exists()


def test_the_page_asks_for_the_confirmation_and_keeps_what_was_typed(
    client, lead, cycle, team, private_kpi
):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Keep our customers")
    client.force_login(lead)
    data = {
        "destination": "existing",
        "objective": objective.pk,
        "title": "Churn under 5 %",
        "start_value": "7",
        "target_value": "5",
    }
    url = reverse("kpis:to_key_result", args=[private_kpi.pk])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert 'name="reveal_private_values"' in response.content.decode()
    assert "Churn under 5 %" in response.content.decode()
    assert client.post(url, {**data, "reveal_private_values": "on"}).status_code == 302


def test_a_member_turning_a_kpi_into_a_key_result_owns_it_when_they_may_not_give_it_away(
    member, cycle, team, lead
):
    kpi = KPIFactory(team=team, owner=lead)
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=member, level=Objective.Level.INDIVIDUAL
    )
    key_result = services.kpi_to_key_result(
        viewer=viewer_for(member),
        kpi=kpi,
        objective=objective,
        title="Open rate at 40 %",
        start_value=Decimal(30),
        target_value=Decimal(40),
    )
    assert key_result.owner == member
