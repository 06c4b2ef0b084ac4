from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from okrapp.core.models import Cycle, Membership, Team, quarter_bounds
from tests.factories import CycleFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_users_sign_in_by_email_which_is_stored_lowercase(django_user_model):
    user = django_user_model.objects.create_user(
        email="Anne@Example.ORG", password="x" * 12, display_name="Anne"
    )
    assert user.email == "anne@example.org"


def test_the_first_admin_is_created_without_prompts_from_the_environment(
    django_user_model, monkeypatch
):
    # The README's first step in production: createsuperuser --noinput reads every required
    # field (REQUIRED_FIELDS: display_name) from DJANGO_SUPERUSER_<FIELD>.
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Premiere.Admin@Example.org")
    monkeypatch.setenv("DJANGO_SUPERUSER_DISPLAY_NAME", "Première Admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-pass-phrase-2026")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    admin = django_user_model.objects.get()
    assert admin.email == "premiere.admin@example.org"
    assert admin.display_name == "Première Admin"
    assert admin.is_org_admin and admin.is_superuser
    assert admin.check_password("a-long-pass-phrase-2026")


def test_the_first_admin_needs_a_display_name_without_prompts(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.org")
    monkeypatch.delenv("DJANGO_SUPERUSER_DISPLAY_NAME", raising=False)
    with pytest.raises(CommandError, match="display_name"):
        call_command("createsuperuser", "--noinput", stdout=io.StringIO())


def test_team_path_follows_the_tree(company):
    marketing = TeamFactory(name="Marketing", parent=company)
    content = TeamFactory(name="Contenu", parent=marketing)
    assert content.lineage_ids == [company.pk, marketing.pk, content.pk]
    assert content.ancestor_ids == [company.pk, marketing.pk]
    assert content.depth == 2


def test_moving_a_team_moves_its_subtree(company):
    marketing = TeamFactory(name="Marketing", parent=company)
    sales = TeamFactory(name="Ventes", parent=company)
    content = TeamFactory(name="Contenu", parent=marketing)
    leaf = TeamFactory(name="Réseaux", parent=content)
    content.parent = sales
    content.save()
    leaf.refresh_from_db()
    assert leaf.lineage_ids == [company.pk, sales.pk, content.pk, leaf.pk]


def test_there_is_a_single_company_root(company):
    with pytest.raises(ValidationError):
        Team(name="Another company").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Team.objects.create(name="Another company")


def test_a_team_cannot_be_placed_under_its_own_descendant(company):
    marketing = TeamFactory(parent=company)
    content = TeamFactory(parent=marketing)
    marketing.parent = content
    with pytest.raises(ValidationError):
        marketing.full_clean()


def test_a_person_has_at_most_one_primary_team(team, other_team):
    membership = MembershipFactory(team=team, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, team=other_team, is_primary=True)


def test_a_person_may_belong_to_several_teams(team, other_team):
    membership = MembershipFactory(team=team, is_primary=True)
    Membership.objects.create(user=membership.user, team=other_team, is_primary=False)
    assert membership.user.memberships.count() == 2


def test_cycle_end_must_follow_its_start():
    cycle = Cycle(
        name="T1", start_date=datetime.date(2027, 3, 31), end_date=datetime.date(2027, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        cycle.full_clean()
    assert "end_date" in error.value.message_dict


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (datetime.date(2027, 1, 1), datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
        (datetime.date(2027, 5, 15), datetime.date(2027, 4, 1), datetime.date(2027, 6, 30)),
        (datetime.date(2027, 12, 31), datetime.date(2027, 10, 1), datetime.date(2027, 12, 31)),
    ],
)
def test_quarter_bounds(day, start, end):
    assert quarter_bounds(day) == (start, end)


def test_suggested_cycle_is_the_next_free_quarter():
    CycleFactory(
        name="T1 2027", start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 3, 31)
    )
    suggestion = Cycle.suggested(today=datetime.date(2027, 2, 10))
    assert suggestion == {
        "name": "T2 2027",
        "start_date": datetime.date(2027, 4, 1),
        "end_date": datetime.date(2027, 6, 30),
    }


def test_admin_lists_people(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in (
        "/admin/okrapp/user/",
        "/admin/okrapp/team/",
        "/admin/okrapp/membership/",
        "/admin/okrapp/cycle/",
        "/admin/okrapp/cycle/add/",
    ):
        assert client.get(url).status_code == 200, url


def test_closing_a_graded_cycle_in_the_admin_freezes_its_final_scores(
    client, admin, django_capture_on_commit_callbacks
):
    from objectives.models import ScoreSnapshot

    admin.is_superuser = True
    admin.save()
    cycle = CycleFactory(name="T3 2026", status=Cycle.Status.GRADING)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/okrapp/cycle/",
            {"action": "close_cycles", "_selected_action": [cycle.pk]},
        )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    assert ScoreSnapshot.objects.filter(cycle=cycle, is_final=True).exists()


def _person_form(user, team, *, is_primary: bool) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "language": "fr",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-team": str(team.pk),
        "memberships-0-role": "member",
        **({"memberships-0-is_primary": "on"} if is_primary else {}),
    }


def test_the_admin_requires_exactly_one_primary_team_per_person(client, admin, team):
    admin.is_superuser = True
    admin.save()
    person = UserFactory()
    client.force_login(admin)
    url = f"/admin/okrapp/user/{person.pk}/change/"
    response = client.post(url, _person_form(person, team, is_primary=False))
    assert response.status_code == 200
    assert not person.memberships.exists()
    response = client.post(url, _person_form(person, team, is_primary=True))
    assert response.status_code == 302
    assert person.memberships.get().is_primary
