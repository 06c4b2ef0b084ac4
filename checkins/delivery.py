"""How a notification reaches a person by email: the rule, on plain values.

In-app is always on. Defaults avoid noise: what asks for the person (a mention, a lead's
reminder) goes at once; the rest waits for the daily digest.
"""

from __future__ import annotations

from checkins.models import EmailChoice, EmailStatus, NotificationKind

IMMEDIATE_BY_DEFAULT = frozenset(
    {NotificationKind.MENTION, NotificationKind.NUDGE, NotificationKind.INTEGRATION}
)
# Kinds that have their own email elsewhere (the weekly reminder) and no preference here.
OWN_EMAIL = frozenset({NotificationKind.REMINDER})


def default_email(kind: str) -> str:
    return EmailChoice.IMMEDIATELY if kind in IMMEDIATE_BY_DEFAULT else EmailChoice.DIGEST


def email_status(kind: str, chosen: str | None) -> str:
    """The email status a new notification starts with, given the person's choice (None:
    the default)."""
    if kind in OWN_EMAIL:
        return EmailStatus.NONE
    choice = chosen or default_email(kind)
    return {
        EmailChoice.IMMEDIATELY: EmailStatus.PENDING,
        EmailChoice.DIGEST: EmailStatus.DIGEST,
    }.get(choice, EmailStatus.NONE)


def preference_kinds() -> list[tuple[str, str]]:
    """The kinds a person may choose an email for, with their labels."""
    return [(value, label) for value, label in NotificationKind.choices if value not in OWN_EMAIL]
