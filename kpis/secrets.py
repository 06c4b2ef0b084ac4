"""Connector secrets (a header value, a database URL with its password), encrypted at rest
with the keys of settings.KPI_SECRETS_KEY (okrapp.core.secrets does the encryption)."""

from __future__ import annotations

from okrapp.core.secrets import SecretBox, SecretUnreadable, mask

__all__ = ["SecretUnreadable", "decrypt", "encrypt", "mask"]

_box = SecretBox(
    "KPI_SECRETS_KEY",
    purpose="KPI connectors",
    unreadable="The connector's secret cannot be decrypted with this key.",
    dev_label="kpi-secrets",
)
encrypt = _box.encrypt
decrypt = _box.decrypt
