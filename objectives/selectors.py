"""Reads about objectives shared by pages, API and tasks; a fixed number of queries each."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.functional import cached_property

from objectives import cycles
from objectives.models import Initiative, KeyResult, Objective
from objectives.permissions import (
    can_manage_initiatives,
    visible_objectives_q,
)
from okrapp.core import freshness
from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import Viewer

LEVEL_ORDER = {Objective.Level.COMPANY: 0, Objective.Level.TEAM: 1, Objective.Level.INDIVIDUAL: 2}


def initiatives_prefetch() -> Prefetch:
    return Prefetch("initiatives", queryset=Initiative.objects.select_related("owner"))


def visible_objectives(viewer: Viewer, cycle: Cycle) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(cycle=cycle)
        .filter(visible_objectives_q(viewer))
        .select_related("owner", "team", "cycle")
    )


def filter_objectives(
    queryset: QuerySet[Objective],
    *,
    team: Team | None = None,
    owner: User | None = None,
    level: str = "",
    kind: str = "",
    q: str = "",
) -> QuerySet[Objective]:
    """The board's filters. A team includes its sub-teams; the text looks in titles,
    descriptions and key result titles."""
    if team is not None:
        queryset = queryset.filter(team__path__startswith=team.path)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if level:
        queryset = queryset.filter(level=level)
    if kind:
        queryset = queryset.filter(kind=kind)
    if q:
        matching_key_result = KeyResult.objects.filter(objective=OuterRef("pk"), title__icontains=q)
        queryset = queryset.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Exists(matching_key_result)
        )
    return queryset


BOARD_UNSHOWN = ("description", "went_well", "went_badly", "learned")


@dataclass
class BoardEntry:
    """An objective on the board: which it is, where it goes, and its card (objectives.cards)."""

    pk: int
    team_id: int | None = None
    card_html: str = ""


@dataclass
class TeamGroup:
    team: Team
    depth: int
    objectives: list[BoardEntry] = field(default_factory=list)


@dataclass
class Board:
    company: list[BoardEntry]
    teams: list[TeamGroup]
    mine: list[BoardEntry]
    # The teams' objectives are paged: a large organisation has thousands.
    page: Page | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.company or self.teams or self.mine)

    @property
    def objectives(self) -> list[BoardEntry]:
        return [
            *self.company,
            *(objective for group in self.teams for objective in group.objectives),
            *self.mine,
        ]

    @property
    def count(self) -> int:
        teams_count = (
            self.page.paginator.count
            if self.page is not None
            else sum(len(group.objectives) for group in self.teams)
        )
        return len(self.company) + teams_count + len(self.mine)


BOARD_PAGE_SIZE = 20


def _lineage_ids(path: str) -> list[int]:
    return [int(part) for part in path.split("/") if part]


class _CountedPaginator(Paginator):
    """A paginator told its count (kept until the next write), not counting the rows again."""

    def __init__(self, object_list, per_page, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def _visibility_digest(viewer: Viewer) -> str:
    """What decides which objectives the board counts for the viewer: what they may see
    (visible_objectives_q) less their own individual objectives, for an admin too."""
    if viewer.is_admin:
        return f"admin-{viewer.user.pk}"
    return f"{viewer.user.pk}-" + ".".join(map(str, sorted(viewer.member_team_ids)))


def _filters_digest(filters: dict) -> str:
    values = {name: getattr(value, "pk", value) for name, value in filters.items() if value}
    return hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:32]


def board(viewer: Viewer, cycle: Cycle, *, page: int | str = 1, **filters) -> Board:
    """The OKR board: company objectives, then each team's (team and individual objectives of
    others, as a tree in team path order, ancestors kept as headings, one page at a time),
    then the viewer's own individual objectives. The company's and the viewer's own
    objectives are shown on the first page only.

    Only ids are read here (what the viewer may see, in which order): the cards come from
    objectives.cards, drawn from their own objective's values."""
    visible = filter_objectives(visible_objectives(viewer, cycle), **filters)
    own = Q(level=Objective.Level.INDIVIDUAL, owner=viewer.user)
    others = (
        visible.exclude(level=Objective.Level.COMPANY)
        .exclude(own)
        .annotate(
            level_rank=Case(When(level=Objective.Level.TEAM, then=Value(0)), default=Value(1))
        )
        .order_by("team__path", "level_rank", "id")
        .values_list("pk", "team_id", "team__path")
    )
    count = freshness.cached(
        "board_count",
        visible.exclude(level=Objective.Level.COMPANY).exclude(own).order_by().count,
        cycle.pk,
        _visibility_digest(viewer),
        _filters_digest(filters),
    )
    page_obj = _CountedPaginator(others, BOARD_PAGE_SIZE, count=count).get_page(page)
    on_page = list(page_obj.object_list)
    company, mine = [], []
    if page_obj.number == 1:
        company = [
            BoardEntry(pk, team_id)
            for pk, team_id in visible.filter(level=Objective.Level.COMPANY)
            .order_by("id")
            .values_list("pk", "team_id")
        ]
        mine = [
            BoardEntry(pk, team_id)
            for pk, team_id in visible.filter(own).order_by("id").values_list("pk", "team_id")
        ]

    by_team: dict[int, list[BoardEntry]] = defaultdict(list)
    for pk, team_id, _path in on_page:
        by_team[team_id].append(BoardEntry(pk, team_id))
    # The page's teams and their ancestors, as headings: read from the paths, not the tree.
    shown_team_ids = {pk for _pk, _team, path in on_page for pk in _lineage_ids(path)}
    groups = [
        TeamGroup(team=team, depth=max(team.depth - 1, 0), objectives=by_team.get(team.pk, []))
        for team in Team.objects.filter(pk__in=shown_team_ids).order_by("path")
        if not team.is_company
    ]
    return Board(company=company, teams=groups, mine=mine, page=page_obj)


