"""The alignment tree's objective lines, drawn once per content and shared by everyone
(okrapp.core.drawings).

A line shows only what `line_data` gives it (plain values, no model), so the digest of those
values keys it. No line can show what a viewer may not see: the tree holds only the
objectives the viewer may see (objectives.alignment_selectors), and a line holds nothing but
its own objective."""

from __future__ import annotations

from objectives.models import Objective
from objectives.selectors import visible_objectives
from okrapp.core.drawings import draw_many
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer

TEMPLATE = "objectives/_alignment_line.html"
FIELDS = (
    "pk",
    "title",
    "level",
    "kind",
    "visibility",
    "score",
    "team__name",
    "owner__display_name",
    "owner__email",
)
LEVELS = dict(Objective.Level.choices)
KINDS = dict(Objective.Kind.choices)


def line_data(row: dict) -> dict:
    """Everything the line shows: the template reads nothing else."""
    return {
        "pk": row["pk"],
        "title": row["title"],
        "level": str(LEVELS[row["level"]]),
        "team": "" if row["level"] == Objective.Level.COMPANY else row["team__name"],
        # As a person is named everywhere (User.__str__).
        "owner": row["owner__display_name"] or row["owner__email"],
        "kind": str(KINDS[row["kind"]]) if row["kind"] == Objective.Kind.ASPIRATIONAL else "",
        "is_private": row["visibility"] == Objective.Visibility.PRIVATE,
        "score": row["score"],
    }


def attach_lines(viewer: Viewer, cycle: Cycle, nodes: list) -> None:
    """Give each node its objective's title and line: one query for them all."""
    if not nodes:
        return
    rows = {
        row["pk"]: row
        for row in visible_objectives(viewer, cycle)
        .filter(pk__in=[node.pk for node in nodes])
        .values(*FIELDS)
    }
    shown = [node for node in nodes if node.pk in rows]
    drawn = draw_many(TEMPLATE, [{"line": line_data(rows[node.pk])} for node in shown])
    for node, html in zip(shown, drawn, strict=True):
        node.title, node.line = rows[node.pk]["title"], html
