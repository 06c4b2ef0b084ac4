from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from kpis import cards as kpi_cards
from kpis import csvformat, health, selectors, services, sync_services
from kpis.forms import (
    ImportConfirmForm,
    ImportForm,
    KeyResultFromKPIForm,
    KPIForm,
    KPIFromKeyResultForm,
    MeasurementForm,
)
from kpis.models import KPI, Measurement
from kpis.permissions import (
    can_turn_key_result_into_kpi,
    get_kpi_for_user,
    may_create_any_kpi,
)
from objectives.permissions import get_key_result_for_user
from okrapp.core import charts, freshness, numbers
from okrapp.core.forms import TeamFilterForm, add_service_errors, form_status
from okrapp.core.models import Team
from okrapp.core.permissions import request_viewer


def _board_filters(request: HttpRequest) -> tuple[Team | None, str]:
    raw_team = request.GET.get("team", "")
    team_pk = numbers.parse_id(raw_team)
    team = Team.objects.filter(pk=team_pk).first() if team_pk is not None else None
    status = request.GET.get("status", "")
    return team, status if status in health.STATUSES else ""


def board(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    team, status = _board_filters(request)
    cards = selectors.board_page(viewer, team=team, status=status, page=request.GET.get("page", 1))
    kpi_cards.attach_cards(cards.object_list)
    context = {
        "cards": cards,
        "team_filter": TeamFilterForm(
            team_id=team.pk if team else None, field_id="filter-team", viewer=viewer
        ),
        "team": team,
        "status": status,
        "statuses": list(selectors.STATUS_LABELS.items()),
        "query": request.GET.urlencode(),
        "can_create": may_create_any_kpi(viewer),
    }
    template = "kpis/board.html#kpi-board" if request.htmx else "kpis/board.html"
    return render(request, template, context)


def board_export(request: HttpRequest) -> HttpResponse:
    team, status = _board_filters(request)
    cards = selectors.board(request_viewer(request), team=team, status=status)
    text = services.board_csv(cards, **_csv_dialect())
    return _csv_response(text, f"kpis-{timezone.localdate():%Y-%m-%d}.csv")


def _csv_dialect() -> dict[str, str]:
    """Exports open in columns in the reader's spreadsheet: semicolons and decimal commas in
    French, commas and dots in English. The import reads both."""
    delimiter, decimal_mark = csvformat.spreadsheet_dialect(translation.get_language())
    return {"delimiter": delimiter, "decimal_mark": decimal_mark}


def _csv_response(text: str, filename: str) -> HttpResponse:
    # The byte order mark makes Excel read UTF-8 (accents) rather than the system code page.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def kpi_create(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not may_create_any_kpi(viewer):
        raise PermissionDenied
    form = KPIForm(request.POST or None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        kpi = _save_kpi(form, lambda fields: services.kpi_create(viewer=viewer, **fields))
        if kpi is not None:
            messages.success(request, _("The KPI is created. Record its first measurement."))
            return redirect("kpis:detail", kpi.pk)
    status = form_status(request, refused=request.method == "POST")
    return render(request, "kpis/form.html", {"form": form}, status=status)


def _save_kpi(form: KPIForm, save):
    try:
        return save(form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        add_service_errors(form, exc)
        return None


def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk, write=True)
    # The form edits a copy: the service compares the change with the KPI as stored.
    form = KPIForm(request.POST or None, instance=copy.copy(kpi), viewer=viewer)
    if request.method == "POST" and form.is_valid():
        saved = _save_kpi(
            form, lambda fields: services.kpi_update(viewer=viewer, kpi=kpi, **fields)
        )
        if saved is not None:
            messages.success(request, _("The KPI is saved."))
            return redirect("kpis:detail", kpi.pk)
    status = form_status(request, refused=request.method == "POST")
    return render(request, "kpis/form.html", {"form": form, "kpi": kpi}, status=status)


@require_POST
def kpi_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk, write=True)
    services.kpi_delete(viewer=viewer, kpi=kpi)
    messages.success(request, _("The KPI “%(name)s” is deleted.") % {"name": kpi.name})
    return redirect("kpis:board")


def chart_spec(kpi: KPI, measurements: list[selectors.MeasurementRow]) -> dict:
    """The chart (okrapp.core.charts): the values, the target line and the alert band."""
    points = list(reversed(measurements[: selectors.CHART_POINTS]))
    lines = [
        charts.series(kpi.name, (m.value for m in points)),
        charts.level(_("Target"), kpi.target_value, len(points), role=charts.TARGET),
    ]
    if kpi.alert_threshold is not None:
        lines.append(
            charts.level(
                _("Alert threshold"),
                kpi.alert_threshold,
                len(points),
                role=charts.THRESHOLD,
                band=True,  # between the target and the threshold
            )
        )
    labels = charts.date_labels(m.period_date for m in points)
    return charts.line_chart(labels=labels, series=lines, y_title=kpi.unit)


def _detail_context(request: HttpRequest, kpi: KPI, **extra) -> dict:
    show_all = request.GET.get("all") == "1"
    page = selectors.kpi_page(request_viewer(request), kpi, show_all=show_all)
    # The chart is the KPI's, in the reader's language: kept with the KPI's reads.
    chart = freshness.cached(
        "kpi_chart",
        lambda: chart_spec(kpi, page["history"]),
        kpi.pk,
        show_all,
        translation.get_language(),
    )
    form = extra.pop("form", None) or MeasurementForm(initial={"period_date": timezone.localdate()})
    return {"kpi": kpi, **page, "chart": chart, "form": form, **extra}


def kpi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_kpi_for_user(request_viewer(request), pk)
    template = "kpis/detail.html#kpi-data" if request.htmx else "kpis/detail.html"
    return render(request, template, _detail_context(request, kpi))


def _after_measurement(request: HttpRequest, kpi: KPI, **refused_form) -> HttpResponse:
    """The KPI's data again (htmx) or its page; with a refused form, that form's errors."""
    status = form_status(request, refused=bool(refused_form))
    context = _detail_context(request, kpi, **refused_form)
    if request.htmx:
        return render(request, "kpis/detail.html#kpi-data", context, status=status)
    if refused_form:
        return render(request, "kpis/detail.html", context, status=status)
    return redirect("kpis:detail", kpi.pk)


@require_POST
def measurement_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one period; a period already measured is updated (services.measurements_record,
    as the CSV import and the API)."""
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk, write=True)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurements_record(
                viewer=viewer, kpi=kpi, items=[form.cleaned_data], recorded_by=viewer.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_measurement(request, kpi)
    return _after_measurement(request, kpi, form=form)


def _measurement(kpi: KPI, measurement_pk: int) -> Measurement:
    return get_object_or_404(Measurement, pk=measurement_pk, kpi=kpi)


def measurement_edit(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    """GET: the row in edit mode (htmx) or a small page; POST: save the correction."""
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk, write=True)
    measurement = _measurement(kpi, measurement_pk)
    edit_form = MeasurementForm(request.POST or None, instance=measurement, prefix="edit")
    if request.method == "POST" and edit_form.is_valid():
        try:
            services.measurement_update(
                viewer=viewer,
                measurement=_measurement(kpi, measurement_pk),
                recorded_by=viewer.user,
                **edit_form.cleaned_data,
            )
            return _after_measurement(request, kpi)
        except ValidationError as exc:
            add_service_errors(edit_form, exc)
    status = form_status(request, refused=request.method == "POST")
    if request.htmx:
        context = _detail_context(request, kpi, editing=measurement.pk, edit_form=edit_form)
        return render(request, "kpis/detail.html#kpi-data", context, status=status)
    context = {"kpi": kpi, "measurement": measurement, "edit_form": edit_form}
    return render(request, "kpis/measurement_form.html", context, status=status)


@require_POST
def measurement_delete(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk, write=True)
    services.measurement_delete(viewer=viewer, measurement=_measurement(kpi, measurement_pk))
    return _after_measurement(request, kpi)


@require_POST
def kpi_sync(request: HttpRequest, pk: int) -> HttpResponse:
    """Sync now: queue a sync (or find the one queued); the data source panel again (htmx)
    or the KPI page."""
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk, write=True)
    try:
        sync_services.kpi_sync_request(viewer=viewer, kpi=kpi)
    except ValidationError as exc:
        return _sync_panel(request, kpi, error=" ".join(exc.messages))
    return _sync_panel(request, kpi, notice=_("The sync is queued: its result appears below."))


def kpi_syncs(request: HttpRequest, pk: int) -> HttpResponse:
    """The data source panel alone: polled by htmx while a sync is queued or running."""
    return _sync_panel(request, get_kpi_for_user(request_viewer(request), pk))


def _sync_panel(
    request: HttpRequest, kpi: KPI, *, notice: str = "", error: str = ""
) -> HttpResponse:
    """The panel (htmx); once no sync is pending, the KPI's data too, swapped out of band,
    so the value a sync brought shows at once."""
    if not request.htmx:
        if notice or error:
            (messages.error if error else messages.success)(request, error or notice)
        return redirect("kpis:detail", kpi.pk)
    panel = selectors.sync_panel(request_viewer(request), kpi)
    context = {"kpi": kpi, **panel, "sync_notice": notice, "sync_error": error}
    response = render(request, "kpis/detail.html#kpi-source", context)
    if not panel["sync_pending"]:
        data = {**_detail_context(request, kpi), "oob": True}
        response.content += render_to_string(
            "kpis/detail.html#kpi-data", data, request=request
        ).encode()
    return response


def _import_page(request: HttpRequest, context: dict, *, refused: bool = False) -> HttpResponse:
    template = "kpis/import.html#kpi-import" if request.htmx else "kpis/import.html"
    return render(request, template, context, status=form_status(request, refused=refused))


def kpi_import(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the upload form; POST: the preview, row by row, with a confirm button."""
    kpi = get_kpi_for_user(request_viewer(request), pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"kpi": kpi, "form": form}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["csv"]
        context["preview"] = selectors.import_preview(kpi=kpi, text=text)
        context["confirm_form"] = ImportConfirmForm(initial={"csv": text})
    return _import_page(request, context, refused=form.is_bound and not form.is_valid())


@require_POST
def kpi_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk, write=True)
    confirm_form = ImportConfirmForm(request.POST)
    if not confirm_form.is_valid():
        return redirect("kpis:import", kpi.pk)
    text = confirm_form.cleaned_data["csv"]
    try:
        counts = services.import_apply(viewer=viewer, kpi=kpi, text=text, recorded_by=viewer.user)
    except ValidationError as exc:
        preview = selectors.import_preview(kpi=kpi, text=text)
        context = {"kpi": kpi, "form": ImportForm(), "preview": preview}
        context.update(confirm_form=confirm_form, apply_errors=exc.messages)
        return _import_page(request, context, refused=True)
    messages.success(
        request,
        _("Import done. New: %(created)s · updated: %(updated)s · unchanged: %(unchanged)s.")
        % counts,
    )
    url = reverse("kpis:detail", args=[kpi.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def kpi_export(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_kpi_for_user(request_viewer(request), pk)
    filename = f"kpi-{kpi.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    return _csv_response(services.measurements_csv(kpi, **_csv_dialect()), filename)


def kpi_to_key_result(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a KPI into a key result of the active cycle, linked to it."""
    viewer = request_viewer(request)
    kpi = get_kpi_for_user(viewer, pk)
    page = selectors.to_key_result_page(viewer, kpi)
    form = KeyResultFromKPIForm(
        request.POST or None,
        initial=page["initial"],
        objectives=page["objectives"],
        cycle=page["cycle"],
        viewer=viewer,
        kpi=kpi,
    )
    if request.method == "POST" and form.is_valid() and page["can_add"]:
        try:
            key_result = services.kpi_to_key_result(
                viewer=viewer, kpi=kpi, **form.key_result_fields()
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("“%(title)s” is a key result of “%(objective)s”, following this KPI.")
                % {"title": key_result.title, "objective": key_result.objective.title},
            )
            return redirect("kpis:detail", kpi.pk)
    context = {"kpi": kpi, "form": form, **page}
    status = form_status(request, refused=request.method == "POST")
    return render(request, "kpis/to_key_result.html", context, status=status)


def from_key_result(request: HttpRequest, key_result_pk: int) -> HttpResponse:
    """Turn a key result into a KPI: the KPI form prefilled from it; its check-ins become
    the KPI's measurements."""
    viewer = request_viewer(request)
    key_result = get_key_result_for_user(viewer, key_result_pk)
    if not can_turn_key_result_into_kpi(viewer, key_result):
        raise PermissionDenied
    linked = selectors.linked_kpi(key_result)
    if linked is not None:
        return redirect("kpis:detail", linked.pk)
    initial = services.key_result_kpi_initial(key_result)
    form = KPIFromKeyResultForm(
        request.POST or None, initial=initial, viewer=viewer, key_result=key_result
    )
    if request.method == "POST" and form.is_valid():
        kpi = _save_kpi(
            form,
            lambda fields: services.key_result_to_kpi(
                viewer=viewer, key_result=key_result, **fields
            ),
        )
        if kpi is not None:
            messages.success(
                request,
                _("The KPI is created from the key result, with its check-ins as measurements."),
            )
            return redirect("kpis:detail", kpi.pk)
    context = {"form": form, "key_result": key_result}
    status = form_status(request, refused=request.method == "POST")
    return render(request, "kpis/form.html", context, status=status)
