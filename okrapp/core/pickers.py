"""Pickers that scale: a person, team or objective chosen among thousands.

A field's <select> holds only its current value and a small bounded set of suggestions (the
viewer's own teams and their people, …), so a page stays small whatever the organisation's
size, and still submits a plain form without JavaScript. With JavaScript, static/js/pickers.js
turns it into a searchable combobox (Tom Select, vendored) that asks the search endpoint
(`picker_search`) for up to LIMIT matches as one types.

What a field offers comes from a *source*, registered by name: the same query answers the
search and validates the form (the field's queryset), so an id one may not pick is a field
error. The organisation registers `people` and `teams`; apps above it register their own
from their AppConfig.ready() (objectives: `objectives`, the possible parents; kpis:
`kpi-teams`) — the organisation never names them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from okrapp.core import freshness
from okrapp.core.models import Team, User
from okrapp.core.permissions import Viewer

LIMIT = 20  # matches per search
SUGGESTIONS = 12  # options in a field's <select> besides its value
MAX_QUERY = 100  # characters of a search
MAX_ID = 2**63 - 1  # the largest id a database column holds


@dataclass(frozen=True)
class Source:
    name: str
    # (viewer, params) → what the viewer may pick; params are the field's (or the search
    # request's, untrusted: each source reads only what it needs, as ids).
    queryset: Callable[[Viewer | None, Mapping[str, Any]], QuerySet]
    # (queryset, typed words) → the matches.
    search: Callable[[QuerySet, str], QuerySet]
    # An object → its label in the search results (with what tells two apart).
    label: Callable[[Any], str]
    # (viewer, queryset) → the few offered without searching (sliced here).
    suggestions: Callable[[Viewer | None, QuerySet], QuerySet]
    # An object → its label in a field's own options (shorter: a page holds many fields).
    option_label: Callable[[Any], str] | None = None
    # An object → the value a search result gives (its id unless said: the mention picker
    # inserts an email address into a comment, no form field validates it).
    value: Callable[[Any], str] | None = None


_sources: dict[str, Source] = {}


def register_source(source: Source) -> None:
    """Idempotent: registering the same name again replaces the source."""
    _sources[source.name] = source


def get_source(name: str) -> Source | None:
    return _sources.get(name)


def search(
    source: Source, viewer: Viewer, params: Mapping[str, Any], typed: str
) -> tuple[list[dict], bool]:
    """Up to LIMIT matches as {"value", "text"}, and whether there are more: one query."""
    queryset = source.queryset(viewer, params)
    typed = typed.strip()[:MAX_QUERY]
    if typed:
        queryset = source.search(queryset, typed)
    found = list(queryset[: LIMIT + 1])
    value = source.value or (lambda obj: str(obj.pk))
    results = [{"value": value(obj), "text": source.label(obj)} for obj in found[:LIMIT]]
    return results, len(found) > LIMIT


class PickerSelect(forms.Select):
    """The <select> of a picker: the field's empty choice, its current value and a few
    suggestions, rendered in Python; data-picker-* attributes tell pickers.js where to search.

    `cache` may be shared by many fields of one page (the editor's key result rows): the
    suggestions and the labels already known are then queried once for all."""

    def __init__(
        self,
        *,
        field,
        source: Source,
        viewer,
        params,
        cache,
        label=None,
        suggestions: int = SUGGESTIONS,
        attrs=None,
    ) -> None:
        super().__init__(attrs=attrs)
        self.suggestions = suggestions
        self.field, self.source, self.viewer = field, source, viewer
        self.label = label or source.option_label or source.label
        self.params, self.cache = dict(params), cache

    def __deepcopy__(self, memo):
        # A form's declared fields are deep-copied for each form: the copy belongs to the
        # copied field, with a cache of its own (never one shared across requests).
        copied = super().__deepcopy__(memo)
        copied.field = memo.get(id(self.field), self.field)
        copied.cache = {}
        return copied

    def search_params(self) -> str:
        params = {key: value for key, value in self.params.items() if value not in (None, "")}
        return urlencode(params)

    def _labels(self, values: list[str]) -> list[tuple[str, str]]:
        labels = self.cache.setdefault(("labels", self.source.name), {})
        # Only what can be an id: a tampered value is the form's error, not a database's.
        missing = [
            value
            for value in values
            if value not in labels and value.isdigit() and int(value) <= MAX_ID
        ]
        if missing:
            for obj in self.field.queryset.filter(pk__in=missing):
                labels[str(obj.pk)] = self.label(obj)
        return [(value, labels[value]) for value in values if value in labels]

    def _suggestions(self) -> list[tuple[str, str]]:
        params = tuple(sorted(self.params.items()))
        key = ("suggestions", self.source.name, params, self.suggestions)
        if key not in self.cache:
            self.cache[key] = freshness.cached(
                "picker_suggestions",
                self._read_suggestions,
                self.source.name,
                self.viewer.user.pk if self.viewer else "",
                get_language(),
                self._choices_digest(params),
                self.suggestions,
            )
        return self.cache[key]

    def _choices_digest(self, params: tuple) -> str:
        """The field's choices differ from form to form: their query is part of the key."""
        try:
            choices = str(self.field.queryset.query)
        except EmptyResultSet:  # no choice at all (`pk__in=[]`): nothing to suggest either
            choices = "none"
        return hashlib.sha256(repr((params, choices)).encode()).hexdigest()

    def _read_suggestions(self) -> list[tuple[str, str]]:
        """The viewer's few suggestions, as plain (id, label) pairs: one query, shared by the
        viewer's pages until the next write (okrapp.core.freshness)."""
        offered = self.source.suggestions(self.viewer, self.field.queryset)[: self.suggestions]
        return [(str(obj.pk), str(self.label(obj))) for obj in offered]

    def options_for(self, value) -> list[tuple[str, str]]:
        chosen = [str(value)] if value not in (None, "") else []
        options = []
        if self.field.empty_label is not None:
            options.append(("", str(self.field.empty_label)))
        options += self._labels(chosen)
        seen = {option for option, _label in options}
        options += [(pk, label) for pk, label in self._suggestions() if pk not in seen]
        return options

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        # The search endpoint's address and the words pickers.js shows are on the page once
        # (base.html, #picker-words); a field names its source and its own parameters.
        final_attrs.update({"name": name, "data-picker": self.source.name})
        if params := self.search_params():
            final_attrs["data-picker-params"] = params
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if option == chosen else "", label)
                for option, label in self.options_for(value)
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


