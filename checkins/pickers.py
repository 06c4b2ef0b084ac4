"""The conversations' picker source (okrapp.core.pickers): whom one may mention in a thread.

`mention-people?kind=&id=` searches, among the active people who may see the thread's
objective, those whose name or email holds what was typed; nothing if the viewer may not see
the thread. A result's value is the person's email: the picker writes "@email" into the
comment (checkins.comment_text), no form field validates an id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from checkins.conversation_selectors import mentionable_people
from checkins.permissions import THREAD_KINDS, get_thread_for_user
from okrapp.core import numbers
from okrapp.core.models import User
from okrapp.core.permissions import Viewer
from okrapp.core.pickers import Source, get_source, person_label


def thread_people(viewer: Viewer | None, params: Mapping[str, Any]) -> QuerySet[User]:
    kind, pk = params.get("kind"), numbers.parse_id(params.get("id"))
    if viewer is None or kind not in THREAD_KINDS or pk is None:
        return User.objects.none()
    try:
        thread = get_thread_for_user(viewer, kind, pk)
    except Http404:
        return User.objects.none()
    return mentionable_people(thread.objective)


def _people() -> Source:
    return get_source("people")


MENTIONS = Source(
    name="mention-people",
    queryset=thread_people,
    search=lambda people, typed: _people().search(people, typed),
    label=person_label,
    suggestions=lambda viewer, people: _people().suggestions(viewer, people),
    value=lambda person: person.email,
)
