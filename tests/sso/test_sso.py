"""Single sign-on with OpenID Connect: who may sign in through the company's identity
provider, matched by verified email only, against a real provider on 127.0.0.1."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.messages import get_messages
from django.urls import reverse

from okrapp.core.models import Membership, User
from okrapp.core.services import token_create
from tests.factories import MembershipFactory
from tests.sso.conftest import sign_on, signed_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(team):
    return MembershipFactory(
        team=team, user__email="lea.martin@acme.example", user__display_name="Léa Martin"
    ).user


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_sign_in_page_shows_the_button_beside_the_password_form(client, sso):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with ACME ID" in page
    assert 'action="/accounts/oidc/company/login/"' in page
    assert 'name="password"' in page


def test_without_single_sign_on_the_sign_in_page_has_no_button(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "oidc" not in page
    assert 'name="password"' in page


def test_a_first_sign_in_is_matched_to_the_person_by_verified_email(client, sso, person):
    sso.add_person("Lea.Martin@acme.example", name="Léa M.", email_verified=True)
    response = sign_on(client, sso, "Lea.Martin@acme.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert signed_in_as(client) == str(person.pk)
    assert SocialAccount.objects.get(provider="company").user == person
    assert sso.token_requests == 1


def test_a_returning_identity_signs_in_through_its_connection(client, sso, person):
    sso.add_person(person.email, name="Léa", email_verified=True, sub="lea-123")
    sign_on(client, sso, person.email)
    client.logout()
    # The provider changed her address: the connection (its subject) still names her.
    sso.people["lea.new@acme.example"] = {**sso.people.pop(person.email), "email": "x@y.z"}
    sign_on(client, sso, "lea.new@acme.example")
    assert signed_in_as(client) == str(person.pk)
    assert SocialAccount.objects.count() == 1


def test_an_unverified_email_never_takes_over_an_account(client, sso, person):
    sso.add_person(person.email, name="Mallory", email_verified=False)
    response = sign_on(client, sso, person.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert any("did not confirm your email" in text for text in messages_of(response))


def test_an_unknown_email_is_refused_when_people_are_not_created(client, sso, team):
    sso.add_person("new.person@acme.example", name="New Person")
    response = sign_on(client, sso, "new.person@acme.example")
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert not User.objects.filter(email="new.person@acme.example").exists()
    assert any("No account uses new.person@acme.example" in t for t in messages_of(response))


def test_a_new_person_is_created_in_the_default_team_in_their_language(client, sso, settings, team):
    settings.OIDC_CREATE_PEOPLE = True
    settings.OIDC_DEFAULT_TEAM = team.name
    sso.add_person("nina@acme.example", name="Nina Nouvelle", locale="fr-FR")
    sign_on(client, sso, "nina@acme.example")
    nina = User.objects.get(email="nina@acme.example")
    assert signed_in_as(client) == str(nina.pk)
    assert (nina.display_name, nina.language, nina.has_usable_password()) == (
        "Nina Nouvelle",
        "fr",
        False,
    )
    membership = Membership.objects.get(user=nina)
    assert (membership.team, membership.role, membership.is_primary) == (team, "member", True)


def test_creation_into_a_team_that_does_not_exist_is_refused_and_logged(
    client, sso, settings, team, caplog
):
    settings.OIDC_CREATE_PEOPLE = True
    settings.OIDC_DEFAULT_TEAM = "No such team"
    sso.add_person("nina@acme.example", name="Nina")
    response = sign_on(client, sso, "nina@acme.example")
    assert response["Location"] == reverse("login")
    assert not User.objects.filter(email="nina@acme.example").exists()
    assert "sso_default_team_missing" in caplog.text


def test_creation_refuses_an_unverified_email_too(client, sso, settings, team):
    settings.OIDC_CREATE_PEOPLE = True
    settings.OIDC_DEFAULT_TEAM = str(team.pk)
    sso.add_person("nina@acme.example", name="Nina", email_verified=False)
    sign_on(client, sso, "nina@acme.example")
    assert not User.objects.filter(email="nina@acme.example").exists()


def test_a_deactivated_person_cannot_sign_in_through_sso(client, sso, person):
    person.is_active = False
    person.save()
    sso.add_person(person.email, name="Léa")
    response = sign_on(client, sso, person.email)
    assert signed_in_as(client) is None
    assert any("deactivated" in text for text in messages_of(response))


def test_a_deactivated_person_with_a_connection_cannot_sign_in_either(client, sso, person):
    sso.add_person(person.email, name="Léa")
    sign_on(client, sso, person.email)
    client.logout()
    User.objects.filter(pk=person.pk).update(is_active=False)
    response = sign_on(client, sso, person.email)
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None


def test_cancelling_at_the_provider_comes_back_to_the_sign_in_page(client, sso, person):
    sso.add_person(person.email, name="Léa")
    response = sign_on(client, sso, person.email, action="cancel")
    assert response["Location"] == reverse("login")
    assert any("cancelled" in text for text in messages_of(response))


def test_a_replayed_callback_is_refused_on_the_sign_in_page(client, sso, person):
    sso.add_person(person.email, name="Léa")
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "company"}))
    assert start.status_code == 302
    response = client.get("/accounts/oidc/company/login/callback/?code=forged&state=forged")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in_as(client) is None
    assert any("did not succeed" in text for text in messages_of(response))


def test_the_messages_are_in_french_on_the_french_sign_in_page(client, sso, person):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    sso.add_person(person.email, name="Léa", email_verified=False)
    response = sign_on(client, sso, person.email)
    page = client.get(response["Location"]).content.decode()
    assert "Se connecter" in page
    assert "n’a pas confirmé votre adresse" in page


class TestPasswordSignInOff:
    @pytest.fixture(autouse=True)
    def _sso_only(self, settings, sso):
        settings.PASSWORD_SIGNIN = False

    def test_the_sign_in_page_shows_only_the_button(self, client):
        page = client.get(reverse("login")).content.decode()
        assert "Sign in with ACME ID" in page
        assert 'name="password"' not in page
        assert reverse("password_reset") not in page

    def test_a_password_is_refused_even_the_right_one(self, client, person, password):
        response = client.post(reverse("login"), {"username": person.email, "password": password})
        assert response.status_code == 403
        assert signed_in_as(client) is None

    def test_password_reset_and_change_do_not_exist(self, client, person):
        assert client.get(reverse("password_reset")).status_code == 404
        client.force_login(person)
        assert client.get(reverse("password_change")).status_code == 404

    def test_the_admin_site_signs_in_through_the_product(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_sso_still_signs_in(self, client, sso, person):
        sso.add_person(person.email, name="Léa")
        sign_on(client, sso, person.email)
        assert signed_in_as(client) == str(person.pk)

    def test_api_tokens_still_work(self, client, person):
        _token, secret = token_create(user=person, name="script")
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200
        assert response.json()["email"] == person.email


def test_password_sign_in_stays_watched_by_axes_beside_sso(client, sso, settings, person):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": person.email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": person.email, "password": "x"})
    assert response.status_code == 429
    assert "Sign in with ACME ID" in response.content.decode()


def test_the_sign_in_page_lets_its_button_post_on_to_the_provider(client, sso):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part)
    assert sso.url in form_action
    assert "'self'" in form_action


def test_the_default_button_label_is_translated(client, sso, settings):
    settings.OIDC_BUTTON_LABEL = ""
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Se connecter avec le compte de l’entreprise" in page


def test_a_bookmarked_sso_address_leads_to_the_product_sign_in_page(client, sso):
    response = client.get("/accounts/oidc/company/login/?next=/checkins/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/checkins/"


def test_without_single_sign_on_its_addresses_do_not_exist(client, db):
    assert client.post("/accounts/oidc/company/login/").status_code == 404
    assert client.get("/accounts/oidc/company/login/callback/?code=x").status_code == 404


# --- Configuration from the environment -------------------------------------------------------


def _check(tmp_path, **env):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "PASSWORD_"))}
    environ.update({"DEBUG": "true", "DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=root,
        env=environ,
        capture_output=True,
        text=True,
    )


def test_an_issuer_without_its_client_fails_loudly(tmp_path):
    result = _check(tmp_path, OIDC_ISSUER_URL="https://id.example.com")
    assert result.returncode != 0
    assert "OIDC_ISSUER_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" in result.stderr


def test_password_sign_in_cannot_be_turned_off_without_sso(tmp_path):
    result = _check(tmp_path, PASSWORD_SIGNIN="false")
    assert result.returncode != 0
    assert "nobody could sign in" in result.stderr


def test_creating_people_needs_a_default_team(tmp_path):
    result = _check(
        tmp_path,
        OIDC_ISSUER_URL="https://id.example.com",
        OIDC_CLIENT_ID="okr",
        OIDC_CLIENT_SECRET="s",
        OIDC_CREATE_PEOPLE="true",
    )
    assert result.returncode != 0
    assert "OIDC_CREATE_PEOPLE=true needs OIDC_DEFAULT_TEAM" in result.stderr


def test_a_complete_configuration_passes_the_checks(tmp_path):
    result = _check(
        tmp_path,
        OIDC_ISSUER_URL="https://id.example.com",
        OIDC_CLIENT_ID="okr",
        OIDC_CLIENT_SECRET="s",
        PASSWORD_SIGNIN="false",
    )
    assert result.returncode == 0, result.stderr
