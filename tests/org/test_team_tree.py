"""The organisation's teams for admins: the company and its sub-teams, each branch opened on
demand (htmx), through `?open=` without JavaScript, or by finding a team by name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from okrapp.core.models import Membership, Team
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

TEAMS = reverse("org_teams")


def _branch(team: Team) -> str:
    return reverse("org_team_branch", args=[team.pk])


def _tree(response) -> str:
    """The organisation's card: the tree and the search, not the creation form's picker."""
    page = response.content.decode()
    return page[page.index('aria-labelledby="tree-heading"') : page.index("new-team-heading")]


@pytest.fixture
def squad(team):
    """Marketing › Acquisition › Squad SEO: a team two levels below the first."""
    acquisition = TeamFactory(name="Acquisition", parent=team)
    return TeamFactory(name="Squad SEO", parent=acquisition)


def test_the_page_shows_the_company_and_its_sub_teams_with_their_branches_closed(
    admin_client, company, team, other_team, squad
):
    page = _tree(admin_client.get(TEAMS))
    assert company.name in page and "Marketing" in page and "Ventes" in page
    assert "Acquisition" not in page and "Squad SEO" not in page
    assert f'aria-controls="org-team-children-{team.pk}"' in page
    assert f'hx-get="{_branch(team)}"' in page
    assert 'aria-expanded="true"' not in page


def test_each_team_shows_its_members_and_leads_and_links_to_its_rename_move_and_delete_page(
    admin_client, team, lead, member
):
    page = admin_client.get(TEAMS).content.decode()
    assert "2 members · lead: Léa Lead" in page
    assert f'href="{reverse("org_team_edit", args=[team.pk])}"' in page
    assert f'href="{reverse("org_people")}?team={team.pk}"' in page


def test_a_branch_with_htmx_answers_only_its_sub_teams(admin_client, team, squad):
    response = admin_client.get(_branch(team), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<ul class="org-tree">')
    assert "<html" not in body
    assert "Acquisition" in body and "Squad SEO" not in body
    assert f'hx-get="{_branch(squad.parent)}"' in body


def test_a_branch_without_htmx_sends_to_the_page_with_that_branch_open(admin_client, team):
    response = admin_client.get(_branch(team))
    assert response.status_code == 302
    assert response["Location"] == f"{TEAMS}?open={team.pk}#org-team-{team.pk}"


def test_open_shows_the_path_down_to_a_team_open_without_javascript(admin_client, team, squad):
    acquisition = squad.parent
    page = _tree(admin_client.get(TEAMS, {"open": acquisition.pk}))
    assert "Acquisition" in page and "Squad SEO" in page
    assert page.count('aria-expanded="true"') == 2  # Marketing and Acquisition
    assert f'id="org-team-{acquisition.pk}" class="is-focus"' in page
    # Closing Acquisition's branch opens its parent's, Marketing's.
    assert f'name="open" value="{team.pk}"' in page


@pytest.mark.parametrize("raw", ["x", "-1", "99999999", "99999999999999999999999"])
def test_an_open_that_names_no_team_shows_the_first_level(admin_client, squad, raw):
    response = admin_client.get(TEAMS, {"open": raw})
    assert response.status_code == 200
    assert "Acquisition" not in _tree(response)


def test_a_search_lists_the_matching_teams_with_their_path_and_a_link_that_opens_each(
    admin_client, company, team, squad
):
    other_squad = TeamFactory(name="Squad Ads", parent=squad.parent)
    page = _tree(admin_client.get(TEAMS, {"q": "squad"}))
    assert "Teams matching “squad”" in page
    assert f"{company.name} › Marketing › Acquisition" in page
    for found in (squad, other_squad):
        assert f'href="{TEAMS}?open={found.pk}#org-team-{found.pk}"' in page
    assert 'aria-expanded="true"' not in page


def test_a_search_with_a_single_match_opens_the_path_down_to_it(admin_client, squad):
    page = _tree(admin_client.get(TEAMS, {"q": "seo"}))
    assert f'id="org-team-{squad.pk}" class="is-focus"' in page
    assert page.count('aria-expanded="true"') == 2


def test_a_search_that_finds_nothing_says_so(admin_client, team):
    page = admin_client.get(TEAMS, {"q": "nowhere"}).content.decode()
    assert "No team matches." in page


@pytest.mark.parametrize("role", ["member", "lead", "outsider"])
def test_people_other_than_admins_are_refused_a_branch(client, request, role, team):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_branch(team), HTTP_HX_REQUEST="true").status_code == 403
    assert client.get(_branch(team)).status_code == 403
    assert client.get(TEAMS, {"open": team.pk, "q": "mark"}).status_code == 403


def test_anonymous_visitors_asking_for_a_branch_are_sent_to_sign_in(client, team):
    response = client.get(_branch(team), HTTP_HX_REQUEST="true")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_branch_of_a_team_that_does_not_exist_is_not_found(admin_client):
    assert admin_client.get("/organisation/teams/999999/branch/").status_code == 404


def _organisation(company: Team, size: int) -> Team:
    """A chain of five levels below the company and `size` more teams spread along it, each
    team with a lead; returns the chain's deepest team."""
    chain = [company]
    for level in range(1, 6):
        chain.append(TeamFactory(name=f"Level {level}", parent=chain[-1]))
    for index in range(size):
        TeamFactory(name=f"Team {index:03}", parent=chain[index % len(chain)])
    for team in Team.objects.exclude(pk=company.pk):
        MembershipFactory(team=team, role=Membership.Role.LEAD)
    return chain[-1]


@pytest.mark.parametrize("size", [6, 60])
def test_a_team_opened_deep_down_takes_the_same_queries_whatever_the_number_of_teams(
    admin_client, company, size, django_assert_max_num_queries
):
    deepest = _organisation(company, size)
    with django_assert_max_num_queries(11):
        response = admin_client.get(TEAMS, {"open": deepest.pk})
    assert response.status_code == 200
    assert f'id="org-team-{deepest.pk}" class="is-focus"' in response.content.decode()


@pytest.mark.parametrize("size", [6, 60])
def test_a_search_takes_the_same_queries_whatever_the_number_of_teams(
    admin_client, company, size, django_assert_max_num_queries
):
    _organisation(company, size)
    with django_assert_max_num_queries(12):
        response = admin_client.get(TEAMS, {"q": "team 00"})
    assert response.status_code == 200


@pytest.mark.parametrize("size", [6, 60])
def test_a_branch_takes_the_same_queries_whatever_its_number_of_sub_teams(
    admin_client, company, size, django_assert_max_num_queries
):
    for index in range(size):
        MembershipFactory(team=TeamFactory(name=f"Team {index:03}"), role=Membership.Role.LEAD)
    with django_assert_max_num_queries(6):
        response = admin_client.get(_branch(company), HTTP_HX_REQUEST="true")
    assert response.content.decode().count("<li id=") == size


@pytest.mark.django_db(transaction=True)
def test_the_tree_an_admin_read_is_not_shown_to_a_member(admin_client, client, member, team):
    assert "Marketing" in _tree(admin_client.get(TEAMS))
    client.force_login(member)
    assert client.get(TEAMS).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_tree_shows_a_team_renamed_after_it_was_read(admin_client, company, team):
    assert "Marketing" in _tree(admin_client.get(TEAMS))
    Team.objects.filter(pk=team.pk).update(name="Growth")
    page = _tree(admin_client.get(TEAMS))
    assert "Growth" in page and "Marketing" not in page
