"""Single sign-on with OpenID Connect through django-allauth, configured from the
environment (settings: OIDC_*, PASSWORD_SIGNIN).

Only socialaccount's provider login and callback are routed; this adapter decides who signs
in, so that allauth never shows a page of its own:

1. A returning identity (already connected to a person) signs in if that person is active.
2. A first sign-in is matched to an active person by the email the provider says it has
   verified, and connected to them; an unverified email never takes over an account.
3. No match: with OIDC_CREATE_PEOPLE the person is created in OIDC_DEFAULT_TEAM, in the
   language of the provider's `locale` claim; otherwise the sign-in is refused.
4. Every refusal, and every error of the callback (cancelled, invalid state, provider down),
   comes back to the product's sign-in page with a message in the visitor's language.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from okrapp.core.models import Team, User
from okrapp.core.services import person_create_from_sign_on

log = logging.getLogger(__name__)

# Django's ModelBackend loads the person on each request and refuses a deactivated one.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER_URL)


def password_signin_enabled() -> bool:
    return settings.PASSWORD_SIGNIN or not sso_enabled()


def button_label() -> str:
    return settings.OIDC_BUTTON_LABEL or _("Sign in with your company account")


def login_url() -> str:
    return reverse("openid_connect_login", kwargs={"provider_id": settings.OIDC_PROVIDER_ID})


def allow_provider_in_form_action(response):
    """The button's form posts here, and the answer redirects the browser to the identity
    provider: the Content-Security-Policy's form-action must allow the provider's origin on the
    page that holds the button (the sign-in page), or the browser stops at the redirect."""
    if sso_enabled():
        issuer = urlsplit(settings.OIDC_ISSUER_URL)
        response._csp_update = {"form-action": [f"{issuer.scheme}://{issuer.netloc}"]}
    return response


def language_from_locale(locale: str | None) -> str:
    """`fr-FR`, `fr_CA` or `en` → the product's language; anything else → none."""
    primary = (locale or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in dict(User.Language.choices) else ""


def default_team() -> Team | None:
    wanted = settings.OIDC_DEFAULT_TEAM
    teams = Team.objects.filter(pk=int(wanted)) if wanted.isdigit() else Team.objects.none()
    teams = teams or Team.objects.filter(name=wanted)
    found = list(teams[:2])
    return found[0] if len(found) == 1 else None


def _refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    messages.error(request, message)
    return ImmediateHttpResponse(HttpResponseRedirect(reverse("login")))


def _verified_email(sociallogin) -> str:
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip().lower()
    return ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin) -> None:
        if sociallogin.is_existing:
            person = sociallogin.user
        else:
            person = self._first_sign_in(request, sociallogin)
        if not person.is_active:
            raise _refuse(
                request,
                _("Your account is deactivated. Ask an administrator if this is a mistake."),
            )
        person.backend = SESSION_BACKEND
        if not sociallogin.is_existing:
            sociallogin.connect(request, person)

    def _first_sign_in(self, request: HttpRequest, sociallogin) -> User:
        email = _verified_email(sociallogin)
        if not email:
            raise _refuse(
                request,
                _(
                    "Your identity provider did not confirm your email address, so it cannot "
                    "be matched to an account. Ask an administrator."
                ),
            )
        person = User.objects.filter(email__iexact=email).first()
        if person is not None:
            return person
        if not settings.OIDC_CREATE_PEOPLE:
            raise _refuse(
                request,
                _("No account uses %(email)s. Ask an administrator to add you.") % {"email": email},
            )
        team = default_team()
        if team is None:
            log.error("sso_default_team_missing", extra={"team": settings.OIDC_DEFAULT_TEAM})
            raise _refuse(request, _("Accounts cannot be created right now. Ask an administrator."))
        data = sociallogin.account.extra_data or {}
        claims = data.get("userinfo") or data.get("id_token") or {}
        return person_create_from_sign_on(
            email=email,
            display_name=claims.get("name") or "",
            team=team,
            language=language_from_locale(claims.get("locale")),
        )

    def is_open_for_signup(self, request: HttpRequest, sociallogin) -> bool:
        # Never reached (pre_social_login decides), and allauth's sign-up page is not served.
        return False

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        log.warning("sso_failed", extra={"error": str(error), "exception": repr(exception)})
        if error == AuthError.CANCELLED:
            raise _refuse(request, _("Single sign-on was cancelled."))
        raise _refuse(
            request,
            _("Single sign-on did not succeed. Try again, or ask an administrator."),
        )
