"""Reads about check-ins shared by pages, tasks and the API.

Weeks are ISO weeks in the organisation's time zone (settings.TIME_ZONE): a check-in made on
Monday 00:30 in Paris (still Sunday 23:30 in UTC) belongs to the new week.
"""

from __future__ import annotations

import copy
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from checkins import forecast, hooks
from checkins.conversation_selectors import nudged_today
from checkins.models import CheckIn, Notification
from checkins.permissions import can_change_checkin, can_delete_latest, nudgeable_ids
from objectives import pace, scoring
from objectives.breadcrumbs import key_result_crumbs
from objectives.hooks import attach_key_result_badges
from objectives.models import KeyResult, Objective
from objectives.permissions import (
    can_view_private_objective,
    cycles_taking_checkins_q,
    key_result_owner_sees_objective_q,
    visible_objectives_q,
)
from okrapp.core import charts, freshness, weeks
from okrapp.core.models import Cycle, Membership, Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.selectors import active_cycle
from okrapp.core.templatetags.charts import chart_figure
from okrapp.core.weeks import Week


def _latest_checkin(**filters) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(key_result=OuterRef("pk"), **filters).order_by(
        "-created_at", "-id"
    )


def with_week_state(queryset: QuerySet[KeyResult], week: Week) -> QuerySet[KeyResult]:
    """Annotate key results with what My week shows, in the same single query:
    `last_week_value` (latest check-in before this week; None if none), `checked_this_week`,
    and the latest check-in's id and author (for correct / delete)."""
    return queryset.annotate(
        last_week_value=Subquery(_latest_checkin(created_at__lt=week.start).values("value")[:1]),
        checked_this_week=Exists(
            CheckIn.objects.filter(key_result=OuterRef("pk"), created_at__gte=week.start)
        ),
        latest_checkin_id=Subquery(_latest_checkin().values("id")[:1]),
        latest_checkin_author_id=Subquery(_latest_checkin().values("author_id")[:1]),
    )


def my_week_key_results(user: User, cycle: Cycle | None, week: Week) -> list[KeyResult]:
    """Every key result the person owns in the cycle, with the week's state (one query)."""
    if cycle is None:
        return []
    queryset = (
        KeyResult.objects.filter(owner=user, objective__cycle=cycle, objective__archived_at=None)
        .filter(key_result_owner_sees_objective_q())
        .select_related("objective", "objective__cycle", "objective__team", "owner")
        .order_by("objective__level", "objective__id", "position", "id")
    )
    return list(with_week_state(queryset, week))


def my_week_progress(user: User, cycle: Cycle | None, week: Week) -> tuple[int, int]:
    """(checked in this week, total) over the key results My week lists (one query)."""
    if cycle is None:
        return 0, 0
    totals = (
        KeyResult.objects.filter(owner=user, objective__cycle=cycle, objective__archived_at=None)
        .filter(key_result_owner_sees_objective_q())
        .annotate(
            checked=Exists(
                CheckIn.objects.filter(key_result=OuterRef("pk"), created_at__gte=week.start)
            )
        )
        .aggregate(total=Count("pk"), done=Count("pk", filter=Q(checked=True)))
    )
    return totals["done"], totals["total"]


def my_week_key_result(pk: int, week: Week) -> KeyResult:
    queryset = KeyResult.objects.filter(pk=pk).select_related(
        "objective", "objective__cycle", "objective__team", "owner"
    )
    return with_week_state(queryset, week).get()


def value_before(checkin: CheckIn) -> Decimal:
    """The key result's value before this check-in: the previous check-in's, or its start."""
    earlier = (
        CheckIn.objects.filter(key_result_id=checkin.key_result_id)
        .filter(
            Q(created_at__lt=checkin.created_at)
            | Q(created_at=checkin.created_at, id__lt=checkin.pk)
        )
        .order_by("-created_at", "-id")
        .values_list("value", flat=True)
        .first()
    )
    return checkin.key_result.start_value if earlier is None else earlier


def key_result_checkins(key_result: KeyResult) -> list[CheckIn]:
    """Newest first, with their authors (not their key result: see `_own`)."""
    return list(
        CheckIn.objects.filter(key_result_id=key_result.pk)
        .select_related("author")
        .defer("author__password")
        .order_by("-created_at", "-id")
    )


