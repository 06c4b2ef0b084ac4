"""The OKR board's objective cards, drawn once per content and shared by everyone.

A card shows only what `card_data` gives it (plain values, no model), so its HTML is a function
of those values and of the language, and its cache key is their digest. A card whose content
changes (a new score, a renamed key result, another owner) gets another key: nothing is ever
invalidated, nothing unrelated to the card leaves it behind, and no card can show what a viewer
may not see, since the board lists only the objectives the viewer may see and a card holds
nothing but its own objective.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from objectives.models import Objective

logger = logging.getLogger(__name__)

TEMPLATE = "objectives/_objective_card.html"
KEPT_SECONDS = 24 * 3600


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


def _key(data: dict, language: str) -> str:
    digest = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()
    return f"okr:card:{language}:{digest}"


def attach_cards(objectives: list[Objective]) -> None:
    """Give each objective its card's HTML (`card_html`): the cards already drawn come from
    the cache in one round trip, the others are drawn and kept. The cache being down only
    means drawing them all."""
    language = get_language() or ""
    datas = [(objective, card_data(objective)) for objective in objectives]
    keys = [_key(data, language) for _objective, data in datas]
    try:
        drawn = cache.get_many(keys)
    except Exception:
        logger.warning("card cache unreachable: drawing every card", exc_info=True)
        drawn = {}
    new: dict[str, str] = {}
    for (objective, data), key in zip(datas, keys, strict=True):
        html = drawn.get(key)
        if html is None:
            html = new[key] = render_to_string(TEMPLATE, {"card": data})
        objective.card_html = _drawn(html)
    if new:
        try:
            cache.set_many(new, timeout=KEPT_SECONDS)
        except Exception:
            logger.warning("card cache unreachable: cards not kept", exc_info=True)


def _drawn(html: str) -> SafeString:
    # Drawn by TEMPLATE, which escaped every value: the cache hands back that same text.
    return mark_safe(html)
