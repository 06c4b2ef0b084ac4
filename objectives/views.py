"""OKR pages: the board, the editor (objective + key results), the objective page,
the alignment tree, and the htmx endpoints that serve them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from objectives import (
    cards,
    exports,
    grading_services,
    objective_page,
    permissions,
    quality,
    selectors,
    services,
)
from objectives.forms import (
    KEY_RESULT_PREFIX,
    MAX_ROWS,
    BoardFilterForm,
    InitiativeForm,
    ObjectiveForm,
    apply_service_errors,
    coach_drafts,
    coach_owner_id,
    editor_data,
    editor_errors,
    editor_initial,
    editor_values,
    key_result_formset,
    live_row_prefixes,
    row_prefixes,
    rows_in_order,
)
from objectives.models import DESCRIPTION_LENGTH, Initiative, Objective
from okrapp.core import numbers
from okrapp.core.forms import add_service_errors, form_status
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer, request_viewer
from okrapp.core.selectors import current_cycle, cycle_for_new_objective

NEW_OBJECTIVE_ROWS = 3


def board(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    cycle = current_cycle(request)
    form = BoardFilterForm(request.GET or None, viewer=viewer)
    result = (
        selectors.board(viewer, cycle, page=request.GET.get("page", 1), **form.filters())
        if cycle
        else None
    )
    if result is not None:
        cards.attach_cards(result.objectives)
    context = {
        "form": form,
        "cycle": cycle,
        "board": result,
        "can_create": permissions.can_create_objectives(viewer, cycle),
        "is_filtered": any(form.filters().values()) if form.is_bound else False,
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "objectives/board.html#results", context)
    return render(request, "objectives/board.html", context)


def _export(request: HttpRequest):
    """The board's rows for the export, filtered like the board; 404 without a cycle."""
    cycle = current_cycle(request)
    if cycle is None:
        raise Http404
    viewer = request_viewer(request)
    form = BoardFilterForm(request.GET or None, viewer=viewer)
    rows = exports.export_rows(viewer, cycle, **form.filters())
    return cycle, rows


def _attachment(response: HttpResponse, cycle, extension: str) -> HttpResponse:
    name = slugify(cycle.name) or "cycle"
    response["Content-Disposition"] = f'attachment; filename="okrs-{name}.{extension}"'
    return response


def board_export_csv(request: HttpRequest) -> HttpResponse:
    cycle, rows = _export(request)
    text = exports.as_csv(rows, language=translation.get_language())
    return _attachment(HttpResponse(text, content_type="text/csv; charset=utf-8"), cycle, "csv")


def board_export_xlsx(request: HttpRequest) -> HttpResponse:
    cycle, rows = _export(request)
    response = HttpResponse(exports.as_xlsx(rows), content_type=exports.XLSX_TYPE)
    return _attachment(response, cycle, "xlsx")


def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk, kept=True)
    context = {
        "objective": objective,
        "can_edit": permissions.can_edit_objective(viewer, objective),
        "can_add_aligned": permissions.can_add_aligned(viewer, objective),
        "can_restore": permissions.can_restore_objective(viewer, objective),
        "initiative_form": InitiativeForm(),
        "statuses": Initiative.Status.choices,
        **objective_page.objective_page(viewer, objective),
    }
    return render(request, "objectives/objective_detail.html", context)


# --- Editor ---------------------------------------------------------------------------------


def objective_create(request: HttpRequest) -> HttpResponse:
    """A new objective in the chosen cycle (`?cycle=`): a planning or active one, the current
    cycle by default, else the active one."""
    viewer = request_viewer(request)
    writable = selectors.writable_cycles(viewer)
    cycle = current_cycle(request)
    if cycle not in writable:
        cycle = next((c for c in writable if c.is_active), writable[0] if writable else None)
    if not permissions.can_create_objectives(viewer, cycle):
        raise PermissionDenied
    objective = Objective(cycle=cycle, owner=request.user)
    return _editor(request, viewer, cycle, objective, cycle_choices=writable)


def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk, write=True)
    return _editor(request, viewer, objective.cycle, objective)


