"""API throttles: per IP address without a valid token, per person with one; beyond the rate,
429 with Retry-After."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.API_ANON_RATE = "3/minute"
    settings.API_USER_RATE = "3/minute"


def test_an_anonymous_caller_gets_429_beyond_its_rate(anonymous_api, low_rates):
    codes = [anonymous_api.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_a_wrong_token_is_counted_as_an_anonymous_caller(low_rates):
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Bearer okr_not-a-token")
    codes = [guesser.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_a_forged_forwarded_address_does_not_escape_the_anonymous_rate(anonymous_api, low_rates):
    codes = [
        anonymous_api.get("/api/v1/me/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(4)
    ]
    assert codes[-1] == 429


def test_a_person_gets_429_beyond_their_rate(api_as, member, low_rates):
    api = api_as(member)
    codes = [api.get("/api/v1/me/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_429_says_when_to_try_again(api_as, member, low_rates):
    api = api_as(member)
    for _ in range(3):
        api.get("/api/v1/me/")
    response = api.get("/api/v1/me/")
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_429_speaks_the_callers_language(api_as, member, low_rates):
    api = api_as(member, HTTP_ACCEPT_LANGUAGE="fr")
    for _ in range(3):
        api.get("/api/v1/me/")
    assert api.get("/api/v1/me/").json()["detail"].startswith("Requête ralentie.")


def test_one_persons_rate_does_not_slow_another(api_as, member, lead, low_rates):
    api = api_as(member)
    for _ in range(4):
        api.get("/api/v1/me/")
    assert api_as(lead).get("/api/v1/me/").status_code == 200


def test_the_default_rates_let_an_integration_work(api_as, member):
    api = api_as(member)
    assert all(api.get("/api/v1/me/").status_code == 200 for _ in range(100))
