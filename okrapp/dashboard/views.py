"""The transparency pages: the dashboard (home), a team, a person. Everyone signed in sees
them; private objectives count in every score but their titles show only to those allowed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from objectives.cycles import counts_in_rollups
from okrapp.core import numbers
from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import request_viewer
from okrapp.core.selectors import current_cycle
from okrapp.dashboard import review, selectors
from okrapp.integrations.permissions import can_manage_channels


def _open_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("open", "")
    return numbers.parse_id(raw)


def dashboard(request: HttpRequest) -> HttpResponse:
    cycle = current_cycle(request)
    # A planning cycle's drafts count in no score until it starts (objectives.cycles).
    context: dict = {
        "cycle": cycle,
        "is_draft": cycle is not None and not counts_in_rollups(cycle.status),
    }
    if cycle is not None and not context["is_draft"]:
        page = selectors.dashboard_page(cycle, request_viewer(request), open_id=_open_id(request))
        context.update(page)
    return render(request, "okrapp/dashboard.html", context)


def team_children(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch of the dashboard's team tree (htmx); without htmx, the dashboard opened there."""
    team = get_object_or_404(Team, pk=pk)
    if not request.htmx:
        return redirect(f"{reverse('dashboard')}?open={team.pk}#team-{team.pk}")
    cycle = current_cycle(request)
    if cycle is None:
        return HttpResponse("")
    org = selectors.organisation(cycle)
    return render(
        request,
        "okrapp/dashboard.html#team-branch",
        {"cycle": cycle, "rows": org.rows_under(team), "branch_of": team},
    )


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    cycle = current_cycle(request)
    viewer = request_viewer(request)
    context = {"team": team, "cycle": cycle}
    context["can_manage_channels"] = can_manage_channels(viewer, team)
    context.update(selectors.team_page(cycle, team, viewer))
    return render(request, "okrapp/team_detail.html", context)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    cycle = current_cycle(request)
    context = {"person": person, "cycle": cycle}
    context.update(selectors.person_page(cycle, person, request_viewer(request)))
    return render(request, "okrapp/person_detail.html", context)


def cycle_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The quarterly review: everyone signed in reads it (transparency); it names no
    objective, so private ones count without showing."""
    cycle = get_object_or_404(Cycle, pk=pk)
    context = {"cycle": cycle, "reviews": review.cycle_review(cycle)}
    return render(request, "okrapp/review.html", context)
