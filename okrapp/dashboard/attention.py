"""Needs attention: the key results someone should look at, for a reason each.

- off track: the latest check-in says so;
- blockers: a check-in of the last seven days names a blocker;
- no check-in for two weeks: checked in, but not for STALE_AFTER or more, or never once the
  cycle is two weeks old;
- behind pace: scored below the expected pace (objectives.pace) by more than its tolerance.

The dashboard shows the most urgent few; the list page all of them, filtered and paged. Both
read one ranked query of ids (with the total, a window over the whole set) and then the
page's rows as plain values: a fixed number of queries whatever the number, both shared by
every viewer until the next write and masked for each viewer after the cache read.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from checkins.models import CheckIn
from objectives.models import Confidence, KeyResult, Objective
from objectives.pace import TOLERANCE, Pace
from objectives.permissions import can_view_objective_of
from okrapp.core import freshness
from okrapp.core.drawings import draw
from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import Viewer

STALE_AFTER = datetime.timedelta(days=14)
BLOCKERS_SINCE = datetime.timedelta(days=7)
ATTENTION_LIMIT = 15
PAGE_SIZE = 50

OFF_TRACK, BLOCKERS, STALE, BEHIND = "off_track", "blockers", "stale", "behind_pace"
REASONS = {
    OFF_TRACK: _("Off track"),
    BLOCKERS: _("Blockers"),
    STALE: _("No check-in for two weeks"),
    BEHIND: _("Behind pace"),
}


def cycle_pace(cycle: Cycle, today: datetime.date | None = None) -> Pace:
    return Pace.of(start=cycle.start_date, end=cycle.end_date, today=today or timezone.localdate())


def _reason_filters(cycle: Cycle, now: datetime.datetime) -> dict[str, Q]:
    stale = Q(last_checkin_at__lt=now - STALE_AFTER)
    if cycle.start_date <= timezone.localdate() - STALE_AFTER:
        stale |= Q(last_checkin_at__isnull=True)
    pace = cycle_pace(cycle)
    behind = Q(
        score__isnull=False,
        objective__kind=Objective.Kind.COMMITTED,
        score__lt=pace.expected() - TOLERANCE,
    ) | Q(
        score__isnull=False,
        objective__kind=Objective.Kind.ASPIRATIONAL,
        score__lt=pace.expected(aspirational=True) - TOLERANCE,
    )
    return {
        OFF_TRACK: Q(confidence=Confidence.OFF_TRACK),
        BLOCKERS: Q(has_blockers=1),
        STALE: stale,
        BEHIND: behind,
    }


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def attention_queryset(
    cycle: Cycle,
    *,
    team: Team | None = None,
    owner: User | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
):
    """The key results needing attention, with a flag per reason, most urgent first: off
    track, then blockers, then the longest without a check-in, then behind pace."""
    now = now or timezone.now()
    reasons = _reason_filters(cycle, now)
    # The week's blocked key results as one hashed set (IN), not a subquery per row.
    blocked = (
        CheckIn.objects.filter(created_at__gte=now - BLOCKERS_SINCE)
        .exclude(blockers="")
        .values("key_result_id")
    )
    queryset = KeyResult.objects.filter(
        objective__cycle=cycle, objective__archived_at=None
    ).annotate(has_blockers=_flag(Q(pk__in=blocked)))
    if team is not None:
        queryset = queryset.filter(objective__team__path__startswith=team.path)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    wanted = reasons[reason] if reason in reasons else Q()
    if not wanted:
        for condition in reasons.values():
            wanted |= condition
    return (
        queryset.filter(wanted)
        .annotate(**{f"is_{key}": _flag(condition) for key, condition in reasons.items()})
        .annotate(
            urgency=Case(
                When(reasons[OFF_TRACK], then=Value(0)),
                When(reasons[BLOCKERS], then=Value(1)),
                When(reasons[STALE], then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", F("last_checkin_at").asc(nulls_first=True), "id")
    )


@dataclass
class AttentionItem:
    """One key result needing attention, as plain values: its title and its objective's are
    empty when the viewer may not see that objective (`visible`)."""

    key_result_id: int
    title: str
    objective_title: str
    owner_id: int
    owner_name: str
    team_id: int
    team_name: str
    score: Decimal | None
    visible: bool
    reasons: list[str]
    days_since: int | None

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""

    @property
    def is_off_track(self) -> bool:
        return OFF_TRACK in self.reasons

    @property
    def is_stale(self) -> bool:
        return STALE in self.reasons

    @property
    def has_blockers(self) -> bool:
        return BLOCKERS in self.reasons

    @property
    def is_behind_pace(self) -> bool:
        return BEHIND in self.reasons

    def drawing_values(self) -> dict:
        """What okrapp/_attention_items.html reads of the item, for drawing it."""
        return {
            "key_result_id": self.key_result_id,
            "title": self.title,
            "objective_title": self.objective_title,
            "owner_id": self.owner_id,
            "owner_name": self.owner_name,
            "team_id": self.team_id,
            "team_name": self.team_name,
            "score": self.score,
            "visible": self.visible,
            "is_off_track": self.is_off_track,
            "has_blockers": self.has_blockers,
            "is_stale": self.is_stale,
            "is_behind_pace": self.is_behind_pace,
            "days_since": self.days_since,
        }


ITEMS_TEMPLATE = "okrapp/_attention_items.html"


def draw_items(items: list[AttentionItem]) -> SafeString:
    """The items' list drawn once per content (okrapp.core.drawings): the items are masked
    for their viewer already."""
    return draw(ITEMS_TEMPLATE, {"items": [item.drawing_values() for item in items]})


# What an item shows of its key result, read as plain values with the ranking (and shared
# with it): the viewer's rights mask them after the cache read.
ROW_FIELDS = (
    "pk",
    "title",
    "score",
    "last_checkin_at",
    "owner_id",
    "owner__display_name",
    "owner__email",
    "objective__title",
    "objective__visibility",
    "objective__owner_id",
    "objective__team_id",
    "objective__team__name",
)


class _Row(NamedTuple):
    pk: int
    title: str
    score: Decimal | None
    last_checkin_at: datetime.datetime | None
    owner_id: int
    owner_display_name: str
    owner_email: str
    objective_title: str
    objective_visibility: str
    objective_owner_id: int
    objective_team_id: int
    team_name: str


def _with_rows(ranked: list[tuple]) -> list[tuple[_Row, tuple]]:
    """Each ranked (id, *flags) as its key result's row and its flags; one query."""
    rows = {
        row[0]: _Row(*row)
        for row in KeyResult.objects.filter(pk__in=[pk for pk, *_ in ranked]).values_list(
            *ROW_FIELDS
        )
    }
    return [(rows[rank[0]], rank[1:]) for rank in ranked if rank[0] in rows]


