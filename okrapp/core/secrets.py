"""Secrets kept encrypted at rest (a connector's password, a chat channel's URL, a webhook's
signing key), with Fernet keys read from a setting.

Each kind of secret names its setting (a list of Fernet keys, comma-separated in the
environment): MultiFernet encrypts with the first and decrypts with any, so a key can be
rotated. In DEBUG without a key, one is derived from SECRET_KEY so that `make run` works; in
production a missing key is a clear configuration error.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SecretUnreadable(Exception):
    pass


class SecretBox:
    """Encrypts and decrypts one kind of secret with the keys of `setting`."""

    def __init__(self, setting: str, *, purpose: str, unreadable: str, dev_label: str) -> None:
        self.setting = setting
        self.purpose = purpose
        self.unreadable = unreadable
        # DEBUG's key without a setting: derived from SECRET_KEY and this label.
        self.dev_label = dev_label

    def _fernet(self) -> MultiFernet:
        keys = [key for key in getattr(settings, self.setting) if key]
        if not keys:
            if not settings.DEBUG:
                raise ImproperlyConfigured(
                    f"{self.setting} must be set to store the secrets of {self.purpose} "
                    "(generate one with Fernet.generate_key())."
                )
            label = f"{self.dev_label}:{settings.SECRET_KEY}"
            digest = hashlib.sha256(label.encode()).digest()
            keys = [base64.urlsafe_b64encode(digest).decode()]
        try:
            return MultiFernet([Fernet(key) for key in keys])
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{self.setting} holds a key that is not a Fernet key."
            ) from exc

    def encrypt(self, plain: str) -> str:
        return self._fernet().encrypt(plain.encode()).decode() if plain else ""

    def decrypt(self, token: str) -> str:
        if not token:
            return ""
        try:
            return self._fernet().decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretUnreadable(self.unreadable) from exc


def mask(plain: str) -> str:
    """What a page shows of a saved secret: that there is one, and nothing of it."""
    return "••••••••" if plain else ""
