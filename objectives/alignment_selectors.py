"""The alignment page's reads: the tree opened level by level, whatever the cycle's size.

The page shows the company's objectives and the objectives not aligned yet (paged); a branch
shows its aligned objectives only when it is open. What is open comes from the address
(`?open=3,17`, so that the page works through links without JavaScript), else the path down
to the viewer's own objectives; `?focus=` opens the path to one objective (the search's
jump). A fixed number of queries whatever the number of objectives or the depth.

Who aligns with whom is the same for every viewer: the cycle's links (its `Links`) are read
once per write (okrapp.core.freshness) and each viewer's tree is cut from them in memory,
leaving out what the viewer may not see (objectives.permissions.can_view_objective). Only the
objectives shown are then read (objectives.alignment_drawings draws them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.paginator import Page, Paginator

from objectives.models import Objective
from objectives.permissions import can_view_objective, visible_objectives_q
from objectives.selectors import LEVEL_ORDER, ancestor_chains, visible_objectives
from okrapp.core import freshness
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer

UNALIGNED_PER_PAGE = 20
BRANCH_LIMIT = 12
SEARCH_LIMIT = 20
LINE_FIELDS = (
    "pk",
    "title",
    "level",
    "kind",
    "visibility",
    "score",
    "team__name",
    "owner__display_name",
    "owner__email",
)


class Link(NamedTuple):
    """What the tree needs of one objective, for every viewer: who may see it (the fields
    can_view_objective reads) and where it goes; `rank` is its place in the cycle ordered by
    team path and id (as the database collates the paths)."""

    pk: int
    parent_id: int | None
    level: str
    team_id: int
    owner_id: int
    visibility: str
    rank: int


@dataclass(frozen=True)
class Links:
    """The cycle's live objectives and who aligns with whom, shared by every viewer."""

    by_pk: dict[int, Link]
    companies: list[Link]
    by_owner: dict[int, list[int]]
    # Each objective's aligned ones, in the tree's order.
    children: dict[int, list[Link]]
    # The objectives below company level with no parent among the cycle's live ones.
    orphans: list[Link]
    # Private objectives with aligned ones: for a viewer who may not see such a parent,
    # its aligned ones are not aligned.
    private_parents: list[Link]


def _tree_order(link: Link) -> tuple[int, int]:
    return (LEVEL_ORDER[link.level], link.rank)


def _unaligned_order(link: Link) -> tuple[str, int]:
    # As the page has always listed them: by level's name, then team path and id.
    return (link.level, link.rank)


def _read_links(cycle_id: int) -> Links:
    rows = (
        Objective.objects.filter(cycle_id=cycle_id)
        .order_by("team__path", "id")
        .values_list("id", "parent_id", "level", "team_id", "owner_id", "visibility")
    )
    by_pk = {row[0]: Link(*row, rank) for rank, row in enumerate(rows)}
    children: dict[int, list[Link]] = {}
    by_owner: dict[int, list[int]] = {}
    companies, orphans = [], []
    for link in sorted(by_pk.values(), key=_tree_order):
        by_owner.setdefault(link.owner_id, []).append(link.pk)
        if link.level == Objective.Level.COMPANY:
            companies.append(link)
        if link.parent_id in by_pk:
            children.setdefault(link.parent_id, []).append(link)
        elif link.level != Objective.Level.COMPANY:
            orphans.append(link)
    private_parents = [
        by_pk[pk] for pk in children if by_pk[pk].visibility == Objective.Visibility.PRIVATE
    ]
    return Links(
        by_pk=by_pk,
        companies=companies,
        by_owner=by_owner,
        children=children,
        orphans=sorted(orphans, key=_unaligned_order),
        private_parents=private_parents,
    )


def cycle_links(cycle_id: int) -> Links:
    return freshness.cached("alignment_links", lambda: _read_links(cycle_id), cycle_id)


@dataclass
class AlignmentNode:
    pk: int
    level: str
    child_count: int = 0
    is_open: bool = False
    children: list[AlignmentNode] = field(default_factory=list)
    # The `open` value of the address with this branch opened or closed (no JavaScript).
    toggle: str = ""
    # What its line shows (LINE_FIELDS), read for the nodes shown only.
    row: dict | None = None

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
    # Drawn by objectives.alignment_drawings.
    roots_html: str = ""
    unaligned_html: str = ""


def parse_open(raw: str | None) -> set[int] | None:
    """`open=3,17` → {3, 17}; absent → None (the default path opens); junk ignored."""
    if raw is None:
        return None
    return {int(part) for part in raw.split(",") if part.strip().isdigit()}


