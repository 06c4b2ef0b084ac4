"""The signature of a webhook delivery: pure functions, no ORM.

The header `X-OKR-Signature: sha256=<hex>` is the HMAC-SHA256 of the raw request body with the
endpoint's secret as key. A receiver computes the same over the bytes it received (before any
JSON parsing) and compares in constant time (README, Webhooks).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-OKR-Signature"
PREFIX = "sha256="


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret, body), header or "")


def retry_delay_seconds(attempt: int) -> int:
    """The wait after a failed attempt (1, 2, 3…): one minute, doubling, at most six hours,
    so that a failing endpoint is still tried after a whole day."""
    return min(6 * 3600, 60 * 2 ** max(0, attempt - 1))


# Attempts of one delivery: 1, 2, 4 … 256 minutes then every six hours, about 35 hours in all.
MAX_ATTEMPTS = 14
