from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_redirected_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_in_page_is_open_to_anonymous_visitors(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_password_reset_page_is_open_to_anonymous_visitors(client):
    assert client.get(reverse("password_reset")).status_code == 200


def test_member_signs_in_with_email_and_password(client, member, password):
    response = client.post(reverse("login"), {"username": member.email, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_french_browser_gets_the_french_shell(client, member):
    member.language = ""
    member.save()
    client.force_login(member)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert "Tableau de bord" in response.content.decode()


def test_stored_language_wins_over_the_browser(client, member):
    member.language = "en"
    member.save()
    client.force_login(member)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert "Dashboard" in response.content.decode()
    assert "Tableau de bord" not in response.content.decode()


def test_switching_language_is_remembered_for_the_person(client, member):
    client.force_login(member)
    response = client.post(reverse("switch_language"), {"language": "fr", "next": "/kpis/"})
    assert response.status_code == 302
    assert response["Location"] == "/kpis/"
    member.refresh_from_db()
    assert member.language == "fr"


def test_language_switch_refuses_an_unknown_language(client, member):
    client.force_login(member)
    assert client.post(reverse("switch_language"), {"language": "de"}).status_code == 400


def test_language_switch_never_redirects_off_site(client, member):
    client.force_login(member)
    response = client.post(
        reverse("switch_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("dashboard")


def test_sign_out_needs_a_post_and_signs_out(client, member):
    client.force_login(member)
    response = client.post(reverse("logout"))
    assert response.status_code in (200, 302)
    assert client.get(reverse("dashboard")).status_code == 302


def test_profile_saves_the_reminder_opt_out(client, member):
    client.force_login(member)
    response = client.post(
        reverse("profile"),
        {"display_name": "Marc M.", "language": "en", "reminders_opt_out": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.reminders_opt_out is True
    assert member.display_name == "Marc M."


def test_profile_shows_errors_and_keeps_what_was_typed(client, member):
    client.force_login(member)
    response = client.post(reverse("profile"), {"display_name": "", "language": "xx"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"display_name", "language"}


def test_password_reset_sends_an_email_in_the_product_words(client, member, mailoutbox):
    client.post(reverse("password_reset"), {"email": member.email})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_an_english_browser_gets_the_english_sign_in_page(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert "Forgotten your password?" in response.content.decode()


def test_a_french_browser_gets_the_french_sign_in_page(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert "Mot de passe oublié ?" in response.content.decode()


def test_every_page_answers_with_a_strict_content_security_policy(client, member):
    client.force_login(member)
    policy = client.get(reverse("dashboard"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_error_page_is_marked_in_the_language_it_is_written_in(rf):
    # Django renders 500.html without a context (nothing may fail twice), so the template
    # asks for the active language itself.
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("en"):
        page = server_error(rf.get("/")).content.decode()
    assert '<html lang="en">' in page
    assert "Something went wrong" in page
