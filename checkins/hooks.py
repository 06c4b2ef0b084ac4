"""Extension points of the check-ins for the apps above them.

Check-ins sit below the KPIs, so they cannot import them. When a higher app has something to
add to the weekly reminder (the KPIs: "your KPI needs a new measurement"), it registers a
topic here from its AppConfig.ready(), and the reminder carries it without knowing what it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


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
