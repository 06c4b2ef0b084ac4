"""Who is asking, and how often: the client's IP address and sign-in email as django-axes and
the API throttles see them, and the hourly limits on password-reset emails and new tokens.

The limits count in Django's cache (Redis when REDIS_URL is set, else a database table), which
every process shares; failed sign-ins are django-axes' own, in its database tables.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's, or, behind PROXY_COUNT reverse proxies, the
    address the outermost of them added to X-Forwarded-For. Addresses further left are the
    client's own words, which anyone may forge to escape a limit."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.PROXY_COUNT <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(settings.PROXY_COUNT, len(addresses))]


def signin_email(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a sign-in attempt is for, as django-axes counts it: the typed email, in
    lower case and without spaces, so that `Léa@Example.org ` is the same account."""
    raw = (credentials or {}).get("username")
    if raw is None:
        data = getattr(request, "data", None) or request.POST
        raw = data.get("username")
    if raw is None:
        return None
    return str(raw).strip().lower()


def parse_rate(rate: str) -> tuple[int, int]:
    """`5/hour` → (5, 3600): a number of requests per second, minute, hour or day."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def over_limit(scope: str, key: str, rate: str) -> bool:
    """Count one request of `key` (an email address, an IP address, a person's id) and say
    whether it goes beyond `rate`.

    1. Requests count in fixed windows (the current hour for `5/hour`): the window's number is
       part of the cache key, so an old window's counter is simply never read again.
    2. `add` creates the counter only if it is absent and `incr` adds one; both are atomic in
       Redis, and at worst lose a count under a race in the database cache.
    3. The key is hashed: no email address in the cache, and any key fits every backend.
    """
    limit, period = parse_rate(rate)
    digest = hashlib.sha256(key.encode()).hexdigest()
    cache_key = f"limit:{scope}:{digest}:{int(time.time() // period)}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the counter expired between add and incr
        cache.add(cache_key, 1, timeout=period)
        count = 1
    return count > limit


def password_reset_refused(request: HttpRequest, email: str) -> bool:
    """Whether one more reset email for this address, from this IP address, is one too many.
    Both count whether or not an account has this address: the answer reveals nothing."""
    by_address = over_limit(
        "reset-email", email.strip().lower(), settings.PASSWORD_RESET_RATE_PER_EMAIL
    )
    by_ip = over_limit("reset-ip", client_ip(request), settings.PASSWORD_RESET_RATE_PER_IP)
    return by_address or by_ip


def token_create_refused(request: HttpRequest) -> bool:
    """Whether the signed-in person has created too many tokens lately."""
    return over_limit("token-create", str(request.user.pk), settings.TOKEN_CREATE_RATE)
