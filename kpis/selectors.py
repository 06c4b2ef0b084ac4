"""Reads about KPIs shared by pages, API and tasks; a fixed number of queries each.

The page selectors (`kpi_page`, `to_key_result_page`, `import_preview`) return what the
templates show, permission flags and labels included, so the templates hold no rule.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kpis import connectors, csvformat, health
from kpis.models import KPI, KeyResultLink, KPISync, Measurement
from kpis.permissions import (
    can_edit_kpi,
    can_record_measurements,
    can_view_kpi,
    visible_kpis_q,
)
from objectives.models import KeyResult, Objective
from objectives.permissions import (
    can_edit_objective,
    can_view_objective,
    visible_objectives_q,
)
from okrapp.core import freshness
from okrapp.core.models import Cycle, Team
from okrapp.core.permissions import Viewer
from okrapp.core.selectors import active_cycle

SPARKLINE_PERIODS = 12
TABLE_ROWS = 60
CHART_POINTS = 366  # the KPI page's chart: the latest periods, a year of daily ones

STATUS_LABELS = {
    health.GREEN: _("Healthy"),
    health.AMBER: _("Watch"),
    health.RED: _("Alert"),
    health.STALE: _("Stale"),
    health.NONE: _("No measurement"),
}
# Read once: get_frequency_display rebuilds its choices at each call, 48 times a board page.
FREQUENCY_LABELS = dict(KPI.Frequency.choices)


class BoardKPI(NamedTuple):
    """What a board card shows of its KPI, as plain values (`with_latest`'s latest included)."""

    pk: int
    name: str
    unit: str
    direction: str
    target_value: Decimal
    alert_threshold: Decimal | None
    frequency: str
    data_source: str
    visibility: str
    team_name: str
    latest_value: Decimal | None
    latest_date: datetime.date | None

    @property
    def lower_is_better(self) -> bool:
        return self.direction == KPI.Direction.LOWER_IS_BETTER

    @property
    def is_private(self) -> bool:
        return self.visibility == KPI.Visibility.PRIVATE


BOARD_FIELDS = (
    "pk",
    "name",
    "unit",
    "direction",
    "target_value",
    "alert_threshold",
    "frequency",
    "data_source",
    "visibility",
    "team__name",
    "latest_value",
    "latest_date",
)


@dataclass
class KPICard:
    kpi: KPI | BoardKPI
    recent: Sequence[Measurement | Point] = field(default_factory=list)  # oldest first
    status: str = health.NONE
    html: str = ""  # the board's drawing of the card (kpis.cards)

    @property
    def latest(self) -> Measurement | Point | None:
        return self.recent[-1] if self.recent else None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def frequency_label(self) -> str:
        return FREQUENCY_LABELS[self.kpi.frequency]


def _status(
    kpi: KPI,
    *,
    latest_value: Decimal | None,
    latest_date: datetime.date | None,
    today: datetime.date | None,
) -> str:
    return health.status(
        direction=kpi.direction,
        target=kpi.target_value,
        threshold=kpi.alert_threshold,
        frequency=kpi.frequency,
        latest_value=latest_value,
        latest_date=latest_date,
        today=today or timezone.localdate(),
    )


def kpi_status(kpi: KPI, latest: Measurement | None, today: datetime.date | None = None) -> str:
    return _status(
        kpi,
        latest_value=latest.value if latest else None,
        latest_date=latest.period_date if latest else None,
        today=today,
    )


def _recent(kpi_ids: list[int], per_kpi: int) -> QuerySet[Measurement]:
    return (
        Measurement.objects.filter(kpi_id__in=kpi_ids)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("kpi_id")], order_by=F("period_date").desc())
        )
        .filter(rank__lte=per_kpi)
        .order_by("kpi_id", "period_date")
    )


def recent_measurements(
    kpi_ids: list[int], per_kpi: int = SPARKLINE_PERIODS
) -> dict[int, list[Measurement]]:
    """The last `per_kpi` measurements of each KPI, oldest first, in one query (a window)."""
    if not kpi_ids:
        return {}
    by_kpi: dict[int, list[Measurement]] = defaultdict(list)
    for measurement in _recent(kpi_ids, per_kpi):
        by_kpi[measurement.kpi_id].append(measurement)
    return by_kpi