def _own(checkin: CheckIn, key_result: KeyResult) -> CheckIn:
    """A copy of a kept check-in for this request, with its key result, already loaded."""
    mine = copy.copy(checkin)
    mine.key_result = key_result
    return mine


HISTORY_PER_PAGE = 10


def key_result_page(viewer: Viewer, key_result: KeyResult, *, history_page=1) -> dict:
    """What a key result's page shows beside its check-in form: its check-ins (newest first)
    for the chart and the projection at cycle end, one page of them listed (`history`: a key
    result fed daily by a KPI has hundreds), whether the viewer may correct the latest. The
    key result comes with its objective and cycle."""
    shown = key_result_shown(key_result)
    checkins = shown["checkins"]
    attach_key_result_badges(viewer, [key_result])
    history = Paginator(checkins, HISTORY_PER_PAGE).get_page(history_page)
    history.object_list = [_own(checkin, key_result) for checkin in history.object_list]
    hooks.attach_checkin_notes(viewer, history.object_list)
    latest = _own(checkins[0], key_result) if checkins else None
    return {
        **shown,
        "history": history,
        "can_change_latest": latest is not None
        and can_change_checkin(viewer, latest, latest_id=latest.pk),
        "can_delete_latest": latest is not None
        and can_delete_latest(
            viewer, key_result, author_id=latest.author_id, created_at=latest.created_at
        ),
        "pace": key_result_pace(key_result),
    }


def key_result_shown(key_result: KeyResult) -> dict:
    """The check-ins, the projection, the chart and the breadcrumbs: the same for everyone
    who may see the key result (the page checked that first), so kept until the next write
    (okrapp.core.freshness). Shared and read-only: a page that attaches something to a
    check-in works on its own copy (`_own`)."""

    def compute() -> dict:
        checkins = key_result_checkins(key_result)
        projection = key_result_projection(key_result, checkins)
        chart = key_result_chart(key_result, checkins, projection)
        label = _("Value over the cycle against the ideal line from start to target")
        return {
            "checkins": checkins,
            "projection": projection,
            "chart": chart,
            # Drawn here once, not digested again for each viewer (okrapp.core.drawings).
            "chart_html": chart_figure(chart, "kr-chart", label),
            "crumbs": key_result_crumbs(key_result),
        }

    return freshness.cached(
        "key_result_shown", compute, key_result.pk, get_language() or "", weeks.local_date()
    )


def _points(checkins: list[CheckIn]) -> list[forecast.Point]:
    """Check-ins newest first (as listed) → the forecast's points, oldest first."""
    return [(checkin.created_at, checkin.value) for checkin in reversed(checkins)]


def key_result_projection(key_result: KeyResult, checkins: list[CheckIn]) -> dict | None:
    """The value at cycle end at the check-ins' pace (checkins.forecast), and the score it
    would give; None for a milestone, without a check-in, or once the cycle is closed (its
    values are final: nothing is left to project)."""
    cycle = key_result.objective.cycle
    if key_result.is_milestone or not checkins or cycle.is_closed:
        return None
    value = forecast.cycle_end_value(
        start=cycle.start_date,
        end=cycle.end_date,
        start_value=key_result.start_value,
        checkins=_points(checkins),
        zone=weeks.organisation_zone(),
    )
    if value is None:
        return None
    score = scoring.key_result_score(
        start=key_result.start_value, target=key_result.target_value, current=value
    )
    return {"value": value, "score": score}


def key_result_chart(
    key_result: KeyResult, checkins: list[CheckIn], projection: dict | None
) -> dict:
    """The trajectory chart (okrapp.core.charts): the value at each check-in day, the ideal
    line from start to target, and the projection to the cycle end."""
    cycle = key_result.objective.cycle
    lines = forecast.trajectory(
        start=cycle.start_date,
        end=cycle.end_date,
        start_value=key_result.start_value,
        target_value=key_result.target_value,
        checkins=_points(checkins),
        zone=weeks.organisation_zone(),
        projection=None if projection is None else projection["value"],
    )
    series = [
        charts.series(_("Value"), lines.values),
        charts.series(_("Ideal line"), lines.ideal, role=charts.IDEAL),
    ]
    if lines.projected is not None:
        series.append(charts.series(_("Projection"), lines.projected, role=charts.PROJECTION))
    objective = key_result.objective
    return charts.line_chart(
        labels=charts.date_labels(lines.days, charts.DAY_MONTH),
        series=series,
        y_title=key_result.unit,
        # The ideal line is the key result's linear pace; the sentence says where it stands.
        headline=pace.headline(
            key_result.score,
            None,
            key_result_pace(key_result),
            aspirational=objective.is_aspirational,
        ),
    )