ANCESTORS_SQL = """
WITH RECURSIVE chain (start_id, id, parent_id, depth) AS (
    SELECT id, id, parent_id, 0 FROM {table} WHERE cycle_id = %s AND id IN ({starts})
    UNION ALL
    SELECT chain.start_id, parent.id, parent.parent_id, chain.depth + 1
    FROM {table} parent JOIN chain ON parent.id = chain.parent_id
    WHERE chain.depth < %s
)
SELECT start_id, id FROM chain ORDER BY start_id, depth
"""
MAX_ALIGNMENT_DEPTH = 64


def ancestor_chains(cycle_id: int, pks) -> dict[int, list[int]]:
    """Each of the cycle's objectives among `pks` with the ids it aligns to, its parent
    first: one recursive query that walks up from those objectives only, not the cycle's
    thousands of links (an objective missing from the cycle has no entry)."""
    pks = [int(pk) for pk in pks]
    if not pks:
        return {}
    sql = ANCESTORS_SQL.format(
        table=connection.ops.quote_name(Objective._meta.db_table),
        starts=", ".join(["%s"] * len(pks)),
    )
    chains: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle_id, *pks, MAX_ALIGNMENT_DEPTH])
        for start_id, pk in cursor.fetchall():
            chain = chains.setdefault(start_id, [])
            if pk != start_id and pk not in chain:
                chain.append(pk)
    return chains


def key_result_initiatives(viewer: Viewer, key_result: KeyResult) -> KeyResult:
    """The key result with its initiatives (and their owners) loaded, and `can_manage`."""
    prefetch_related_objects([key_result], initiatives_prefetch())
    key_result.can_manage = can_manage_initiatives(viewer, key_result)
    return key_result


