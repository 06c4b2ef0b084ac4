"""Connector secrets (a header value, a database URL with its password), encrypted at rest.

Fernet keys come from settings.KPI_SECRETS_KEY (MultiFernet: the first encrypts, all decrypt,
so a key can be rotated). In DEBUG without a key, one is derived from SECRET_KEY so that
`make run` works; in production a missing key is a clear configuration error.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    pass


def _fernet() -> MultiFernet:
    keys = [key for key in settings.KPI_SECRETS_KEY if key]
    if not keys:
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                "KPI_SECRETS_KEY must be set to store the secrets of KPI connectors "
                "(generate one with Fernet.generate_key())."
            )
        digest = hashlib.sha256(("kpi-secrets:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("KPI_SECRETS_KEY holds a key that is not a Fernet key.") from exc


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("The connector's secret cannot be decrypted with this key.") from exc


def mask(plain: str) -> str:
    """What a page shows of a saved secret: that there is one, and nothing of it."""
    return "••••••••" if plain else ""
