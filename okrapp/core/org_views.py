"""The organisation's pages for admins: people, teams, invitations, the org-chart import; and
the invitee's page to choose a password."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from okrapp.core import numbers, org_drawings, selectors, services
from okrapp.core.forms import (
    HandOverForm,
    MembershipForm,
    OrgImportForm,
    PersonCreateForm,
    PersonForm,
    TeamFilterForm,
    TeamForm,
    add_service_errors,
    form_status,
)
from okrapp.core.hooks import hand_over_providers
from okrapp.core.models import Invitation, Membership, Team, User
from okrapp.core.permissions import Viewer, ensure_admin, request_viewer
from okrapp.core.selectors import PersonStatus


def _admin(request: HttpRequest) -> Viewer:
    """403 for anyone but an admin, on every page of the organisation."""
    viewer = request_viewer(request)
    ensure_admin(viewer)
    return viewer


def _person(pk: int) -> User:
    person = selectors.person_with_teams(pk)
    if person is None:
        raise Http404
    return person


# --- People -----------------------------------------------------------------------------------


def people(request: HttpRequest) -> HttpResponse:
    _admin(request)
    filters = {
        "query": request.GET.get("q", "").strip()[:100],
        "status": request.GET.get("status", ""),
        "team_id": numbers.parse_id(request.GET.get("team")),
    }
    page = selectors.people_page(**filters, page=request.GET.get("page", 1))
    context = {
        "page": page,
        "rows_html": org_drawings.people_rows(page.object_list),
        "filters": filters,
        "team_filter": TeamFilterForm(team_id=filters["team_id"], field_id="people-team"),
        "statuses": [
            (PersonStatus.ACTIVE, _("Active")),
            (PersonStatus.INVITED, _("Invited")),
            (PersonStatus.DEACTIVATED, _("Deactivated")),
        ],
    }
    template = "okrapp/org/people.html#people-list" if request.htmx else "okrapp/org/people.html"
    return render(request, template, context)


def person_create(request: HttpRequest) -> HttpResponse:
    viewer = _admin(request)
    form = PersonCreateForm(request.POST or None, initial={"team": Team.company()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invite = data.pop("invite")
        try:
            if invite:
                person = services.invitation_create(
                    viewer=viewer, **{k: v for k, v in data.items() if k != "is_staff"}
                )
                person = person.user
                if data["is_staff"]:
                    services.person_update(
                        viewer=viewer,
                        person=person,
                        email=person.email,
                        display_name=person.display_name,
                        language=person.language,
                        is_staff=True,
                    )
            else:
                person = services.person_create(viewer=viewer, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is in the organisation.") % {"name": person})
            return redirect("org_person", pk=person.pk)
    status = form_status(request, refused=request.method == "POST")
    return render(request, "okrapp/org/person_create.html", {"form": form}, status=status)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    person = _person(pk)
    form = PersonForm(
        request.POST or None,
        initial={
            "email": person.email,
            "display_name": person.display_name,
            "language": person.language,
            "is_staff": person.is_staff,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(viewer=viewer, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("org_person", pk=person.pk)
    status = form_status(request, refused=request.method == "POST")
    return render(request, "okrapp/org/person.html", _person_context(person, form), status=status)


def _person_context(person: User, form, membership_form=None, hand_over_form=None) -> dict:
    invitation = person.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).first()
    items = [item for provider in hand_over_providers() for item in provider.items(person)]
    return {
        "person": person,
        "form": form,
        "membership_form": membership_form or MembershipForm(),
        "invitation": invitation,
        "may_invite": person.is_active
        and invitation is None
        and person.last_login is None
        and not person.has_usable_password(),
        "hand_over_items": items,
        "hand_over_form": hand_over_form or HandOverForm(person=person),
    }


@require_POST
def person_membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    person = _person(pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set(viewer=viewer, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The teams of %(name)s are saved.") % {"name": person})
            return redirect("org_person", pk=person.pk)
    context = _person_context(person, PersonForm(initial={"email": person.email}), form)
    return render(
        request, "okrapp/org/person.html", context, status=form_status(request, refused=True)
    )


@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    membership = get_object_or_404(Membership.objects.select_related("user", "team"), pk=pk)
    try:
        services.membership_remove(viewer=viewer, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s left %(team)s.") % {"name": membership.user, "team": membership.team},
        )
    return redirect("org_person", pk=membership.user_id)


def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the person still owns and whom to hand it over to; POST: deactivate, and
    hand over in the same step when a successor is chosen."""
    viewer = _admin(request)
    person = _person(pk)
    form = HandOverForm(request.POST if request.method == "POST" else None, person=person)
    form.fields["successor"].required = False
    if request.method == "POST" and form.is_valid():
        successor = form.cleaned_data["successor"]
        try:
            if successor is not None:
                services.person_hand_over(viewer=viewer, person=person, successor=successor)
            services.person_deactivate(viewer=viewer, person=person)
        except (ValidationError, PermissionDenied) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is deactivated.") % {"name": person})
            return redirect("org_person", pk=person.pk)
    context = _person_context(person, None, hand_over_form=form)
    status = form_status(request, refused=request.method == "POST")
    return render(request, "okrapp/org/person_deactivate.html", context, status=status)


