"""The weekly digest of a scope: a team and every team below it, for the week that ended.

`weekly_digest_for(team, week, audience=None)` builds it as plain values (a `WeeklyDigest`),
for one audience: a person (`Audience.person(viewer)`: only what they may see) or, by
default, the team's own channel (`Audience.team_channel(team)`: public objectives and the
team's own). The email (checkins.conversation_services.weekly) and a team's chat channel
render the same value; `weekly_digest_text(digest)` is its plain-text rendering in the active
language. Every link is absolute (settings.SITE_URL).

What it holds:

1. the scope's rolled-up score now and its change since the nightly snapshot taken just
   before the week began (objectives.rollup_services.team_score_changes_since);
2. key results that went off track during the week (an off-track check-in in the week, and
   the latest check-in before the week was not off track);
3. each registered digest topic's items (checkins.hooks.register_digest_topic: the KPIs
   that turned alert or stale);
4. the members with key results not checked in during the week, and, apart, those with no
   check-in at all for two weeks (escalated to their lead);
5. the most discussed objectives and key results of the week (comments written in it).

A fixed number of queries whatever the size of the scope (about a dozen, plus each topic's).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from checkins import hooks
from checkins.hooks import DigestItem
from checkins.models import CheckIn, Comment
from objectives import scoring
from objectives.models import Confidence, KeyResult, Objective
from objectives.permissions import key_result_owner_sees_objective_q, visible_objectives_q
from objectives.rollup_services import ScoreChange, team_score_changes_since
from okrapp.core.models import Cycle, Membership, Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.selectors import active_cycle
from okrapp.core.weeks import Week, week_of

MOST_DISCUSSED = 5
LIST_LIMIT = 50
ESCALATION_DAYS = 14

__all__ = [
    "Audience",
    "DigestItem",
    "DigestSection",
    "PersonLine",
    "WeeklyDigest",
    "absolute",
    "last_week",
    "weekly_digest_for",
    "weekly_digest_text",
]


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def last_week(now: datetime.datetime | None = None) -> Week:
    """The week a digest sent now reports on: the one before the current week."""
    current = week_of(now)
    return week_of(current.start - datetime.timedelta(days=1))


@dataclass(frozen=True)
class Audience:
    """Who reads a digest, and so what it may show: a person sees what they may see; a team's
    channel sees the public objectives and the team's own private ones."""

    viewer: Viewer | None = None
    team_id: int | None = None

    @classmethod
    def person(cls, viewer: Viewer) -> Audience:
        return cls(viewer=viewer)

    @classmethod
    def team_channel(cls, team: Team) -> Audience:
        return cls(team_id=team.pk)

    def objectives_q(self, prefix: str = "") -> Q:
        """A filter for the objectives this audience may see; `prefix` for related lookups."""
        if self.viewer is not None:
            return visible_objectives_q(self.viewer, prefix)
        return Q(**{f"{prefix}visibility": Objective.Visibility.PUBLIC}) | Q(
            **{f"{prefix}team_id": self.team_id}
        )


@dataclass(frozen=True)
class PersonLine:
    """A member who owes check-ins: how many key results were not checked in this week."""

    name: str
    url: str
    missing: int


@dataclass(frozen=True)
class DigestSection:
    """A registered topic's part of the digest (checkins.hooks.DigestTopic)."""

    name: str
    heading: str
    items: list[DigestItem]


@dataclass
class WeeklyDigest:
    team: Team
    week: Week
    url: str
    cycle: Cycle | None = None
    score: ScoreChange | None = None
    off_track: list[DigestItem] = field(default_factory=list)
    not_checked_in: list[PersonLine] = field(default_factory=list)
    escalated: list[PersonLine] = field(default_factory=list)
    most_discussed: list[DigestItem] = field(default_factory=list)
    topics: list[DigestSection] = field(default_factory=list)

    @property
    def score_now(self) -> int | None:
        return scoring.display(self.score.now) if self.score else None

    @property
    def score_change(self) -> int | None:
        """The change in whole points, as the scores are shown (None: nothing to compare)."""
        if self.score is None or self.score.now is None or self.score.before is None:
            return None
        return scoring.display(self.score.now) - scoring.display(self.score.before)

    @property
    def is_quiet(self) -> bool:
        """Nothing to report but the score."""
        return not (
            self.off_track
            or self.not_checked_in
            or self.escalated
            or self.most_discussed
            or any(section.items for section in self.topics)
        )


def scope_team_ids(team: Team) -> list[int]:
    return list(Team.objects.filter(path__startswith=team.path).values_list("id", flat=True))


def _went_off_track(cycle: Cycle, team_ids: list[int], week: Week, audience: Audience):
    """Key results of the scope with an off-track check-in in the week whose latest check-in
    before the week was not off track (or who had none). One query."""
    before = CheckIn.objects.filter(key_result=OuterRef("pk"), created_at__lt=week.start).order_by(
        "-created_at", "-id"
    )
    key_results = (
        KeyResult.objects.filter(
            objective__cycle=cycle,
            objective__archived_at=None,
            objective__team_id__in=team_ids,
        )
        .filter(audience.objectives_q("objective__"))
        .filter(
            Exists(
                CheckIn.objects.filter(
                    key_result=OuterRef("pk"),
                    created_at__gte=week.start,
                    created_at__lt=week.end,
                    confidence=Confidence.OFF_TRACK,
                )
            )
        )
        .annotate(
            # No check-in before the week counts as "not off track" (NULL would not compare).
            confidence_before=Coalesce(Subquery(before.values("confidence")[:1]), Value(""))
        )
        .exclude(confidence_before=Confidence.OFF_TRACK)
        .select_related("owner")
        .order_by("objective_id", "position", "id")[:LIST_LIMIT]
    )
    return [
        DigestItem(
            title=key_result.title,
            url=absolute(reverse("checkins:key_result", args=[key_result.pk])),
            note=str(key_result.owner),
        )
        for key_result in key_results
    ]


