from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from okrapp.core.selectors import current_cycle, list_cycles
from okrapp.core.sso import password_signin_enabled


def shell(request: HttpRequest) -> dict:
    """The cycle selector and the notification badge of the base layout, each queried once
    and only if the page uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notifications() -> int:
        return user.notifications.filter(read_at__isnull=True).count()

    return {
        "cycles": lambda: list_cycles(request),
        "current_cycle": lambda: current_cycle(request),
        "unread_notifications": unread_notifications,
        "password_signin": password_signin_enabled(),
    }
