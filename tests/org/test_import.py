"""Importing the org chart: preview, all or nothing, idempotent; the page and the command."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from okrapp.core.models import Invitation, Membership, Team, User
from okrapp.core.permissions import viewer_for
from okrapp.core.services import org_import

pytestmark = pytest.mark.django_db

CHART = (
    "email,name,team,parent_team,role,language\n"
    "ana@example.org,Ana Alpha,Sales,,lead,fr\n"
    "bob@example.org,Bob Beta,Sales EMEA,Sales,member,en\n"
    "cleo@example.org,Cléo Gamma,Sales EMEA,Sales,lead,fr\n"
)


def run(admin, text=CHART, **options):
    return org_import(viewer=viewer_for(admin), data=text.encode(), **options)


def test_importing_creates_teams_people_and_memberships(admin, company):
    result = run(admin)
    assert result.written and result.errors == []
    emea = Team.objects.get(name="Sales EMEA")
    assert emea.parent == Team.objects.get(name="Sales", parent=company)
    cleo = User.objects.get(email="cleo@example.org")
    assert cleo.display_name == "Cléo Gamma" and cleo.language == "fr"
    assert not cleo.has_usable_password()
    assert Membership.objects.get(user=cleo).role == "lead"


def test_importing_the_same_file_twice_changes_nothing(admin, company):
    run(admin)
    result = run(admin)
    assert result.counts == {"create": 0, "change": 0, "unchanged": 3}
    assert not result.plan.changes_anything


def test_a_dry_run_writes_nothing(admin, company):
    result = run(admin, dry_run=True)
    assert result.counts["create"] == 3 and not result.written
    assert not User.objects.filter(email="ana@example.org").exists()


def test_a_file_with_one_bad_row_imports_nothing(admin, company):
    result = run(admin, CHART + "not-an-email,X,Sales,,member,fr\n")
    assert result.errors == [(5, "“not-an-email” is not an email address.")]
    assert not Team.objects.filter(name="Sales").exists()
    assert not User.objects.filter(email="ana@example.org").exists()


def test_a_team_moved_in_the_file_would_not_create_a_cycle(admin, company):
    run(admin)
    result = run(admin, "email,name,team,parent_team\nana@example.org,Ana Alpha,Sales,Sales EMEA\n")
    assert result.errors == [(2, "Placing Sales there would put it under itself.")]


def test_people_missing_from_the_file_are_deactivated_only_when_asked(admin, company, member):
    run(admin)
    member.refresh_from_db()
    assert member.is_active
    result = run(admin, deactivate_missing=True)
    member.refresh_from_db()
    admin.refresh_from_db()
    assert result.plan.deactivated == [member.email]
    assert not member.is_active and admin.is_active


def test_a_person_moved_to_another_team_leaves_the_old_primary_team(admin, company):
    run(admin)
    run(
        admin,
        CHART.replace(
            "bob@example.org,Bob Beta,Sales EMEA,Sales", "bob@example.org,Bob Beta,Sales,"
        ),
    )
    bob = User.objects.get(email="bob@example.org")
    assert [(m.team.name, m.is_primary) for m in bob.memberships.all()] == [("Sales", True)]


def test_importing_with_invitations_invites_the_people_created(
    admin, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = run(admin, invite=True)
    assert sorted(result.invited) == ["ana@example.org", "bob@example.org", "cleo@example.org"]
    assert Invitation.objects.count() == 3 and len(mailoutbox) == 3


def test_the_page_previews_then_imports(admin_client, company):
    upload = SimpleUploadedFile("chart.csv", CHART.encode(), content_type="text/csv")
    response = admin_client.post(reverse("org_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ana Alpha" in page and "Created" in page
    assert not User.objects.filter(email="ana@example.org").exists()
    carried = response.context["carried"]
    response = admin_client.post(reverse("org_import"), {"carried": carried, "confirm": "1"})
    assert response.status_code == 200
    assert User.objects.filter(email="ana@example.org").exists()


def test_the_page_shows_each_error_with_its_line(admin_client, company):
    upload = SimpleUploadedFile("chart.csv", b"email,name\nana@example.org,Ana\n")
    response = admin_client.post(reverse("org_import"), {"file": upload})
    assert response.status_code == 400
    assert "Missing column(s): team." in response.content.decode()


def test_the_command_imports_and_reports(admin, company, site_admin, tmp_path, capsys):
    path = tmp_path / "chart.csv"
    path.write_text(CHART, encoding="utf-8-sig")
    call_command("import_org", str(path), "--dry-run")
    assert "created 3, changed 0, unchanged 0" in capsys.readouterr().out
    assert not User.objects.filter(email="ana@example.org").exists()
    call_command("import_org", str(path))
    call_command("import_org", str(path))
    assert "created 0, changed 0, unchanged 3" in capsys.readouterr().out.splitlines()[-1]


def test_the_command_fails_on_a_bad_file_and_imports_nothing(site_admin, tmp_path):
    path = tmp_path / "chart.csv"
    path.write_text("email,name\nana@example.org,Ana\n")
    with pytest.raises(CommandError):
        call_command("import_org", str(path))
    assert not User.objects.filter(email="ana@example.org").exists()
