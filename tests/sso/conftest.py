"""Walking through single sign-on with the test client and the provider of tests/support
(fixtures `provider` and `sso` in tests/conftest.py)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.urls import reverse


def sign_on(client, provider, email: str, *, action: str = "sign-in"):
    """Press the sign-in page's button, sign in at the provider with `email`, follow the
    provider back to the product's callback; returns the callback's answer."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "company"}))
    assert start.status_code == 302, start
    authorize = urlsplit(start["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}" == provider.url
    params = dict(parse_qsl(authorize.query))
    form = requests.get(start["Location"], timeout=5)
    assert form.status_code == 200 and "<form" in form.text
    back = requests.post(
        f"{provider.url}/authorize",
        data={**params, "email": email, "action": action},
        allow_redirects=False,
        timeout=5,
    )
    assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_as(client):
    return client.session.get("_auth_user_id")


@pytest.fixture(autouse=True)
def _english_unless_said(client):
    """The messages are read in English here, unless a test asks for French."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
