"""Who may set a team's chat channels (its leads, up the tree, and admins) and the webhooks
(admins only). Pages, the API and the tasks use the same functions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from okrapp.core.models import Team
from okrapp.core.permissions import Viewer
from okrapp.integrations.models import ChatChannel, WebhookEndpoint


def can_manage_channels(viewer: Viewer, team: Team) -> bool:
    return viewer.is_admin or viewer.leads(team)


def get_team_for_channels(viewer: Viewer, pk: int) -> Team:
    """404 for an unknown team, 403 for someone who neither leads it nor is an admin."""
    team = get_object_or_404(Team, pk=pk)
    if not can_manage_channels(viewer, team):
        raise PermissionDenied(_("Only the team's leads and administrators set its channels."))
    return team


def get_channel_for_user(viewer: Viewer, pk: int) -> ChatChannel:
    channel = get_object_or_404(ChatChannel.objects.select_related("team"), pk=pk)
    if not can_manage_channels(viewer, channel.team):
        raise PermissionDenied(_("Only the team's leads and administrators set its channels."))
    return channel


def ensure_may_manage_webhooks(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise PermissionDenied(_("Only administrators manage webhooks."))


def get_endpoint_for_user(viewer: Viewer, pk: int) -> WebhookEndpoint:
    ensure_may_manage_webhooks(viewer)
    return get_object_or_404(WebhookEndpoint, pk=pk)
