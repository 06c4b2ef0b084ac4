from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checkins import conversation_selectors, hooks, selectors, services, team_week_drawings
from checkins.conversation_views import reaction_buttons, thread_context
from checkins.forms import CheckInForm
from checkins.models import CheckIn, Notification
from checkins.permissions import (
    Thread,
    can_change_latest,
    can_delete_latest,
    can_follow_teams,
    get_checkin_for_author,
)
from objectives.models import KeyResult
from objectives.permissions import can_check_in, get_key_result_for_user
from objectives.templatetags.okr import key_result_value
from okrapp.core import drawings, weeks
from okrapp.core.forms import add_service_errors, form_status
from okrapp.core.navigation import safe_next_url
from okrapp.core.numbers import parse_id
from okrapp.core.permissions import Viewer, request_viewer
from okrapp.core.selectors import active_cycle

# The team week shows everyone's details up to this many teams; beyond, a table of the
# teams' numbers (paged) and the details of one team at a time.
DETAILED_TEAMS = 8
TEAM_SUMMARIES_PER_PAGE = 50


@dataclass
class Row:
    """One key result on My week: its state this week and its check-in form."""

    key_result: KeyResult
    form: CheckInForm | None
    can_check_in: bool
    can_change_latest: bool
    can_delete_latest: bool = False
    editing: CheckIn | None = None
    confirming_delete: bool = False
    saved: bool = False
    deleted: bool = False
    # Why a correction or deletion was refused (the cycle no longer takes check-ins).
    refusal: str = ""

    @property
    def fed_note(self):
        """What feeds this key result (checkins.hooks), when another app brings its value:
        the row then asks for no value, only an optional confidence and comment."""
        return getattr(self.key_result, "fed_note", None)

    @property
    def last_week(self) -> Decimal:
        value = self.key_result.last_week_value
        return self.key_result.start_value if value is None else value

    @property
    def change(self) -> Decimal:
        return self.key_result.current_value - self.last_week


def _row(
    viewer: Viewer,
    key_result: KeyResult,
    *,
    form: CheckInForm | None = None,
    editing: CheckIn | None = None,
    confirming_delete: bool = False,
    saved: bool = False,
    deleted: bool = False,
    refusal: str = "",
) -> Row:
    allowed = can_check_in(viewer, key_result)
    if form is None and allowed:
        form = CheckInForm(
            initial=CheckInForm.initial_for(key_result, editing), key_result=key_result
        )
    return Row(
        key_result=key_result,
        form=form if allowed else None,
        can_check_in=allowed,
        can_change_latest=can_change_latest(
            viewer, key_result, author_id=key_result.latest_checkin_author_id
        ),
        can_delete_latest=can_delete_latest(
            viewer,
            key_result,
            author_id=key_result.latest_checkin_author_id,
            created_at=key_result.last_checkin_at,
        ),
        editing=editing,
        confirming_delete=confirming_delete,
        saved=saved,
        deleted=deleted,
        refusal=refusal,
    )


def _render_row(request: HttpRequest, pk: int, status: int = 200, **kwargs) -> HttpResponse:
    """The row alone, followed by the week's progress line swapped out of band, so
    "Checked in this week: n of m" follows each save, correction or deletion."""
    week = weeks.week_of()
    key_result = selectors.my_week_key_result(pk, week)
    viewer = request_viewer(request)
    hooks.attach_fed_notes(viewer, [key_result])
    context = {"row": _row(viewer, key_result, **kwargs)}
    response = render(request, "checkins/my_week.html#checkin-row", context, status=status)
    done, total = selectors.my_week_progress(request.user, active_cycle(), week)
    if total:
        progress = {"checked_count": done, "row_count": total, "oob": True}
        response.content += render_to_string(
            "checkins/my_week.html#week-progress", progress, request=request
        ).encode()
    return response


