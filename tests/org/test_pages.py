"""The organisation's pages: for admins only, in a bounded number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import Objective
from okrapp.core.models import Invitation, Membership, Team, User
from tests.factories import MembershipFactory, ObjectiveFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _pages(person: User, team: Team) -> list[str]:
    return [
        reverse("org_people"),
        reverse("org_person_create"),
        reverse("org_person", args=[person.pk]),
        reverse("org_deactivate", args=[person.pk]),
        reverse("org_teams"),
        reverse("org_team_edit", args=[team.pk]),
        reverse("org_invitations"),
        reverse("org_import"),
    ]


@pytest.mark.parametrize("role", ["member", "lead", "outsider"])
def test_people_other_than_admins_are_refused_every_page_of_the_organisation(
    client, request, role, member, team
):
    client.force_login(request.getfixturevalue(role))
    for url in _pages(member, team):
        assert client.get(url).status_code == 403, url


def test_a_lead_cannot_deactivate_a_member_of_their_team(client, lead, member):
    client.force_login(lead)
    response = client.post(reverse("org_deactivate", args=[member.pk]))
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.is_active


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client, member, team):
    for url in _pages(member, team):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_an_admin_sees_every_page_of_the_organisation(admin_client, member, team):
    for url in _pages(member, team):
        assert admin_client.get(url).status_code == 200, url


def test_the_people_list_shows_teams_roles_language_and_status(admin_client, member, lead, team):
    deactivated = MembershipFactory(team=team, user__display_name="Dan Departed").user
    User.objects.filter(pk=deactivated.pk).update(is_active=False)
    page = admin_client.get(reverse("org_people")).content.decode()
    assert "Marc Member" in page and member.email in page
    assert "<strong>Marketing</strong> (Lead)" in page
    assert "Deactivated" in page


def test_the_people_list_is_searched_by_name_or_email(admin_client, member, lead):
    page = admin_client.get(reverse("org_people"), {"q": "marc"}).content.decode()
    assert "Marc Member" in page
    assert "Léa Lead" not in page


def test_a_search_with_htmx_answers_only_the_list(admin_client, member):
    response = admin_client.get(reverse("org_people"), {"q": "marc"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="people-list"')
    assert "<html" not in body


def test_the_people_list_filters_by_status(admin_client, member, lead):
    User.objects.filter(pk=member.pk).update(is_active=False)
    page = admin_client.get(reverse("org_people"), {"status": "deactivated"}).content.decode()
    assert "Marc Member" in page
    assert "Léa Lead" not in page


def test_the_people_list_tells_the_invited_apart_and_filters_them(admin_client, member, lead):
    Invitation.objects.create(
        user=member, nonce="n", expires_at=timezone.now() + datetime.timedelta(days=7)
    )
    everyone = admin_client.get(reverse("org_people")).content.decode()
    assert '<span class="pill pill-stale">Invited</span>' in everyone
    invited = admin_client.get(reverse("org_people"), {"status": "invited"}).content.decode()
    assert "Marc Member" in invited and "Léa Lead" not in invited
    active = admin_client.get(reverse("org_people"), {"status": "active"}).content.decode()
    assert "Léa Lead" in active and "Marc Member" not in active


@pytest.mark.parametrize("size", [5, 60])
def test_the_people_list_takes_the_same_queries_whatever_the_number_of_people(
    admin_client, team, size, django_assert_max_num_queries
):
    for _index in range(size):
        MembershipFactory(team=team)
        MembershipFactory(team=TeamFactory(), user=User.objects.last(), is_primary=False)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("org_people"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 40])
def test_the_teams_page_takes_the_same_queries_whatever_the_number_of_teams(
    admin_client, company, size, django_assert_max_num_queries
):
    parent = company
    for index in range(size):
        parent = TeamFactory(parent=parent if index % 3 else company)
        MembershipFactory(team=parent, role=Membership.Role.LEAD)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("org_teams"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_a_person_page_takes_the_same_queries_whatever_they_own(
    admin_client, member, team, cycle, size, django_assert_max_num_queries
):
    for _index in range(size):
        ObjectiveFactory(owner=member, team=team, cycle=cycle)
    with django_assert_max_num_queries(16):
        response = admin_client.get(reverse("org_person", args=[member.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Objective</span>") == size


def test_an_admin_creates_a_person_without_ever_typing_a_password(admin_client, team, mailoutbox):
    response = admin_client.post(
        reverse("org_person_create"),
        {
            "email": "Nina@Example.org",
            "display_name": "Nina New",
            "language": "fr",
            "team": team.pk,
            "role": "member",
        },
    )
    person = User.objects.get(email="nina@example.org")
    assert response.status_code == 302
    assert not person.has_usable_password()
    assert person.memberships.get().team == team
    assert mailoutbox == []


def test_creating_a_person_whose_email_is_taken_is_refused_with_a_clear_message(
    admin_client, member, team
):
    response = admin_client.post(
        reverse("org_person_create"),
        {"email": member.email, "display_name": "Twin", "team": team.pk, "role": "member"},
    )
    assert response.status_code == 400
    assert "already belongs to someone in the organisation" in response.content.decode()


def test_an_admin_edits_a_person_and_makes_them_an_admin(admin_client, member):
    response = admin_client.post(
        reverse("org_person", args=[member.pk]),
        {"email": member.email, "display_name": "Marc Renamed", "language": "en", "is_staff": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Marc Renamed" and member.is_staff


def test_an_admin_cannot_remove_their_own_admin_right(admin_client, admin):
    response = admin_client.post(
        reverse("org_person", args=[admin.pk]),
        {"email": admin.email, "display_name": admin.display_name, "language": "en"},
    )
    assert response.status_code == 400
    admin.refresh_from_db()
    assert admin.is_staff


def test_a_new_primary_team_takes_over_and_the_old_one_stays_a_team(
    admin_client, member, team, other_team
):
    admin_client.post(
        reverse("org_membership_add", args=[member.pk]),
        {"team": other_team.pk, "role": "lead", "is_primary": "on"},
    )
    memberships = {m.team_id: m for m in member.memberships.all()}
    assert memberships[other_team.pk].is_primary and memberships[other_team.pk].role == "lead"
    assert not memberships[team.pk].is_primary


def test_the_primary_team_cannot_be_removed(admin_client, member):
    membership = member.memberships.get()
    admin_client.post(reverse("org_membership_remove", args=[membership.pk]))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_creates_renames_and_moves_a_team(admin_client, company, team, other_team):
    admin_client.post(reverse("org_teams"), {"name": "Growth", "parent": team.pk})
    growth = Team.objects.get(name="Growth")
    assert growth.parent == team
    admin_client.post(
        reverse("org_team_edit", args=[growth.pk]), {"name": "Growth Ops", "parent": other_team.pk}
    )
    growth.refresh_from_db()
    assert (growth.name, growth.parent, growth.path) == (
        "Growth Ops",
        other_team,
        f"{company.pk}/{other_team.pk}/{growth.pk}/",
    )


def test_moving_a_team_under_its_own_sub_team_is_refused(admin_client, team):
    child = TeamFactory(parent=team)
    response = admin_client.post(
        reverse("org_team_edit", args=[team.pk]), {"name": team.name, "parent": child.pk}
    )
    assert response.status_code == 400
    assert "A team cannot be placed under itself." in response.content.decode()


def test_an_empty_team_is_deleted(admin_client, company):
    empty = TeamFactory(parent=company)
    admin_client.post(reverse("org_team_delete", args=[empty.pk]))
    assert not Team.objects.filter(pk=empty.pk).exists()


def test_a_team_with_members_or_objectives_is_not_deleted_and_says_what_is_attached(
    admin_client, team, member, cycle
):
    response = admin_client.post(reverse("org_team_delete", args=[team.pk]), follow=True)
    assert Team.objects.filter(pk=team.pk).exists()
    assert "still has: memberships (1)" in response.content.decode()
    Membership.objects.filter(team=team).delete()
    ObjectiveFactory(team=team, cycle=cycle, level=Objective.Level.TEAM)
    response = admin_client.post(reverse("org_team_delete", args=[team.pk]), follow=True)
    assert Team.objects.filter(pk=team.pk).exists()
    assert "still has: objectives (1)" in response.content.decode()


@pytest.mark.parametrize("raw", ["99999999999999999999999", "١٢", "-3", "x"])
def test_a_team_filter_that_cannot_be_an_id_is_ignored(admin_client, member, raw):
    response = admin_client.get(reverse("org_people"), {"team": raw})
    assert response.status_code == 200
    assert "Marc Member" in response.content.decode()
