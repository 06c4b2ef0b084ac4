"""Security review, the sweep: as someone outside the team, every page, partial, export and
API list that shows objectives, key results or KPIs is read, and no private title appears."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from checkins.models import Notification
from kpis.models import KPI
from objectives.models import Objective
from tests.factories import (
    CheckInFactory,
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = ["Secret rebranding", "Codename Falcon", "Falcon launch plan", "Hidden churn"]


@pytest.fixture
def secrets(cycle, team, lead, member):
    """Marketing's private objective (aligned under a public team objective, with a key result
    off track and stale, an initiative, a check-in) and its private KPI."""
    public = ObjectiveFactory(cycle=cycle, team=team, owner=lead, title="Public marketing goal")
    hidden = ObjectiveFactory(
        cycle=cycle,
        team=team,
        owner=member,
        level=Objective.Level.INDIVIDUAL,
        parent=public,
        visibility=Objective.Visibility.PRIVATE,
        title=SECRETS[0],
    )
    key_result = KeyResultFactory(
        objective=hidden, owner=member, title=SECRETS[1], confidence="off_track"
    )
    InitiativeFactory(key_result=key_result, title=SECRETS[2])
    CheckInFactory(key_result=key_result, author=member, comment="nothing secret here")
    kpi = KPIFactory(name=SECRETS[3], team=team, owner=lead, visibility=KPI.Visibility.PRIVATE)
    MeasurementFactory(kpi=kpi)
    return {"objective": hidden, "public": public, "key_result": key_result, "kpi": kpi}


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaks on {where}"


def test_no_page_shows_a_private_title_to_an_outsider(client, outsider, secrets, team, member):
    client.force_login(outsider)
    public = secrets["public"]
    urls = [
        reverse("dashboard"),
        reverse("objectives:board"),
        reverse("objectives:board") + f"?owner={member.pk}",
        reverse("objectives:board") + f"?team={team.pk}&q=Falcon",
        reverse("objectives:alignment"),
        reverse("objectives:detail", args=[public.pk]),
        reverse("team_detail", args=[team.pk]),
        reverse("person_detail", args=[member.pk]),
        reverse("kpis:board"),
        reverse("kpis:board") + f"?team={team.pk}",
        reverse("kpis:board_export"),
        reverse("checkins:my_week"),
        reverse("checkins:notifications"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response.content.decode(), url)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}
    response = client.get(reverse("objectives:board") + f"?owner={member.pk}", **htmx)
    assert_no_secret(response.content.decode(), "the board's htmx results")


def test_every_private_object_answers_404_to_an_outsider(client, outsider, secrets):
    client.force_login(outsider)
    key_result, kpi = secrets["key_result"], secrets["kpi"]
    for url in [
        reverse("objectives:detail", args=[secrets["objective"].pk]),
        reverse("objectives:edit", args=[secrets["objective"].pk]),
        reverse("checkins:key_result", args=[key_result.pk]),
        reverse("kpis:detail", args=[kpi.pk]),
        reverse("kpis:export", args=[kpi.pk]),
        reverse("kpis:to_key_result", args=[kpi.pk]),
        reverse("kpis:from_key_result", args=[key_result.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    initiative = key_result.initiatives.get()
    checkin = key_result.checkins.get()
    for url in [
        reverse("objectives:initiative_status", args=[initiative.pk]),
        reverse("objectives:initiative_delete", args=[initiative.pk]),
        reverse("objectives:initiative_create", args=[key_result.pk]),
        reverse("checkins:checkin_create", args=[key_result.pk]),
        reverse("checkins:checkin_delete", args=[checkin.pk]),
        reverse("kpis:measurement_add", args=[kpi.pk]),
        reverse("objectives:coach") + f"?objective={secrets['objective'].pk}",
    ]:
        assert client.post(url, {"status": "done"}).status_code == 404, url


def test_no_api_list_shows_a_private_title_to_an_outsider(outsider, secrets, cycle):
    api = APIClient()
    api.force_authenticate(outsider)
    for url in [
        "/api/v1/objectives/",
        "/api/v1/key-results/",
        "/api/v1/check-ins/",
        "/api/v1/kpis/",
        f"/api/v1/cycles/{cycle.pk}/scores/",
        "/api/v1/users/",
        "/api/v1/teams/",
    ]:
        response = api.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response.content.decode(), url)
    for url in [
        f"/api/v1/objectives/{secrets['objective'].pk}/",
        f"/api/v1/key-results/{secrets['key_result'].pk}/",
        f"/api/v1/check-ins/{secrets['key_result'].checkins.get().pk}/",
        f"/api/v1/kpis/{secrets['kpi'].pk}/",
        f"/api/v1/kpis/{secrets['kpi'].pk}/measurements/",
    ]:
        assert api.get(url).status_code == 404, url


def test_the_api_refuses_writes_on_private_objects_of_others(outsider, secrets):
    api = APIClient()
    api.force_authenticate(outsider)
    key_result, kpi = secrets["key_result"], secrets["kpi"]
    assert (
        api.patch(
            f"/api/v1/objectives/{secrets['objective'].pk}/", {"title": "x"}, format="json"
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/key-results/{key_result.pk}/").status_code == 404
    assert (
        api.post(
            "/api/v1/check-ins/",
            {"key_result": key_result.pk, "value": 5, "confidence": "on_track"},
            format="json",
        ).status_code
        == 400
    )  # an unknown key result, as for any id one cannot see
    assert (
        api.post(
            f"/api/v1/kpis/{kpi.pk}/measurements/",
            {"date": "2026-01-31", "value": 1},
            format="json",
        ).status_code
        == 404
    )
    assert (
        api.post(
            "/api/v1/key-results/",
            {"objective": secrets["objective"].pk, "title": "x", "target_value": 3},
            format="json",
        ).status_code
        == 400
    )


def test_one_cannot_mark_someone_elses_notification_read(client, member, outsider):
    notification = Notification.objects.create(user=member, message="Hello", url="/")
    client.force_login(outsider)
    response = client.post(reverse("checkins:notification_read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_next_parameters_never_leave_the_site(client, member, password, target):
    client.force_login(member)
    response = client.post(reverse("switch_language"), {"language": "fr", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    client.logout()
    response = client.post(
        reverse("login") + f"?next={target}",
        {"username": member.email, "password": password},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_the_admin_site_is_for_staff_only(client, lead, admin):
    client.force_login(lead)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_the_sweep_would_see_the_secrets_where_they_are_allowed(client, member, secrets):
    client.force_login(member)
    board = client.get(reverse("objectives:board")).content.decode()
    assert SECRETS[0] in board and SECRETS[1] in board
    assert SECRETS[3] in client.get(reverse("kpis:board")).content.decode()