class _Tree:
    """One viewer's cut of the cycle's links: only what they may see."""

    def __init__(self, viewer: Viewer, links: Links):
        self.viewer = viewer
        self.links = links

    def sees(self, link: Link) -> bool:
        return can_view_objective(self.viewer, link)

    def children(self, pk: int) -> list[Link]:
        return [link for link in self.links.children.get(pk, ()) if self.sees(link)]

    def roots(self) -> list[Link]:
        return [link for link in self.links.companies if self.sees(link)]

    def unaligned(self) -> list[Link]:
        """An objective whose parent the viewer may not see counts as not aligned for them."""
        found = [link for link in self.links.orphans if self.sees(link)]
        hidden_parents = [link for link in self.links.private_parents if not self.sees(link)]
        if not hidden_parents:
            return found
        for parent in hidden_parents:
            found += (
                link for link in self.children(parent.pk) if link.level != Objective.Level.COMPANY
            )
        return sorted(found, key=_unaligned_order)


def alignment_page(
    viewer: Viewer,
    cycle: Cycle,
    *,
    open_ids: set[int] | None = None,
    focus_id: int | None = None,
    query: str = "",
    page: int | str = 1,
) -> AlignmentPage:
    tree = _Tree(viewer, cycle_links(cycle.pk))
    # The path to the viewer's own objectives opens by default; `?open=` says otherwise.
    own = tree.links.by_owner.get(viewer.user.pk, []) if open_ids is None else []
    chains = ancestor_chains(cycle.pk, [*own, *([focus_id] if focus_id is not None else [])])
    if open_ids is None:
        open_ids = {pk for start in own for pk in chains.get(start, [])}
    if focus_id is not None and focus_id in chains:
        open_ids = open_ids | set(chains[focus_id])
    roots = [AlignmentNode(link.pk, link.level) for link in tree.roots()]
    unaligned_page = Paginator(tree.unaligned(), UNALIGNED_PER_PAGE).get_page(page)
    top = roots + [AlignmentNode(link.pk, link.level) for link in unaligned_page]
    wanted = open_ids | set(own) | ({focus_id} if focus_id is not None else set())
    shown = _open_branches(tree, top, open_ids, wanted=wanted)
    _read_lines(viewer, cycle, shown)
    matches = []
    if query.strip():
        matches = list(
            visible_objectives(viewer, cycle)
            .filter(title__icontains=query.strip())
            .order_by("title")[:SEARCH_LIMIT]
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
    tree = _Tree(viewer, cycle_links(parent.cycle_id))
    node = AlignmentNode(parent.pk, parent.level)
    shown = _open_branches(tree, [node], open_ids | {parent.pk}, depth_limit=1)
    _read_lines(viewer, parent.cycle, shown[1:])
    return node


def _read_lines(viewer: Viewer, cycle: Cycle, nodes: list[AlignmentNode]) -> None:
    """Give each node what its line shows: one query for them all."""
    if not nodes:
        return
    rows = {
        row["pk"]: row
        for row in Objective.objects.filter(cycle=cycle, pk__in=[node.pk for node in nodes])
        .filter(visible_objectives_q(viewer))
        .order_by()
        .values(*LINE_FIELDS)
    }
    for node in nodes:
        node.row = rows.get(node.pk)


def _joined(ids: set[int]) -> str:
    return ",".join(str(pk) for pk in sorted(ids))


def _first_children(links: list[Link], wanted: set[int]) -> list[Link]:
    """A branch's first BRANCH_LIMIT, in the tree's order, but for the `wanted` ones (the
    open path, the viewer's own, the one searched), which come first: a company objective
    with a thousand aligned ones shows a dozen."""
    if len(links) > BRANCH_LIMIT:
        links = sorted(links, key=lambda link: link.pk not in wanted)[:BRANCH_LIMIT]
        links.sort(key=_tree_order)
    return links


def _open_branches(
    tree: _Tree,
    top: list[AlignmentNode],
    open_ids: set[int],
    depth_limit: int | None = None,
    wanted: set[int] = frozenset(),
) -> list[AlignmentNode]:
    """Fill the open branches under `top` and every shown node's count of aligned
    objectives; the nodes shown, from the top down."""
    shown: list[AlignmentNode] = []
    level = list(top)
    depth = 0
    while level:
        shown += level
        below = []
        for node in level:
            children = tree.children(node.pk)
            node.child_count = len(children)
            if depth_limit is not None and depth >= depth_limit:
                continue
            if node.pk in open_ids and children:
                node.is_open = True
                node.children = [
                    AlignmentNode(link.pk, link.level) for link in _first_children(children, wanted)
                ]
                below += node.children
        level = below
        depth += 1
    for node in shown:
        toggled = open_ids - {node.pk} if node.is_open else open_ids | {node.pk}
        node.toggle = _joined(toggled)
    return shown
