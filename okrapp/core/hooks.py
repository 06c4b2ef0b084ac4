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