@require_POST
def person_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    person = _person(pk)
    form = HandOverForm(request.POST, person=person)
    if form.is_valid():
        successor = form.cleaned_data["successor"]
        count = services.person_hand_over(viewer=viewer, person=person, successor=successor)
        messages.success(
            request,
            ngettext(
                "%(count)d item now belongs to %(name)s.",
                "%(count)d items now belong to %(name)s.",
                count,
            )
            % {"count": count, "name": successor},
        )
        return redirect("org_person", pk=person.pk)
    context = _person_context(person, PersonForm(initial={"email": person.email}), None, form)
    return render(
        request, "okrapp/org/person.html", context, status=form_status(request, refused=True)
    )


@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    person = get_object_or_404(User, pk=pk)
    services.person_reactivate(viewer=viewer, person=person)
    messages.success(request, _("%(name)s is active again.") % {"name": person})
    return redirect("org_person", pk=person.pk)


# --- Invitations ------------------------------------------------------------------------------


@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    person = get_object_or_404(User, pk=pk)
    try:
        services.person_invite(viewer=viewer, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("An invitation is on its way to %(email)s.") % {"email": person.email}
        )
    return redirect("org_person", pk=person.pk)


def invitations(request: HttpRequest) -> HttpResponse:
    _admin(request)
    context = {"invitations": selectors.pending_invitations(), "now": timezone.now()}
    return render(request, "okrapp/org/invitations.html", context)


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    invitation = get_object_or_404(Invitation.objects.select_related("user"), pk=pk)
    try:
        services.invitation_resend(viewer=viewer, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("A new link is on its way to %(email)s.") % {"email": invitation.user.email}
        )
    return redirect("org_invitations")


@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    invitation = get_object_or_404(Invitation.objects.select_related("user"), pk=pk)
    services.invitation_revoke(viewer=viewer, invitation=invitation)
    messages.success(
        request, _("The invitation of %(email)s is revoked.") % {"email": invitation.user.email}
    )
    return redirect("org_invitations")


@login_not_required
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee chooses a password (Django's validators), once, and is signed in."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "okrapp/org/invitation_invalid.html", status=410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["new_password1"]
            )
        except ValidationError:
            return render(request, "okrapp/org/invitation_invalid.html", status=410)
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your password is set."))
        return redirect("dashboard")
    status = form_status(request, refused=request.method == "POST")
    context = {"form": form, "person": invitation.user}
    return render(request, "okrapp/org/invitation_accept.html", context, status=status)


# --- Teams ------------------------------------------------------------------------------------


def teams(request: HttpRequest) -> HttpResponse:
    viewer = _admin(request)
    form = TeamForm(request.POST or None, initial={"parent": Team.company()})
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(viewer=viewer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The team %(name)s is created.") % {"name": team.name})
            return redirect("org_teams")
    tree = selectors.org_tree(
        open_id=numbers.parse_id(request.GET.get("open")),
        query=request.GET.get("q", "").strip()[:150],
    )
    status = form_status(request, refused=request.method == "POST")
    return render(request, "okrapp/org/teams.html", {"tree": tree, "form": form}, status=status)


@require_GET
def team_branch(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's sub-teams (htmx); without htmx, the teams page with that branch open."""
    _admin(request)
    team = get_object_or_404(Team, pk=pk)
    if not request.htmx:
        return redirect(f"{reverse('org_teams')}?open={team.pk}#org-team-{team.pk}")
    context = {"rows": selectors.team_branch(team)}
    return render(request, "okrapp/org/teams.html#org-team-branch", context)


def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    team = get_object_or_404(Team, pk=pk)
    form = TeamForm(request.POST or None, initial={"name": team.name, "parent": team.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(viewer=viewer, team=team, **form.cleaned_data)
        except ValidationError as error:
            team.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("The team %(name)s is saved.") % {"name": team.name})
            return redirect("org_teams")
    status = form_status(request, refused=request.method == "POST")
    return render(request, "okrapp/org/team_edit.html", {"team": team, "form": form}, status=status)


@require_POST
def team_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _admin(request)
    team = get_object_or_404(Team, pk=pk)
    try:
        services.team_delete(viewer=viewer, team=team)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("org_team_edit", pk=pk)
    messages.success(request, _("The team %(name)s is deleted.") % {"name": team.name})
    return redirect("org_teams")


# --- The org-chart import ---------------------------------------------------------------------


def org_import(request: HttpRequest) -> HttpResponse:
    """Upload → preview (nothing written, the file carried in the page) → import."""
    viewer = _admin(request)
    form = OrgImportForm(request.POST or None, request.FILES or None)
    data = _import_data(request, form)
    if data is None:
        status = form_status(request, refused=request.method == "POST")
        return render(request, "okrapp/org/import.html", {"form": form}, status=status)
    options = {
        "deactivate_missing": request.POST.get("deactivate_missing") == "on",
        "invite": request.POST.get("invite") == "on",
    }
    confirm = request.POST.get("confirm") == "1"
    result = services.org_import(viewer=viewer, data=data, dry_run=not confirm, **options)
    if result.written:
        messages.success(request, _("The org chart is imported."))
        return render(
            request, "okrapp/org/import.html", {"form": OrgImportForm(), "result": result}
        )
    context = {
        "form": form,
        "result": result,
        "options": options,
        "carried": base64.b64encode(data).decode(),
    }
    return render(request, "okrapp/org/import.html", context, status=400 if result.errors else 200)


def _import_data(request: HttpRequest, form: OrgImportForm) -> bytes | None:
    if request.method != "POST":
        return None
    carried = request.POST.get("carried", "")
    if carried:
        try:
            return base64.b64decode(carried, validate=True)
        except (binascii.Error, ValueError):
            form.add_error(None, _("The file could not be read again; upload it once more."))
            return None
    if form.is_valid():
        return form.cleaned_data["file"].read()
    return None