@dataclass
class CarryDraft:
    """The editor opened on a copy (carry-over "modify"): what it is a copy of, the source's
    values it starts from, and the save that creates the copy and records the decision."""

    source: Objective
    initial: dict
    rows: list[dict]
    save: Callable[..., Objective]
    warnings: list[str]


def _editor(
    request: HttpRequest,
    viewer: Viewer,
    cycle: Cycle,
    objective: Objective,
    cycle_choices=(),
    carry: CarryDraft | None = None,
):
    """One page for an objective and its key results.

    1. POST with "add_row" (no JavaScript): the same page with one more key result row.
    2. POST: validate the form and the formset, then call the service; its errors are shown
       beside the fields. Nothing typed is lost.
    3. GET (or invalid POST): the page, with the coach's warnings. A carried copy starts
       from the source's values (`carry`) and nothing exists until it is saved.
    """
    data = editor_data(request.POST) if request.method == "POST" else None
    form, formset = _editor_forms(request, viewer, cycle, objective, data, carry)
    submitted = data is not None and "add_row" not in data
    if submitted and form.is_valid() and formset.is_valid():
        saved = _save(viewer, cycle, objective, form, formset, carry)
        if saved is not None:
            messages.success(request, _saved_message(carry))
            return redirect("objectives:detail", saved.pk)
    context = _editor_context(
        request, data, form, formset, objective, cycle, carry=carry, cycle_choices=cycle_choices
    )
    status = form_status(request, refused=submitted)
    return render(request, "objectives/editor.html", context, status=status)


def _editor_forms(request, viewer: Viewer, cycle: Cycle, objective: Objective, data, carry):
    """The objective's form and its key results' formset. A new objective starts from the
    carried source's values, else from the query string, with empty rows to fill in."""
    is_new = objective.pk is None
    initial = (carry.initial if carry else editor_initial(viewer, request.GET)) if is_new else None
    form = ObjectiveForm(
        data, instance=copy.copy(objective), viewer=viewer, cycle=cycle, initial=initial
    )
    rows = carry.rows if carry and data is None else None
    extra = 0
    if is_new and data is None:
        extra = NEW_OBJECTIVE_ROWS if rows is None else max(len(rows), 1)
    formset = key_result_formset(data, instance=objective, viewer=viewer, extra=extra, initial=rows)
    return form, formset


def _saved_message(carry: CarryDraft | None) -> str:
    if carry:
        return _("The copy is saved and the carry-over decision recorded.")
    return _("The objective is saved.")


def _editor_context(
    request, data, form, formset, objective: Objective, cycle: Cycle, *, carry, cycle_choices
) -> dict:
    """The editor page's context: the coach's advice on what is typed so far (each key result
    row carries its own warnings), the rows in their order and the errors' summary."""
    advice = _coach(data or editor_values(form, formset), cycle, objective)
    for kr_form in formset.forms:
        kr_form.coach_warnings = advice.rows.get(kr_form.prefix, [])
    kr_forms = rows_in_order(formset, data)
    return {
        "form": form,
        "formset": formset,
        "objective": objective,
        "cycle": cycle,
        "kr_forms": kr_forms,
        "is_new": objective.pk is None,
        "coach": advice,
        "carry": carry,
        "errors": editor_errors(form, formset, kr_forms),
        "cycle_choices": cycle_choices,
        "carry_reason": request.POST.get("carry_reason", request.GET.get("reason", "")),
    }


