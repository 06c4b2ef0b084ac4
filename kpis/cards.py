"""The KPI board's cards, drawn once per content and shared by everyone
(okrapp.core.drawings).

A card shows only what `card_values` gives it (plain values: the KPI's BoardKPI, its recent
points, its status), so the digest of those values keys it. No card can show what a viewer
may not see: the board lists only the KPIs the viewer may see, and a card holds nothing but
its own KPI.
"""

from __future__ import annotations

from kpis.selectors import KPICard
from okrapp.core.drawings import draw_many

TEMPLATE = "kpis/_kpi_card.html"


def card_values(card: KPICard) -> dict:
    """Everything the card shows: the template reads nothing else."""
    return {
        "card": {
            "kpi": card.kpi,
            "recent": list(card.recent),
            "latest": card.latest,
            "status": card.status,
            "status_label": str(card.status_label),
            "frequency_label": str(card.frequency_label),
        }
    }


def attach_cards(cards: list[KPICard]) -> None:
    """Give each card its HTML (`html`), drawn once per content."""
    drawn = draw_many(TEMPLATE, [card_values(card) for card in cards])
    for card, html in zip(cards, drawn, strict=True):
        card.html = html
