"""Who may correct or delete a check-in, comment, react and remind; checking in itself
follows objectives.permissions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from checkins.models import CheckIn, Comment
from objectives.models import KeyResult, Objective
from objectives.permissions import can_view_objective, cycle_takes_checkins
from okrapp.core import weeks
from okrapp.core.models import Membership, Team, User
from okrapp.core.permissions import Viewer


def can_change_latest(viewer: Viewer, key_result: KeyResult, *, author_id: int | None) -> bool:
    """Whether the viewer may correct or delete a key result's latest check-in, made by
    `author_id`: only its author, only while the cycle takes check-ins (the rule of new
    check-ins, objectives.cycles.takes_checkins: active, and the late days of grading)."""
    return author_id == viewer.user.pk and cycle_takes_checkins(key_result.objective.cycle)


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
    """Only its author, only the key result's latest check-in, only while the cycle takes
    check-ins."""
    return checkin.pk == latest_id and can_change_latest(
        viewer, checkin.key_result, author_id=checkin.author_id
    )


def is_authors_latest(viewer: Viewer, checkin: CheckIn, *, latest_id: int | None) -> bool:
    """The check-in is the viewer's own and its key result's latest. Whether its cycle still
    takes check-ins is the services' question (checkins.services.checkin_refusal), so that
    a correction refused for the cycle's state says why, beside the field, with a 400."""
    return checkin.pk == latest_id and checkin.author_id == viewer.user.pk


def can_follow_teams(viewer: Viewer) -> bool:
    """Leads follow their teams' check-ins (and sub-teams'); admins follow everyone's."""
    return viewer.is_admin or bool(viewer.lead_team_ids)


def get_checkin_for_author(viewer: Viewer, pk: int) -> CheckIn:
    """The check-in, or 404 if its objective is hidden from the viewer, or 403 if it is not
    their own latest check-in (its cycle's state is checked by the services)."""
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
    if not is_authors_latest(viewer, checkin, latest_id=latest_id):
        raise PermissionDenied
    return checkin


# --- Conversations: comments, reactions, nudges ----------------------------------------------
# A comment is exactly as visible as its objective; so are a check-in's reactions.


@dataclass(frozen=True)
class Thread:
    """What a conversation is about: an objective, one of its key results, or a check-in."""

    objective: Objective
    key_result: KeyResult | None = None
    checkin: CheckIn | None = None

    @property
    def kind(self) -> str:
        if self.checkin is not None:
            return "check-in"
        return "key-result" if self.key_result is not None else "objective"

    @property
    def target_id(self) -> int:
        target = self.checkin or self.key_result or self.objective
        return target.pk


THREAD_KINDS = ("objective", "key-result", "check-in")


def get_thread_for_user(viewer: Viewer, kind: str, pk: int) -> Thread:
    """The thread's target, or 404 if it does not exist or its objective is hidden."""
    related = ("cycle", "team", "owner")
    if kind == "objective":
        objective = Objective.objects.select_related(*related).filter(pk=pk).first()
        thread = Thread(objective) if objective else None
    elif kind == "key-result":
        key_result = (
            KeyResult.objects.select_related("owner", *(f"objective__{r}" for r in related))
            .filter(pk=pk)
            .first()
        )
        thread = Thread(key_result.objective, key_result) if key_result else None
    elif kind == "check-in":
        checkin = (
            CheckIn.objects.select_related(
                "author", "key_result__owner", *(f"key_result__objective__{r}" for r in related)
            )
            .filter(pk=pk)
            .first()
        )
        thread = (
            Thread(checkin.key_result.objective, checkin.key_result, checkin) if checkin else None
        )
    else:
        thread = None
    if thread is None or not can_view_objective(viewer, thread.objective):
        raise Http404
    return thread


def can_edit_comment(viewer: Viewer, comment: Comment) -> bool:
    return comment.author_id == viewer.user.pk


def can_delete_comment(viewer: Viewer, comment: Comment) -> bool:
    """Its author, or an admin (moderation)."""
    return comment.author_id == viewer.user.pk or viewer.is_admin


def get_comment_for_user(viewer: Viewer, pk: int, *, edit: bool = False, delete: bool = False):
    """The comment, or 404 if its objective is hidden, or 403 if the viewer may not edit
    (its author) or delete it (its author or an admin)."""
    comment = (
        Comment.objects.select_related("objective", "author", "key_result", "checkin")
        .filter(pk=pk)
        .first()
    )
    if comment is None or not can_view_objective(viewer, comment.objective):
        raise Http404
    if (edit and not can_edit_comment(viewer, comment)) or (
        delete and not can_delete_comment(viewer, comment)
    ):
        raise PermissionDenied
    return comment


def nudgeable_ids(viewer: Viewer, person_ids: Iterable[int]) -> set[int]:
    """Of these people, those the viewer may remind to check in: members of a team the viewer
    leads (or of a team below it); admins may remind anyone. Never oneself. One query."""
    person_ids = set(person_ids) - {viewer.user.pk}
    if viewer.is_admin or not person_ids:
        return person_ids
    if not viewer.lead_team_ids:
        return set()
    paths = Team.objects.filter(pk__in=viewer.lead_team_ids).values_list("path", flat=True)
    subtree = Q(pk__in=[])
    for path in paths:
        subtree |= Q(team__path__startswith=path)
    return set(
        Membership.objects.filter(subtree, user_id__in=person_ids).values_list("user_id", flat=True)
    )


def get_person_to_nudge(viewer: Viewer, pk: int) -> User:
    """The person, or 404 if they do not exist or are inactive, or 403 if the viewer may not
    remind them."""
    person = User.objects.filter(pk=pk, is_active=True).first()
    if person is None:
        raise Http404
    if pk not in nudgeable_ids(viewer, [pk]):
        raise PermissionDenied
    return person
