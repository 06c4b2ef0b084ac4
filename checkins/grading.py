"""The weekly reminder during grading (leads are told when grading opens by
checkins.conversation_services.events.tell_leads_grading_opened).

While a cycle is in grading, the weekly reminder asks for grades, not check-ins: the GRADES
topic (checkins.hooks.ReminderTopic, registered in CheckinsConfig.ready) lists the objectives
still to grade of each person who grades them. It rides on the weekly reminder's claimed row
(checkins.services.reminders_send), so it goes out at most once a week.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checkins.hooks import ReminderTopic
from objectives.models import KeyResult, Objective
from objectives.permissions import key_result_owner_sees_objective_q
from objectives.selectors import ungraded_objectives_q
from okrapp.core.models import Cycle, Membership, User


def objectives_to_grade() -> list[Objective]:
    """The objectives of cycles in grading still to grade: no retrospective written yet (the
    final grades start at the scores, so the retrospective is what grading asks for)."""
    return list(
        Objective.objects.filter(ungraded_objectives_q(), cycle__status=Cycle.Status.GRADING)
        .select_related("cycle")
        .order_by("cycle__start_date", "level", "team_id", "id")
    )


def grades_due(today: datetime.date) -> dict[int, list[Objective]]:
    """Each person's objectives to grade (person id → objectives), in three queries whatever
    the number of people: the objective's owner, the owners of its key results (who grade
    their own) and its team's leads. Only the active people who take reminders."""
    objectives = objectives_to_grade()
    if not objectives:
        return {}
    by_id = {objective.pk: objective for objective in objectives}
    graders: dict[int, dict[int, Objective]] = defaultdict(dict)
    for objective in objectives:
        graders[objective.owner_id][objective.pk] = objective
    key_result_owners = (
        KeyResult.objects.filter(
            ungraded_objectives_q("objective__"),
            objective__cycle__status=Cycle.Status.GRADING,
            objective__archived_at=None,
        )
        .filter(key_result_owner_sees_objective_q())
        .values_list("owner_id", "objective_id")
    )
    for owner_id, objective_id in key_result_owners:
        graders[owner_id][objective_id] = by_id[objective_id]
    by_team: dict[int, list[Objective]] = defaultdict(list)
    for objective in objectives:
        if objective.team_id is not None:
            by_team[objective.team_id].append(objective)
    leads = Membership.objects.filter(role=Membership.Role.LEAD, team_id__in=list(by_team))
    for user_id, team_id in leads.values_list("user_id", "team_id"):
        for objective in by_team[team_id]:
            graders[user_id][objective.pk] = objective
    remindable = set(
        User.objects.filter(
            pk__in=list(graders), is_active=True, reminders_opt_out=False
        ).values_list("pk", flat=True)
    )
    return {
        person_id: sorted(items.values(), key=lambda o: (o.cycle.start_date, o.pk))
        for person_id, items in graders.items()
        if person_id in remindable
    }


def _summary(count: int) -> str:
    return ngettext(
        "%(count)d objective waits for its grades and retrospective.",
        "%(count)d objectives wait for their grades and retrospective.",
        count,
    ) % {"count": count}


def _grading_url(objectives) -> str:
    first = objectives[0]
    return f"{reverse('objectives:grading', args=[first.cycle_id])}#objective-{first.pk}"


GRADES = ReminderTopic(
    name="grades",
    # Looked up at call time, so that a test may replace grades_due.
    items_by_person=lambda today: grades_due(today),
    summary=_summary,
    subject=lambda: _("Grading is open: your grades are due"),
    template="checkins/emails/_reminder_grades",
    url=_grading_url,
)