def key_result_pace(key_result: KeyResult) -> pace.Pace | None:
    """The cycle's expected pace while it runs (objectives.pace); None once closed."""
    cycle = key_result.objective.cycle
    if cycle.status == Cycle.Status.CLOSED:
        return None
    return pace.Pace.of(start=cycle.start_date, end=cycle.end_date, today=weeks.local_date())


@dataclass(frozen=True)
class KeyResultWeek:
    """A key result on the team week: what its row shows."""

    pk: int
    title: str
    checked_this_week: bool


@dataclass
class PersonWeek:
    person: User
    key_results: list[KeyResultWeek] = field(default_factory=list)
    # Whether the viewer may remind them to check in, and whether someone did today.
    can_nudge: bool = False
    nudged: bool = False
    # The list of key results, drawn (checkins.team_week_drawings).
    key_results_html: str = ""

    @property
    def done(self) -> int:
        return sum(1 for key_result in self.key_results if key_result.checked_this_week)

    @property
    def complete(self) -> bool:
        return self.done == len(self.key_results)


@dataclass
class TeamWeek:
    team: Team
    people: list[PersonWeek] = field(default_factory=list)

    @property
    def key_result_count(self) -> int:
        return sum(len(person.key_results) for person in self.people)

    @property
    def done(self) -> int:
        return sum(person.done for person in self.people)


def _teams_by_path() -> list[Team]:
    return list(Team.objects.order_by("path"))


def led_teams(viewer: Viewer) -> list[Team]:
    """The teams a lead follows: those they lead and every team below (admins: all). The
    organisation's teams are read once per write (okrapp.core.freshness) and filtered here;
    the list and its teams are shared: read-only."""
    if not viewer.is_admin and not viewer.lead_team_ids:
        return []
    teams = freshness.cached("teams_by_path", _teams_by_path)
    if viewer.is_admin:
        return list(teams)  # the shared list stays as it is
    roots = tuple(team.path for team in teams if team.pk in viewer.lead_team_ids)
    return [team for team in teams if team.path.startswith(roots)] if roots else []


@dataclass
class TeamWeekSummary:
    """One team's week in numbers, for the list of every team a lead or an admin follows."""

    team: Team
    people: int = 0
    key_results: int = 0
    done: int = 0
    people_behind: int = 0


def _active_people_by_team() -> dict[int, tuple[int, ...]]:
    people: dict[int, set[int]] = defaultdict(set)
    memberships = Membership.objects.filter(user__is_active=True).order_by()
    for team_id, user_id in memberships.values_list("team_id", "user_id"):
        people[team_id].add(user_id)
    return {team_id: tuple(sorted(ids)) for team_id, ids in people.items()}


# The objectives whose key results a viewer may or may not see in the numbers: public ones
# (None), or a private one's (team, owner), which `can_view_private_objective` decides.
Audience = tuple[int | None, int] | None


def _key_result_counts(cycle_id: int, week_start: datetime.datetime) -> dict:
    """Every owner's key results in the cycle, how many and how many checked in this week,
    by audience: {owner: {audience: (total, done)}}."""
    private = ~Q(objective__visibility=Objective.Visibility.PUBLIC)
    rows = (
        KeyResult.objects.filter(objective__cycle_id=cycle_id, objective__archived_at=None)
        .order_by()
        .annotate(
            private_team=Case(When(private, then=F("objective__team_id")), default=None),
            private_owner=Case(When(private, then=F("objective__owner_id")), default=None),
        )
        .values("owner_id", "objective__visibility", "private_team", "private_owner")
        .annotate(total=Count("id"), done=Count("id", filter=Q(last_checkin_at__gte=week_start)))
        .values_list(
            "owner_id", "objective__visibility", "private_team", "private_owner", "total", "done"
        )
    )
    counts: dict[int, dict[Audience, tuple[int, int]]] = defaultdict(dict)
    for owner_id, visibility, team_id, objective_owner_id, total, done in rows:
        public = visibility == Objective.Visibility.PUBLIC
        audience = None if public else (team_id, objective_owner_id)
        counts[owner_id][audience] = (total, done)
    return dict(counts)


