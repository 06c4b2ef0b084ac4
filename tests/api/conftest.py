"""API test helpers: clients that authenticate the way integrations do, with a token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from okrapp.api_auth import token_create


def client_for(user, **headers) -> APIClient:
    _token, secret = token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", **headers)
    return client


@pytest.fixture
def api_as():
    """api_as(user) → an API client acting with that person's token."""
    return client_for


@pytest.fixture
def anonymous_api():
    return APIClient()
