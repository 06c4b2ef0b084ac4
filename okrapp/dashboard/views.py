"""The transparency pages: the dashboard (home), a team, a person. Everyone signed in sees
them; private objectives count in every score but their titles show only to those allowed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import request_viewer
from okrapp.core.selectors import current_cycle
from okrapp.core.weeks import week_of
from okrapp.dashboard import selectors


def _open_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("open", "")
    return int(raw) if raw.isdigit() else None


def dashboard(request: HttpRequest) -> HttpResponse:
    cycle = current_cycle(request)
    if cycle is None:
        return render(request, "okrapp/dashboard.html", {"cycle": None})
    org = selectors.organisation(cycle)
    company = org.company
    context = {"cycle": cycle, "org": org, "company": company}
    if company is not None:
        open_ids = selectors.open_lineage(org.teams, _open_id(request))
        score = org.scores[company.pk]
        key_results, checked_in = org.coverage.get(company.pk, (0, 0))
        attention, attention_total = (
            selectors.needs_attention(cycle, request_viewer(request))
            if cycle.status != Cycle.Status.CLOSED
            else ([], 0)
        )
        context.update(
            score=score,
            key_results=key_results,
            checked_in=checked_in,
            coverage=selectors.share(checked_in, key_results),
            confidence=selectors.confidence_slices(org.confidence),
            rows=org.rows_under(company, open_ids | {company.pk}),
            attention=attention,
            attention_total=attention_total,
            chart=selectors.trend_chart(
                selectors.team_snapshots(cycle, company.pk),
                cycle=cycle,
                live=score,
                rolled_up_label=_("Company score (everything)"),
                own_label=_("Company objectives"),
            ),
            week_start=week_of().start,
        )
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
    context: dict = {"team": team, "cycle": cycle}
    context["lineage"] = list(Team.objects.filter(pk__in=team.ancestor_ids).order_by("path"))
    if cycle is not None:
        org = selectors.organisation(cycle)
        viewer = request_viewer(request)
        score = org.scores[team.pk]
        key_results, checked_in = org.coverage.get(team.pk, (0, 0))
        context.update(
            score=score,
            key_results=key_results,
            checked_in=checked_in,
            coverage=selectors.share(checked_in, key_results),
            sub_teams=org.rows_under(team),
            objectives=selectors.team_objectives(cycle, team, viewer),
            members=selectors.team_members(cycle, team),
            chart=selectors.trend_chart(
                selectors.team_snapshots(cycle, team.pk),
                cycle=cycle,
                live=score,
                rolled_up_label=_("Rolled-up score"),
                own_label=_("Own score"),
            ),
        )
    return render(request, "okrapp/team_detail.html", context)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    cycle = current_cycle(request)
    memberships = list(
        person.memberships.select_related("team").order_by("-is_primary", "team__path")
    )
    context: dict = {
        "person": person,
        "cycle": cycle,
        "memberships": memberships,
        "streak": selectors.checkin_streak(person),
        "today": timezone.localdate(),
    }
    if cycle is not None:
        viewer = request_viewer(request)
        tally = selectors.person_tallies(cycle.pk, [person.pk]).get(
            person.pk, selectors.rollup.EMPTY
        )
        context.update(
            score=tally.mean,
            scored=tally.count,
            objectives=selectors.person_objectives(cycle, person, viewer),
            other_key_results=selectors.key_results_owned_elsewhere(cycle, person, viewer),
            chart=selectors.trend_chart(
                selectors.person_snapshots(cycle, person.pk),
                cycle=cycle,
                live=tally,
                rolled_up_label=_("Personal score"),
            ),
        )
    return render(request, "okrapp/person_detail.html", context)
