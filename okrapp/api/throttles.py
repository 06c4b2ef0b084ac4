"""The API's throttles (settings.REST_FRAMEWORK): per IP address without a valid token, per
person with one. A module of their own: DRF imports them while defining APIView."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from okrapp.core.throttling import client_ip


class AnonymousThrottle(AnonRateThrottle):
    """Callers without a valid token, per IP address (API_ANON_RATE). The address is the
    sign-in lock-out's (`client_ip`): DRF's own would trust a forged X-Forwarded-For."""

    def get_rate(self) -> str:
        # DRF reads its rates once, at import; the settings' value is read on each request.
        return settings.API_ANON_RATE

    def get_ident(self, request) -> str:
        return client_ip(request)


class PersonThrottle(UserRateThrottle):
    """Signed-in callers (a token or a session), per person (API_USER_RATE)."""

    def get_rate(self) -> str:
        return settings.API_USER_RATE

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None  # AnonymousThrottle counts them
        return super().get_cache_key(request, view)
