"""Reads about the organisation shared by pages, API and tasks."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from okrapp.core import numbers
from okrapp.core.models import Cycle, Membership, Team, User

SESSION_CYCLE_KEY = "cycle_id"


def active_cycle() -> Cycle | None:
    return Cycle.objects.filter(status=Cycle.Status.ACTIVE).order_by("-start_date").first()


def current_cycle(request: HttpRequest) -> Cycle | None:
    """The cycle a page shows: `?cycle=` if given (and remembered), else the remembered one,
    else the active one, else the latest."""
    if hasattr(request, "_current_cycle"):
        return request._current_cycle
    cycles = list_cycles(request)
    by_id = {cycle.pk: cycle for cycle in cycles}
    chosen = None
    raw = request.GET.get("cycle")
    if numbers.parse_id(raw) in by_id:
        chosen = by_id[numbers.parse_id(raw)]
        request.session[SESSION_CYCLE_KEY] = chosen.pk
    if chosen is None:
        remembered = request.session.get(SESSION_CYCLE_KEY)
        chosen = by_id.get(remembered) if remembered else None
    if chosen is None:
        chosen = next((c for c in cycles if c.status == Cycle.Status.ACTIVE), None)
    if chosen is None and cycles:
        chosen = cycles[0]
    request._current_cycle = chosen
    return chosen


def cycle_for_new_objective(request: HttpRequest) -> Cycle | None:
    """Where "New objective" files one: the cycle the page shows while it is open, else the
    active one (else the latest open one). Looking at a closed cycle, remembered in the
    session, must not block creating an objective."""
    cycle = current_cycle(request)
    if cycle is not None and cycle.status != Cycle.Status.CLOSED:
        return cycle
    open_cycles = [c for c in list_cycles(request) if c.status != Cycle.Status.CLOSED]
    active = [c for c in open_cycles if c.status == Cycle.Status.ACTIVE]
    return (active or open_cycles or [cycle])[0]


def list_cycles(request: HttpRequest | None = None) -> list[Cycle]:
    if request is not None and hasattr(request, "_cycles"):
        return request._cycles
    cycles = list(Cycle.objects.order_by("-start_date"))
    if request is not None:
        request._cycles = cycles
    return cycles


def team_tree() -> list[Team]:
    """Every team in tree order (by materialised path)."""
    return list(Team.objects.order_by("path"))


def led_team_ids(user: User) -> set[int]:
    return set(
        Membership.objects.filter(user=user, role=Membership.Role.LEAD).values_list(
            "team_id", flat=True
        )
    )


def member_team_ids(user: User) -> set[int]:
    return set(Membership.objects.filter(user=user).values_list("team_id", flat=True))


def primary_team(user: User) -> Team | None:
    membership = (
        Membership.objects.filter(user=user, is_primary=True).select_related("team").first()
    )
    return membership.team if membership else None


def active_people() -> QuerySet[User]:
    return User.objects.filter(is_active=True)