def _save(viewer, cycle, objective, form, formset, carry=None) -> Objective | None:
    """The objective saved by its service, or None when the service refused it: its errors
    are then beside the fields."""
    fields = {name: form.cleaned_data.get(name) for name in services.OBJECTIVE_FIELDS}
    fields["description"] = fields["description"] or ""
    kept = formset.kept_forms()
    rows = formset.rows(kept)
    try:
        if carry is not None:
            return carry.save(fields=fields, key_results=rows)
        if objective.pk is None:
            return services.objective_create(viewer=viewer, cycle=cycle, key_results=rows, **fields)
        return services.objective_update(
            viewer=viewer, objective=objective, key_results=rows, **fields
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            error = ValidationError({NON_FIELD_ERRORS: error.messages})
        apply_service_errors(error, form, kept, formset)
        return None
    except PermissionDenied as error:
        add_service_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
def objective_carry_over_modify(request: HttpRequest, pk: int) -> HttpResponse:
    """Carry-over "modify": the editor opened on the copy of an objective of a finished cycle,
    into `?cycle=`, pre-filled from it and its unfinished key results (each starting at its
    last value, same target). Nothing is saved until the editor is; saving creates the copy
    and records the decision with the link, in one transaction; cancelling saves nothing."""
    viewer = request_viewer(request)
    source = permissions.get_objective_for_user(viewer, pk)
    into = {c.pk: c for c in selectors.carry_over_cycles(source.cycle)}
    cycle = into.get(numbers.parse_id(request.GET.get("cycle")) or 0)
    try:
        grading_services.carry_over_check(viewer=viewer, objective=source, cycle=cycle)
    except grading_services.AlreadyCarried:
        # Decided meanwhile (another tab, another lead): a posted copy is shown again with
        # the refusal, so nothing typed is lost; opening it again goes back to grading.
        if request.method != "POST":
            messages.error(request, _("This objective has already been carried over or abandoned."))
            return redirect("objectives:grading", source.cycle_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("objectives:grading", source.cycle_id)
    carry = _carry_draft(request, viewer, source, cycle)
    draft = Objective(cycle=cycle, owner=source.owner, level=source.level)
    return _editor(request, viewer, cycle, draft, carry=carry)


def _carry_draft(request, viewer: Viewer, source: Objective, cycle: Cycle) -> CarryDraft:
    parent, warnings = grading_services.carried_parent(source)
    fields = grading_services.carried_copy_fields(source, parent=parent)
    initial = {
        **fields,
        "team": source.team_id,
        "owner": source.owner_id,
        "parent": parent.pk if parent else None,
    }
    rows = [
        {**row, "owner": row["owner"].pk if row["owner"] else None, "position": index}
        for index, row in enumerate(
            grading_services.carried_key_result(kr)
            for kr in grading_services.unfinished_key_results(source)
        )
    ]
    for row in rows:
        row.pop("current_value")  # left empty: the copy starts at its start value

    def save(*, fields: dict, key_results: list[dict]) -> Objective:
        result = grading_services.objective_carry_over_modified(
            viewer=viewer,
            objective=source,
            cycle=cycle,
            fields=fields,
            key_results=key_results,
            reason=request.POST.get("carry_reason", "")[:DESCRIPTION_LENGTH],
        )
        return result.carry_over.target

    return CarryDraft(source=source, initial=initial, rows=rows, save=save, warnings=warnings)


def _coach(data, cycle: Cycle, objective: Objective) -> quality.Advice:
    """The coach's warnings on what is typed so far, grouped by where they are shown."""
    drafts = coach_drafts(data)
    count = selectors.objectives_count(
        cycle=cycle,
        owner_id=coach_owner_id(data),
        level=data.get("level") or "",
        exclude_pk=objective.pk,
    )
    warnings = quality.objective_warnings(
        title=data.get("title") or "",
        key_results=[draft for _, draft in drafts],
        objectives_for_owner_and_level=count + 1,
        rows_on_screen=len(live_row_prefixes(data)),
    )
    draft_rows = [prefix for prefix, _ in drafts]
    return quality.advice(warnings, draft_rows=draft_rows, rows=row_prefixes(data))


@require_POST
def coach(request: HttpRequest) -> HttpResponse:
    """Live warnings while someone edits: the summary, and out-of-band lists beside each field."""
    viewer = request_viewer(request)
    objective = Objective(cycle=cycle_for_new_objective(request))
    raw_pk = request.GET.get("objective", "")
    if (objective_pk := numbers.parse_id(raw_pk)) is not None:
        objective = permissions.get_objective_for_user(viewer, objective_pk)
    if objective.cycle is None:
        return HttpResponse(status=204)
    context = {"coach": _coach(request.POST, objective.cycle, objective)}
    html = render_to_string("objectives/editor.html#coach", context, request=request)
    html += render_to_string("objectives/editor.html#coach_oob", context, request=request)
    return HttpResponse(html)


def key_result_row(request: HttpRequest) -> HttpResponse:
    """An empty key result row for the editor, numbered from the form's TOTAL_FORMS; the new
    TOTAL_FORMS goes back out of band so the next row gets the next number."""
    raw = request.GET.get(f"{KEY_RESULT_PREFIX}-TOTAL_FORMS", "0")
    index = min(numbers.parse_whole(raw, maximum=MAX_ROWS) or 0, MAX_ROWS - 1)
    formset = key_result_formset(None, instance=Objective(), viewer=request_viewer(request))
    kr_form = formset._construct_form(index)
    kr_form.fields["position"].initial = index
    return render(
        request,
        "objectives/editor.html#key_result_row",
        {"kr_form": kr_form, "formset": formset, "total_forms": index + 1, "new_row": True},
    )


@require_http_methods(["GET", "POST"])
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an empty objective; one with check-ins is archived (services.objective_delete)."""
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk, write=True)
    if request.method == "POST":
        outcome = services.objective_delete(viewer=viewer, objective=objective)
        if outcome == "archived":
            message = _("The objective “%(title)s” is archived, with its history.")
        else:
            message = _("The objective “%(title)s” is deleted.")
        messages.success(request, message % {"title": objective})
        return redirect("objectives:board")
    context = {
        "objective": objective,
        "key_result_count": objective.key_results.count(),
        "has_history": services.objective_has_history(objective),
    }
    return render(request, "objectives/objective_delete.html", context)


@require_POST
def objective_restore(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    objective = permissions.get_objective_for_user(viewer, pk)
    try:
        services.objective_restore(viewer=viewer, objective=objective)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    messages.success(request, _("The objective “%(title)s” is restored.") % {"title": objective})
    return redirect("objectives:detail", objective.pk)


# --- Initiatives ----------------------------------------------------------------------------


def _initiatives_response(request: HttpRequest, viewer: Viewer, key_result_pk: int, form=None):
    """The key result's initiatives again (htmx), or its place on the objective page."""
    key_result = permissions.get_key_result_for_user(viewer, key_result_pk)
    if not request.htmx:
        return redirect(
            f"{reverse('objectives:detail', args=[key_result.objective_id])}#kr-{key_result.pk}"
        )
    context = {
        "kr": selectors.key_result_initiatives(viewer, key_result),
        "initiative_form": form or InitiativeForm(),
        "statuses": Initiative.Status.choices,
    }
    return render(request, "objectives/objective_detail.html#initiatives", context)


@require_POST
def initiative_create(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    key_result = permissions.get_key_result_for_user(viewer, pk)
    if not permissions.can_manage_initiatives(viewer, key_result):
        raise PermissionDenied
    form = InitiativeForm(request.POST)
    if form.is_valid():
        try:
            services.initiative_create(
                viewer=viewer,
                key_result=key_result,
                title=form.cleaned_data["title"],
                owner=request.user,  # the person who takes it on; shown beside it
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = None
    if form is not None and not request.htmx:
        messages.error(request, _("The initiative needs a title."))
    response = _initiatives_response(request, viewer, key_result.pk, form)
    if form is not None and request.htmx:
        response.status_code = form_status(request, refused=True)
    return response


@require_POST
def initiative_status(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    initiative = permissions.get_initiative_for_user(viewer, pk)
    status = request.POST.get("status", "")
    if status not in Initiative.Status.values:
        return HttpResponse(status=400)
    services.initiative_update(viewer=viewer, initiative=initiative, status=status)
    return _initiatives_response(request, viewer, initiative.key_result_id)


@require_POST
def initiative_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    initiative = permissions.get_initiative_for_user(viewer, pk)
    key_result_pk = initiative.key_result_id
    services.initiative_delete(viewer=viewer, initiative=initiative)
    return _initiatives_response(request, viewer, key_result_pk)