class Point(NamedTuple):
    """A period's value, as a card and its sparkline show it."""

    period_date: datetime.date
    value: Decimal


def recent_points(kpi_ids: list[int], per_kpi: int = SPARKLINE_PERIODS) -> dict[int, list[Point]]:
    """`recent_measurements` as plain values: a fifth of the time, for pages of cards."""
    if not kpi_ids:
        return {}
    rows = _recent(kpi_ids, per_kpi).values_list("kpi_id", "period_date", "value")
    by_kpi: dict[int, list[Point]] = defaultdict(list)
    for kpi_id, period_date, value in rows:
        by_kpi[kpi_id].append(Point(period_date, value))
    return by_kpi


def visible_kpis(viewer: Viewer):
    return KPI.objects.filter(visible_kpis_q(viewer)).select_related("team", "owner")


# KPIs with their latest measurement (the API's list and detail) -----------------------------


def with_latest(kpis: QuerySet[KPI]) -> QuerySet[KPI]:
    """The KPIs with their latest measurement's value and date (two subqueries, no N+1)."""
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-period_date")
    return kpis.annotate(
        latest_value=Subquery(latest.values("value")[:1]),
        latest_date=Subquery(latest.values("period_date")[:1]),
    ).order_by("name", "id")


def visible_kpis_with_latest(viewer: Viewer) -> QuerySet[KPI]:
    return with_latest(KPI.objects.filter(visible_kpis_q(viewer)))


def kpi_with_latest(pk: int) -> KPI:
    """Unfiltered: a change may have made the KPI private to a team its author is not in."""
    return with_latest(KPI.objects.all()).get(pk=pk)


def latest_status(kpi: KPI, today: datetime.date | None = None) -> str:
    """The status of a KPI read through `with_latest`."""
    return _status(
        kpi,
        latest_value=getattr(kpi, "latest_value", None),
        latest_date=getattr(kpi, "latest_date", None),
        today=today,
    )


def statuses(kpis: QuerySet[KPI], today: datetime.date | None = None) -> list[tuple[int, str]]:
    """(pk, status) of each KPI read through `with_latest`, in the queryset's order: one
    query of plain values, no model instance. The rules are kpis.health's, in Python."""
    rows = kpis.values_list(
        "pk",
        "direction",
        "target_value",
        "alert_threshold",
        "frequency",
        "latest_value",
        "latest_date",
    )
    today = today or timezone.localdate()
    return [
        (
            pk,
            health.status(
                direction=direction,
                target=target,
                threshold=threshold,
                frequency=frequency,
                latest_value=latest_value,
                latest_date=latest_date,
                today=today,
            ),
        )
        for pk, direction, target, threshold, frequency, latest_value, latest_date in rows
    ]


def filter_status(
    kpis: QuerySet[KPI], status: str, today: datetime.date | None = None
) -> QuerySet[KPI]:
    """The KPIs (read through `with_latest`) whose status is `status`: one extra query, no
    second copy of the rules in SQL."""
    wanted = [pk for pk, found in statuses(kpis.order_by(), today) if found == status]
    return kpis.filter(pk__in=wanted)


def board(
    viewer: Viewer,
    *,
    team: Team | None = None,
    status: str = "",
    today: datetime.date | None = None,
) -> list[KPICard]:
    """The KPI cards the viewer may see, filtered by team (with its sub-teams) and status.

    Two queries whatever the number of KPIs: the KPIs, then their recent measurements.
    """
    today = today or timezone.localdate()
    kpis = visible_kpis(viewer).order_by("team__path", "name", "id")
    if team is not None:
        kpis = kpis.filter(team__path__startswith=team.path)
    kpis = list(kpis)
    recent = recent_measurements([kpi.pk for kpi in kpis])
    cards = []
    for kpi in kpis:
        card = KPICard(kpi=kpi, recent=recent.get(kpi.pk, []))
        card.status = kpi_status(kpi, card.latest, today)
        if not status or card.status == status:
            cards.append(card)
    return cards


BOARD_PER_PAGE = 48


