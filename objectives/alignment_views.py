"""The alignment page: the company's objectives down to each team's and each person's, one
level at a time (objectives.alignment_selectors)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from objectives import alignment_drawings, permissions
from objectives.alignment_selectors import alignment_branch as branch_of
from objectives.alignment_selectors import alignment_page, parse_open
from okrapp.core.numbers import parse_id
from okrapp.core.permissions import request_viewer
from okrapp.core.selectors import current_cycle


@require_GET
def alignment(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    cycle = current_cycle(request)
    tree = None
    if cycle is not None:
        tree = alignment_page(
            viewer,
            cycle,
            open_ids=parse_open(request.GET.get("open")),
            focus_id=parse_id(request.GET.get("focus")),
            query=request.GET.get("q", "")[:200],
            page=request.GET.get("page", 1),
        )
        alignment_drawings.draw_page(tree)
    return render(request, "objectives/alignment.html", {"cycle": cycle, "tree": tree})


@require_GET
def alignment_branch(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's aligned objectives (htmx); without htmx, the page with that branch open."""
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk)
    open_ids = parse_open(request.GET.get("open")) or set()
    if not request.htmx:
        value = ",".join(str(i) for i in sorted(open_ids | {objective.pk}))
        return redirect(f"{reverse('objectives:alignment')}?open={value}#objective-{pk}")
    context = {"node": alignment_drawings.draw_branch(branch_of(viewer, objective, open_ids))}
    return render(request, "objectives/_tree_children.html", context)
