"""The pickers' search endpoint: what each person may pick, found by what they type, at most
twenty at a time, in a bounded number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from okrapp.core.models import User
from okrapp.core.pickers import LIMIT
from tests.factories import MembershipFactory, ObjectiveFactory, TeamFactory

pytestmark = pytest.mark.django_db


def search(client, source: str, **params):
    response = client.get(reverse("picker_search", args=[source]), params)
    assert response.status_code == 200, response
    return response.json()


def texts(answer) -> list[str]:
    return [result["text"] for result in answer["results"]]


def test_someone_signed_out_is_sent_to_the_sign_in_page(client, db):
    response = client.get(reverse("picker_search", args=["people"]), {"q": "a"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_source_does_not_exist(client, member):
    client.force_login(member)
    assert client.get(reverse("picker_search", args=["secrets"])).status_code == 404


def test_people_are_found_by_name_or_email_and_only_if_active(client, member, team):
    client.force_login(member)
    MembershipFactory(team=team, user__display_name="Zoé Zola", user__email="zz@acme.example")
    MembershipFactory(team=team, user__display_name="Yann", user__email="zola@acme.example")
    gone = MembershipFactory(team=team, user__display_name="Zora Gone").user
    gone.is_active = False
    gone.save()
    assert texts(search(client, "people", q="zol")) == [
        "Yann <zola@acme.example>",
        "Zoé Zola <zz@acme.example>",
    ]
    assert texts(search(client, "people", q="zora")) == []


def test_a_search_answers_at_most_twenty_and_says_there_are_more(
    client, member, django_assert_max_num_queries
):
    client.force_login(member)
    User.objects.bulk_create(
        User(email=f"sam{n}@acme.example", display_name=f"Sam {n:03}") for n in range(300)
    )
    client.get(reverse("picker_search", args=["people"]))  # the session settles
    with django_assert_max_num_queries(4):
        answer = search(client, "people", q="sam")
    assert len(answer["results"]) == LIMIT
    assert answer["more"] is True
    assert search(client, "people", q="Sam 299")["more"] is False


def test_the_search_issues_the_same_queries_for_30_and_3000_people(
    client, member, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)
    User.objects.bulk_create(
        User(email=f"p{n}@acme.example", display_name=f"P {n}") for n in range(30)
    )
    client.get(reverse("picker_search", args=["people"]))
    with CaptureQueriesContext(connection) as small:
        search(client, "people", q="p")
    User.objects.bulk_create(
        User(email=f"q{n}@acme.example", display_name=f"P {n}") for n in range(3000)
    )
    with django_assert_max_num_queries(len(small)):
        search(client, "people", q="p")


def test_teams_are_found_by_name_with_their_parent(client, member, team):
    client.force_login(member)
    TeamFactory(name="Sales France", parent=team)
    assert texts(search(client, "teams", q="sales")) == ["Sales France (Marketing)"]


def test_possible_parents_are_the_visible_company_and_team_objectives_of_the_cycle(
    client, member, lead, team, other_team, company, cycle
):
    company_goal = ObjectiveFactory(cycle=cycle, level="company", team=company, title="Goal: grow")
    ObjectiveFactory(cycle=cycle, level="team", team=team, title="Goal: our team")
    ObjectiveFactory(
        cycle=cycle, level="team", team=other_team, title="Goal: secret", visibility="private"
    )
    ObjectiveFactory(cycle=cycle, level="individual", team=team, title="Goal: mine", owner=member)
    client.force_login(member)
    found = texts(search(client, "objectives", cycle=cycle.pk, q="goal"))
    assert found == ["Goal: grow (Company · ACME)", "Goal: our team (Team · Marketing)"]
    excluded = search(client, "objectives", cycle=cycle.pk, q="goal", exclude=company_goal.pk)
    assert texts(excluded) == ["Goal: our team (Team · Marketing)"]


def test_a_private_objective_is_a_possible_parent_only_for_who_may_see_it(
    client, admin, outsider, other_team, cycle
):
    ObjectiveFactory(
        cycle=cycle, level="team", team=other_team, title="Secret plan", visibility="private"
    )
    client.force_login(admin)
    assert texts(search(client, "objectives", cycle=cycle.pk, q="secret")) == [
        "Secret plan (Team · Ventes)"
    ]
    client.force_login(outsider)
    assert len(search(client, "objectives", cycle=cycle.pk, q="secret")["results"]) == 1
    client.force_login(MembershipFactory(user__display_name="Nobody").user)
    assert search(client, "objectives", cycle=cycle.pk, q="secret")["results"] == []


def test_possible_parents_need_a_cycle(client, member, cycle):
    client.force_login(member)
    ObjectiveFactory(cycle=cycle, level="company")
    assert search(client, "objectives")["results"] == []
    assert search(client, "objectives", cycle="not-an-id")["results"] == []


def test_kpi_teams_are_those_one_may_give_a_kpi_to(client, member, admin, team, other_team):
    client.force_login(member)
    assert [r["value"] for r in search(client, "kpi-teams")["results"]] == [str(team.pk)]
    client.force_login(admin)
    values = {r["value"] for r in search(client, "kpi-teams")["results"]}
    assert {str(team.pk), str(other_team.pk)} <= values


def test_a_lead_picks_the_owner_of_a_new_objective_among_their_team(
    client, lead, member, outsider, team
):
    client.force_login(lead)
    answer = search(client, "kpi-objective-owners", team=team.pk)
    assert {r["value"] for r in answer["results"]} == {str(lead.pk), str(member.pk)}
    assert str(outsider.pk) not in {r["value"] for r in answer["results"]}


@pytest.mark.parametrize(
    ("source", "param"),
    [("people", "exclude"), ("objectives", "cycle"), ("objectives", "exclude"),
     ("kpi-objective-owners", "team")],
)  # fmt: skip
def test_tampered_parameters_find_nothing_more_and_never_fail(client, admin, cycle, source, param):
    client.force_login(admin)
    params = {"cycle": cycle.pk, param: "9" * 30}
    assert client.get(reverse("picker_search", args=[source]), params).status_code == 200
