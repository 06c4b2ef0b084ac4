"""The OKR board's objective cards, drawn once per content and shared by everyone
(okrapp.core.drawings).

A card shows only what `card_data` gives it (plain values, no model), so the digest of those
values keys it: a card whose content changes (a new score, a renamed key result, another owner)
gets another key, and nothing unrelated to it leaves it behind. No card can show what a viewer
may not see: the board lists only the objectives the viewer may see, and a card holds nothing
but its own objective.
"""

from __future__ import annotations

from objectives.models import Objective
from okrapp.core.drawings import draw_many

TEMPLATE = "objectives/_objective_card.html"


def card_data(objective: Objective) -> dict:
    """Everything the card shows: the template reads nothing else."""
    return {
        "pk": objective.pk,
        "title": objective.title,
        "score": objective.score,
        "owner": str(objective.owner),
        "level": objective.get_level_display(),
        "kind": objective.kind,
        "kind_label": objective.get_kind_display(),
        "is_private": objective.is_private,
        "key_results": [
            {
                "pk": key_result.pk,
                "title": key_result.title,
                "score": key_result.score,
                "confidence": key_result.confidence,
                "confidence_label": key_result.get_confidence_display()
                if key_result.confidence
                else "",
                "is_milestone": key_result.is_milestone,
                "is_done": key_result.is_done,
                "current_value": key_result.current_value,
                "target_value": key_result.target_value,
                "unit": key_result.display_unit,
            }
            for key_result in objective.key_results.all()
        ],
    }


def attach_cards(objectives: list[Objective]) -> None:
    """Give each objective its card's HTML (`card_html`), drawn once per content."""
    drawn = draw_many(TEMPLATE, [{"card": card_data(objective)} for objective in objectives])
    for objective, html in zip(objectives, drawn, strict=True):
        objective.card_html = html
