"""How a notification reaches a person by email: the rule, on plain values.

In-app is always on. Defaults avoid noise: what asks for the person (a mention, being made an
owner, a lead's reminder, grades to give) goes at once; the rest waits for the daily digest.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from checkins.models import EmailChoice, EmailStatus, NotificationKind

# A mention, an assignment, a lead's reminder and grades to give ask something of the person.
IMMEDIATE_BY_DEFAULT = frozenset(
    {
        NotificationKind.MENTION,
        NotificationKind.ASSIGNMENT,
        NotificationKind.NUDGE,
        NotificationKind.GRADING,
    }
)
# Kinds that have their own email elsewhere (the weekly reminder) and no preference here.
OWN_EMAIL = frozenset({NotificationKind.REMINDER})
# Kinds always emailed at once, with no preference offered: a webhook switched off after a
# day of failures concerns the admin who registered it, rarely, and must not wait.
ALWAYS_EMAIL = frozenset({NotificationKind.INTEGRATION})


def default_email(kind: str) -> str:
    if kind == NotificationKind.WEEKLY_DIGEST:
        return EmailChoice.IMMEDIATELY  # sent on Mondays to leads and admins unless refused
    return EmailChoice.IMMEDIATELY if kind in IMMEDIATE_BY_DEFAULT else EmailChoice.DIGEST


def email_choices(kind: str) -> list[tuple[str, str]]:
    """What a person may choose for a kind: the weekly digest is an email of its own, sent
    on Mondays or never; every other kind goes at once, in the daily digest, or never."""
    if kind == NotificationKind.WEEKLY_DIGEST:
        return [
            (EmailChoice.IMMEDIATELY, _("Email it on Mondays")),
            (EmailChoice.NEVER, EmailChoice.NEVER.label),
        ]
    return list(EmailChoice.choices)


def wants_weekly_digest(chosen: str | None) -> bool:
    return (chosen or default_email(NotificationKind.WEEKLY_DIGEST)) != EmailChoice.NEVER


def email_status(kind: str, chosen: str | None) -> str:
    """The email status a new notification starts with, given the person's choice (None:
    the default)."""
    if kind in OWN_EMAIL:
        return EmailStatus.NONE
    if kind in ALWAYS_EMAIL:
        return EmailStatus.PENDING
    choice = chosen or default_email(kind)
    return {
        EmailChoice.IMMEDIATELY: EmailStatus.PENDING,
        EmailChoice.DIGEST: EmailStatus.DIGEST,
    }.get(choice, EmailStatus.NONE)


def preference_kinds() -> list[tuple[str, str]]:
    """The kinds a person may choose an email for, with their labels."""
    return [
        (value, label)
        for value, label in NotificationKind.choices
        if value not in OWN_EMAIL | ALWAYS_EMAIL
    ]