def _team_week_figures(cycle_id: int, week_start: datetime.datetime) -> tuple[dict, dict]:
    return _active_people_by_team(), _key_result_counts(cycle_id, week_start)


def _seen(viewer: Viewer, by_audience: dict[Audience, tuple[int, int]]) -> tuple[int, int]:
    """An owner's (total, done), of the key results the viewer may see."""
    total = done = 0
    for audience, (count, checked) in by_audience.items():
        if audience is None or can_view_private_objective(
            viewer, team_id=audience[0], owner_id=audience[1]
        ):
            total, done = total + count, done + checked
    return total, done


def team_week_summaries(
    viewer: Viewer,
    cycle: Cycle | None,
    week: Week,
    teams: list[Team],
    *,
    page: int | str | None = 1,
    per_page: int = 50,
) -> Page:
    """One page of the teams the viewer follows (`led_teams`) that have people, each with
    its people, their key results in the cycle, how many were checked in this week and how
    many people are behind (the details are `team_week`'s).

    1. The organisation's active people by team, and every owner's key results counted by
       audience (public, or a private objective's team and owner), are shared by every
       viewer until the next write (okrapp.core.freshness): two queries after a write,
       none until the next one. `last_checkin_at` is the latest remaining check-in's time,
       kept by every check-in write (services.key_result_follow_latest), so "checked in
       this week" is one comparison per key result, not a subquery over its check-ins.
    2. The teams with people are paged; each team adds up what the viewer may see of its
       people's counts (masked here, after the shared read); someone is behind with fewer
       checked in than owned."""
    people: dict[int, tuple[int, ...]] = {}
    counts: dict = {}
    if teams and cycle is not None:
        people, counts = freshness.cached(
            "team_week_figures",
            partial(_team_week_figures, cycle.pk, week.start),
            cycle.pk,
            week.start,
        )
    listed = Paginator([team for team in teams if people.get(team.pk)], per_page).get_page(page)
    summaries = []
    for team in listed.object_list:
        owned = [
            seen
            for person in people[team.pk]
            if person in counts and (seen := _seen(viewer, counts[person]))[0]
        ]
        summaries.append(
            TeamWeekSummary(
                team=team,
                people=len(people[team.pk]),
                key_results=sum(total for total, _done in owned),
                done=sum(done for _total, done in owned),
                people_behind=sum(1 for total, done in owned if done < total),
            )
        )
    listed.object_list = summaries
    return listed


