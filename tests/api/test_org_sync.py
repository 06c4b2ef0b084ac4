"""The API for an HR system's sync: people, teams, memberships and the org-chart import, for
admins only, through the same services as the pages."""

from __future__ import annotations

import pytest
from django.utils import translation

from okrapp.core.models import Membership, Team, User
from tests.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

CHART = "email,name,team\nana@example.org,Ana,Sales\nbob@example.org,Bob,Sales\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_an_admin_creates_a_person_in_a_team_without_a_password(api_as, admin, team):
    response = api_as(admin).post(
        "/api/v1/users/",
        {"email": "Nina@example.org", "name": "Nina", "language": "fr", "team": team.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    person = User.objects.get(email="nina@example.org")
    assert not person.has_usable_password()
    assert person.memberships.get().team == team
    assert "password" not in response.json()


def test_a_password_sent_to_the_api_is_refused(api_as, admin):
    response = api_as(admin).post(
        "/api/v1/users/",
        {"email": "n@example.org", "name": "N", "password": "secret-123"},
        format="json",
    )
    assert response.status_code == 400


def test_an_existing_email_is_refused(api_as, admin, member):
    response = api_as(admin).post(
        "/api/v1/users/", {"email": member.email, "name": "Twin"}, format="json"
    )
    assert response.status_code == 400


def test_an_admin_deactivates_a_person_with_patch_or_delete(api_as, admin, member, lead):
    api = api_as(admin)
    assert (
        api.patch(f"/api/v1/users/{member.pk}/", {"is_active": False}, format="json").status_code
        == 200
    )
    member.refresh_from_db()
    assert not member.is_active
    assert api.delete(f"/api/v1/users/{lead.pk}/").status_code == 204
    lead.refresh_from_db()
    assert not lead.is_active
    assert api.get(f"/api/v1/users/{lead.pk}/").json()["is_active"] is False


def test_people_other_than_admins_cannot_write_people_teams_or_memberships(
    api_as, lead, member, team
):
    api = api_as(lead)
    membership = member.memberships.get()
    refusals = [
        api.patch(f"/api/v1/users/{member.pk}/", {"name": "X"}, format="json"),
        api.delete(f"/api/v1/users/{member.pk}/"),
        api.post("/api/v1/teams/", {"name": "X", "parent": team.pk}, format="json"),
        api.patch(f"/api/v1/teams/{team.pk}/", {"name": "X"}, format="json"),
        api.delete(f"/api/v1/teams/{team.pk}/"),
        api.post("/api/v1/memberships/", {"user": member.pk, "team": team.pk}, format="json"),
        api.delete(f"/api/v1/memberships/{membership.pk}/"),
        api.post("/api/v1/org-import/", CHART, content_type="text/csv"),
    ]
    assert [response.status_code for response in refusals] == [403] * len(refusals)
    member.refresh_from_db()
    assert member.is_active and Team.objects.filter(pk=team.pk, name="Marketing").exists()


def test_non_admins_still_read_people_but_not_the_deactivated(api_as, member, outsider):
    User.objects.filter(pk=outsider.pk).update(is_active=False)
    ids = [row["id"] for row in api_as(member).get("/api/v1/users/").json()["results"]]
    assert outsider.pk not in ids and member.pk in ids


def test_an_admin_creates_moves_and_deletes_a_team(api_as, admin, team, other_team):
    api = api_as(admin)
    created = api.post("/api/v1/teams/", {"name": "Growth", "parent": team.pk}, format="json")
    assert created.status_code == 201, created.json()
    growth = created.json()["id"]
    moved = api.patch(f"/api/v1/teams/{growth}/", {"parent": other_team.pk}, format="json")
    assert moved.status_code == 200
    assert Team.objects.get(pk=growth).parent == other_team
    assert api.delete(f"/api/v1/teams/{growth}/").status_code == 204


def test_a_team_under_itself_or_with_members_is_refused(api_as, admin, team, member):
    api = api_as(admin)
    child = TeamFactory(parent=team)
    assert (
        api.patch(f"/api/v1/teams/{team.pk}/", {"parent": child.pk}, format="json").status_code
        == 400
    )
    response = api.delete(f"/api/v1/teams/{team.pk}/")
    assert response.status_code == 400
    assert Team.objects.filter(pk=team.pk).exists()


def test_an_admin_adds_a_membership_and_makes_it_primary(api_as, admin, member, other_team):
    api = api_as(admin)
    response = api.post(
        "/api/v1/memberships/",
        {"user": member.pk, "team": other_team.pk, "role": "lead", "is_primary": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Membership.objects.get(user=member, is_primary=True).team == other_team
    old = Membership.objects.get(user=member, is_primary=False)
    assert api.delete(f"/api/v1/memberships/{old.pk}/").status_code == 204


def test_the_primary_membership_cannot_be_deleted(api_as, admin, member):
    membership = member.memberships.get()
    assert api_as(admin).delete(f"/api/v1/memberships/{membership.pk}/").status_code == 400


def test_the_org_import_takes_the_csv_as_the_body(api_as, admin, company):
    response = api_as(admin).post("/api/v1/org-import/", CHART, content_type="text/csv")
    assert response.status_code == 200, response.json()
    assert response.json()["created"] == ["ana@example.org", "bob@example.org"]
    again = api_as(admin).post("/api/v1/org-import/", CHART, content_type="text/csv").json()
    assert again["created"] == [] and again["unchanged"] == ["ana@example.org", "bob@example.org"]


def test_the_org_import_takes_a_multipart_file(api_as, admin, company, tmp_path):
    path = tmp_path / "chart.csv"
    path.write_text(CHART)
    with path.open("rb") as file:
        response = api_as(admin).post("/api/v1/org-import/", {"file": file}, format="multipart")
    assert response.status_code == 200
    assert User.objects.filter(email="ana@example.org").exists()


def test_a_dry_run_answers_the_preview_and_writes_nothing(api_as, admin, company):
    response = api_as(admin).post(
        "/api/v1/org-import/?dry_run=true", CHART, content_type="text/csv"
    )
    assert response.status_code == 200
    assert response.json()["written"] is False and len(response.json()["created"]) == 2
    assert not User.objects.filter(email="ana@example.org").exists()


def test_a_file_with_errors_answers_400_with_the_lines(api_as, admin, company):
    response = api_as(admin).post(
        "/api/v1/org-import/", CHART + "bad,X,Sales\n", content_type="text/csv"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 4, "message": "“bad” is not an email address."}]
    assert not User.objects.filter(email="ana@example.org").exists()


@pytest.mark.parametrize("size", [3, 30])
def test_the_people_list_takes_the_same_queries_for_admins(
    api_as, admin, team, size, django_assert_max_num_queries
):
    for _index in range(size):
        MembershipFactory(team=team)
    api = api_as(admin)
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/users/").status_code == 200
