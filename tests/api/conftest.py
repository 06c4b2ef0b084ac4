"""API test helpers: clients that authenticate the way integrations do, with a token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from okrapp.core.services import token_create


def client_for(user, **headers) -> APIClient:
    _token, secret = token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", **headers)
    return client


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Factories set a password on every person; the API tests never use it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_as():
    """api_as(user) → an API client acting with that person's token."""
    return client_for


@pytest.fixture
def anonymous_api():
    return APIClient()
