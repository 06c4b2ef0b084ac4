"""Pickers on the forms: without JavaScript a field offers its value and a few suggestions
(a page stays small at thousands of people), and an id one may not pick is a field error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from objectives.models import Objective
from okrapp.core.models import Membership, Team, User
from okrapp.core.pickers import SUGGESTIONS
from tests.factories import (
    KeyResultFactory,
    ObjectiveFactory,
    TeamFactory,
    UserFactory,
)
from tests.objectives.test_pages import editor_data

pytestmark = pytest.mark.django_db


def select(page: str, name: str) -> str:
    found = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>.*?</select>', page, re.S)
    assert found, f"no select named {name}"
    return found.group(0)


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


def many_people(count: int, team=None) -> None:
    people = User.objects.bulk_create(
        User(
            email=f"marie-claire.dupont.many{n}@acme.example",
            display_name=f"Marie-Claire Dupont-Many {n:05}",
            password="!",
        )
        for n in range(count)
    )
    if team is not None:
        Membership.objects.bulk_create(
            Membership(user=person, team=team, is_primary=True) for person in people
        )


def test_the_owner_field_offers_its_value_and_the_viewers_teammates(
    client, member, lead, outsider, cycle
):
    many_people(200)
    client.force_login(member)
    page = client.get(reverse("objectives:create")).content.decode()
    owner = select(page, "owner")
    values = option_values(owner)
    assert str(member.pk) in values and str(lead.pk) in values
    assert str(outsider.pk) not in values
    assert len(values) <= 1 + SUGGESTIONS
    assert 'data-picker="people"' in owner


def test_the_parent_field_searches_the_cycles_possible_parents(client, member, cycle):
    client.force_login(member)
    parent = select(client.get(reverse("objectives:create")).content.decode(), "parent")
    assert 'data-picker="objectives"' in parent
    assert f'data-picker-params="cycle={cycle.pk}"' in parent


def test_a_current_value_outside_the_suggestions_is_still_shown(
    client, admin, outsider, cycle, company
):
    objective = ObjectiveFactory(cycle=cycle, level="company", team=company, owner=outsider)
    client.force_login(admin)
    page = client.get(reverse("objectives:edit", args=[objective.pk])).content.decode()
    owner = select(page, "owner")
    assert f'<option value="{outsider.pk}" selected>Olga Outsider</option>' in owner


def test_someone_found_by_searching_may_be_chosen(client, admin, cycle, company, team):
    many_people(40, team=TeamFactory(parent=team))
    far_away = User.objects.get(email="marie-claire.dupont.many39@acme.example")
    client.force_login(admin)
    data = editor_data(level="company", owner=str(far_away.pk))
    response = client.post(reverse("objectives:create"), data)
    assert response.status_code == 302
    assert Objective.objects.get(title=data["title"]).owner == far_away


def test_a_deactivated_owner_is_a_field_error(client, admin, cycle, company):
    gone = UserFactory(is_active=False)
    client.force_login(admin)
    response = client.post(
        reverse("objectives:create"), editor_data(level="company", owner=str(gone.pk))
    )
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


def test_a_key_result_owner_one_may_not_pick_is_a_row_error(client, lead, team, cycle):
    gone = UserFactory(is_active=False)
    client.force_login(lead)
    data = editor_data(team=str(team.pk), owner=str(lead.pk), **{"kr-0-owner": str(gone.pk)})
    response = client.post(reverse("objectives:create"), data)
    assert response.status_code == 400
    assert "owner" in response.context["formset"].forms[0].errors


def test_a_private_parent_one_may_not_see_is_a_field_error(client, member, other_team, team, cycle):
    hidden = ObjectiveFactory(cycle=cycle, team=other_team, visibility="private")
    client.force_login(member)
    data = editor_data(level="individual", owner=str(member.pk), parent=str(hidden.pk))
    response = client.post(reverse("objectives:create"), data)
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors


def test_a_kpi_team_one_may_not_give_it_to_is_a_field_error(client, member, other_team):
    client.force_login(member)
    page = client.get(reverse("kpis:create")).content.decode()
    assert 'data-picker="kpi-teams"' in select(page, "team")
    response = client.post(
        reverse("kpis:create"),
        {
            "name": "Leads",
            "unit": "",
            "direction": "up",
            "frequency": "monthly",
            "team": str(other_team.pk),
            "owner": str(member.pk),
            "visibility": "public",
            "source_kind": "manual",
        },
    )
    assert response.status_code == 400
    assert "team" in response.context["form"].errors


def test_the_organisation_pages_pick_teams_and_people(client, admin, member, team, cycle):
    ObjectiveFactory(cycle=cycle, team=team, owner=member)  # something to hand over
    client.force_login(admin)
    new_person = client.get(reverse("org_person_create")).content.decode()
    assert 'data-picker="teams"' in select(new_person, "team")
    deactivate = client.get(reverse("org_deactivate", args=[member.pk])).content.decode()
    successor = select(deactivate, "successor")
    assert f'data-picker-params="exclude={member.pk}"' in successor
    assert str(member.pk) not in option_values(successor)


def test_handing_over_to_the_person_themself_is_a_field_error(client, admin, member):
    client.force_login(admin)
    response = client.post(
        reverse("org_hand_over", args=[member.pk]), {"successor": str(member.pk)}
    )
    assert response.status_code == 400
    assert "successor" in response.context["hand_over_form"].errors


# --- Size at scale ----------------------------------------------------------------------------

ROWS = 25


def editor_with_rows(cycle, team, lead):
    objective = ObjectiveFactory(cycle=cycle, team=team, owner=lead)
    owners = list(User.objects.filter(email__startswith="marie-claire")[:ROWS])
    for n in range(ROWS):
        KeyResultFactory(objective=objective, owner=owners[n % len(owners)] if owners else lead)
    return objective


def test_the_editor_with_25_key_results_stays_under_100_kb_at_5000_people(
    client, lead, team, cycle
):
    many_people(5000, team=team)
    objective = editor_with_rows(cycle, team, lead)
    client.force_login(lead)
    page = client.get(reverse("objectives:edit", args=[objective.pk]))
    assert page.status_code == 200
    assert page.content.count(b'data-picker="people"') == ROWS + 1
    assert len(page.content) < 100_000, f"{len(page.content):,} bytes"


def test_the_editor_issues_the_same_queries_for_50_and_5000_people(
    client, lead, team, cycle, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many_people(50, team=team)
    objective = editor_with_rows(cycle, team, lead)
    url = reverse("objectives:edit", args=[objective.pk])
    client.force_login(lead)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    many_people_more = User.objects.bulk_create(
        User(email=f"more{n}@acme.example", display_name=f"More {n}") for n in range(4950)
    )
    Membership.objects.bulk_create(
        Membership(user=person, team=team, is_primary=True) for person in many_people_more
    )
    with django_assert_max_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_a_tampered_id_too_large_for_the_database_is_a_field_error(client, admin, cycle, company):
    client.force_login(admin)
    response = client.post(
        reverse("objectives:create"), editor_data(level="company", owner="9" * 30)
    )
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


@pytest.mark.django_db(transaction=True)
def test_a_new_teammate_is_suggested_on_the_next_page(client, member, team, cycle):
    client.force_login(member)
    before = option_values(
        select(client.get(reverse("objectives:create")).content.decode(), "owner")
    )
    newcomer = UserFactory(display_name="Aaron Newcomer")
    Membership.objects.create(user=newcomer, team=team)
    after = option_values(
        select(client.get(reverse("objectives:create")).content.decode(), "owner")
    )
    assert str(newcomer.pk) not in before and str(newcomer.pk) in after


def test_a_field_with_no_choice_at_all_renders_without_suggestions(member):
    from django import forms as django_forms

    from okrapp.core.permissions import viewer_for
    from okrapp.core.pickers import use_picker

    class TeamForm(django_forms.Form):
        team = django_forms.ModelChoiceField(queryset=Team.objects.filter(pk__in=[]))

    form = TeamForm()
    use_picker(form.fields["team"], source="teams", viewer=viewer_for(member), keep_queryset=True)
    assert option_values(str(form["team"])) == [""]
