"""Extension points of the objectives for the apps above them.

A higher app (the KPIs: "this key result follows a KPI") may show something beside each key
result without the objectives knowing what: it registers a badge provider from its
AppConfig.ready(), and the pages that list key results ask for every provider's badges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString

from objectives.models import KeyResult
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer

# (viewer, key results) → key result id → an HTML fragment; in a bounded number of queries
# whatever the number of key results. The key results come with their objective loaded.
BadgeProvider = Callable[[Viewer, Sequence[KeyResult]], Mapping[int, SafeString]]

_badge_providers: dict[str, BadgeProvider] = {}


def register_key_result_badges(name: str, provider: BadgeProvider) -> None:
    """Idempotent: registering the same name again replaces the provider."""
    _badge_providers[name] = provider


def attach_key_result_badges(viewer: Viewer, key_results: Sequence[KeyResult]) -> None:
    """Set `key_result.badges` (a list of HTML fragments) on each key result."""
    for key_result in key_results:
        key_result.badges = []
    if not key_results:
        return
    for provider in _badge_providers.values():
        fragments = provider(viewer, key_results)
        for key_result in key_results:
            fragment = fragments.get(key_result.pk)
            if fragment:
                key_result.badges.append(fragment)


# (cycle) → None: told once when a cycle's grading opens (the notifications live above).
GradingListener = Callable[[Cycle], None]

_grading_listeners: dict[str, GradingListener] = {}


def register_grading_opened(name: str, listener: GradingListener) -> None:
    """Idempotent: registering the same name again replaces the listener."""
    _grading_listeners[name] = listener


def grading_opened(cycle: Cycle) -> None:
    for listener in _grading_listeners.values():
        listener(cycle)


@dataclass(frozen=True)
class Assignment:
    """Someone was made the owner of an objective or a key result by someone else."""

    kind: str  # "objective" or "key_result"
    pk: int
    owner_id: int
    by_id: int


# (assignments) → None: called inside the writer's transaction (the notifications live above
# and are written after it commits).
AssignmentListener = Callable[[Sequence[Assignment]], None]

_assignment_listeners: dict[str, AssignmentListener] = {}


def register_owners_assigned(name: str, listener: AssignmentListener) -> None:
    """Idempotent: registering the same name again replaces the listener."""
    _assignment_listeners[name] = listener


def owners_assigned(assignments: Sequence[Assignment]) -> None:
    if not assignments:
        return
    for listener in _assignment_listeners.values():
        listener(list(assignments))
