"""The reads of the conversations: threads, reactions, the person picker, the inbox. Each in a
bounded number of queries, whatever the number of comments, reactions or people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.urls import reverse

from checkins import permissions
from checkins.comment_text import comment_html
from checkins.models import Comment, Emoji, Nudge, Reaction
from checkins.permissions import Thread
from objectives.models import Objective
from okrapp.core import freshness, weeks
from okrapp.core.models import Membership, User
from okrapp.core.permissions import Viewer

MENTION_SUGGESTIONS = 10  # people the mention picker offers before any search
NEAR_LIMIT = 50  # people near a thread considered for them


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    label: str
    count: int
    mine: bool


def _reactions(viewer: Viewer, field: str, ids: Iterable[int]) -> dict[int, list[ReactionCount]]:
    """Target id → one entry per offered emoji (count, and whether the viewer gave it)."""
    ids = list(ids)
    counts: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    if ids:
        rows = (
            Reaction.objects.filter(**{f"{field}__in": ids})
            .values(field, "emoji")
            .annotate(count=Count("id"), mine=Count("id", filter=Q(user=viewer.user)))
        )
        for row in rows:
            counts[row[field]][row["emoji"]] = (row["count"], bool(row["mine"]))
    return {
        pk: [
            ReactionCount(emoji, label, *counts[pk].get(emoji, (0, False)))
            for emoji, label in Emoji.choices
        ]
        for pk in ids
    }


def checkin_reactions(viewer: Viewer, checkin_ids: Iterable[int]) -> dict[int, list[ReactionCount]]:
    return _reactions(viewer, "checkin", checkin_ids)


def comment_reactions(viewer: Viewer, comment: Comment) -> list[ReactionCount]:
    return _reactions(viewer, "comment", [comment.pk])[comment.pk]


def _thread_filter(thread: Thread) -> Q:
    if thread.checkin is not None:
        return Q(checkin=thread.checkin)
    if thread.key_result is not None:
        return Q(key_result=thread.key_result)
    return Q(objective=thread.objective, key_result__isnull=True)


def decorate(viewer: Viewer, comments: list[Comment]) -> list[Comment]:
    """Each comment's HTML, reactions and what the viewer may do with it (one query for the
    reactions; mentions must be prefetched)."""
    reactions = _reactions(viewer, "comment", [comment.pk for comment in comments])
    for comment in comments:
        names = {person.email.lower(): str(person) for person in comment.mentions.all()}
        comment.html = comment_html(comment.body, names)
        comment.reaction_counts = reactions[comment.pk]
        comment.can_edit = permissions.can_edit_comment(viewer, comment)
        comment.can_delete = permissions.can_delete_comment(viewer, comment)
        target = Thread(comment.objective, comment.key_result, comment.checkin)
        comment.thread_path = reverse("checkins:thread", args=[target.kind, target.target_id])
    return comments


def thread_comments(viewer: Viewer, thread: Thread) -> list[Comment]:
    """The thread's comments, oldest first (a key result's include those on its check-ins).
    Three queries."""
    comments = list(
        Comment.objects.filter(_thread_filter(thread))
        .select_related("author", "checkin")
        .prefetch_related(Prefetch("mentions", queryset=User.objects.order_by("pk")))
        .order_by("created_at", "id")
    )
    # Their objective and key result are the thread's own: loaded already, not joined again.
    for comment in comments:
        if comment.objective_id == thread.objective.pk:
            comment.objective = thread.objective
        if thread.key_result is not None and comment.key_result_id == thread.key_result.pk:
            comment.key_result = thread.key_result
    return decorate(viewer, comments)


def comment_detail(viewer: Viewer, comment: Comment) -> Comment:
    comment = (
        Comment.objects.select_related("author", "objective", "key_result", "checkin")
        .prefetch_related("mentions")
        .get(pk=comment.pk)
    )
    return decorate(viewer, [comment])[0]


def mentionable_people(objective: Objective) -> QuerySet[User]:
    """Whom one may usefully mention: the active people who may see the objective (for a
    private one: its owner, its team's members and the admins)."""
    people = User.objects.filter(is_active=True).only("pk", "display_name", "email")
    if objective.visibility == Objective.Visibility.PRIVATE:
        people = people.filter(
            Q(pk=objective.owner_id)
            | Q(is_staff=True)
            | Q(is_superuser=True)
            | Q(pk__in=Membership.objects.filter(team=objective.team_id).values("user_id"))
        )
    return people.order_by("display_name", "email")


def mention_suggestions(viewer: Viewer, thread: Thread, comments: list[Comment]) -> list[User]:
    """The few people the mention picker offers before any search: those near the thread
    (its owners and check-in author, who wrote or was mentioned, latest first), then the
    viewer's teammates; never the viewer. One query, whatever the organisation's size (the
    comments' mentions are prefetched); the picker searches the others."""
    near = dict.fromkeys([thread.objective.owner_id])
    if thread.key_result is not None:
        near.setdefault(thread.key_result.owner_id, None)
    if thread.checkin is not None:
        near.setdefault(thread.checkin.author_id, None)
    for comment in reversed(comments):
        if len(near) >= NEAR_LIMIT:
            break
        near.setdefault(comment.author_id, None)
        for person in comment.mentions.all():
            near.setdefault(person.pk, None)
    near_ids = [pk for pk in near if pk is not None][:NEAR_LIMIT]

    def read() -> list[User]:
        teammates = Membership.objects.filter(team_id__in=viewer.member_team_ids).values("user_id")
        return list(
            mentionable_people(thread.objective)
            .filter(Q(pk__in=near_ids) | Q(pk__in=teammates))
            .exclude(pk=viewer.user.pk)
            .defer("password")  # kept in the shared cache
            .annotate(far=Case(When(pk__in=near_ids, then=0), default=1))
            .order_by("far", "display_name", "email")[:MENTION_SUGGESTIONS]
        )

    # Kept until the next write (people, teams, objectives all move the version); the
    # comments, which move nothing, are in the key through the people near the thread.
    objective = thread.objective
    return freshness.cached(
        "mention_suggestions",
        read,
        viewer.user.pk,
        objective.pk,
        objective.visibility,
        objective.team_id,
        ",".join(map(str, near_ids)),
    )


def nudged_today(person_ids: Iterable[int]) -> set[int]:
    """Of these people, those already reminded by a lead today (one query)."""
    return set(
        Nudge.objects.filter(person_id__in=list(person_ids), day=weeks.local_date()).values_list(
            "person_id", flat=True
        )
    )