def board_page(
    viewer: Viewer,
    *,
    team: Team | None = None,
    status: str = "",
    page: int | str = 1,
    today: datetime.date | None = None,
) -> Page:
    """One page of the KPI board, cards in `page.object_list` (their KPIs as BoardKPI plain
    values). Three queries whatever the number of KPIs: the ordered ids of those the viewer
    may see (with a status filter, the status of each, from plain values), then only the
    page's KPIs with their latest measurement, and their recent ones for the sparklines —
    those two shared by the viewers of the same KPIs until the next write."""
    today = today or timezone.localdate()
    kpis = KPI.objects.filter(visible_kpis_q(viewer))
    if team is not None:
        kpis = kpis.filter(team__path__startswith=team.path)
    kpis = kpis.order_by("team__path", "name", "id")
    if status:
        rows = statuses(with_latest(kpis).order_by("team__path", "name", "id"), today)
        ids = [pk for pk, found in rows if found == status]
    else:
        ids = list(kpis.values_list("pk", flat=True))
    page = Paginator(ids, BOARD_PER_PAGE).get_page(page)
    shown = list(page.object_list)
    loaded, recent = freshness.cached(
        "kpi_board_cards",
        lambda: _board_cards(shown),
        freshness.digest(shown),
    )
    page.object_list = [
        KPICard(kpi=kpi, recent=recent.get(pk, []), status=latest_status(kpi, today))
        for pk in page.object_list
        if (kpi := loaded.get(pk)) is not None  # None: deleted since the ids were read
    ]
    return page


def _board_cards(ids: list[int]) -> tuple[dict[int, BoardKPI], dict[int, list[Point]]]:
    """The cards' KPIs and recent points, plain values: the same for every viewer of these
    KPIs (the ids are the viewer's), so shared until the next write."""
    rows = with_latest(KPI.objects.filter(pk__in=ids)).values_list(*BOARD_FIELDS)
    return {row[0]: BoardKPI(*row) for row in rows}, dict(recent_points(ids))


def measurements_newest_first(kpi: KPI) -> QuerySet[Measurement]:
    return Measurement.objects.filter(kpi=kpi).order_by("-period_date")


def latest_measurement(kpi: KPI) -> Measurement | None:
    """The measurement of the KPI's latest period, the one that speaks for it."""
    return measurements_newest_first(kpi).first()


class MeasurementRow(NamedTuple):
    """A measurement as the KPI page shows it (the chart, the table, the latest value)."""

    pk: int
    period_date: datetime.date
    value: Decimal
    note: str
    recorded_by: str | None  # their name


class KPIPageReads(NamedTuple):
    """What the KPI page reads of the KPI, the same for everyone who may see it: its
    measurements, newest first, how many there are, and every key result linked to it (each
    viewer is shown those of the objectives they may see)."""

    history: list[MeasurementRow]
    total: int
    key_results: list[KeyResult]


def _kpi_page_reads(kpi: KPI, show_all: bool) -> KPIPageReads:
    rows = measurements_newest_first(kpi).values_list(
        "pk", "period_date", "value", "note", "recorded_by__display_name"
    )
    history = [MeasurementRow(*row) for row in (rows if show_all else rows[:CHART_POINTS])]
    total = len(history)
    if not show_all and total == CHART_POINTS:
        total = measurements_newest_first(kpi).count()
    key_results = list(
        KeyResult.objects.filter(kpi_link__kpi=kpi, objective__archived_at=None)
        .select_related("objective", "objective__cycle")
        .order_by("-objective__cycle__start_date", "id")
    )
    return KPIPageReads(history, total, key_results)


