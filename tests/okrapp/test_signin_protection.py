"""Sign-in protection (django-axes): too many failed sign-ins lock the account, or the address,
out for a while; the sign-in page says so in the visitor's language; an admin can lift it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.9"
LOCKOUT_MINUTES = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def sign_in(client, email: str, password: str, *, ip: str = ATTACKER, **headers):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip, **headers
    )


def fail_until_locked(client, email: str, *, ip: str = ATTACKER) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "not-the-password", ip=ip)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, member, password):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, member.email, "not-the-password").status_code == 200
    assert sign_in(client, member.email, password).status_code == 302


def test_the_right_password_is_refused_while_the_account_is_locked_out(client, member, password):
    fail_until_locked(client, member.email)
    response = sign_in(client, member.email, password)
    assert response.status_code == 429
    assert client.get(reverse("dashboard")).status_code == 302


def test_an_account_attacked_from_many_addresses_is_locked_out(client, member, password):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, member.email, "not-the-password", ip=f"198.51.100.{attempt + 1}")
    assert sign_in(client, member.email, password, ip="192.0.2.200").status_code == 429


def test_an_address_trying_many_accounts_is_locked_out(client, member, password):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}@example.org", "not-the-password")
    assert sign_in(client, member.email, password).status_code == 429


def test_the_email_counts_for_one_account_whatever_its_case_and_spaces(client, member, password):
    spellings = [member.email.upper(), f" {member.email} ", member.email.title()]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            client,
            spellings[attempt % len(spellings)],
            "not-the-password",
            ip=f"198.51.100.{attempt + 1}",
        )
    assert sign_in(client, member.email, password, ip="192.0.2.200").status_code == 429


def test_a_forged_forwarded_address_does_not_escape_the_lock_out(client, member, password):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            client,
            f"guess{attempt}@example.org",
            "not-the-password",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt + 1}",
        )
    response = sign_in(client, member.email, password, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_the_sign_in_page_says_why_in_french(client, member):
    fail_until_locked(client, member.email)
    response = sign_in(client, member.email, "x", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Trop de tentatives de connexion" in page
    assert f"{LOCKOUT_MINUTES} minutes" in page
    assert 'name="username"' in page and 'name="password"' in page


def test_the_sign_in_page_says_why_in_english(client, member):
    fail_until_locked(client, member.email)
    response = sign_in(client, member.email, "x", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert response["Retry-After"] == str(LOCKOUT_MINUTES * 60)


def test_the_lock_out_looks_the_same_for_an_account_that_does_not_exist(client, member):
    fail_until_locked(client, member.email, ip="198.51.100.1")
    fail_until_locked(client, "nobody@example.org", ip="198.51.100.2")
    existing = sign_in(client, member.email, "x", ip="198.51.100.1")
    unknown = sign_in(client, "nobody@example.org", "x", ip="198.51.100.2")
    assert existing.status_code == unknown.status_code == 429
    assert existing.context["signin_refused"] == unknown.context["signin_refused"]


def test_the_lock_out_ends_after_the_cool_off(client, member, password):
    fail_until_locked(client, member.email)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(minutes=1)
    )
    assert sign_in(client, member.email, password).status_code == 302


def test_failed_sign_ins_on_the_admin_site_count_too(client, member, password):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": member.email, "password": "not-the-password"},
            REMOTE_ADDR=ATTACKER,
        )
    assert sign_in(client, member.email, password, ip="192.0.2.200").status_code == 429


def test_an_admin_sees_the_locked_out_account_in_the_admin(client, member, site_admin):
    fail_until_locked(client, member.email)
    client.force_login(site_admin)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert member.email in response.content.decode()
    assert "/admin/axes/accessattempt/" in client.get("/admin/").content.decode()


def test_an_admin_lifts_a_lock_out_by_deleting_the_attempts(client, member, site_admin, password):
    fail_until_locked(client, member.email)
    client.force_login(site_admin)
    response = client.post(
        "/admin/axes/accessattempt/",
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert sign_in(client, member.email, password).status_code == 302


def test_the_test_client_still_signs_in_with_a_password(client, member, password):
    assert client.login(username=member.email, password=password)
    assert client.get(reverse("dashboard")).status_code == 200
