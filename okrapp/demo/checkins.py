"""Demo check-ins: weekly history with believable trajectories, comments in French.

Runs after objectives.demo (which creates the key results). A key result that already has
check-ins is left alone, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from checkins.models import CheckIn
from checkins.services import key_result_follow_latest
from objectives.models import Confidence, KeyResult
from okrapp.core.models import Cycle
from okrapp.core.weeks import organisation_zone

# Progress (0–1 of the way from start to target) as a function of the elapsed fraction f.
TRAJECTORIES = {
    "ahead": lambda f: min(1.0, 1.15 * f),
    "on_track": lambda f: 0.97 * f,
    "slipping": lambda f: 0.75 * f if f < 0.4 else 0.3 + 0.2 * (f - 0.4),
    "late_start": lambda f: 0.03 * f if f < 0.35 else min(1.0, 1.25 * (f - 0.35)),
    "stalled": lambda f: min(0.25, 0.8 * f),
}
ORDER = ["on_track", "slipping", "ahead", "late_start", "on_track", "stalled"]
# People who have not checked in yet this week: the dashboard's "not checked in" list.
QUIET_THIS_WEEK = {"nathan.bertrand", "lea.michel", "paul.mercier"}

COMMENTS = {
    Confidence.ON_TRACK: [
        "Bonne semaine, la tendance se confirme.",
        "Dans les temps : l'équipe a bien avancé.",
        "Progression régulière, rien à signaler.",
        "Les actions lancées le mois dernier portent leurs fruits.",
        "Objectif de la semaine atteint.",
    ],
    Confidence.AT_RISK: [
        "Un peu en retard, on rattrape la semaine prochaine.",
        "Progression plus lente que prévu.",
        "Semaine en demi-teinte, à surveiller.",
        "Moins de résultats que prévu malgré les efforts.",
    ],
    Confidence.OFF_TRACK: [
        "Nettement en dessous de la trajectoire.",
        "Pas de progrès cette semaine, il faut revoir le plan.",
        "On décroche : priorités à arbitrer avec l'équipe.",
    ],
}
BLOCKERS = [
    "En attente du budget pour la campagne.",
    "Dépendance à l'équipe produit pour l'intégration.",
    "Deux personnes absentes cette semaine.",
    "Outil d'emailing en panne mardi et mercredi.",
    "Validation juridique encore en attente.",
]


def load(organisation) -> None:
    now = timezone.now()
    for cycle in (organisation.previous_cycle, organisation.active_cycle):
        if cycle is None:
            continue
        key_results = (
            KeyResult.objects.filter(objective__cycle=cycle)
            .exclude(checkins__isnull=False)
            .select_related("objective", "owner")
            .order_by("objective_id", "position", "id")
        )
        for index, key_result in enumerate(key_results):
            _load_key_result(key_result, cycle, ORDER[index % len(ORDER)], index, now)


def _checkin_times(
    cycle: Cycle, now: datetime.datetime, index: int, *, checks_in_this_week: bool = True
) -> list[datetime.datetime]:
    """Every Friday afternoon of the cycle until now; plus this week's for every other key
    result of the active cycle, so My week and the reminders show both states."""
    zone = organisation_zone()
    day = cycle.start_date
    while day.weekday() != 4:
        day += datetime.timedelta(days=1)
    times = []
    while day <= cycle.end_date:
        moment = datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=zone)
        moment += datetime.timedelta(minutes=17 * (index % 7))
        if moment >= now:
            break
        times.append(moment)
        day += datetime.timedelta(days=7)
    local_now = now.astimezone(zone)
    monday = datetime.datetime.combine(
        local_now.date() - datetime.timedelta(days=local_now.weekday()),
        datetime.time(9, 30),
        tzinfo=zone,
    )
    this_week = max(monday, local_now - datetime.timedelta(hours=1))
    if (
        checks_in_this_week
        and cycle.status != Cycle.Status.CLOSED
        and index % 2 == 0
        and this_week < now
        and (not times or times[-1] < monday)
    ):
        times.append(this_week)
    return times


def _confidence(progress: float, elapsed: float) -> str:
    if elapsed <= 0.05:
        return Confidence.ON_TRACK
    ratio = progress / elapsed
    if ratio >= 0.85:
        return Confidence.ON_TRACK
    if ratio >= 0.6:
        return Confidence.AT_RISK
    return Confidence.OFF_TRACK


def _rounded(key_result: KeyResult, value: float) -> Decimal:
    start, target = key_result.start_value, key_result.target_value
    whole = start == start.to_integral() and target == target.to_integral()
    counted = key_result.kind == KeyResult.Kind.NUMERIC and whole and abs(target - start) >= 3
    step = Decimal(1) if counted or abs(target - start) >= 20 else Decimal("0.1")
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


def _load_key_result(
    key_result: KeyResult, cycle: Cycle, trajectory: str, index: int, now: datetime.datetime
) -> None:
    quiet = key_result.owner.email.split("@")[0] in QUIET_THIS_WEEK
    times = _checkin_times(cycle, now, index, checks_in_this_week=not quiet)
    if not times:
        return
    rng = random.Random(f"{key_result.title}-{cycle.name}")
    zone = organisation_zone()
    cycle_start = datetime.datetime.combine(cycle.start_date, datetime.time.min, tzinfo=zone)
    duration = (cycle.end_date - cycle.start_date).days + 1
    start, target = float(key_result.start_value), float(key_result.target_value)
    checkins = []
    for moment in times:
        elapsed = min(1.0, (moment - cycle_start).total_seconds() / 86400 / duration)
        progress = max(0.0, TRAJECTORIES[trajectory](elapsed) + rng.uniform(-0.03, 0.03))
        confidence = _confidence(progress, elapsed)
        if key_result.is_milestone:
            done = trajectory in {"ahead", "on_track"} and elapsed > 0.6
            value = key_result.target_value if done else key_result.start_value
        else:
            value = _rounded(key_result, start + (target - start) * progress)
        blockers = ""
        if confidence != Confidence.ON_TRACK and rng.random() < 0.6:
            blockers = rng.choice(BLOCKERS)
        checkins.append(
            CheckIn(
                key_result=key_result,
                author=key_result.owner,
                value=value,
                confidence=confidence,
                comment=rng.choice(COMMENTS[confidence]),
                blockers=blockers,
                created_at=moment,
            )
        )
    CheckIn.objects.bulk_create(checkins)
    # The key result follows its latest check-in, exactly as after a check-in (the services
    # refuse writes in a closed cycle, so the history is written directly).
    key_result_follow_latest(key_result=key_result)
