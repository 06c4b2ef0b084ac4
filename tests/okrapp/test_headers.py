"""Response headers: browser features refused everywhere; what only a signed-in person may
read is never stored by a cache; static files keep their cache lifetime."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

UNUSED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"]


def test_a_signed_in_page_is_private_and_never_stored(client, member):
    client.force_login(member)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))


def test_a_csv_export_is_private_and_never_stored(client, member):
    client.force_login(member)
    response = client.get(reverse("kpis:board_export"))
    assert response["Content-Type"].startswith("text/csv")
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))


def test_every_page_refuses_the_browser_features_the_product_does_not_use(client, member):
    client.force_login(member)
    policy = client.get(reverse("dashboard"))["Permissions-Policy"]
    for feature in UNUSED_FEATURES:
        assert f"{feature}=()" in policy


def test_the_sign_in_page_refuses_them_too(client):
    assert "camera=()" in client.get(reverse("login"))["Permissions-Policy"]


def test_the_other_security_headers_are_kept(client, member):
    client.force_login(member)
    response = client.get(reverse("dashboard"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_sign_in_page_keeps_its_csrf_protection(member, password):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.context["csrf_token"]
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post(
        reverse("login"),
        {"username": member.email, "password": password, "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302


def test_static_files_keep_their_cache_lifetime_for_a_signed_in_person(settings, client, member):
    settings.WHITENOISE_USE_FINDERS = True  # serve from static/ without collectstatic
    client.force_login(member)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]
