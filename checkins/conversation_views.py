"""Pages and htmx targets of the conversations: threads of comments, reactions, nudges and
notification settings. Each works without JavaScript (a redirect) and with htmx (a partial)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from checkins import conversation_selectors as selectors
from checkins import conversation_services as services
from checkins.forms import CommentForm, NotificationPreferencesForm
from checkins.models import NotificationPreference
from checkins.permissions import (
    THREAD_KINDS,
    Thread,
    get_comment_for_user,
    get_person_to_nudge,
    get_thread_for_user,
)
from okrapp.core.forms import add_service_errors, form_status
from okrapp.core.navigation import safe_next_url
from okrapp.core.permissions import Viewer, request_viewer


def thread_context(viewer: Viewer, thread: Thread, *, form: CommentForm | None = None) -> dict:
    """What the thread partial needs: its comments, a fresh or refused form, the few people
    the mention picker offers before it searches (checkins.pickers)."""
    comments = selectors.thread_comments(viewer, thread)
    return {
        "thread": thread,
        "comments": comments,
        "comment_form": form or CommentForm(),
        "mention_suggestions": selectors.mention_suggestions(viewer, thread, comments),
    }


REACTION_BUTTONS = "checkins/_reaction_buttons.html"


def reaction_buttons(reactions: list) -> tuple[str, dict]:
    """The drawing of one target's reaction buttons (conversation_selectors.ReactionCount),
    for okrapp.core.drawings: most check-ins have the same, none yet. The viewer's own
    reactions are among the values, so they key the drawing too."""
    counts = [
        {
            "emoji": reaction.emoji,
            "label": str(reaction.label),
            "count": reaction.count,
            "mine": reaction.mine,
        }
        for reaction in reactions
    ]
    return REACTION_BUTTONS, {"reaction_counts": counts}


def _unseen_warning(written: services.Written) -> str:
    names = ", ".join(str(person) for person in written.unseen_mentions)
    return ngettext(
        "%(names)s may not see this, so was not notified.",
        "%(names)s may not see this, so were not notified.",
        len(written.unseen_mentions),
    ) % {"names": names}


def _render_thread(request, viewer, thread, *, form=None, status=200, warning="") -> HttpResponse:
    context = {**thread_context(viewer, thread, form=form), "warning": warning}
    template = "checkins/thread.html#thread" if request.htmx else "checkins/thread.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in THREAD_KINDS:
        raise Http404
    viewer = request_viewer(request)
    thread = get_thread_for_user(viewer, kind, pk)
    if request.method == "GET":
        return _render_thread(request, viewer, thread)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            written = services.comment_create(
                viewer=viewer, thread=thread, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            warning = _unseen_warning(written) if written.unseen_mentions else ""
            if request.htmx:
                return _render_thread(request, viewer, thread, warning=warning)
            messages.success(request, _("Comment added."))
            if warning:
                messages.warning(request, warning)
            return redirect(safe_next_url(request, services.thread_url(thread)))
    return _render_thread(
        request, viewer, thread, form=form, status=form_status(request, refused=True)
    )


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    comment = get_comment_for_user(viewer, pk, edit=True)
    if request.method == "GET":
        form = CommentForm(initial={"body": comment.body}, prefix_id=f"c{comment.pk}")
        return _render_edit(request, viewer, comment, form)
    form = CommentForm(request.POST, prefix_id=f"c{comment.pk}")
    if form.is_valid():
        try:
            written = services.comment_update(
                viewer=viewer, comment=comment, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            warning = _unseen_warning(written) if written.unseen_mentions else ""
            if request.htmx:
                return _render_comment(request, viewer, written.comment, warning=warning)
            if warning:
                messages.warning(request, warning)
            return redirect(services.thread_url(services.comment_thread(comment)))
    return _render_edit(request, viewer, comment, form, status=form_status(request, refused=True))


def _render_comment(request, viewer, comment, *, warning="") -> HttpResponse:
    context = {"comment": selectors.comment_detail(viewer, comment), "warning": warning}
    return render(request, "checkins/thread.html#comment", context)


def _render_edit(request, viewer, comment, form, *, status=200) -> HttpResponse:
    context = {"comment": selectors.comment_detail(viewer, comment), "edit_form": form}
    template = "checkins/thread.html#comment" if request.htmx else "checkins/comment_edit.html"
    return render(request, template, context, status=status)


@require_POST
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    comment = get_comment_for_user(viewer, pk, delete=True)
    thread = services.comment_thread(comment)
    services.comment_delete(viewer=viewer, comment=comment)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Comment deleted."))
    return redirect(services.thread_url(thread))


@require_POST
def reaction_toggle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Add or take back one emoji on a comment or a check-in."""
    viewer = request_viewer(request)
    target, fallback = _reaction_target(viewer, kind, pk)
    try:
        services.reaction_toggle(viewer=viewer, emoji=request.POST.get("emoji", ""), **target)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    next_url = _reaction_next_url(request, fallback)
    if not request.htmx:
        return redirect(next_url)
    context = {
        "reaction_counts": _reaction_counts(viewer, kind, pk, target),
        "target_kind": kind,
        "target_id": pk,
        "next_url": next_url,
    }
    return render(request, "checkins/thread.html#reactions", context)


def _reaction_target(viewer: Viewer, kind: str, pk: int) -> tuple[dict, str]:
    """What the reaction is given on, as the service's keyword argument, and the address of
    its thread; 404 for an unknown kind or for what the viewer may not see."""
    if kind == "comment":
        comment = get_comment_for_user(viewer, pk)
        return {"comment": comment}, services.thread_url(services.comment_thread(comment))
    if kind == "check-in":
        checkin_thread = get_thread_for_user(viewer, "check-in", pk)
        return {"checkin": checkin_thread.checkin}, services.thread_url(checkin_thread)
    raise Http404


def _reaction_next_url(request: HttpRequest, fallback: str) -> str:
    # Back to the page the reaction was given from, never to this POST-only address (a
    # fragment swapped in by htmx carries the page's address on, not its own).
    next_url = safe_next_url(request, fallback)
    return fallback if urlsplit(next_url).path == request.path else next_url


def _reaction_counts(viewer: Viewer, kind: str, pk: int, target: dict):
    if kind == "comment":
        return selectors.comment_reactions(viewer, target["comment"])
    return selectors.checkin_reactions(viewer, [pk])[pk]


@require_POST
def nudge(request: HttpRequest, pk: int) -> HttpResponse:
    """A lead reminds one silent member to check in (at most once a day per member)."""
    viewer = request_viewer(request)
    person = get_person_to_nudge(viewer, pk)
    try:
        services.nudge_send(viewer=viewer, person=person)
    except ValidationError as error:
        message, sent = " ".join(error.messages), False
    else:
        message, sent = _("Reminder sent to %(person)s.") % {"person": person}, True
    if request.htmx:
        context = {"person": person, "can_nudge": True, "nudged": True, "just_sent": sent}
        return render(request, "checkins/team_week.html#nudge", context)
    (messages.success if sent else messages.info)(request, message)
    return redirect("checkins:team_week")


@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    chosen = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("kind", "email")
    )
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST, initial_choices=chosen)
        if form.is_valid():
            services.preferences_set(user=request.user, choices=form.cleaned_data)
            messages.success(request, _("Notification settings saved."))
            return redirect("checkins:notification_preferences")
        status = form_status(request, refused=True)
    else:
        form, status = NotificationPreferencesForm(initial_choices=chosen), 200
    return render(request, "checkins/notification_preferences.html", {"form": form}, status=status)
