"""The demo organisation: a French company, its departments and teams, about 20 people, cycles.

Every row is found or created by a natural key, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from okrapp.models import Cycle, Membership, Team, User, quarter_bounds, quarter_name

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
    closed_cycle: Cycle


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
    closed_cycle = _cycle(previous_start, previous_end, Cycle.Status.CLOSED)
    named_teams = {name: team for name, team in teams.items() if name is not None}
    return DemoOrganisation(company, named_teams, people, active_cycle, closed_cycle)


def _cycle(start: datetime.date, end: datetime.date, status: str) -> Cycle:
    cycle, _ = Cycle.objects.get_or_create(
        start_date=start,
        end_date=end,
        defaults={"name": quarter_name(start), "status": status},
    )
    return cycle
