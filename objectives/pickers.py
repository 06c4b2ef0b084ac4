"""The objectives' picker source: the objectives one may align to (okrapp.core.pickers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet

from objectives.models import Objective
from objectives.selectors import parent_choices
from okrapp.core import numbers
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer
from okrapp.core.pickers import Source


def possible_parents(viewer: Viewer | None, params: Mapping[str, Any]) -> QuerySet[Objective]:
    """`?cycle=` (required) and `?exclude=` (the objective being edited), as the editor."""
    cycle = Cycle.objects.filter(pk=numbers.parse_id(params.get("cycle"))).first()
    if viewer is None or cycle is None:
        return Objective.objects.none()
    exclude = numbers.parse_id(params.get("exclude"))
    return parent_choices(viewer, cycle, exclude_pk=exclude).select_related("team")


def parent_label(objective: Objective) -> str:
    return f"{objective.title} ({objective.get_level_display()} · {objective.team.name})"


def _suggestions(viewer: Viewer | None, parents: QuerySet[Objective]) -> QuerySet[Objective]:
    """The company's objectives and those of the viewer's teams."""
    if viewer is None:
        return parents
    return parents.filter(Q(level=Objective.Level.COMPANY) | Q(team_id__in=viewer.member_team_ids))


PARENTS = Source(
    name="objectives",
    queryset=possible_parents,
    search=lambda parents, typed: parents.filter(title__icontains=typed),
    label=parent_label,
    suggestions=_suggestions,
)
