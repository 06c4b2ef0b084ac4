"""Extension points of the organisation for the apps above it.

The organisation is the bottom layer, so it cannot name an objective. When a person is
deactivated, what they still own in open cycles (objectives and key results) is listed for the
admin to hand over: the objectives app registers a provider here from its AppConfig.ready(),
and the deactivation page shows and hands over the items without knowing what they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HandOverItem:
    """One thing a person still owns: what it is (translated), its title, its page."""

    kind: str
    title: str
    url: str


@dataclass(frozen=True)
class HandOverProvider:
    name: str
    # The person → what they still own, in a bounded number of queries.
    items: Callable[[Any], Sequence[HandOverItem]]
    # (person, successor) → how many items now belong to the successor; runs inside the
    # caller's transaction.
    hand_over: Callable[[Any, Any], int]


_providers: dict[str, HandOverProvider] = {}


def register_hand_over(provider: HandOverProvider) -> None:
    """Idempotent: registering the same name again replaces the provider."""
    _providers[provider.name] = provider


def hand_over_providers() -> list[HandOverProvider]:
    return list(_providers.values())


# Events of the product (a check-in recorded, an objective changed, a KPI's status moved…)
# that a higher app may carry elsewhere (okrapp.integrations: webhooks and chat channels).
# The app that makes the change calls `event_emit` inside its transaction, with ids and plain
# values only; each listener records its own follow-up work in that transaction (so it is
# committed, or rolled back, with the change) and must stay cheap: one query when nobody
# listens. A listener that fails is logged and never fails the change.
EventListener = Callable[[str, dict[str, Any]], None]

_event_listeners: dict[str, EventListener] = {}


def register_event_listener(name: str, listener: EventListener) -> None:
    """Idempotent: registering the same name again replaces the listener."""
    _event_listeners[name] = listener


def event_emit(event: str, **data: Any) -> None:
    import logging

    from django.db import transaction

    for name, listener in list(_event_listeners.items()):
        try:
            with transaction.atomic():  # a savepoint: a failing listener leaves the change
                listener(event, data)
        except Exception:
            logging.getLogger(__name__).exception("Event listener %s failed on %s", name, event)


# (invitation) → None: called inside the acceptance's transaction, once per invitation (the
# notification of the admin who sent it lives above).
InvitationListener = Callable[[Any], None]

_invitation_listeners: dict[str, InvitationListener] = {}


def register_invitation_accepted(name: str, listener: InvitationListener) -> None:
    """Idempotent: registering the same name again replaces the listener."""
    _invitation_listeners[name] = listener


def invitation_accepted(invitation) -> None:
    for listener in _invitation_listeners.values():
        listener(invitation)
