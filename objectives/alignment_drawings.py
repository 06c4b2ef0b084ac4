"""The alignment tree, drawn once per content and shared by everyone (okrapp.core.drawings).

Each objective's line is drawn from its own values (`line_data`), so a line is shared by
every tree that shows it; each section of the tree (the company's objectives and what opens
below them, the objectives not aligned yet) is drawn from its nodes' plain values and their
lines, so a tree seen again (the same objectives, open the same way) costs one cache read. No
drawing can show what a viewer may not see: the tree holds only the objectives the viewer
may see (objectives.alignment_selectors), and a line nothing but its own objective."""

from __future__ import annotations

from objectives.alignment_selectors import AlignmentNode, AlignmentPage
from objectives.models import Objective
from okrapp.core.drawings import draw_many

LINE = "objectives/_alignment_line.html"
SECTION = "objectives/_alignment_section.html"
LEVELS = dict(Objective.Level.choices)
KINDS = dict(Objective.Kind.choices)


def line_data(row: dict) -> dict:
    """Everything a line shows (from alignment_selectors.LINE_FIELDS): the template reads
    nothing else."""
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


def _nodes_below(nodes: list[AlignmentNode]) -> list[AlignmentNode]:
    found, level = [], list(nodes)
    while level:
        found += level
        level = [child for node in level for child in node.children]
    return found


def _draw_lines(nodes: list[AlignmentNode]) -> dict[int, str]:
    shown = {node.pk: node for node in _nodes_below(nodes) if node.row}
    drawn = draw_many(LINE, [{"line": line_data(node.row)} for node in shown.values()])
    return dict(zip(shown, drawn, strict=True))


def _node_values(node: AlignmentNode, lines: dict[int, str]) -> dict:
    return {
        "pk": node.pk,
        "level": node.level,
        "title": node.row["title"] if node.row else "",
        "line": lines.get(node.pk, ""),
        "child_count": node.child_count,
        "is_open": node.is_open,
        "toggle": node.toggle,
        "more_children": node.more_children,
        "children": [_node_values(child, lines) for child in node.children],
    }


def draw_page(page: AlignmentPage) -> None:
    """Give the page its two sections' HTML (`roots_html`, `unaligned_html`)."""
    lines = _draw_lines(page.roots + page.unaligned)
    page.roots_html, page.unaligned_html = draw_many(
        SECTION,
        [
            {"nodes": [_node_values(node, lines) for node in nodes], "focus_id": page.focus_id}
            for nodes in (page.roots, page.unaligned)
        ],
    )


def draw_branch(node: AlignmentNode) -> dict:
    """An opened branch's values for objectives/_tree_children.html, its lines drawn."""
    return _node_values(node, _draw_lines(node.children) | {node.pk: ""})
