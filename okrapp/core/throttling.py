"""Who is asking: the client's IP address and sign-in email as django-axes counts them (failed
sign-ins are django-axes' own, in its database tables)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


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
