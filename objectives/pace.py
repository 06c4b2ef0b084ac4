"""Expected pace: where a score should be today if the cycle's work went in a straight line.
Pure functions over plain values, no ORM.

- The share of the cycle elapsed is the days from its start to today over its length, kept
  within 0–1 (before the start: 0; after the end: 1).
- A committed objective is read against 100 at the end of the cycle, an aspirational one
  against 70 (the seeds' "70 is success for a stretch goal"): today's expected score is that
  goal times the share elapsed (linear pace).
- A score within TOLERANCE points of the expected one is on pace; above, ahead; below, behind.
  A roll-up (a team, a person, the company) is read as committed: it mixes both kinds and the
  product's scores are 0–100 for all.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from objectives import scoring

COMMITTED_GOAL = Decimal(100)
ASPIRATIONAL_GOAL = Decimal(70)
TOLERANCE = Decimal(5)

AHEAD, ON_PACE, BEHIND = "ahead", "on", "behind"


def elapsed_share(*, start: datetime.date, end: datetime.date, today: datetime.date) -> Decimal:
    """The share of the cycle elapsed at the end of `today`, 0 to 1."""
    length = (end - start).days + 1
    done = (today - start).days + 1
    return min(Decimal(1), max(Decimal(0), Decimal(done) / Decimal(length)))


def expected_score(share: Decimal, *, aspirational: bool = False) -> Decimal:
    goal = ASPIRATIONAL_GOAL if aspirational else COMMITTED_GOAL
    return goal * share


def pace_status(score: Decimal | None, expected: Decimal) -> str | None:
    """ahead, on or behind pace; None without a score."""
    if score is None:
        return None
    gap = Decimal(score) - expected
    if gap > TOLERANCE:
        return AHEAD
    if gap < -TOLERANCE:
        return BEHIND
    return ON_PACE


@dataclass(frozen=True)
class Pace:
    """A cycle's pace today: `share` elapsed, and the expected score of each kind."""

    share: Decimal

    @classmethod
    def of(cls, *, start: datetime.date, end: datetime.date, today: datetime.date) -> Pace:
        return cls(elapsed_share(start=start, end=end, today=today))

    def expected(self, *, aspirational: bool = False) -> Decimal:
        return expected_score(self.share, aspirational=aspirational)

    def status(self, score: Decimal | None, *, aspirational: bool = False) -> str | None:
        return pace_status(score, self.expected(aspirational=aspirational))

    def gap(self, score: Decimal | None, *, aspirational: bool = False) -> Decimal | None:
        """Points above (positive) or below (negative) the expected score."""
        if score is None:
            return None
        return Decimal(score) - self.expected(aspirational=aspirational)

    def expected_on(
        self, days: list[datetime.date], *, start: datetime.date, end: datetime.date
    ) -> list[Decimal]:
        """The expected (committed) score on each of `days`: the pace line of a trend."""
        return [expected_score(elapsed_share(start=start, end=end, today=day)) for day in days]


def headline(
    score: Decimal | None,
    change: Decimal | None,
    pace: Pace | None,
    *,
    aspirational: bool = False,
) -> str:
    """A chart's one sentence: "Score 49, up 3 this week, 5 behind pace" (a part is left
    out when its value is unknown: no snapshot a week old, a closed cycle)."""
    if score is None:
        return ""
    parts = [_("Score %(score)s") % {"score": scoring.display(score)}]
    if change is not None:
        points = scoring.display(abs(change)) or 0
        if points and change > 0:
            parts.append(_("up %(points)s this week") % {"points": points})
        elif points and change < 0:
            parts.append(_("down %(points)s this week") % {"points": points})
        else:
            parts.append(_("unchanged this week"))
    if pace is not None:
        status = pace.status(score, aspirational=aspirational)
        points = scoring.display(abs(pace.gap(score, aspirational=aspirational))) or 0
        if status == BEHIND:
            parts.append(_("%(points)s behind pace") % {"points": points})
        elif status == AHEAD:
            parts.append(_("%(points)s ahead of pace") % {"points": points})
        else:
            parts.append(_("on pace"))
    return ", ".join(parts)
