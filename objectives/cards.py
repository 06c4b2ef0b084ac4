"""The OKR board's objective cards, drawn once per content and shared by everyone
(okrapp.core.drawings).

A card shows only what `card_data` gives it (plain values, no model), so the digest of those
values keys it: a card whose content changes (a new score, a renamed key result, another owner)
gets another key, and nothing unrelated to it leaves it behind. No card can show what a viewer
may not see: the board lists only the objectives the viewer may see, and a card holds nothing
but its own objective.

The cards of a page, by ids, are also kept until the next write (okrapp.core.freshness): a
board seen again reads neither its objectives nor their key results. The ids come from the
viewer's own board (objectives.selectors.board), so the cards kept under them are only ever
handed to a viewer who may see every one of them.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from objectives.models import KeyResult, Objective
from okrapp.core import freshness
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


def _draw(pks: list[int]) -> dict[int, str]:
    """The cards of these objectives, by id: two queries, then the drawings' one round trip."""
    key_results = KeyResult.objects.order_by("position", "id")
    objectives = (
        Objective.objects.filter(pk__in=pks)
        .select_related("owner")
        .only(
            "pk",
            "title",
            "score",
            "level",
            "kind",
            "visibility",
            "owner__display_name",
            "owner__email",
        )
        .prefetch_related(Prefetch("key_results", queryset=key_results))
    )
    loaded = list(objectives)
    drawn = draw_many(TEMPLATE, [{"card": card_data(objective)} for objective in loaded])
    return {objective.pk: str(html) for objective, html in zip(loaded, drawn, strict=True)}


def attach_cards(objectives) -> None:
    """Give each objective of the board (anything with a pk) its card's HTML (`card_html`)."""
    pks = [objective.pk for objective in objectives]
    if not pks:
        return
    drawn = freshness.cached(
        "board_cards", lambda: _draw(pks), get_language() or "", ",".join(map(str, pks))
    )
    for objective in objectives:
        # Drawn by a template, which escaped every value.
        objective.card_html = mark_safe(drawn.get(objective.pk, ""))
