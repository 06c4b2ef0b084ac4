"""Pages of the integrations: a team's chat channels (its leads and admins), the webhooks and
each endpoint's delivery log (admins)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from okrapp.core.forms import add_service_errors, form_status
from okrapp.core.permissions import request_viewer
from okrapp.integrations import permissions, selectors, services
from okrapp.integrations.forms import ChannelForm, EndpointEditForm, EndpointForm


@require_http_methods(["GET", "POST"])
def team_channels(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    team = permissions.get_team_for_channels(viewer, pk)
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_create(viewer=viewer, team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The channel is saved."))
            return redirect("integrations:team_channels", pk=team.pk)
    context = {"team": team, "channels": selectors.channels_of(team), "form": form}
    status = form_status(request, refused=request.method == "POST")
    return render(request, "integrations/channels.html", context, status=status)


@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    channel = permissions.get_channel_for_user(viewer, pk)
    services.channel_delete(viewer=viewer, channel=channel)
    messages.success(request, _("The channel “%(name)s” is removed.") % {"name": channel.name})
    return redirect("integrations:team_channels", pk=channel.team_id)


@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a test message now; htmx swaps in the result, announced (role=status)."""
    viewer = request_viewer(request)
    channel = permissions.get_channel_for_user(viewer, pk)
    try:
        delivered = services.channel_test(viewer=viewer, channel=channel)
        refusal = ""
    except ValidationError as error:
        delivered, refusal = False, " ".join(error.messages)
    if delivered:
        result = _("The test message was delivered to “%(name)s”.") % {"name": channel.name}
    else:
        result = refusal or _("The test message could not be delivered to “%(name)s”.") % {
            "name": channel.name
        }
    if request.htmx:
        context = {"channel": channel, "result": result, "delivered": delivered}
        return render(request, "integrations/channels.html#channel-test", context)
    (messages.success if delivered else messages.error)(request, result)
    return redirect("integrations:team_channels", pk=channel.team_id)


@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    permissions.ensure_may_manage_webhooks(viewer)
    form = EndpointForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.endpoint_create(viewer=viewer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            context.update(form=EndpointForm(), new_endpoint=endpoint, new_secret=secret)
    context["endpoints"] = selectors.endpoints_page()
    refused = request.method == "POST" and "new_secret" not in context
    return render(
        request, "integrations/webhooks.html", context, status=form_status(request, refused=refused)
    )


@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    endpoint = permissions.get_endpoint_for_user(viewer, pk)
    initial = {key: getattr(endpoint, key) for key in ("name", "url", "events", "is_active")}
    form = EndpointEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(viewer=viewer, endpoint=endpoint, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The webhook is saved."))
            return redirect("integrations:webhook", pk=endpoint.pk)
    context = {"endpoint": endpoint, "form": form, "deliveries": selectors.deliveries_of(endpoint)}
    status = form_status(request, refused=request.method == "POST")
    return render(request, "integrations/webhook.html", context, status=status)


@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = request_viewer(request)
    endpoint = permissions.get_endpoint_for_user(viewer, pk)
    services.endpoint_delete(viewer=viewer, endpoint=endpoint)
    messages.success(request, _("The webhook “%(name)s” is deleted.") % {"name": endpoint.name})
    return redirect("integrations:webhooks")
