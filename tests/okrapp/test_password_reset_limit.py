"""Password-reset emails are limited per email address and per IP address, and the refusal
says nothing of whether an account has the address."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from okrapp.core.throttling import parse_rate

pytestmark = pytest.mark.django_db

PER_EMAIL, _ = parse_rate(settings.PASSWORD_RESET_RATE_PER_EMAIL)
PER_IP, _ = parse_rate(settings.PASSWORD_RESET_RATE_PER_IP)


def ask_reset(client, email: str, *, ip: str = "203.0.113.9", **headers):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip, **headers)


def test_reset_emails_to_one_address_stop_at_the_limit(client, member, mailoutbox):
    for attempt in range(PER_EMAIL):
        assert ask_reset(client, member.email, ip=f"198.51.100.{attempt + 1}").status_code == 302
    response = ask_reset(client, member.email, ip="192.0.2.200")
    assert response.status_code == 429
    assert len(mailoutbox) == PER_EMAIL


def test_reset_requests_from_one_ip_address_stop_at_the_limit(client, member, mailoutbox):
    for attempt in range(PER_IP):
        ask_reset(client, f"someone{attempt}@example.org")
    response = ask_reset(client, member.email)
    assert response.status_code == 429
    assert mailoutbox == []


def test_the_limit_counts_one_address_whatever_its_case(client, member, mailoutbox):
    for attempt in range(PER_EMAIL):
        ask_reset(client, member.email.upper(), ip=f"198.51.100.{attempt + 1}")
    assert ask_reset(client, member.email, ip="192.0.2.200").status_code == 429


def test_the_refusal_is_the_same_whether_or_not_an_account_exists(client, member):
    for attempt in range(PER_EMAIL):
        ask_reset(client, member.email, ip=f"198.51.100.{attempt + 1}")
        ask_reset(client, "nobody@example.org", ip=f"198.51.101.{attempt + 1}")
    existing = ask_reset(client, member.email, ip="192.0.2.1")
    unknown = ask_reset(client, "nobody@example.org", ip="192.0.2.2")
    assert existing.status_code == unknown.status_code == 429
    assert existing.context["form"].errors == unknown.context["form"].errors


def test_the_refusal_is_said_in_french(client, member):
    for attempt in range(PER_EMAIL):
        ask_reset(client, member.email, ip=f"198.51.100.{attempt + 1}")
    response = ask_reset(client, member.email, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert "Trop de demandes de réinitialisation" in response.content.decode()
