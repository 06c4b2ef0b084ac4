"""The alignment page's reads: the tree opened level by level, whatever the cycle's size.

The page shows the company's objectives and the objectives not aligned yet (paged); a branch
shows its aligned objectives only when it is open. What is open comes from the address
(`?open=3,17`, so that the page works through links without JavaScript), else the path down
to the viewer's own objectives; `?focus=` opens the path to one objective (the search's
jump). A fixed number of queries whatever the number of objectives or the depth."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber

from objectives.models import Objective
from objectives.selectors import (
    BOARD_UNSHOWN,
    LEVEL_ORDER,
    ancestor_chains,
    visible_objectives,
)
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer

UNALIGNED_PER_PAGE = 20
BRANCH_LIMIT = 12
SEARCH_LIMIT = 20


@dataclass
class AlignmentNode:
    objective: Objective
    child_count: int = 0
    is_open: bool = False
    children: list[AlignmentNode] = field(default_factory=list)
    # The `open` value of the address with this branch opened or closed (no JavaScript).
    toggle: str = ""

    @property
    def more_children(self) -> int:
        return max(0, self.child_count - len(self.children)) if self.is_open else 0


@dataclass
class AlignmentPage:
    roots: list[AlignmentNode]
    unaligned: list[AlignmentNode]
    unaligned_page: Page
    open_value: str
    focus_id: int | None = None
    matches: list[Objective] = field(default_factory=list)
    query: str = ""


def parse_open(raw: str | None) -> set[int] | None:
    """`open=3,17` → {3, 17}; absent → None (the default path opens); junk ignored."""
    if raw is None:
        return None
    return {int(part) for part in raw.split(",") if part.strip().isdigit()}


def _ordered(objectives) -> list[Objective]:
    return sorted(objectives, key=lambda o: (LEVEL_ORDER[o.level], o.team.path, o.pk))


def alignment_page(
    viewer: Viewer,
    cycle: Cycle,
    *,
    open_ids: set[int] | None = None,
    focus_id: int | None = None,
    query: str = "",
    page: int | str = 1,
) -> AlignmentPage:
    visible = visible_objectives(viewer, cycle).defer(*BOARD_UNSHOWN)
    # The path to the viewer's own objectives opens by default; `?open=` says otherwise.
    own = (
        list(visible.filter(owner_id=viewer.user.pk).values_list("id", flat=True))
        if open_ids is None
        else []
    )
    chains = ancestor_chains(cycle.pk, [*own, *([focus_id] if focus_id is not None else [])])
    if open_ids is None:
        open_ids = {pk for start in own for pk in chains.get(start, [])}
    if focus_id is not None and focus_id in chains:
        open_ids = open_ids | set(chains[focus_id])
    roots = _ordered(visible.filter(level=Objective.Level.COMPANY))
    # An objective whose parent the viewer may not see counts as not aligned for them.
    unaligned = (
        visible.exclude(level=Objective.Level.COMPANY)
        .filter(Q(parent__isnull=True) | ~Q(parent_id__in=visible.values("id")))
        .order_by("level", "team__path", "id")
    )
    unaligned_page = Paginator(unaligned, UNALIGNED_PER_PAGE).get_page(page)
    top = [AlignmentNode(o) for o in roots] + [AlignmentNode(o) for o in unaligned_page]
    wanted = open_ids | set(own) | ({focus_id} if focus_id is not None else set())
    _open_branches(viewer, cycle, top, open_ids, wanted=wanted)
    matches = []
    if query.strip():
        matches = list(
            visible.filter(title__icontains=query.strip()).order_by("title")[:SEARCH_LIMIT]
        )
    return AlignmentPage(
        roots=top[: len(roots)],
        unaligned=top[len(roots) :],
        unaligned_page=unaligned_page,
        open_value=_joined(open_ids),
        focus_id=focus_id,
        matches=matches,
        query=query.strip(),
    )


def alignment_branch(viewer: Viewer, parent: Objective, open_ids: set[int]) -> AlignmentNode:
    """One branch, opened (the htmx answer of its toggle): its aligned objectives, closed."""
    node = AlignmentNode(parent)
    _open_branches(viewer, parent.cycle, [node], open_ids | {parent.pk}, depth_limit=1)
    return node


def _joined(ids: set[int]) -> str:
    return ",".join(str(pk) for pk in sorted(ids))


def _open_branches(
    viewer: Viewer,
    cycle: Cycle,
    top: list[AlignmentNode],
    open_ids: set[int],
    depth_limit: int | None = None,
    wanted: set[int] = frozenset(),
) -> None:
    """Fill the open branches under `top` and every shown node's count of aligned
    objectives: two queries, whatever the depth (the open branches' children at once)."""
    visible = visible_objectives(viewer, cycle).defer(*BOARD_UNSHOWN)
    children_of: dict[int, list[Objective]] = {}
    if open_ids:
        level_rank = Case(
            *(When(level=level, then=Value(rank)) for level, rank in LEVEL_ORDER.items()),
            output_field=IntegerField(),
        )
        # Each open branch's first BRANCH_LIMIT only, in the tree's order, but for the
        # `wanted` ones (the open path, the viewer's own, the one searched), which come first:
        # a company objective with a thousand aligned ones reads a dozen.
        is_wanted = Case(When(pk__in=wanted, then=Value(0)), default=Value(1))
        first_children = visible.filter(parent_id__in=open_ids).annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("parent_id"),
                order_by=[is_wanted, level_rank, F("team__path"), F("pk")],
            )
        )
        for child in _ordered(first_children.filter(rank__lte=BRANCH_LIMIT)):
            children_of.setdefault(child.parent_id, []).append(child)
    shown: list[AlignmentNode] = []
    level = list(top)
    depth = 0
    while level:
        shown += level
        if depth_limit is not None and depth >= depth_limit:
            break
        below = []
        for node in level:
            if node.objective.pk in open_ids and node.objective.pk in children_of:
                node.is_open = True
                node.children = [
                    AlignmentNode(child) for child in children_of[node.objective.pk][:BRANCH_LIMIT]
                ]
                below += node.children
        level = below
        depth += 1
    counts = dict(
        visible.filter(parent_id__in=[node.objective.pk for node in shown])
        .values("parent_id")
        .annotate(count=Count("id"))
        .values_list("parent_id", "count")
    )
    for node in shown:
        node.child_count = counts.get(node.objective.pk, 0)
        node.is_open = node.is_open and node.child_count > 0
        toggled = open_ids - {node.objective.pk} if node.is_open else open_ids | {node.objective.pk}
        node.toggle = _joined(toggled)
