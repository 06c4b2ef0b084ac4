"""Notifications of what the layers below tell people through their hooks: being made the
owner of an objective or a key result (objectives.hooks.register_owners_assigned), grading
opened (objectives.hooks.register_grading_opened), an invitation accepted
(okrapp.core.hooks.register_invitation_accepted).

Each listener runs inside the writer's transaction and only records a job
(okrapp.core.jobs); the job writes the notifications after the commit, once per person and
event (a unique key), in bulk.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins.conversation_services.notifications import Event, _in_language, notifications_create
from checkins.models import NotificationKind
from objectives.hooks import Assignment
from objectives.models import KeyResult, Objective
from objectives.permissions import can_view_objective
from okrapp.core.jobs import job_record
from okrapp.core.models import Cycle, Invitation, Membership, User
from okrapp.core.permissions import viewer_for

# --- Made owner -------------------------------------------------------------------------------


def record_assignments(assignments: Sequence[Assignment]) -> None:
    """objectives.hooks listener: one job for the write's assignments. The moment is part of
    each notification's key, so being made owner again later is a new event, while a rerun
    of this job is not."""
    job_record(
        task="checkins.tasks.notify_assignments",
        kwargs={
            "assignments": [[a.kind, a.pk, a.owner_id, a.by_id] for a in assignments],
            "at": timezone.now().isoformat(),
        },
    )


def notify_assignments(*, assignments: list[list], at: str) -> int:
    """Tell each new owner (who may see the objective); three queries plus the writes."""
    objective_ids = {pk for kind, pk, *_rest in assignments if kind == "objective"}
    key_result_ids = {pk for kind, pk, *_rest in assignments if kind == "key_result"}
    objectives = Objective.all_objects.select_related("team").in_bulk(objective_ids)
    key_results = KeyResult.objects.select_related("objective").in_bulk(key_result_ids)
    people = User.objects.in_bulk(
        {owner for _k, _p, owner, _b in assignments} | {by for *_rest, by in assignments}
    )
    events = []
    for kind, pk, owner_id, by_id in assignments:
        item = (objectives if kind == "objective" else key_results).get(pk)
        owner, by = people.get(owner_id), people.get(by_id)
        if item is None or owner is None or not owner.is_active or item.owner_id != owner_id:
            continue  # gone, or handed on again before the job ran
        objective = item if kind == "objective" else item.objective
        if not can_view_objective(viewer_for(owner), objective):
            continue
        if kind == "objective":
            url = reverse("objectives:detail", args=[pk])
        else:
            url = reverse("checkins:key_result", args=[pk])
        message = _in_language(owner, partial(_assignment_message, kind, by, item.title))
        events.append(
            Event(owner, NotificationKind.ASSIGNMENT, f"owner:{kind}:{pk}:{at}", message, url)
        )
    return notifications_create(events=events)


def _assignment_message(kind: str, by: User | None, title: str) -> str:
    if kind == "objective":
        sentence = _("%(by)s made you the owner of the objective “%(title)s”.")
    else:
        sentence = _("%(by)s made you the owner of the key result “%(title)s”.")
    return sentence % {"by": by, "title": title}


# --- Grading opened ---------------------------------------------------------------------------


def grading_leads() -> list[User]:
    """Every active lead: each grades their team's objectives."""
    return list(
        User.objects.filter(is_active=True, memberships__role=Membership.Role.LEAD)
        .distinct()
        .order_by("pk")
    )


def tell_leads_grading_opened(cycle: Cycle) -> int:
    """objectives.hooks listener (run by the grading job, after its commit): one notification
    per lead and cycle, set-based; a rerun finds the keys taken and sends nothing."""
    url = reverse("objectives:grading", args=[cycle.pk])
    events = [
        Event(
            lead,
            NotificationKind.GRADING,
            f"grading:{cycle.pk}",
            _in_language(
                lead,
                lambda: (
                    _(
                        "Grading of %(cycle)s is open: grade your team's key results, write the "
                        "retrospectives and decide what carries over."
                    )
                    % {"cycle": cycle.name}
                ),
            ),
            url,
        )
        for lead in grading_leads()
    ]
    return notifications_create(events=events)


# --- Invitation accepted ----------------------------------------------------------------------


def record_invitation_accepted(invitation: Invitation) -> None:
    """okrapp.core.hooks listener: one job per invitation (its key)."""
    if invitation.invited_by_id is None:
        return
    job_record(
        task="checkins.tasks.notify_invitation_accepted",
        kwargs={"invitation_id": invitation.pk},
        key=f"notify-invitation:{invitation.pk}",
    )


def notify_invitation_accepted(*, invitation_id: int) -> int:
    invitation = (
        Invitation.objects.select_related("user", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.invited_by is None or not invitation.invited_by.is_active:
        return 0
    admin = invitation.invited_by
    message = _in_language(
        admin,
        lambda: (
            _("%(person)s accepted your invitation and signed in.") % {"person": invitation.user}
        ),
    )
    url = reverse("person_detail", args=[invitation.user_id])
    return notifications_create(
        events=[
            Event(
                admin,
                NotificationKind.INVITATION_ACCEPTED,
                f"invitation:{invitation.pk}",
                message,
                url,
            )
        ]
    )
