"""API answers are private: never stored by a cache, nor by the browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_an_api_answer_is_private_and_never_stored(api_as, member):
    response = api_as(member).get("/api/v1/me/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))


def test_a_refusal_is_never_stored_either(anonymous_api):
    response = anonymous_api.get("/api/v1/me/")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]