def kpi_page(viewer: Viewer, kpi: KPI, *, show_all: bool = False) -> dict:
    """What the KPI page shows: health, measurements (the table's rows and, newest first, the
    chart's: its latest CHART_POINTS, or the whole history with `show_all`), linked key
    results and what the viewer may do. A long history is counted, not read.

    The KPI's reads are shared by its viewers until the next write (the caller checked that
    the viewer may see the KPI); the key results of objectives the viewer may not see are
    left out after the cache read."""
    history, total, key_results = freshness.cached(
        "kpi_page_reads", lambda: _kpi_page_reads(kpi, show_all), kpi.pk, show_all
    )
    latest = history[0] if history else None
    status = kpi_status(kpi, latest)
    shown = history if show_all else history[:TABLE_ROWS]
    return {
        "latest": latest,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "is_stale": status == health.STALE,
        "history": history,
        "measurements": shown,
        "measurement_rows": [row._asdict() for row in shown],
        "hidden_rows": 0 if show_all else max(0, total - TABLE_ROWS),
        "key_results": [
            key_result
            for key_result in key_results
            if can_view_objective(viewer, key_result.objective)
        ],
        "can_edit": can_edit_kpi(viewer, kpi),
        "can_record": can_record_measurements(viewer, kpi),
        **sync_panel(viewer, kpi),
    }


SYNC_ROWS = 10


def kpi_syncs(kpi: KPI, limit: int | None = None) -> QuerySet[KPISync]:
    """The KPI's syncs, newest first."""
    syncs = KPISync.objects.filter(kpi=kpi).order_by("-created_at", "-id")
    return syncs[:limit] if limit else syncs


def sync_panel(viewer: Viewer, kpi: KPI) -> dict:
    """The data source panel of the KPI page: what is fetched, the latest syncs, and whether
    the viewer may sync now. Two queries at most, whatever the history's length."""
    connected = kpi.is_connected
    syncs = list(kpi_syncs(kpi, SYNC_ROWS)) if connected else []
    return {
        "source_description": connectors.describe(
            kpi.source_kind, kpi.source_config, has_secret=bool(kpi.source_secret)
        ),
        "syncs": syncs,
        "sync_pending": any(
            sync.status in (KPISync.Status.QUEUED, KPISync.Status.RUNNING) for sync in syncs
        ),
        "can_sync": connected and can_edit_kpi(viewer, kpi),
    }


def linked_kpis(key_result_ids: Sequence[int]) -> dict[int, KPI]:
    """Key result id → the KPI it follows, for those that follow one. One query."""
    links = KeyResultLink.objects.filter(key_result_id__in=key_result_ids).select_related(
        "kpi", "kpi__team"
    )
    return {link.key_result_id: link.kpi for link in links}


def linked_kpi(key_result: KeyResult) -> KPI | None:
    return linked_kpis([key_result.pk]).get(key_result.pk)


def to_key_result_page(viewer: Viewer, kpi: KPI) -> dict:
    """What the page turning a KPI into a key result needs: the active cycle (and whether a
    key result may join it), the objectives the viewer may add it to, the KPI's latest
    measurement and the form's initial values."""
    cycle = active_cycle()
    objectives = editable_objectives(viewer, cycle)
    latest = latest_measurement(kpi)
    return {
        "cycle": cycle,
        "can_add": cycle is not None and not cycle.is_closed,
        "objectives": objectives,
        "latest": latest,
        "initial": {
            "title": kpi.name,
            "start_value": latest.value if latest else None,
            "target_value": kpi.target_value,
        },
    }


def editable_objectives(viewer: Viewer, cycle: Cycle | None) -> list[Objective]:
    """The objectives of the cycle the viewer may add a key result to."""
    if cycle is None or cycle.status == Cycle.Status.CLOSED:
        return []
    objectives = (
        Objective.objects.filter(cycle=cycle)
        .filter(visible_objectives_q(viewer))
        .select_related("cycle", "team", "owner")
        .order_by("level", "team__path", "title")
    )
    return [objective for objective in objectives if can_edit_objective(viewer, objective)]


def stale_kpis_by_owner(today: datetime.date | None = None) -> dict[int, list[KPI]]:
    """Each owner's stale KPIs (owner id → KPIs by name), in one query.

    Stale exactly as kpis.health says: the latest period date is older than the frequency's
    fresh age, written as one SQL condition per frequency. KPIs without measurement are
    not stale (their status is none).
    """
    today = today or timezone.localdate()
    stale = Q()
    for frequency in KPI.Frequency.values:
        oldest_fresh = today - datetime.timedelta(days=health.max_fresh_age_days(frequency))
        stale |= Q(frequency=frequency, latest_period__lt=oldest_fresh)
    kpis = (
        KPI.objects.annotate(latest_period=Max("measurements__period_date"))
        .filter(stale, owner__is_active=True)
        .select_related("team")
        .order_by("owner_id", "name", "id")
    )
    by_owner: dict[int, list[KPI]] = defaultdict(list)
    for kpi in kpis:
        by_owner[kpi.owner_id].append(kpi)
    return dict(by_owner)


