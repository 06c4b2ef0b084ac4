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

from django.db.models import Q
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
    # Where the in-app notification leads when the reminder carries no key result to check
    # in (items → a path); None: My week.
    url: Callable[[Sequence[Any]], str] | None = None


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


@dataclass(frozen=True)
class FedKeyResults:
    """Key results whose value another app brings (the KPIs: a key result following a KPI
    receives the KPI's latest period as its check-in). Nobody is asked to type their number
    twice: My week shows them as fed, without a value to enter, and the weekly reminder
    leaves them out."""

    name: str
    # A filter on KeyResult matching the fed ones, applied inside the reminder's one query.
    fed_q: Callable[[], Q]
    # (viewer, key results) → key result id → an HTML fragment for the fed ones only (what
    # feeds it, the latest value and when it came), in a bounded number of queries.
    notes: Callable[[Any, Sequence[Any]], Mapping[int, SafeString]]


_fed_providers: dict[str, FedKeyResults] = {}


def register_fed_key_results(provider: FedKeyResults) -> None:
    """Idempotent: registering the same name again replaces the provider."""
    _fed_providers[provider.name] = provider


def fed_key_results_q() -> Q | None:
    """A filter matching every key result fed elsewhere, or None when nothing registered."""
    query = None
    for provider in _fed_providers.values():
        query = provider.fed_q() if query is None else query | provider.fed_q()
    return query


def attach_fed_notes(viewer, key_results: Sequence[Any]) -> None:
    """Set `key_result.fed_note`: the fragment saying what feeds it, or None."""
    for key_result in key_results:
        key_result.fed_note = None
    if not key_results:
        return
    for provider in _fed_providers.values():
        fragments = provider.notes(viewer, key_results)
        for key_result in key_results:
            if key_result.fed_note is None and (fragment := fragments.get(key_result.pk)):
                key_result.fed_note = fragment


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest: what it is, a note (its status, a count), an absolute link."""

    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class DigestTopic:
    """Something besides key results that the weekly digest of a scope reports (the KPIs:
    those that turned alert or stale during the week)."""

    name: str
    # The section's heading, in the active language.
    heading: Callable[[], str]
    # (team ids of the scope, the week, the audience: checkins.digests.Audience) → the items
    # that audience may see, in a bounded number of queries, with absolute links.
    items: Callable[[Sequence[int], Any, Any], Sequence[DigestItem]]


_digest_topics: dict[str, DigestTopic] = {}


def register_digest_topic(topic: DigestTopic) -> None:
    """Idempotent: registering the same name again replaces the topic."""
    _digest_topics[topic.name] = topic


def digest_topics() -> list[DigestTopic]:
    return list(_digest_topics.values())
