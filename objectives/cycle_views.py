"""The quarter's pages: cycle management (admins), the grading page of a cycle (grades,
retrospectives, carry-over decisions), each change behind the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from objectives import cycle_services, grading_services, permissions, selectors
from objectives import cycles as rules
from objectives.cycle_forms import CarryOverForm, CycleForm, KeyResultGradeForm, RetrospectiveForm
from objectives.models import CarryOver, Objective
from okrapp.core.forms import add_service_errors, form_status
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer, request_viewer


def _admin(request: HttpRequest) -> Viewer:
    viewer = request_viewer(request)
    if not viewer.is_admin:
        raise PermissionDenied
    return viewer


def cycle_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    cycles = list(Cycle.objects.order_by("-start_date"))
    for cycle in cycles:
        cycle.next_status = rules.next_status(cycle.status)
        cycle.next_label = Cycle.Status(cycle.next_status).label if cycle.next_status else ""
    return render(request, "objectives/cycles.html", {"cycles": cycles})


@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    viewer = _admin(request)
    form = CycleForm(request.POST or None, initial=Cycle.suggested())
    if request.method == "POST" and form.is_valid():
        try:
            cycle = cycle_services.cycle_create(viewer=viewer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The cycle %(name)s is created, in planning.") % {"name": cycle}
            )
            return redirect("objectives:cycles")
    status = form_status(request, refused=request.method == "POST")
    return render(request, "objectives/cycle_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    cycle = get_object_or_404(Cycle, pk=pk)
    if cycle.is_closed:
        raise PermissionDenied
    form = CycleForm(request.POST or None, instance=Cycle.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            cycle_services.cycle_update(viewer=viewer, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cycle %(name)s is saved.") % {"name": cycle})
            return redirect("objectives:cycles")
    status = form_status(request, refused=request.method == "POST")
    context = {"form": form, "cycle": cycle}
    return render(request, "objectives/cycle_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cycle_move(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    """The confirmation of a move (what it does, in numbers), then the move."""
    viewer = _admin(request)
    cycle = get_object_or_404(Cycle, pk=pk)
    if target not in Cycle.Status.values or not rules.may_move(cycle.status, target):
        raise Http404
    if request.method == "POST":
        try:
            cycle_services.cycle_move(viewer=viewer, cycle=cycle, target=target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is now %(status)s.")
                % {"name": cycle, "status": Cycle.Status(target).label.lower()},
            )
        return redirect("objectives:cycles")
    preview = selectors.cycle_move_preview(cycle, target)
    return render(request, "objectives/cycle_move.html", {"cycle": cycle, "preview": preview})


def _grading_forms(viewer: Viewer, objective: Objective, data=None) -> None:
    """Attach the objective's forms (and what the viewer may do) for the grading page."""
    objective.can_grade = permissions.can_grade_objective(viewer, objective)
    for kr in objective.key_results.all():
        kr.can_grade = permissions.can_grade_key_result(viewer, kr)
        kr.grade_form = KeyResultGradeForm(
            data,
            prefix=f"kr-{kr.pk}",
            initial={"final_score": kr.final_score, "grade_note": kr.grade_note},
        )
    objective.retro_form = RetrospectiveForm(
        data, instance=objective, prefix=f"retro-{objective.pk}"
    )
    objective.can_carry_over = permissions.can_carry_over(viewer, objective) and not hasattr(
        objective, "carry_over"
    )


def grading(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    cycle = get_object_or_404(Cycle, pk=pk)
    objectives = selectors.gradable_objectives(viewer, cycle)
    into = list(selectors.carry_over_cycles(cycle))
    for objective in objectives:
        _grading_forms(viewer, objective)
        objective.carry_form = CarryOverForm(
            cycles=into,
            prefix=f"carry-{objective.pk}",
            initial={"cycle": into[0].pk if into else ""},
        )
    context = {"cycle": cycle, "objectives": objectives, "takes_grades": cycle.is_grading}
    return render(request, "objectives/grading.html", context)


def _back_to(objective: Objective) -> str:
    return f"{reverse('objectives:grading', args=[objective.cycle_id])}#objective-{objective.pk}"


@require_POST
def objective_grade(request: HttpRequest, pk: int) -> HttpResponse:
    """Save an objective's grades (the key results one may grade) and its retrospective."""
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk)
    key_results = [
        kr for kr in objective.key_results.all() if permissions.can_grade_key_result(viewer, kr)
    ]
    grading_objective = permissions.can_grade_objective(viewer, objective)
    if not key_results and not grading_objective:
        raise PermissionDenied
    forms = [(kr, KeyResultGradeForm(request.POST, prefix=f"kr-{kr.pk}")) for kr in key_results]
    retro = RetrospectiveForm(request.POST, instance=objective, prefix=f"retro-{objective.pk}")
    if not all(form.is_valid() for _kr, form in forms) or (
        grading_objective and not retro.is_valid()
    ):
        messages.error(request, _("Some grades could not be saved: a grade is between 0 and 100."))
        return redirect(_back_to(objective))
    for kr, form in forms:
        grading_services.key_result_grade(viewer=viewer, key_result=kr, **form.cleaned_data)
    if grading_objective:
        grading_services.objective_retrospective(
            viewer=viewer, objective=objective, **retro.cleaned_data
        )
    messages.success(request, _("The grades of “%(title)s” are saved.") % {"title": objective})
    return redirect(_back_to(objective))


@require_POST
def objective_carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk)
    if not permissions.can_carry_over(viewer, objective):
        raise PermissionDenied
    form = CarryOverForm(
        request.POST,
        cycles=list(selectors.carry_over_cycles(objective.cycle)),
        prefix=f"carry-{pk}",
    )
    if not form.is_valid():
        messages.error(request, _("Choose a decision and the cycle to carry it into."))
        return redirect(_back_to(objective))
    try:
        result = grading_services.objective_carry_over(
            viewer=viewer, objective=objective, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back_to(objective))
    for warning in result.warnings:
        messages.warning(request, warning)
    record = result.carry_over
    if record.decision == CarryOver.Decision.MODIFY:
        return redirect("objectives:edit", record.target_id)
    messages.success(request, _("Your decision on “%(title)s” is recorded.") % {"title": objective})
    return redirect(_back_to(objective))