def _owing(cycle: Cycle, team_ids: list[int], week: Week, audience: Audience):
    """(members with key results not checked in during the week, those of them with no
    check-in at all in the two weeks up to the week's end). Three queries."""
    member_ids = set(
        Membership.objects.filter(team_id__in=team_ids, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    due = (
        KeyResult.objects.filter(
            owner_id__in=member_ids, objective__cycle=cycle, objective__archived_at=None
        )
        .filter(key_result_owner_sees_objective_q())
        .filter(audience.objectives_q("objective__"))
        .exclude(
            Exists(
                CheckIn.objects.filter(
                    key_result=OuterRef("pk"), created_at__gte=week.start, created_at__lt=week.end
                )
            )
        )
    )
    fed = hooks.fed_key_results_q()
    if fed is not None:
        due = due.exclude(fed)
    missing = {
        row["owner_id"]: row["n"]
        for row in due.order_by().values("owner_id").annotate(n=Count("id"))
    }
    if not missing:
        return [], []
    recent = set(
        CheckIn.objects.filter(
            author_id__in=list(missing),
            created_at__gte=week.end - datetime.timedelta(days=ESCALATION_DAYS),
            created_at__lt=week.end,
        )
        .values_list("author_id", flat=True)
        .distinct()
    )
    people = User.objects.filter(pk__in=list(missing)).order_by("display_name", "email")[
        :LIST_LIMIT
    ]
    not_checked_in, escalated = [], []
    for person in people:
        line = PersonLine(
            name=str(person),
            url=absolute(reverse("person_detail", args=[person.pk])),
            missing=missing[person.pk],
        )
        (not_checked_in if person.pk in recent else escalated).append(line)
    return not_checked_in, escalated


def _most_discussed(team_ids: list[int], week: Week, audience: Audience):
    """The objectives and key results with the most comments written during the week. One
    query for the counts, one for the titles."""
    rows = list(
        Comment.objects.filter(
            objective__team_id__in=team_ids,
            objective__archived_at=None,
            created_at__gte=week.start,
            created_at__lt=week.end,
        )
        .filter(audience.objectives_q("objective__"))
        .values("objective_id", "key_result_id")
        .annotate(n=Count("id"))
        .order_by("-n", "objective_id", "key_result_id")[:MOST_DISCUSSED]
    )
    key_result_ids = [row["key_result_id"] for row in rows if row["key_result_id"]]
    objective_ids = [row["objective_id"] for row in rows if not row["key_result_id"]]
    titles = dict(KeyResult.objects.filter(pk__in=key_result_ids).values_list("pk", "title"))
    titles_o = dict(Objective.objects.filter(pk__in=objective_ids).values_list("pk", "title"))
    items = []
    for row in rows:
        count = row["n"]
        note = ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count}
        if row["key_result_id"]:
            path = reverse("checkins:key_result", args=[row["key_result_id"]])
            title = titles.get(row["key_result_id"], "")
        else:
            path = reverse("objectives:detail", args=[row["objective_id"]])
            title = titles_o.get(row["objective_id"], "")
        items.append(DigestItem(title=title, url=absolute(path + "#comments"), note=note))
    return items


def weekly_digest_for(
    team: Team,
    week: Week,
    audience: Audience | None = None,
    *,
    cycle: Cycle | None = None,
) -> WeeklyDigest:
    """The weekly digest of `team` and the teams below it for `week` (checkins.digests.
    last_week() on a Monday), as `audience` may see it (default: the team's own channel).
    `cycle` defaults to the active one; without a cycle, only the discussions are reported.
    Reads only; safe to call any number of times."""
    audience = audience or Audience.team_channel(team)
    cycle = cycle if cycle is not None else active_cycle()
    digest = WeeklyDigest(
        team=team, week=week, url=absolute(reverse("team_detail", args=[team.pk])), cycle=cycle
    )
    team_ids = scope_team_ids(team)
    if cycle is not None:
        day_before = week.start.date() - datetime.timedelta(days=1)
        digest.score = team_score_changes_since(cycle.pk, [team.pk], day_before)[team.pk]
        digest.off_track = _went_off_track(cycle, team_ids, week, audience)
        digest.not_checked_in, digest.escalated = _owing(cycle, team_ids, week, audience)
    digest.most_discussed = _most_discussed(team_ids, week, audience)
    digest.topics = [
        DigestSection(topic.name, topic.heading(), list(topic.items(team_ids, week, audience)))
        for topic in hooks.digest_topics()
    ]
    return digest


def weekly_digest_text(digest: WeeklyDigest) -> str:
    """The digest as plain text in the active language (the email's text part, without its
    greeting; a chat message)."""
    return render_to_string("checkins/emails/_weekly_digest.txt", {"digest": digest}).strip()
