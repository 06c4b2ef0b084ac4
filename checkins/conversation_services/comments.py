"""Comments: write, edit and delete, with their mentions (only those who may see the
objective are mentioned; the others are told back to the writer). One transaction each; the
notifications follow as a recorded job (okrapp.core.jobs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from checkins import permissions
from checkins.comment_text import mentioned_emails
from checkins.models import Comment
from checkins.permissions import Thread
from objectives.permissions import can_view_objective
from okrapp.core.jobs import job_record
from okrapp.core.models import User
from okrapp.core.permissions import Viewer, viewer_for

MAX_MENTIONS = 20


@dataclass
class Written:
    """A comment as written, and the people it mentions who may not see it (not notified)."""

    comment: Comment
    unseen_mentions: list[User] = field(default_factory=list)


def thread_url(thread: Thread) -> str:
    if thread.key_result is not None:
        return reverse("checkins:key_result", args=[thread.key_result.pk]) + "#comments"
    return reverse("objectives:detail", args=[thread.objective.pk]) + "#comments"


def comment_thread(comment: Comment) -> Thread:
    return Thread(comment.objective, comment.key_result, comment.checkin)


def _mentions(body: str, objective) -> tuple[list[User], list[User]]:
    """The people mentioned: (those who may see the objective, those who may not)."""
    emails = mentioned_emails(body)[:MAX_MENTIONS]
    if not emails:
        return [], []
    q = Q(pk__in=[])
    for email in emails:
        q |= Q(email__iexact=email)
    people = list(User.objects.filter(q, is_active=True).order_by("display_name"))
    seen = [person for person in people if can_view_objective(viewer_for(person), objective)]
    return seen, [person for person in people if person not in seen]


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    return body


@transaction.atomic
def comment_create(*, viewer: Viewer, thread: Thread, body: str) -> Written:
    if not can_view_objective(viewer, thread.objective):
        raise PermissionDenied
    comment = Comment(
        objective=thread.objective,
        key_result=thread.key_result,
        checkin=thread.checkin,
        author=viewer.user,
        body=_clean_body(body),
    )
    comment.full_clean()
    comment.save()
    seen, unseen = _mentions(comment.body, thread.objective)
    comment.mentions.set(seen)
    job_record(
        task="checkins.tasks.notify_comment",
        kwargs={"comment_id": comment.pk},
        key=f"notify-comment:{comment.pk}",
    )
    return Written(comment, unseen)


@transaction.atomic
def comment_update(*, viewer: Viewer, comment: Comment, body: str) -> Written:
    comment = Comment.objects.select_for_update().select_related("objective").get(pk=comment.pk)
    if not permissions.can_edit_comment(viewer, comment):
        raise PermissionDenied
    comment.body = _clean_body(body)
    comment.edited_at = timezone.now()
    comment.full_clean()
    comment.save(update_fields=["body", "edited_at"])
    seen, unseen = _mentions(comment.body, comment.objective)
    comment.mentions.set(seen)
    # Only people newly mentioned hear of it: each mention's notification has a unique key.
    job_record(
        task="checkins.tasks.notify_comment",
        kwargs={"comment_id": comment.pk},
        key=f"notify-comment:{comment.pk}:{comment.edited_at.timestamp()}",
    )
    return Written(comment, unseen)


@transaction.atomic
def comment_delete(*, viewer: Viewer, comment: Comment) -> None:
    if not permissions.can_delete_comment(viewer, comment):
        raise PermissionDenied
    Comment.objects.filter(pk=comment.pk).delete()
