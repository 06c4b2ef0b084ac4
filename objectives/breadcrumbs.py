"""The objectives' half of the breadcrumbs (okrapp.core.breadcrumbs): an individual
objective sits under its owner, a team objective under its team, a company objective under
the company; a key result under its objective."""

from __future__ import annotations

from django.urls import reverse

from objectives.models import KeyResult, Objective
from okrapp.core.breadcrumbs import Crumb, person_crumbs, team_crumbs
from okrapp.core.models import Team


def objective_crumbs(objective: Objective, *, include_self: bool = True) -> list[Crumb]:
    if objective.level == Objective.Level.INDIVIDUAL:
        crumbs = person_crumbs(objective.owner)
    elif objective.level == Objective.Level.COMPANY:
        company = Team.company()
        crumbs = team_crumbs(company) if company else team_crumbs(objective.team)
    else:
        crumbs = team_crumbs(objective.team)
    if include_self:
        crumbs.append(Crumb(objective.title, reverse("objectives:detail", args=[objective.pk])))
    return crumbs


def key_result_crumbs(key_result: KeyResult) -> list[Crumb]:
    """Up to the key result's objective; the page itself is the last, current crumb."""
    return objective_crumbs(key_result.objective)