@require_GET
def my_week(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    cycle = active_cycle()
    week = weeks.week_of()
    key_results = selectors.my_week_key_results(request.user, cycle, week)
    hooks.attach_fed_notes(viewer, key_results)
    rows = [_row(viewer, kr) for kr in key_results]
    context = {
        "cycle": cycle,
        "week": week,
        "rows": rows,
        "checked_count": sum(1 for row in rows if row.key_result.checked_this_week),
        "row_count": len(rows),
        "shows_team_link": can_follow_teams(viewer),
    }
    return render(request, "checkins/my_week.html", context)


def _saved(form: CheckInForm, save) -> bool:
    """Whether the form is valid and `save` (a service, given the check-in's values) took it;
    the service's errors go beside the fields."""
    if form.is_valid():
        try:
            save(**form.checkin_fields())
        except ValidationError as error:
            add_service_errors(form, error)
    return not form.errors


def _with_value(save, fed_value, **fields):
    return save(**{**fields, "value": fed_value})


def _after_change(request: HttpRequest, key_result_pk: int, message: str, **row) -> HttpResponse:
    """After a change on My week: the row again (htmx), or back where one came from."""
    if request.htmx:
        return _render_row(request, key_result_pk, **row)
    messages.success(request, message)
    return redirect(safe_next_url(request, reverse("checkins:my_week")))


@require_POST
def checkin_create(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    key_result = get_key_result_for_user(viewer, pk, check_in=True)
    form = CheckInForm(request.POST, key_result=key_result)
    create = partial(services.checkin_create, key_result=key_result, author=request.user)
    if (fed := selectors.fed_value(key_result.pk)) is not None:
        create = partial(_with_value, create, fed)
    if _saved(form, create):
        return _after_change(request, pk, _("Check-in saved."), saved=True)
    if request.htmx:
        return _render_row(request, pk, form=form, status=form_status(request, refused=True))
    return _key_result_page(request, viewer, key_result, form=form, status=400)


@require_http_methods(["GET", "POST"])
def checkin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct one's latest check-in: in place on My week (htmx), or on its own page."""
    checkin = get_checkin_for_author(request_viewer(request), pk)
    key_result = checkin.key_result
    if request.method == "GET" and (
        refusal := services.checkin_refusal(key_result.objective.cycle)
    ):
        return _refused(request, checkin, refusal, "checkins/checkin_edit.html", status=403)
    if request.method == "GET" and request.htmx:
        return _render_row(request, key_result.pk, editing=checkin)
    if request.method == "GET":
        initial = CheckInForm.initial_for(key_result, checkin)
        form = CheckInForm(initial=initial, key_result=key_result, long_text=True)
        return _edit_page(request, form, checkin)
    form = CheckInForm(
        request.POST,
        key_result=key_result,
        long_text=not request.htmx,
        previous=selectors.value_before(checkin),
    )
    update = partial(services.checkin_update, checkin=checkin, author=request.user)
    if _saved(form, update):
        return _after_change(request, key_result.pk, _("Check-in corrected."), saved=True)
    status = form_status(request, refused=True)
    if request.htmx:
        return _render_row(request, key_result.pk, form=form, editing=checkin, status=status)
    return _edit_page(request, form, checkin, status=status)


def _edit_page(
    request: HttpRequest, form: CheckInForm, checkin: CheckIn, *, status: int = 200
) -> HttpResponse:
    fallback = reverse("checkins:key_result", args=[checkin.key_result_id])
    context = {"form": form, "checkin": checkin, "next_url": safe_next_url(request, fallback)}
    return render(request, "checkins/checkin_edit.html", context, status=status)


def _refused(
    request: HttpRequest, checkin: CheckIn, refusal: str, template: str, *, status: int
) -> HttpResponse:
    """A correction or deletion the cycle's state refuses: the row saying why (htmx), or the
    page saying why, without its form."""
    if request.htmx:
        return _render_row(request, checkin.key_result_id, refusal=refusal, status=status)
    fallback = reverse("checkins:key_result", args=[checkin.key_result_id])
    context = {"checkin": checkin, "refusal": refusal, "next_url": safe_next_url(request, fallback)}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def checkin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks in the page (the row's dialog with htmx, else a page of its own); POST
    deletes, this week's latest check-in only (services.checkin_delete)."""
    viewer = request_viewer(request)
    checkin = get_checkin_for_author(viewer, pk)
    key_result_id = checkin.key_result_id
    if refusal := services.checkin_refusal(checkin.key_result.objective.cycle):
        status = 403 if request.method == "GET" else form_status(request, refused=True)
        return _refused(request, checkin, refusal, "checkins/checkin_delete.html", status=status)
    if not can_delete_latest(
        viewer, checkin.key_result, author_id=checkin.author_id, created_at=checkin.created_at
    ):
        raise PermissionDenied(_("Only a check-in of this week can be deleted."))
    if request.method == "GET":
        if request.htmx:
            return _render_row(request, key_result_id, confirming_delete=True)
        fallback = reverse("checkins:key_result", args=[key_result_id])
        context = {"checkin": checkin, "next_url": safe_next_url(request, fallback)}
        return render(request, "checkins/checkin_delete.html", context)
    try:
        services.checkin_delete(checkin=checkin, author=request.user)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    return _after_change(request, key_result_id, _("Check-in deleted."), deleted=True)


@require_GET
def team_week(request: HttpRequest) -> HttpResponse:
    """A lead's view: who in their teams (and sub-teams) has checked in this week. Beyond a
    few teams, a table of every team's numbers, and the people of the team chosen in it (by
    default the teams one leads oneself)."""
    viewer = request_viewer(request)
    if not can_follow_teams(viewer):
        raise PermissionDenied
    cycle = active_cycle()
    week = weeks.week_of()
    followed = selectors.led_teams(viewer)
    context = {"cycle": cycle, "week": week, "summaries": None, "chosen": None}
    shown = followed
    if len(followed) > DETAILED_TEAMS:
        summaries = selectors.team_week_summaries(
            viewer,
            cycle,
            week,
            followed,
            page=request.GET.get("page"),
            per_page=TEAM_SUMMARIES_PER_PAGE,
        )
        by_pk = {team.pk: team for team in followed}
        chosen = parse_id(request.GET.get("team"))
        chosen = chosen if chosen in by_pk else None
        shown = [by_pk[chosen]] if chosen else [t for t in followed if t.pk in viewer.lead_team_ids]
        rows = team_week_drawings.summary_rows(summaries, chosen, request.GET)
        context.update(summaries=summaries, chosen=chosen, summary_rows=rows)
    context["teams"] = selectors.team_week(viewer, cycle, week, shown) if shown else []
    team_week_drawings.attach_key_result_lists(context["teams"])
    return render(request, "checkins/team_week.html", context)


@require_GET
def key_result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    key_result = get_key_result_for_user(viewer, pk, kept=True)
    return _key_result_page(request, viewer, key_result)


def _key_result_page(
    request: HttpRequest,
    viewer: Viewer,
    key_result: KeyResult,
    *,
    form: CheckInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    allowed = can_check_in(viewer, key_result)
    if allowed and form is None:
        initial = CheckInForm.initial_for(key_result)
        form = CheckInForm(initial=initial, key_result=key_result, long_text=True)
    page = selectors.key_result_page(viewer, key_result, history_page=request.GET.get("page"))
    listed = list(page["history"].object_list)
    reactions = conversation_selectors.checkin_reactions(viewer, [c.pk for c in listed])
    # Each check-in, and its reaction buttons, drawn once per content: one round trip.
    drawn = drawings.draw_each(
        [checkin_entry(key_result, checkin) for checkin in listed]
        + [reaction_buttons(reactions[checkin.pk]) for checkin in listed]
    )
    for index, checkin in enumerate(listed):
        checkin.reaction_counts = reactions[checkin.pk]
        checkin.entry_html = drawn[index]
        checkin.reaction_buttons = drawn[len(listed) + index]
    thread = Thread(key_result.objective, key_result)
    context = {
        "key_result": key_result,
        "objective": key_result.objective,
        "form": form if allowed else None,
        **page,
        **thread_context(viewer, thread),
    }
    return render(request, "checkins/key_result.html", context, status=status)


def checkin_entry(key_result: KeyResult, checkin: CheckIn) -> tuple[str, dict]:
    """The drawing of what a listed check-in shows (its notes attached, already masked for
    the viewer), for okrapp.core.drawings."""
    entry = {
        **key_result_value(key_result, checkin.value),
        "confidence": checkin.confidence,
        "confidence_label": checkin.get_confidence_display(),
        "author": str(checkin.author),
        "created_at": checkin.created_at,
        "zone": timezone.get_current_timezone_name(),
        "notes": [str(note) for note in checkin.notes],
        "comment": checkin.comment,
        "blockers": checkin.blockers,
    }
    return "checkins/_checkin_entry.html", {"entry": entry}


@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The personal inbox: what one owes this week, then the notifications (?unread=1)."""
    context = selectors.inbox(request.user, unread_only=request.GET.get("unread") == "1")
    return render(request, "checkins/notifications.html", context)


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(notification=notification)
    if request.POST.get("open") and notification.url:
        return redirect(
            safe_next_url(request, reverse("checkins:notifications"), candidate=notification.url)
        )
    if request.htmx:
        return render(
            request, "checkins/notifications.html#notification", {"notification": notification}
        )
    return redirect("checkins:notifications")


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("checkins:notifications")
