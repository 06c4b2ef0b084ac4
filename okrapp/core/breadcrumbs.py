"""The organisation's half of the breadcrumbs: company › department › team › person. The
objectives add objective › key result (objectives.breadcrumbs); every page of that chain
renders them with templates/components/breadcrumbs.html. One query each."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from okrapp.core.models import Membership, Team, User


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str = ""  # empty: shown as text (a private objective's masked title)


def dashboard_crumb() -> Crumb:
    return Crumb(str(_("Dashboard")), reverse("dashboard"))


def team_crumb(team: Team) -> Crumb:
    return Crumb(team.name, reverse("team_detail", args=[team.pk]))


def person_crumb(person: User) -> Crumb:
    return Crumb(str(person), reverse("person_detail", args=[person.pk]))


def team_crumbs(team: Team, *, include_self: bool = True) -> list[Crumb]:
    """Dashboard, then the company down to `team` (one query for its ancestors)."""
    ids = team.lineage_ids if include_self else team.ancestor_ids
    by_id = Team.objects.in_bulk([pk for pk in ids if pk != team.pk])
    by_id[team.pk] = team
    return [dashboard_crumb(), *(team_crumb(by_id[pk]) for pk in ids if pk in by_id)]


def primary_team(person: User) -> Team | None:
    membership = (
        Membership.objects.filter(user=person)
        .select_related("team")
        .order_by("-is_primary", "team__path")
        .first()
    )
    return membership.team if membership else None


def person_crumbs(person: User, *, include_self: bool = True) -> list[Crumb]:
    """Dashboard, the person's primary team's lineage, then the person (two queries)."""
    team = primary_team(person)
    crumbs = team_crumbs(team) if team is not None else [dashboard_crumb()]
    return [*crumbs, person_crumb(person)] if include_self else crumbs
