"""What the objective page shows, read once per write and masked per viewer after the read.

The objective's key results (with their owners and initiatives), the chain above it, the
objectives aligned below it (each line drawn from its plain values, objectives.alignment_drawings),
its carry-over records, its breadcrumbs and whether it has a history are the same for everyone
who may see it: they are kept until the next write (okrapp.core.freshness). The entry holds
private objectives of the chain and below (and their drawn lines); each viewer gets only those
they may see, masked after the read, as the page masked them in its queries before.
Shared and read-only: what a page attaches to a key result, it attaches to its own copy.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import get_language

from objectives import hooks, services
from objectives.alignment_drawings import LINE, line_data
from objectives.alignment_selectors import LINE_FIELDS
from objectives.breadcrumbs import objective_crumbs
from objectives.models import CarryOver, KeyResult, Objective
from objectives.permissions import can_manage_initiatives, can_view_objective, can_view_objective_of
from objectives.selectors import ancestor_chains, initiatives_prefetch
from okrapp.core import freshness
from okrapp.core.drawings import draw_many
from okrapp.core.permissions import Viewer

# What a line shows, and who may see its objective.
CHILD_FIELDS = (*LINE_FIELDS, "owner_id", "team_id")


@dataclass(frozen=True)
class CarryLinks:
    """The carry-over of an objective, both ways: where it came from, what became of it.
    An objective on the other side that the viewer may not see is not named."""

    came_from: CarryOver | None
    became: CarryOver | None
    source_visible: bool
    target_visible: bool


def _chain(objective: Objective) -> list[Objective | None]:
    """The objectives above this one, from the top (company) down to its parent: None for
    one out of the boards (archived). Two queries whatever the depth."""
    if objective.parent_id is None:
        return []
    chain_ids = ancestor_chains(objective.cycle_id, [objective.pk]).get(objective.pk, [])
    found = (
        Objective.objects.filter(pk__in=chain_ids)
        .select_related("owner", "team")
        .defer("owner__password")
        .in_bulk()
    )
    return [found.get(pk) for pk in reversed(chain_ids)]


def _children(objective: Objective) -> list[dict]:
    rows = list(
        Objective.objects.filter(parent=objective)
        .order_by("level", "team__path", "id")
        .values(*CHILD_FIELDS)
    )
    lines = draw_many(LINE, [{"line": line_data(row)} for row in rows])
    return [
        {
            "visibility": row["visibility"],
            "owner_id": row["owner_id"],
            "team_id": row["team_id"],
            "line": line,
        }
        for row, line in zip(rows, lines, strict=True)
    ]


def _carry_records(objective: Objective) -> tuple[CarryOver | None, CarryOver | None]:
    records = CarryOver.objects.filter(Q(source=objective) | Q(target=objective)).select_related(
        "source", "target", "cycle", "decided_by", "source__cycle"
    )
    came_from = became = None
    for record in records:
        if record.target_id == objective.pk:
            came_from = record
        if record.source_id == objective.pk:
            became = record
    return came_from, became


def objective_shown(objective: Objective) -> dict:
    """What the page shows of the objective whoever sees it, kept until the next write."""

    def compute() -> dict:
        key_results = list(
            KeyResult.objects.filter(objective=objective)
            .select_related("owner")
            .defer("owner__password")
            .prefetch_related(initiatives_prefetch())
            .order_by("position", "id")
        )
        return {
            "key_results": key_results,
            "chain": _chain(objective),
            "children": _children(objective),
            "carry": _carry_records(objective),
            "crumbs": objective_crumbs(objective, include_self=False),
            "has_history": services.objective_has_history(objective),
        }

    return freshness.cached("objective_shown", compute, objective.pk, get_language() or "")


def _carry_links(viewer: Viewer, came_from, became) -> CarryLinks:
    return CarryLinks(
        came_from=came_from,
        became=became,
        source_visible=bool(came_from and can_view_objective(viewer, came_from.source)),
        target_visible=bool(became and became.target and can_view_objective(viewer, became.target)),
    )


def _own_key_result(key_result: KeyResult, objective: Objective, viewer: Viewer) -> KeyResult:
    mine = copy.copy(key_result)
    mine.objective = objective  # already loaded with its cycle and team
    mine.can_manage = can_manage_initiatives(viewer, mine)
    return mine


def objective_page(viewer: Viewer, objective: Objective) -> dict:
    """Everything the objective page shows, for this viewer: the key results (with their
    initiatives, badges, and `can_manage`: whether the viewer manages their initiatives),
    the alignment chain above (None for an objective the viewer may not see), the lines of
    the objectives aligned below that the viewer may see, the carry-over links, the
    breadcrumbs and whether the objective has a history."""
    shown = objective_shown(objective)
    key_results = [_own_key_result(kr, objective, viewer) for kr in shown["key_results"]]
    hooks.attach_key_result_badges(viewer, key_results)
    return {
        "key_results": key_results,
        "chain": [
            linked if linked is not None and can_view_objective(viewer, linked) else None
            for linked in shown["chain"]
        ],
        "child_lines": [
            child["line"]
            for child in shown["children"]
            if can_view_objective_of(
                viewer,
                visibility=child["visibility"],
                owner_id=child["owner_id"],
                team_id=child["team_id"],
            )
        ],
        "carry": _carry_links(viewer, *shown["carry"]),
        "crumbs": shown["crumbs"],
        "has_history": shown["has_history"],
    }