# The CSV import's preview ------------------------------------------------------------------

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class OutcomeBadge:
    """How the preview shows what importing a row would do."""

    pill: str  # the pill's colour class, empty for a plain pill
    label: str
    shows_previous: bool = False


OUTCOME_BADGES = {
    CREATED: OutcomeBadge(pill="pill-green", label=_("New")),
    UPDATED: OutcomeBadge(pill="pill-amber", label=_("Updated"), shows_previous=True),
    UNCHANGED: OutcomeBadge(pill="", label=_("Unchanged")),
}


@dataclass
class ImportPreview:
    rows: list[csvformat.Row]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[csvformat.Row]:
        return [row for row in self.rows if row.error]

    @property
    def is_valid(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def lines(self) -> list[tuple[csvformat.Row, OutcomeBadge | None]]:
        """Each row with its badge (None for a row in error)."""
        return [(row, OUTCOME_BADGES.get(row.outcome)) for row in self.rows]


def import_preview(*, kpi: KPI, text: str) -> ImportPreview:
    """Parse the CSV and say, row by row, what applying it would do (or what is wrong)."""
    rows = csvformat.parse_rows(text)
    dates = [row.period_date for row in rows if row.period_date is not None]
    existing = {
        measurement.period_date: measurement
        for measurement in Measurement.objects.filter(kpi=kpi, period_date__in=dates)
    }
    counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "errors": 0}
    for row in rows:
        if row.error:
            row.outcome = "error"
            counts["errors"] += 1
            continue
        current = existing.get(row.period_date)
        if current is None:
            row.outcome = CREATED
        elif current.value == row.value and current.note == row.note:
            row.outcome = UNCHANGED
        else:
            row.outcome = UPDATED
        row.previous = current.value if current else None
        counts[row.outcome] += 1
    return ImportPreview(rows=rows, counts=counts)


# The dashboard's KPI panel -------------------------------------------------------------

# From worst to best: a team row shows the worst status among its branch's KPIs.
WORST_FIRST = (health.RED, health.STALE, health.AMBER, health.GREEN)


@dataclass
class KPILine:
    """A KPI as the dashboard and the report show it: private ones count everywhere, their
    names show only to those allowed (`visible`)."""

    card: KPICard
    visible: bool
    status_week_ago: str = health.NONE

    @property
    def kpi(self) -> KPI:
        return self.card.kpi

    @property
    def status(self) -> str:
        return self.card.status

    @property
    def status_label(self) -> str:
        return self.card.status_label

    @property
    def status_week_ago_label(self) -> str:
        return STATUS_LABELS[self.status_week_ago]

    @property
    def status_changed(self) -> bool:
        return self.status_week_ago != self.status


@dataclass
class KPIOverview:
    lines: list[KPILine]
    counts: dict[str, int]
    worst_by_team: dict[int, str]  # team id: the worst status in its branch

    @property
    def alerts(self) -> list[KPILine]:
        return [line for line in self.lines if line.status in (health.RED, health.STALE)]

    @property
    def changed(self) -> list[KPILine]:
        return [line for line in self.lines if line.status_changed]

    def worst_label(self, team_id: int) -> str:
        status = self.worst_by_team.get(team_id)
        return STATUS_LABELS[status] if status else ""


def _status_on(kpi: KPI, measurements: list[Measurement], day: datetime.date) -> str:
    """The KPI's status as it stood on `day`: from its latest period up to that day."""
    latest = None
    for measurement in measurements:
        if measurement.period_date <= day:
            latest = measurement
    return kpi_status(kpi, latest, day)