def parent_choices(viewer: Viewer, cycle: Cycle, *, exclude_pk: int | None = None):
    """Objectives one may align to in a cycle: company and team objectives one can see."""
    queryset = (
        visible_objectives(viewer, cycle)
        .exclude(level=Objective.Level.INDIVIDUAL)
        .order_by("level", "team__path", "title")
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset


def objectives_count(*, cycle: Cycle, owner_id: int | None, level: str, exclude_pk=None) -> int:
    """How many objectives an owner has at a level in a cycle (for the coach)."""
    if owner_id is None or not level:
        return 0
    queryset = Objective.objects.filter(cycle=cycle, owner_id=owner_id, level=level)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.count()


# --- The quarter's loop ---------------------------------------------------------------------


@dataclass(frozen=True)
class MovePreview:
    """What moving a cycle forward does, said before it is done."""

    target: str
    objectives: int
    stale_key_results: int
    ungraded_objectives: int
    undecided_objectives: int
    replaced: Cycle | None


def ungraded_objectives_q(prefix: str = "") -> Q:
    """Objectives still to grade: no retrospective written yet (their key results' final
    grades start at the scores, so an owner who agrees only writes the retrospective)."""
    return Q(**{f"{prefix}went_well": "", f"{prefix}went_badly": "", f"{prefix}learned": ""})


def cycle_move_preview(cycle: Cycle, target: str) -> MovePreview:
    """Counts for the confirmation of a move (four queries)."""
    objectives = Objective.objects.filter(cycle=cycle)
    stale_before = timezone.now() - cycles.STALE_AFTER
    stale = KeyResult.objects.filter(objective__cycle=cycle).filter(
        Q(last_checkin_at__isnull=True) | Q(last_checkin_at__lt=stale_before)
    )
    ungraded = objectives.filter(ungraded_objectives_q())
    return MovePreview(
        target=target,
        objectives=objectives.count(),
        stale_key_results=stale.count(),
        ungraded_objectives=ungraded.count(),
        undecided_objectives=objectives.filter(carry_over__isnull=True).count(),
        replaced=(
            Cycle.objects.filter(status=Cycle.Status.ACTIVE).exclude(pk=cycle.pk).first()
            if target == Cycle.Status.ACTIVE
            else None
        ),
    )


def gradable_objectives(viewer: Viewer, cycle: Cycle) -> list[Objective]:
    """The objectives of a cycle the viewer grades: their own, those of the teams they lead
    (and below), those where they own a key result (they grade it), every one for admins;
    with key results and carry-over (three queries)."""
    queryset = visible_objectives(viewer, cycle)
    if not viewer.is_admin:
        subtree = Q(owner=viewer.user) | Q(
            pk__in=KeyResult.objects.filter(owner=viewer.user).values("objective_id")
        )
        for path in Team.objects.filter(pk__in=viewer.lead_team_ids).values_list("path", flat=True):
            subtree |= Q(team__path__startswith=path)
        queryset = queryset.filter(subtree)
    objectives = list(
        queryset.select_related("carry_over__target__cycle", "carried_from__source__cycle")
        .prefetch_related(
            Prefetch("key_results", queryset=KeyResult.objects.order_by("position", "id"))
        )
        .order_by("team__path", "level", "id")
    )
    for objective in objectives:
        objective.meets_expectation = cycles.meets_expectation(
            kind=objective.kind, score=objective.final_score
        )
    return objectives


def carry_over_cycles(cycle: Cycle) -> QuerySet[Cycle]:
    """The cycles an objective of `cycle` may be carried into: planning or active ones."""
    return (
        Cycle.objects.filter(status__in=[Cycle.Status.PLANNING, Cycle.Status.ACTIVE])
        .exclude(pk=cycle.pk)
        .order_by("start_date")
    )


def writable_cycles(viewer: Viewer) -> list[Cycle]:
    """The cycles the editor may draft an objective in (planning and active)."""
    return list(
        Cycle.objects.filter(status__in=[Cycle.Status.PLANNING, Cycle.Status.ACTIVE]).order_by(
            "start_date"
        )
    )
