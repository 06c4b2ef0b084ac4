"""Every view that changes OKR data refuses those who may not: an anonymous visitor, a plain
member, another team's member; and a closed cycle is read-only, even for its editors."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import Initiative, Objective
from okrapp.core.models import Cycle
from tests.factories import InitiativeFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def objective(cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Marketing animates")
    KeyResultFactory(objective=objective, owner=lead, target_value=Decimal(10))
    return objective


@pytest.fixture
def private_objective(cycle, team, lead):
    objective = ObjectiveFactory(
        cycle=cycle, team=team, owner=lead, visibility=Objective.Visibility.PRIVATE
    )
    KeyResultFactory(objective=objective, owner=lead)
    return objective


@pytest.fixture
def initiative(objective):
    return InitiativeFactory(key_result=objective.key_results.get(), title="Launch it")


def writes(objective, initiative):
    key_result = objective.key_results.get()
    return [
        (reverse("objectives:edit", args=[objective.pk]), {"title": "Hijacked"}),
        (reverse("objectives:delete", args=[objective.pk]), {}),
        (reverse("objectives:initiative_create", args=[key_result.pk]), {"title": "More"}),
        (reverse("objectives:initiative_status", args=[initiative.pk]), {"status": "done"}),
        (reverse("objectives:initiative_delete", args=[initiative.pk]), {}),
    ]


def assert_untouched(objective, initiative):
    objective.refresh_from_db()
    assert objective.title == "Marketing animates"
    assert Initiative.objects.filter(pk=initiative.pk, status="todo").exists()
    assert Initiative.objects.count() == 1


def test_anonymous_visitor_changes_nothing(client, objective, initiative):
    for url, data in writes(objective, initiative):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("objectives:create"), {"title": "X"}).status_code == 302
    assert_untouched(objective, initiative)


def test_plain_member_may_not_change_the_team_objective(client, member, objective, initiative):
    client.force_login(member)
    for url, data in writes(objective, initiative):
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("objectives:edit", args=[objective.pk])).status_code == 403
    assert client.get(reverse("objectives:delete", args=[objective.pk])).status_code == 403
    assert_untouched(objective, initiative)


def test_other_teams_member_may_not_change_the_objective(client, outsider, objective, initiative):
    client.force_login(outsider)
    for url, data in writes(objective, initiative):
        assert client.post(url, data).status_code == 403, url
    assert_untouched(objective, initiative)


def test_other_teams_member_gets_404_on_a_private_objective(client, outsider, private_objective):
    initiative = InitiativeFactory(key_result=private_objective.key_results.get())
    client.force_login(outsider)
    assert client.get(reverse("objectives:detail", args=[private_objective.pk])).status_code == 404
    for url, data in writes(private_objective, initiative):
        assert client.post(url, data).status_code == 404, url
    url = reverse("objectives:coach") + f"?objective={private_objective.pk}"
    assert client.post(url, {}).status_code == 404


def test_closed_cycle_is_read_only_even_for_the_lead(client, lead, cycle, objective, initiative):
    cycle.status = Cycle.Status.CLOSED
    cycle.save()
    client.force_login(lead)
    for url, data in writes(objective, initiative):
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("objectives:create")).status_code == 403
    detail = client.get(reverse("objectives:detail", args=[objective.pk])).content.decode()
    assert reverse("objectives:edit", args=[objective.pk]) not in detail
    assert 'name="title"' not in detail  # no initiative form
    assert_untouched(objective, initiative)


def test_plain_member_may_not_create_a_team_objective(client, member, team, cycle):
    client.force_login(member)
    data = {
        "title": "Our plan",
        "level": "team",
        "team": str(team.pk),
        "owner": str(member.pk),
        "kind": "committed",
        "visibility": "public",
        "kr-TOTAL_FORMS": "0",
        "kr-INITIAL_FORMS": "0",
    }
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert not Objective.objects.exists()
    assert 'id="id_level_error"' in page or 'id="id_team_error"' in page


def test_plain_member_may_not_set_an_objective_for_someone_else(client, member, lead, cycle):
    client.force_login(member)
    data = {
        "title": "Your plan",
        "level": "individual",
        "owner": str(lead.pk),
        "kind": "committed",
        "visibility": "public",
        "kr-TOTAL_FORMS": "0",
        "kr-INITIAL_FORMS": "0",
    }
    page = client.post(reverse("objectives:create"), data).content.decode()
    assert not Objective.objects.exists()
    assert 'id="id_owner_error"' in page


def test_lead_may_not_create_a_company_objective(client, lead, cycle):
    client.force_login(lead)
    data = {
        "title": "Whole company",
        "level": "company",
        "owner": str(lead.pk),
        "kind": "committed",
        "visibility": "public",
        "kr-TOTAL_FORMS": "0",
        "kr-INITIAL_FORMS": "0",
    }
    client.post(reverse("objectives:create"), data)
    assert not Objective.objects.exists()


def test_key_result_owner_may_manage_initiatives_but_not_edit_the_objective(
    client, member, objective
):
    key_result = objective.key_results.get()
    key_result.owner = member
    key_result.save()
    client.force_login(member)
    url = reverse("objectives:initiative_create", args=[key_result.pk])
    assert client.post(url, {"title": "Send the mailing"}).status_code == 302
    assert Initiative.objects.filter(title="Send the mailing").exists()
    assert client.get(reverse("objectives:edit", args=[objective.pk])).status_code == 403


def test_a_refusal_is_a_page_of_the_site_in_the_viewers_language(client, member, objective):
    member.language = "fr"
    member.save(update_fields=["language"])
    client.force_login(member)
    response = client.get(reverse("objectives:edit", args=[objective.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page and 'class="site-header"' in page


def test_a_private_objective_is_a_not_found_page_of_the_site(client, outsider, private_objective):
    client.force_login(outsider)
    response = client.get(reverse("objectives:detail", args=[private_objective.pk]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