def latest_by_kpi(
    kpi_ids: list[int], until: datetime.date | None = None
) -> dict[int, tuple[datetime.date, Decimal]]:
    """Each KPI's latest (period date, value), or its latest up to `until`: one query (a
    window), plain values."""
    if not kpi_ids:
        return {}
    rows = Measurement.objects.filter(kpi_id__in=kpi_ids)
    if until is not None:
        rows = rows.filter(period_date__lte=until)
    if connection.vendor == "postgresql":
        # DISTINCT ON walks the (KPI, period) unique index: a tenth of a window's time.
        rows = rows.order_by("kpi_id", "-period_date").distinct("kpi_id")
    else:
        rows = rows.annotate(
            rank=Window(RowNumber(), partition_by=[F("kpi_id")], order_by=F("period_date").desc())
        ).filter(rank=1)
    return {
        kpi_id: (day, value)
        for kpi_id, day, value in rows.values_list("kpi_id", "period_date", "value")
    }


def kpi_overview(
    viewer: Viewer,
    *,
    team: Team | None = None,
    today: datetime.date | None = None,
    with_history: bool = False,
) -> KPIOverview:
    """Every KPI of the organisation (or of `team` and its sub-teams), with its status now
    and a week ago, the counts by status and each team's worst. Private KPIs count in the
    figures and show masked to those who may not see them (can_view_kpi). Three queries: the
    KPIs, their latest values now and a week ago; `with_history` reads their last periods
    instead (the sparklines), in one."""
    today = today or timezone.localdate()
    kpis = (
        KPI.objects.select_related("team")
        # The panel and the report show neither definitions nor connectors' settings.
        .defer("definition", "source_config", "source_secret", "data_source")
        .order_by("team__path", "name", "id")
    )
    if team is not None:
        kpis = kpis.filter(team__path__startswith=team.path)
    kpis = list(kpis)
    ids = [kpi.pk for kpi in kpis]
    week_ago = today - datetime.timedelta(days=7)
    if with_history:
        recent = recent_measurements(ids)
    else:
        latest = latest_by_kpi(ids)
        recent = {
            kpi_id: [Measurement(kpi_id=kpi_id, period_date=day, value=value)]
            for kpi_id, (day, value) in latest.items()
        }
        before = latest_by_kpi(ids, until=week_ago)
    lines = []
    counts = dict.fromkeys(health.STATUSES, 0)
    worst_rank: dict[int, int] = {}
    for kpi in kpis:
        card = KPICard(kpi=kpi, recent=recent.get(kpi.pk, []))
        card.status = kpi_status(kpi, card.latest, today)
        if with_history:
            then = _status_on(kpi, card.recent, week_ago)
        else:
            day, value = before.get(kpi.pk, (None, None))
            then = _status(kpi, latest_value=value, latest_date=day, today=week_ago)
        lines.append(KPILine(card=card, visible=can_view_kpi(viewer, kpi), status_week_ago=then))
        counts[card.status] += 1
        if card.status in WORST_FIRST:
            rank = WORST_FIRST.index(card.status)
            for team_id in kpi.team.lineage_ids:
                worst_rank[team_id] = min(worst_rank.get(team_id, rank), rank)
    return KPIOverview(
        lines=lines,
        counts=counts,
        worst_by_team={team_id: WORST_FIRST[rank] for team_id, rank in worst_rank.items()},
    )


# The dashboard's KPI panel ----------------------------------------------------------------

SHOWN_ON_DASHBOARD = 10


@dataclass(frozen=True)
class StatusRow:
    """One KPI's statuses, as plain values: what kpi_health keeps for every KPI."""

    kpi_id: int
    team_path: str
    status: str
    status_week_ago: str
    latest_date: datetime.date | None
    latest_value: Decimal | None


@dataclass
class KPIHealth:
    """The KPIs' health for the dashboard: the counts by status and each team's worst over
    every KPI, and the first few in alert or stale and changed since a week ago, read in
    full (private ones masked by `visible`), with how many there are in all."""

    counts: dict[str, int]
    worst_by_team: dict[int, str]
    alerts: list[KPILine]
    alerts_total: int
    changed: list[KPILine]
    changed_total: int
    total: int

    def worst_label(self, team_id: int) -> str:
        status = self.worst_by_team.get(team_id)
        return STATUS_LABELS[status] if status else ""


