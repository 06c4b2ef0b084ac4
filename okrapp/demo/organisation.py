"""The demo organisation: a French company, its departments and teams, about 20 people, cycles.

Every row is found or created by a natural key, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from checkins.models import CheckIn
from objectives.models import KeyResult, ScoreSnapshot
from objectives.rollup_services import snapshots_refresh
from objectives.services import objective_refresh_score
from okrapp.core.models import Cycle, Membership, Team, User, quarter_bounds, quarter_name

DEMO_PASSWORD = "demo-okr-2026"
COMPANY_NAME = "Lumière & Associés"

# (team, parent team) in tree order; None is the company.
TEAMS = [
    ("Marketing", None),
    ("Contenu & communauté", "Marketing"),
    ("Acquisition", "Marketing"),
    ("Ventes", None),
    ("Grands comptes", "Ventes"),
    ("PME", "Ventes"),
    ("Produit", None),
    ("Design", "Produit"),
    ("Ingénierie", "Produit"),
]

# (email local part, display name, primary team, role, is admin, language)
PEOPLE = [
    ("claire.dubois", "Claire Dubois", None, "lead", True, "fr"),
    ("admin", "Alex Admin", None, "member", True, "fr"),
    ("sophie.martin", "Sophie Martin", "Marketing", "lead", False, "fr"),
    ("julien.bernard", "Julien Bernard", "Contenu & communauté", "lead", False, "fr"),
    ("camille.petit", "Camille Petit", "Contenu & communauté", "member", False, "fr"),
    ("lucas.moreau", "Lucas Moreau", "Contenu & communauté", "member", False, "fr"),
    ("emma.laurent", "Emma Laurent", "Acquisition", "lead", False, "fr"),
    ("hugo.simon", "Hugo Simon", "Acquisition", "member", False, "en"),
    ("lea.michel", "Léa Michel", "Acquisition", "member", False, "fr"),
    ("thomas.garcia", "Thomas Garcia", "Ventes", "lead", False, "fr"),
    ("chloe.david", "Chloé David", "Grands comptes", "lead", False, "fr"),
    ("nathan.bertrand", "Nathan Bertrand", "Grands comptes", "member", False, "fr"),
    ("manon.roux", "Manon Roux", "PME", "lead", False, "fr"),
    ("louis.vincent", "Louis Vincent", "PME", "member", False, "fr"),
    ("ines.fournier", "Inès Fournier", "Produit", "lead", False, "en"),
    ("gabriel.morel", "Gabriel Morel", "Design", "lead", False, "fr"),
    ("jade.girard", "Jade Girard", "Design", "member", False, "fr"),
    ("arthur.andre", "Arthur André", "Ingénierie", "lead", False, "fr"),
    ("louise.lefevre", "Louise Lefèvre", "Ingénierie", "member", False, "fr"),
    ("paul.mercier", "Paul Mercier", "Ingénierie", "member", False, "fr"),
]
# A second membership: Sophie also sits in Acquisition as a member.
EXTRA_MEMBERSHIPS = [("sophie.martin", "Acquisition", "member")]


def demo_email(local_part: str) -> str:
    return f"{local_part}@lumiere.example"


@dataclass
class DemoOrganisation:
    company: Team
    teams: dict[str, Team]
    people: dict[str, User]
    active_cycle: Cycle
    # The quarter before, in grading; the one after, in planning (the whole loop, in sight).
    previous_cycle: Cycle
    planning_cycle: Cycle


def load(today: datetime.date | None = None) -> DemoOrganisation:
    today = today or timezone.localdate()
    company, _ = Team.objects.get_or_create(parent=None, defaults={"name": COMPANY_NAME})
    teams: dict[str | None, Team] = {None: company}
    for name, parent_name in TEAMS:
        teams[name], _ = Team.objects.get_or_create(name=name, parent=teams[parent_name])

    people: dict[str, User] = {}
    for local_part, display_name, team_name, role, is_admin, language in PEOPLE:
        user = User.objects.filter(email=demo_email(local_part)).first()
        if user is None:
            user = User.objects.create_user(
                email=demo_email(local_part),
                password=DEMO_PASSWORD,
                display_name=display_name,
                language=language,
                is_staff=is_admin,
                is_superuser=is_admin,
            )
        people[local_part] = user
        Membership.objects.get_or_create(
            user=user, team=teams[team_name], defaults={"role": role, "is_primary": True}
        )
    for local_part, team_name, role in EXTRA_MEMBERSHIPS:
        Membership.objects.get_or_create(
            user=people[local_part], team=teams[team_name], defaults={"role": role}
        )

    start, end = quarter_bounds(today)
    active_cycle = _cycle(start, end, Cycle.Status.ACTIVE)
    previous_start, previous_end = quarter_bounds(start - datetime.timedelta(days=1))
    previous_cycle = _cycle(
        previous_start,
        previous_end,
        Cycle.Status.GRADING,
        # Grading opened a few days ago: well inside the grading period, so the daily move
        # leaves it open for a newcomer to grade.
        grading_opened_on=max(start, today - datetime.timedelta(days=3)),
    )
    next_start, next_end = quarter_bounds(end + datetime.timedelta(days=1))
    planning_cycle = _cycle(next_start, next_end, Cycle.Status.PLANNING)
    named_teams = {name: team for name, team in teams.items() if name is not None}
    return DemoOrganisation(
        company, named_teams, people, active_cycle, previous_cycle, planning_cycle
    )


def _cycle(start: datetime.date, end: datetime.date, status: str, **extra) -> Cycle:
    cycle, _ = Cycle.objects.get_or_create(
        start_date=start,
        end_date=end,
        defaults={"name": quarter_name(start), "status": status, **extra},
    )
    return cycle


def load_score_history(organisation: DemoOrganisation) -> None:
    """Weekly score snapshots replayed from the check-in history, so the dashboard's trend
    has a past. Runs once per cycle (a cycle with snapshots is left alone).

    1. Each week of the cycle up to yesterday, every key result takes the value of its
       latest check-in at the end of that day (its start value before any), the objective
       scores follow, and that day's snapshot is stored.
    2. Then today's values are put back, and a closed cycle gets its final snapshot.
    All of it runs inside load_demo's transaction.
    """

    today = timezone.localdate()
    for cycle in (organisation.previous_cycle, organisation.active_cycle):
        if ScoreSnapshot.objects.filter(cycle=cycle).exists():
            continue
        was_closed = cycle.status == Cycle.Status.CLOSED
        if was_closed:  # history days are not final; the last one is
            Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.ACTIVE)
        day = cycle.start_date + datetime.timedelta(days=6)
        last_day = min(cycle.end_date, today - datetime.timedelta(days=1))
        while day <= last_day:
            end_of_day = datetime.datetime.combine(day, datetime.time.max)
            _replay_values(cycle, until=timezone.make_aware(end_of_day))
            snapshots_refresh(cycle_id=cycle.pk, day=day)
            day += datetime.timedelta(days=7)
        _replay_values(cycle, until=None)
        if was_closed:
            Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
            snapshots_refresh(cycle_id=cycle.pk, day=cycle.end_date, final=True)


def _replay_values(cycle: Cycle, *, until: datetime.datetime | None) -> None:
    """Key results take their latest check-in value at `until` (None: now)."""

    checkins = CheckIn.objects.filter(key_result__objective__cycle=cycle)
    if until is not None:
        checkins = checkins.filter(created_at__lte=until)
    latest = dict(checkins.order_by("created_at", "id").values_list("key_result_id", "value"))
    key_results = list(KeyResult.objects.filter(objective__cycle=cycle))
    for key_result in key_results:
        key_result.current_value = latest.get(key_result.pk, key_result.start_value)
    KeyResult.objects.bulk_update(key_results, ["current_value"])
    for objective_id in {key_result.objective_id for key_result in key_results}:
        objective_refresh_score(objective_id=objective_id)