def _items(
    viewer: Viewer, ranked: list[tuple[_Row, tuple]], now: datetime.datetime
) -> list[AttentionItem]:
    items = []
    for row, flags in ranked:
        visible = can_view_objective_of(
            viewer,
            visibility=row.objective_visibility,
            owner_id=row.objective_owner_id,
            team_id=row.objective_team_id,
        )
        items.append(
            AttentionItem(
                key_result_id=row.pk,
                title=row.title if visible else "",
                objective_title=row.objective_title if visible else "",
                owner_id=row.owner_id,
                owner_name=row.owner_display_name or row.owner_email,
                team_id=row.objective_team_id,
                team_name=row.team_name,
                score=row.score,
                visible=visible,
                reasons=[key for key, flag in zip(REASONS, flags, strict=False) if flag],
                days_since=(now - row.last_checkin_at).days if row.last_checkin_at else None,
            )
        )
    return items


FLAGS = [f"is_{key}" for key in REASONS]


def needs_attention(
    cycle: Cycle, viewer: Viewer, limit: int = ATTENTION_LIMIT, **filters
) -> tuple[list[AttentionItem], int]:
    """The `limit` most urgent items and how many there are in all: two queries (the
    ranking and the items' rows, the same for every viewer) shared until the next write."""
    now = timezone.now()
    total, ranked = freshness.cached(
        "attention_items",
        lambda: _ranked_rows(
            list(
                attention_queryset(cycle, now=now, **filters)
                .annotate(total=Window(Count("id")))
                .values_list("id", *FLAGS, "total")[:limit]
            )
        ),
        cycle.pk,
        limit,
        *_filter_parts(filters),
    )
    return _items(viewer, ranked, now), total


def _ranked_rows(ranked: list[tuple]) -> tuple[int, list[tuple[_Row, tuple]]]:
    """The total (each ranked row's last value) and the rows with their flags."""
    total = ranked[0][-1] if ranked else 0
    return total, _with_rows([rank[:-1] for rank in ranked])


@dataclass
class AttentionPage:
    items: list[AttentionItem]
    total: int
    number: int
    pages: int
    items_html: str = ""

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def attention_page(
    cycle: Cycle, viewer: Viewer, *, page: int = 1, per_page: int = PAGE_SIZE, **filters
) -> AttentionPage:
    """One page of the full list, its items drawn: two queries (the ranked ids with the
    total, the rows), shared by every viewer until the next write; a page beyond the last
    shows the last."""
    now = timezone.now()
    page, total, ranked = freshness.cached(
        "attention_page_items",
        lambda: _ranked_page(cycle, now, max(1, page), per_page, filters),
        cycle.pk,
        page,
        per_page,
        *_filter_parts(filters),
    )
    items = _items(viewer, ranked, now)
    return AttentionPage(
        items=items,
        total=total,
        number=page,
        pages=max(1, -(-total // per_page)),
        items_html=draw_items(items) if items else "",
    )


def _ranked_page(cycle, now, page: int, per_page: int, filters: dict) -> tuple[int, int, list]:
    queryset = attention_queryset(cycle, now=now, **filters).annotate(total=Window(Count("id")))
    rows = list(queryset.values_list("id", *FLAGS, "total")[(page - 1) * per_page :][:per_page])
    if not rows and page > 1:
        total = queryset.count()
        page = max(1, -(-total // per_page))
        rows = list(queryset.values_list("id", *FLAGS, "total")[(page - 1) * per_page :][:per_page])
    return page, *_ranked_rows(rows)


def _filter_parts(filters: dict) -> list[str]:
    return [f"{name}={getattr(value, 'pk', value)}" for name, value in sorted(filters.items())]
