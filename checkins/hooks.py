"""Extension points of the check-ins for the apps above them.

Check-ins sit below the KPIs, so they cannot import them. When a higher app has something to
add to the weekly reminder (the KPIs: "your KPI needs a new measurement") or to say beside a
check-in (the KPIs: "recorded from the KPI …"), it registers here from its AppConfig.ready(),
and the check-ins carry it without knowing what it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class ReminderTopic:
    """Something besides key results that a person is reminded of each week."""

    # The email templates' variable for the items, e.g. "stale_kpis".
    name: str
    # Today → each person's items (person id → items), in a bounded number of queries.
    items_by_person: Callable[[datetime.date], Mapping[int, Sequence[Any]]]
    # The in-app notification's sentence for n items, in the active language.
    summary: Callable[[int], str]
    # The email's subject when nothing else is due, in the active language.
    subject: Callable[[], str]
    # The email's fragment, without extension: `<template>.html` and `<template>.txt`.
    template: str


_reminder_topics: dict[str, ReminderTopic] = {}


def register_reminder_topic(topic: ReminderTopic) -> None:
    """Idempotent: registering the same name again replaces the topic."""
    _reminder_topics[topic.name] = topic


def reminder_topics() -> list[ReminderTopic]:
    return list(_reminder_topics.values())


# (viewer, check-ins) → check-in id → an HTML fragment shown with that check-in; in a bounded
# number of queries whatever the number of check-ins, and only what the viewer may see.
NoteProvider = Callable[[Any, Sequence[Any]], Mapping[int, SafeString]]

_note_providers: dict[str, NoteProvider] = {}


def register_checkin_notes(name: str, provider: NoteProvider) -> None:
    """Idempotent: registering the same name again replaces the provider."""
    _note_providers[name] = provider


def attach_checkin_notes(viewer, checkins: Sequence[Any]) -> None:
    """Set `checkin.notes` (a list of HTML fragments) on each check-in."""
    for checkin in checkins:
        checkin.notes = []
    if not checkins:
        return
    for provider in _note_providers.values():
        fragments = provider(viewer, checkins)
        for checkin in checkins:
            if fragment := fragments.get(checkin.pk):
                checkin.notes.append(fragment)
