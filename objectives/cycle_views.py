"""The quarter's pages: cycle management (admins), the grading page of a cycle (grades,
retrospectives, carry-over decisions), each change behind the same services as the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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


@dataclass
class Refused:
    """An objective's forms as they were posted and refused, shown again with their errors
    in place of the stored values; the rest of the page is read afresh."""

    objective_id: int
    grade_forms: dict[int, KeyResultGradeForm] = field(default_factory=dict)
    retro_form: RetrospectiveForm | None = None
    carry_form: CarryOverForm | None = None
    # Errors of the objective's grades as a whole (the cycle's state), above its form.
    errors: list[str] = field(default_factory=list)


def _grading_forms(
    viewer: Viewer, objective: Objective, into: list[Cycle], refused: Refused | None
) -> None:
    """Attach the objective's forms (and what the viewer may do) for the grading page."""
    mine = refused if refused is not None and refused.objective_id == objective.pk else Refused(0)
    objective.can_grade = permissions.can_grade_objective(viewer, objective) or bool(
        mine.retro_form
    )
    objective.grade_errors = mine.errors
    objective.shows_grades = bool(mine.grade_forms or mine.retro_form or mine.errors)
    for kr in objective.key_results.all():
        kr.grade_form = mine.grade_forms.get(kr.pk) or KeyResultGradeForm(
            prefix=f"kr-{kr.pk}",
            initial={"final_score": kr.final_score, "grade_note": kr.grade_note},
        )
        kr.can_grade = permissions.can_grade_key_result(viewer, kr) or kr.pk in mine.grade_forms
    objective.retro_form = mine.retro_form or RetrospectiveForm(
        instance=objective, prefix=f"retro-{objective.pk}"
    )
    objective.can_carry_over = permissions.can_carry_over(viewer, objective) and not hasattr(
        objective, "carry_over"
    )
    objective.carry_form = mine.carry_form or CarryOverForm(
        cycles=into,
        prefix=f"carry-{objective.pk}",
        initial={"cycle": into[0].pk if into else ""},
    )


def _grading_page(
    request: HttpRequest, cycle: Cycle, *, refused: Refused | None = None
) -> HttpResponse:
    viewer = request_viewer(request)
    objectives = selectors.gradable_objectives(viewer, cycle)
    into = list(selectors.carry_over_cycles(cycle))
    for objective in objectives:
        _grading_forms(viewer, objective, into, refused)
    context = {"cycle": cycle, "objectives": objectives, "takes_grades": cycle.is_grading}
    status = form_status(request, refused=refused is not None)
    return render(request, "objectives/grading.html", context, status=status)


def grading(request: HttpRequest, pk: int) -> HttpResponse:
    return _grading_page(request, get_object_or_404(Cycle, pk=pk))


def _back_to(objective: Objective) -> str:
    return f"{reverse('objectives:grading', args=[objective.cycle_id])}#objective-{objective.pk}"


def _posted_grades(request: HttpRequest, viewer: Viewer, objective: Objective) -> Refused:
    """The objective's grade and retrospective forms bound to the POST: the key results the
    viewer grades (whatever the cycle's state, which is refused with a message)."""
    posted = Refused(objective_id=objective.pk)
    for kr in objective.key_results.order_by("position", "id"):
        kr.objective = objective
        if permissions.grades_key_result(viewer, kr):
            posted.grade_forms[kr.pk] = KeyResultGradeForm(request.POST, prefix=f"kr-{kr.pk}")
    if permissions.grades_objective(viewer, objective):
        posted.retro_form = RetrospectiveForm(
            request.POST, instance=objective, prefix=f"retro-{objective.pk}"
        )
    if not rules.takes_grades(objective.cycle.status):
        posted.errors.append(
            _("This cycle is not being graded: grades are given while it is in grading.")
        )
    return posted


@require_POST
def objective_grade(request: HttpRequest, pk: int) -> HttpResponse:
    """Save an objective's grades (the key results one may grade) and its retrospective, all
    or nothing; a refused grade shows the page again with its error beside its field."""
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk)
    posted = _posted_grades(request, viewer, objective)
    if not posted.grade_forms and posted.retro_form is None:
        raise PermissionDenied
    forms = [*posted.grade_forms.values(), *filter(None, [posted.retro_form])]
    valid = all(form.is_valid() for form in forms) and not posted.errors
    if valid and _save_grades(viewer, objective, posted):
        messages.success(request, _("The grades of “%(title)s” are saved.") % {"title": objective})
        return redirect(_back_to(objective))
    return _grading_page(request, objective.cycle, refused=posted)


def _save_grades(viewer: Viewer, objective: Objective, posted: Refused) -> bool:
    """Every grade and the retrospective in one transaction; a service's refusal goes beside
    the field it concerns and nothing is saved."""
    by_id = {kr.pk: kr for kr in objective.key_results.all()}
    current = None
    try:
        with transaction.atomic():
            for kr_pk, form in posted.grade_forms.items():
                current = form
                grading_services.key_result_grade(
                    viewer=viewer, key_result=by_id[kr_pk], **form.cleaned_data
                )
            if posted.retro_form is not None:
                current = posted.retro_form
                grading_services.objective_retrospective(
                    viewer=viewer, objective=objective, **posted.retro_form.cleaned_data
                )
    except (ValidationError, PermissionDenied) as error:
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            add_service_errors(current, error)
        else:
            posted.errors.extend(getattr(error, "messages", None) or [str(error)])
        return False
    return True


@require_POST
def objective_carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision (keep, abandon), or open the copy in the editor (modify): nothing is
    saved until the editor is. A refused decision shows the page again with its errors."""
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk)
    if not permissions.can_carry_over(viewer, objective):
        raise PermissionDenied
    form = CarryOverForm(
        request.POST,
        cycles=list(selectors.carry_over_cycles(objective.cycle)),
        prefix=f"carry-{pk}",
    )
    if form.is_valid() and form.cleaned_data["decision"] == CarryOver.Decision.MODIFY:
        if _modify_refused(viewer, objective, form) is None:
            query = urlencode(
                {"cycle": form.cleaned_data["cycle"].pk, "reason": form.cleaned_data["reason"]}
            )
            return redirect(f"{reverse('objectives:carry_over_modify', args=[pk])}?{query}")
    elif form.is_valid():
        try:
            result = grading_services.objective_carry_over(
                viewer=viewer, objective=objective, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(
                request, _("Your decision on “%(title)s” is recorded.") % {"title": objective}
            )
            return redirect(_back_to(objective))
    refused = Refused(objective_id=objective.pk, carry_form=form)
    return _grading_page(request, objective.cycle, refused=refused)


def _modify_refused(viewer: Viewer, objective: Objective, form: CarryOverForm) -> str | None:
    """Whether the copy may be opened in the editor; the refusal goes on the form."""
    try:
        grading_services.carry_over_check(
            viewer=viewer, objective=objective, cycle=form.cleaned_data["cycle"]
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return " ".join(error.messages)
    return None
