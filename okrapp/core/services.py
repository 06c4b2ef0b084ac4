"""Writes on the organisation (personal access tokens), one transaction each."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from okrapp.core.models import PersonalAccessToken, User

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
