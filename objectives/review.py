"""The quarterly review's rules: plain values in, plain values out (no ORM).

A team's quarter is read on two axes: how far its objectives got (the mean score, 0–100) and
how regularly its key results were checked in (the discipline: the share of the cycle's weeks
in which each key result had a check-in, 0–1). One reading per team, in plain language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from objectives import cycles, scoring

# A quarter whose mean score is below this is a low-scoring one (the red band).
LOW_SCORE = scoring.AMBER_FROM
# At or above this, the quarter went well (the green band: 70 is success for a stretch goal).
GOOD_SCORE = scoring.GREEN_FROM
# Key results checked in during at least this share of the weeks are followed regularly.
REGULAR_CHECKINS = Decimal("0.6")

DIAGNOSTICS = {
    "no_data": _("Nothing scored yet: there is nothing to read."),
    "healthy": _("Good scores with regular check-ins: keep the rhythm, raise the bar."),
    "unfollowed": _(
        "Good scores with few check-ins: make sure the key results measure what matters."
    ),
    "midway": _(
        "Middling scores with regular check-ins: the team tracks its work; sharpen the bets."
    ),
    "targets": _("Low scores with regular check-ins: look at the targets or the strategy."),
    "cadence": _("Low scores with few check-ins: look at the cadence first."),
}


def diagnose(*, score: Decimal | None, discipline: Decimal | None) -> str:
    """The reading of a quarter, as a key of DIAGNOSTICS.

    1. Without a score, nothing to read.
    2. Few check-ins (below REGULAR_CHECKINS, or none to measure): with good scores the key
       results may not measure what matters; otherwise look at the cadence first.
    3. Regular check-ins: good, middling (the amber band) or low scores say the rest.
    """
    if score is None:
        return "no_data"
    shown = scoring.display(score)
    regular = discipline is not None and discipline >= REGULAR_CHECKINS
    if not regular:
        return "unfollowed" if shown >= GOOD_SCORE else "cadence"
    if shown >= GOOD_SCORE:
        return "healthy"
    if shown >= LOW_SCORE:
        return "midway"
    return "targets"


@dataclass(frozen=True)
class ObjectiveRow:
    kind: str
    score: Decimal | None


@dataclass(frozen=True)
class Review:
    bands: dict[str, int]
    committed: int
    committed_met: int
    aspirational: int
    aspirational_met: int
    mean_score: Decimal | None
    discipline: Decimal | None
    diagnostic: str

    @property
    def message(self) -> str:
        return str(DIAGNOSTICS[self.diagnostic])


def review(
    objectives: Iterable[ObjectiveRow], *, checked_weeks: int, expected_weeks: int
) -> Review:
    """The review of a set of objectives: bands, expectations met, discipline, diagnostic.
    `checked_weeks`: (key result, week) pairs with a check-in; `expected_weeks`: key results
    × weeks of the cycle so far."""
    rows = list(objectives)
    bands = {"green": 0, "amber": 0, "red": 0, "none": 0}
    for row in rows:
        bands[scoring.band(row.score)] += 1
    committed = [row for row in rows if row.kind != "aspirational"]
    aspirational = [row for row in rows if row.kind == "aspirational"]

    def met(group: list[ObjectiveRow]) -> int:
        return sum(1 for row in group if cycles.meets_expectation(kind=row.kind, score=row.score))

    mean_score = scoring.mean(row.score for row in rows)
    discipline = (
        Decimal(min(checked_weeks, expected_weeks)) / Decimal(expected_weeks)
        if expected_weeks
        else None
    )
    return Review(
        bands=bands,
        committed=len(committed),
        committed_met=met(committed),
        aspirational=len(aspirational),
        aspirational_met=met(aspirational),
        mean_score=mean_score,
        discipline=discipline,
        diagnostic=diagnose(score=mean_score, discipline=discipline),
    )
