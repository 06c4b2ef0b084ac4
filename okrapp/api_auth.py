"""Personal access tokens for the API: `Authorization: Bearer <token>`."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from okrapp.models import PersonalAccessToken, User

TOKEN_PREFIX = "okr_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a token and return it with its secret, which is never stored (only its SHA-256:
    the secret has 256 random bits, so a fast hash is enough and lookups stay one query)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken(
        user=user,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=hash_token(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: PersonalAccessToken) -> None:
    # Conditional UPDATE: revoking twice keeps the first revocation time.
    PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        token = (
            PersonalAccessToken.objects.select_related("user")
            .filter(digest=hash_token(secret), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        # Once a minute is precise enough, and spares a write on most requests.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """Documents the token in the OpenAPI schema (Swagger UI's Authorize button)."""

    target_class = PersonalTokenAuthentication
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from your profile page: "
            "`Authorization: Bearer okr_…`.",
        }