def use_picker(
    field: forms.ModelChoiceField,
    *,
    source: str,
    viewer: Viewer | None,
    params: Mapping[str, Any] | None = None,
    cache: dict | None = None,
    keep_queryset: bool = False,
    label: Callable[[Any], str] | None = None,
    suggestions: int = SUGGESTIONS,
) -> forms.ModelChoiceField:
    """Make a ModelChoiceField a picker of `source`: its queryset (what validates) becomes
    the source's for this viewer, unless `keep_queryset` (the field already narrowed it the
    same way, with an exception of its own). Options are labelled as in the search results,
    or by `label`."""
    found = get_source(source)
    if found is None:
        raise LookupError(f"No picker source named {source!r}")
    params = dict(params or {})
    if not keep_queryset:
        field.queryset = found.queryset(viewer, params)
    field.widget = PickerSelect(
        field=field,
        source=found,
        viewer=viewer,
        params=params,
        cache={} if cache is None else cache,
        label=label,
        suggestions=suggestions,
        attrs=field.widget.attrs,
    )
    return field


def prime_label(cache: dict, source: str, obj, label: str) -> None:
    """A label already at hand (a row's select_related owner): no query to show it."""
    cache.setdefault(("labels", source), {})[str(obj.pk)] = label


# --- The organisation's sources ---------------------------------------------------------------


def active_people(viewer: Viewer | None, params: Mapping[str, Any]) -> QuerySet[User]:
    people = (
        User.objects.filter(is_active=True)
        .only("pk", "display_name", "email")
        .order_by("display_name", "email")
    )
    exclude = str(params.get("exclude") or "")
    return people.exclude(pk=int(exclude)) if exclude.isdigit() else people


def person_label(person: User) -> str:
    return f"{person.display_name} <{person.email}>"


def _people_suggestions(viewer: Viewer | None, people: QuerySet[User]) -> QuerySet[User]:
    """The viewer and the people of their teams."""
    if viewer is None:
        return people
    mine = Q(pk=viewer.user.pk) | Q(memberships__team_id__in=viewer.member_team_ids)
    return people.filter(pk__in=User.objects.filter(mine).values("pk"))


def all_teams(viewer: Viewer | None, params: Mapping[str, Any]) -> QuerySet[Team]:
    return Team.objects.select_related("parent").order_by("path")


def team_label(team: Team) -> str:
    """A team in search results, with its parent so that two "Sales" differ."""
    return f"{team.name} ({team.parent.name})" if team.parent_id else team.name


def team_suggestions(viewer: Viewer | None, teams: QuerySet[Team]) -> QuerySet[Team]:
    """The company and the viewer's teams."""
    if viewer is None:
        return teams
    return teams.filter(Q(parent__isnull=True) | Q(pk__in=viewer.member_team_ids))


register_source(
    Source(
        name="people",
        queryset=active_people,
        search=lambda people, typed: people.filter(
            Q(display_name__icontains=typed) | Q(email__icontains=typed)
        ),
        label=person_label,
        suggestions=_people_suggestions,
        option_label=lambda person: person.display_name,
    )
)
register_source(
    Source(
        name="teams",
        queryset=all_teams,
        search=lambda teams, typed: teams.filter(name__icontains=typed),
        label=team_label,
        suggestions=team_suggestions,
    )
)
