"""The transparency pages: the dashboard (home), a team, a person. Everyone signed in sees
them; private objectives count in every score but their titles show only to those allowed."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from objectives.cycles import counts_in_rollups
from okrapp.core import numbers
from okrapp.core.db_routers import replica_reads
from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import request_viewer
from okrapp.core.selectors import current_cycle
from okrapp.dashboard import pdf, review, sections, selectors, services, team_drawings
from okrapp.dashboard import report as report_rules
from okrapp.dashboard.attention import attention_page
from okrapp.dashboard.forms import AttentionFilterForm, ScopeForm
from okrapp.dashboard.permissions import get_report_file_for_user
from okrapp.integrations.permissions import can_manage_channels


def _open_id(request: HttpRequest) -> int | None:
    raw = request.GET.get("open", "")
    return numbers.parse_id(raw)


@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    cycle = current_cycle(request)
    form = ScopeForm(request.GET or None)
    # A planning cycle's drafts count in no score until it starts (objectives.cycles).
    context: dict = {
        "cycle": cycle,
        "form": form,
        "is_draft": cycle is not None and not counts_in_rollups(cycle.status),
    }
    if cycle is not None and not context["is_draft"]:
        page = selectors.dashboard_page(
            cycle, request_viewer(request), open_id=_open_id(request), team=form.scope()
        )
        context.update(page)
        if "scope" in page:
            context["drawn"] = sections.draw_sections(context)
    return render(request, "okrapp/dashboard.html", context)


@replica_reads
def attention_list(request: HttpRequest) -> HttpResponse:
    """Every key result that needs attention, filtered by team, owner and reason, paged."""
    cycle = current_cycle(request)
    form = AttentionFilterForm(request.GET or None)
    context: dict = {"cycle": cycle, "form": form, "attention": None}
    if cycle is not None and counts_in_rollups(cycle.status) and not cycle.is_closed:
        context["attention"] = attention_page(
            cycle,
            request_viewer(request),
            page=numbers.parse_id(request.GET.get("page", "")) or 1,
            **form.filters(),
        )
    return render(request, "okrapp/attention.html", context)


@replica_reads
def team_children(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch of the dashboard's team tree (htmx); without htmx, the dashboard opened there."""
    team = get_object_or_404(Team, pk=pk)
    if not request.htmx:
        return redirect(f"{reverse('dashboard')}?open={team.pk}#team-{team.pk}")
    cycle = current_cycle(request)
    if cycle is None:
        return HttpResponse("")
    org = selectors.organisation(cycle, request_viewer(request))
    return render(
        request,
        "okrapp/dashboard.html#team-branch",
        {"cycle": cycle, "rows": org.rows_under(team), "branch_of": team},
    )


@replica_reads
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    cycle = current_cycle(request)
    viewer = request_viewer(request)
    context = {"team": team, "cycle": cycle}
    context["can_manage_channels"] = can_manage_channels(viewer, team)
    context.update(selectors.team_page(cycle, team, viewer))
    if cycle is not None:
        context.update(team_drawings.team_lists(context))
    return render(request, "okrapp/team_detail.html", context)


@replica_reads
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    cycle = current_cycle(request)
    context = {"person": person, "cycle": cycle}
    context.update(selectors.person_page(cycle, person, request_viewer(request)))
    return render(request, "okrapp/person_detail.html", context)


@replica_reads
def cycle_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The quarterly review: everyone signed in reads it (transparency); it names no
    objective, so private ones count without showing."""
    cycle = get_object_or_404(Cycle, pk=pk)
    context = {"cycle": cycle, "reviews": review.cycle_review(cycle)}
    return render(request, "okrapp/review.html", context)


def _report_scope(request: HttpRequest):
    form = ScopeForm(request.GET or None)
    return form, form.scope()


@replica_reads
def report(request: HttpRequest) -> HttpResponse:
    """The quarterly report of the chosen cycle, for the company or a team's branch; the
    print style sheet makes it a document, the PDF link makes one."""
    cycle = current_cycle(request)
    form, team = _report_scope(request)
    context: dict = {"cycle": cycle, "form": form}
    if cycle is not None:
        context.update(report_rules.quarterly_report(cycle, request_viewer(request), team=team))
        context["cycle"] = cycle
    return render(request, "okrapp/report.html", context)


# The PDF pages read the primary: a report file just requested may not be on the replica yet.
@require_http_methods(["GET", "POST"])
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The PDF: made at once for a small scope; for a large one, a POST hands it to a
    worker and the reader follows its progress."""
    cycle = current_cycle(request)
    if cycle is None:
        raise Http404
    form, team = _report_scope(request)
    scope = team or Team.company()
    if scope is None:
        raise Http404
    viewer = request_viewer(request)
    language = translation.get_language() or settings.LANGUAGE_CODE
    if request.method == "POST":
        report_file = services.report_file_request(
            viewer=viewer, cycle=cycle, team=scope, language=language
        )
        return redirect("report_file", report_file.pk)
    if report_rules.objective_count(cycle, scope) > report_rules.DIRECT_PDF_LIMIT:
        context = {"cycle": cycle, "scope": scope, "form": form}
        return render(request, "okrapp/report_pdf_request.html", context)
    data = report_rules.quarterly_report(cycle, viewer, team=scope)
    return _pdf_response(pdf.report_pdf(data, language), cycle, scope)


def _pdf_response(document: bytes, cycle: Cycle, scope: Team) -> HttpResponse:
    response = HttpResponse(document, content_type="application/pdf")
    name = slugify(f"{cycle.name} {scope.name}") or "report"
    response["Content-Disposition"] = f'attachment; filename="report-{name}.pdf"'
    return response


def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A PDF being made: its progress (htmx polls the partial), then its download link."""
    report_file = get_report_file_for_user(request_viewer(request), pk)
    context = {"report_file": report_file}
    if request.htmx:
        return render(request, "okrapp/report_file.html#report-progress", context)
    return render(request, "okrapp/report_file.html", context)


def report_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    report_file = get_report_file_for_user(request_viewer(request), pk)
    if not report_file.is_done:
        return redirect("report_file", report_file.pk)
    return _pdf_response(bytes(report_file.pdf), report_file.cycle, report_file.team)