def team_week(
    viewer: Viewer, cycle: Cycle | None, week: Week, teams: list[Team] | None = None
) -> list[TeamWeek]:
    """For each team the viewer leads (and sub-teams), or each of `teams` (some of those):
    each member and their key results in the cycle, checked in this week or not, and whom
    the viewer may remind. Four queries whatever the size (five for a lead)."""
    teams = led_teams(viewer) if teams is None else teams
    if not teams or cycle is None:
        return []
    memberships = list(
        Membership.objects.filter(team__in=teams, user__is_active=True)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    people_ids = {membership.user_id for membership in memberships}
    key_results = (
        KeyResult.objects.filter(
            owner_id__in=people_ids, objective__cycle=cycle, objective__archived_at=None
        )
        .filter(visible_objectives_q(viewer, prefix="objective__"))
        .order_by("objective_id", "position", "id")
        .annotate(
            checked_this_week=Exists(
                CheckIn.objects.filter(key_result=OuterRef("pk"), created_at__gte=week.start)
            )
        )
        .values_list("owner_id", "id", "title", "checked_this_week")
    )
    by_owner: dict[int, list[KeyResultWeek]] = defaultdict(list)
    for owner_id, pk, title, checked_this_week in key_results:
        by_owner[owner_id].append(KeyResultWeek(pk, title, checked_this_week))
    by_team: dict[int, TeamWeek] = {team.pk: TeamWeek(team=team) for team in teams}
    for membership in memberships:
        by_team[membership.team_id].people.append(
            PersonWeek(person=membership.user, key_results=by_owner.get(membership.user_id, []))
        )
    nudgeable = nudgeable_ids(viewer, people_ids)
    nudged = nudged_today(people_ids)
    for entry in by_team.values():
        for person_week in entry.people:
            silent = bool(person_week.key_results) and not person_week.complete
            person_week.can_nudge = silent and person_week.person.pk in nudgeable
            person_week.nudged = person_week.person.pk in nudged
    return [team_week for team_week in by_team.values() if team_week.people]


def notifications_of(
    user: User, *, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return list(notifications.order_by("-created_at", "-id")[:limit])


def inbox(user: User, *, unread_only: bool = False) -> dict:
    """What the person owes, on one page: this week's check-ins not yet made, then the
    notifications (mentions, comments, reminders…), newest first. Four queries."""
    week = weeks.week_of()
    due = [kr for kr in my_week_key_results(user, active_cycle(), week) if not kr.checked_this_week]
    return {
        "to_check_in": due,
        "notifications": notifications_of(user, unread_only=unread_only),
        "unread_only": unread_only,
    }


@dataclass
class ReminderDue:
    """What one person is reminded of this week: key results, and each registered topic's
    items (checkins.hooks), by topic name."""

    person: User
    key_results: list[KeyResult] = field(default_factory=list)
    topics: dict[str, list] = field(default_factory=dict)


def remindable_people() -> QuerySet[User]:
    return User.objects.filter(is_active=True, reminders_opt_out=False)


def key_results_due(week: Week, today: datetime.date | None = None) -> QuerySet[KeyResult]:
    """Key results of cycles taking check-ins (active ones, and grading ones in their late
    days: objectives.cycles.takes_checkins) whose owner is active, not opted out, and has not
    checked them in this week — one query for everyone (set-based, no per-person loop).
    Key results fed elsewhere (checkins.hooks: following a KPI) are not asked for; a cycle
    in grading asks for grades instead (checkins.grading)."""
    today = today or weeks.local_date()
    queryset = (
        KeyResult.objects.filter(
            cycles_taking_checkins_q(today, prefix="objective__cycle__"),
            objective__archived_at=None,
            owner__is_active=True,
            owner__reminders_opt_out=False,
        )
        .filter(key_result_owner_sees_objective_q())
        .exclude(
            Exists(CheckIn.objects.filter(key_result=OuterRef("pk"), created_at__gte=week.start))
        )
        .select_related("owner", "objective")
        .order_by("owner_id", "objective_id", "position", "id")
    )
    fed = hooks.fed_key_results_q()
    return queryset if fed is None else queryset.exclude(fed)


def reminders_due(week: Week, now: datetime.datetime | None = None) -> list[ReminderDue]:
    """Everyone to remind this week: owners of key results not checked in, and people with
    items in a registered topic (stale KPIs). One query, plus one per topic and one for the
    people who have topic items only, whatever the number of people."""
    due: dict[int, ReminderDue] = {}
    today = weeks.local_date(now)
    for key_result in key_results_due(week, today):
        entry = due.setdefault(key_result.owner_id, ReminderDue(person=key_result.owner))
        entry.key_results.append(key_result)
    by_topic = {topic.name: topic.items_by_person(today) for topic in hooks.reminder_topics()}
    missing = {user_id for items in by_topic.values() for user_id in items if user_id not in due}
    if missing:
        for person in remindable_people().filter(pk__in=missing):
            due[person.pk] = ReminderDue(person=person)
    for name, items_by_person in by_topic.items():
        for user_id, items in items_by_person.items():
            if user_id in due and items:
                due[user_id].topics[name] = list(items)
    return [entry for entry in due.values() if entry.key_results or entry.topics]


def fed_value(key_result_id: int):
    """The stored value of a key result fed elsewhere (a KPI, checkins.hooks), read at the
    moment of saving; None when nothing feeds it. A comment on a fed key result keeps the
    value the feed brought, never the one a page showed when it was loaded."""
    fed = hooks.fed_key_results_q()
    if fed is None:
        return None
    row = KeyResult.objects.filter(fed, pk=key_result_id).values_list("current_value", flat=True)
    return row.first()
