"""Who may correct or delete a check-in; checking in itself follows objectives.permissions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from checkins.models import CheckIn
from objectives.models import KeyResult
from objectives.permissions import can_view_objective
from okrapp.core import weeks
from okrapp.core.models import Cycle
from okrapp.core.permissions import Viewer


def can_change_latest(viewer: Viewer, key_result: KeyResult, *, author_id: int | None) -> bool:
    """Whether the viewer may correct or delete a key result's latest check-in, made by
    `author_id`: only its author, only in an open cycle."""
    return author_id == viewer.user.pk and key_result.objective.cycle.status != Cycle.Status.CLOSED


def can_delete_latest(
    viewer: Viewer, key_result: KeyResult, *, author_id: int | None, created_at
) -> bool:
    """Deleting is for a slip of this week only: the author's latest check-in of the current
    ISO week (okrapp.core.weeks). An older one is history: it can be corrected, with a
    comment saying why, but not removed."""
    return (
        created_at is not None
        and weeks.week_of(created_at) == weeks.week_of()
        and can_change_latest(viewer, key_result, author_id=author_id)
    )


def can_change_checkin(viewer: Viewer, checkin: CheckIn, *, latest_id: int | None) -> bool:
    """Only its author, only the key result's latest check-in, only in an open cycle."""
    return checkin.pk == latest_id and can_change_latest(
        viewer, checkin.key_result, author_id=checkin.author_id
    )


def can_follow_teams(viewer: Viewer) -> bool:
    """Leads follow their teams' check-ins (and sub-teams'); admins follow everyone's."""
    return viewer.is_admin or bool(viewer.lead_team_ids)


def get_checkin_for_author(viewer: Viewer, pk: int) -> CheckIn:
    """The check-in, or 404 if its objective is hidden from the viewer, or 403 if they may
    not change it."""
    checkin = (
        CheckIn.objects.select_related(
            "key_result", "key_result__objective", "key_result__objective__cycle", "author"
        )
        .filter(pk=pk)
        .first()
    )
    if checkin is None or not can_view_objective(viewer, checkin.key_result.objective):
        raise Http404
    latest_id = (
        CheckIn.objects.filter(key_result_id=checkin.key_result_id)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if not can_change_checkin(viewer, checkin, latest_id=latest_id):
        raise PermissionDenied
    return checkin