def _status_rows(today: datetime.date) -> tuple[list[StatusRow], dict[int, str]]:
    """Every KPI's status now and a week ago, in the board's order, and each team's worst
    status over its branch (a team's path lists its lineage's ids): three queries, the KPIs
    as values and their latest values now and a week ago."""
    week_ago = today - datetime.timedelta(days=7)
    kpis = list(
        KPI.objects.order_by("team__path", "name", "id").values_list(
            "pk",
            "team__path",
            "direction",
            "target_value",
            "alert_threshold",
            "frequency",
        )
    )
    ids = [kpi[0] for kpi in kpis]
    latest, before = latest_by_kpi(ids), latest_by_kpi(ids, until=week_ago)
    rows, worst_rank = [], {}
    for pk, path, direction, target, threshold, frequency in kpis:
        rules = {
            "direction": direction,
            "target": target,
            "threshold": threshold,
            "frequency": frequency,
        }
        day, value = latest.get(pk, (None, None))
        then_day, then_value = before.get(pk, (None, None))
        status = health.status(**rules, latest_value=value, latest_date=day, today=today)
        then = health.status(**rules, latest_value=then_value, latest_date=then_day, today=week_ago)
        rows.append(StatusRow(pk, path, status, then, day, value))
        if status in WORST_FIRST:
            rank = WORST_FIRST.index(status)
            for team_id in (int(part) for part in path.split("/") if part):
                worst_rank[team_id] = min(worst_rank.get(team_id, rank), rank)
    return rows, {team_id: WORST_FIRST[rank] for team_id, rank in worst_rank.items()}


def kpi_health(
    viewer: Viewer,
    *,
    within: Team | None = None,
    today: datetime.date | None = None,
    shown: int = SHOWN_ON_DASHBOARD,
) -> KPIHealth:
    """The dashboard's KPI panel for the organisation or `within` a team's branch. The
    statuses are the same for every viewer: shared until the next write
    (okrapp.core.freshness), else three queries, and one for the KPIs shown."""
    today = today or timezone.localdate()
    rows, worst = freshness.cached("kpi_status_rows", lambda: _status_rows(today), today)
    if within is not None:
        rows = [row for row in rows if row.team_path.startswith(within.path)]
    counts = dict.fromkeys(health.STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    alerts = sorted(
        (row for row in rows if row.status in (health.RED, health.STALE)),
        key=lambda row: WORST_FIRST.index(row.status),
    )
    changed = sorted(
        (row for row in rows if row.status != row.status_week_ago),
        key=lambda row: WORST_FIRST.index(row.status) if row.status in WORST_FIRST else 9,
    )
    listed = alerts[:shown] + changed[:shown]
    listed_ids = [row.kpi_id for row in listed]
    by_id = freshness.cached(
        "kpi_health_shown",
        lambda: _shown_kpis(listed_ids),
        freshness.digest(listed_ids),
    )

    def line(row: StatusRow) -> KPILine:
        kpi = by_id[row.kpi_id]
        latest = (
            Measurement(kpi=kpi, period_date=row.latest_date, value=row.latest_value)
            if row.latest_date
            else None
        )
        card = KPICard(kpi=kpi, recent=[latest] if latest else [], status=row.status)
        return KPILine(card, can_view_kpi(viewer, kpi), status_week_ago=row.status_week_ago)

    return KPIHealth(
        counts=counts,
        worst_by_team=worst,
        alerts=[line(row) for row in alerts[:shown] if row.kpi_id in by_id],
        alerts_total=len(alerts),
        changed=[line(row) for row in changed[:shown] if row.kpi_id in by_id],
        changed_total=len(changed),
        total=len(rows),
    )


def _shown_kpis(ids: list[int]) -> dict[int, KPI]:
    kpis = KPI.objects.select_related("team").defer(
        "definition", "source_config", "source_secret", "data_source"
    )
    return kpis.in_bulk(ids)


def overview_within(overview: KPIOverview, team: Team) -> KPIOverview:
    """The part of `overview` in `team` and its sub-teams, counts recomputed."""
    lines = [line for line in overview.lines if line.kpi.team.path.startswith(team.path)]
    counts = dict.fromkeys(health.STATUSES, 0)
    for line in lines:
        counts[line.status] += 1
    return KPIOverview(lines=lines, counts=counts, worst_by_team=overview.worst_by_team)
