"""Personal access tokens: created on the profile page (secret shown once), stored hashed,
listed, revoked; a token acts with its owner's rights."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from okrapp.core.models import PersonalAccessToken
from okrapp.core.services import hash_token, token_create
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

SECRET = re.compile(r"okr_[A-Za-z0-9_\-]{40,}")


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_profile_page_creates_a_token_and_shows_its_secret_once(client, member):
    client.force_login(member)
    response = client.post(reverse("profile_token_create"), {"token-name": "CRM export"})
    assert response.status_code == 200
    secret = SECRET.search(response.content.decode()).group()
    assert response["Cache-Control"].startswith("max-age=0")
    token = PersonalAccessToken.objects.get(user=member)
    assert token.name == "CRM export"
    assert token.digest == hash_token(secret)
    assert secret not in {token.digest, token.prefix}
    page = client.get(reverse("profile")).content.decode()
    assert "CRM export" in page
    assert token.prefix in page
    assert secret not in page


def test_a_token_needs_a_name(client, member):
    client.force_login(member)
    response = client.post(reverse("profile_token_create"), {"token-name": "  "})
    assert response.status_code == 400
    assert not PersonalAccessToken.objects.exists()


def test_creating_tokens_beyond_the_rate_answers_429(client, member, settings):
    settings.TOKEN_CREATE_RATE = "2/hour"
    client.force_login(member)
    for name in ["one", "two"]:
        client.post(reverse("profile_token_create"), {"token-name": name})
    response = client.post(reverse("profile_token_create"), {"token-name": "three"})
    assert response.status_code == 429
    assert "too many tokens" in response.content.decode()
    assert PersonalAccessToken.objects.filter(user=member).count() == 2


def test_the_token_acts_as_its_owner(member):
    _token, secret = token_create(user=member, name="script")
    response = bearer(secret).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["id"] == member.pk


def test_a_token_sees_only_what_its_owner_sees(member, outsider, team, cycle):
    private = ObjectiveFactory(cycle=cycle, team=team, visibility="private")
    _token, secret = token_create(user=outsider, name="script")
    assert bearer(secret).get(f"/api/v1/objectives/{private.pk}/").status_code == 404


def test_profile_page_revokes_a_token_and_then_it_answers_401(client, member):
    token, secret = token_create(user=member, name="old")
    client.force_login(member)
    response = client.post(reverse("profile_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_one_cannot_revoke_someone_elses_token(client, member, outsider):
    token, _secret = token_create(user=outsider, name="theirs")
    client.force_login(member)
    assert client.post(reverse("profile_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_are_listed_and_revoked_through_the_api(member, outsider):
    mine, secret = token_create(user=member, name="mine")
    token_create(user=outsider, name="theirs")
    api = bearer(secret)
    listed = api.get("/api/v1/tokens/").json()["results"]
    assert [row["name"] for row in listed] == ["mine"]
    assert set(listed[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}
    assert api.delete(f"/api/v1/tokens/{mine.pk}/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_an_unknown_or_malformed_token_answers_401(member):
    assert bearer("okr_nope").get("/api/v1/me/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer two words")
    assert client.get("/api/v1/me/").status_code == 401


def test_a_deactivated_persons_token_answers_401(member):
    _token, secret = token_create(user=member, name="script")
    member.is_active = False
    member.save()
    assert bearer(secret).get("/api/v1/me/").status_code == 401


def test_anonymous_requests_answer_401_with_the_bearer_challenge():
    response = APIClient().get("/api/v1/objectives/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_browser_session_works_and_its_writes_need_the_csrf_token(member, cycle):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get("/api/v1/me/").status_code == 200
    response = client.post(
        "/api/v1/objectives/",
        {"cycle": cycle.pk, "title": "Nos clients nous adorent", "level": "individual"},
        format="json",
    )
    assert response.status_code == 403
