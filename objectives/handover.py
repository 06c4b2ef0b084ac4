"""What a deactivated person still owns in open cycles, for okrapp.core.hooks' hand-over."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from objectives import hooks
from objectives.models import KeyResult, Objective
from okrapp.core.hooks import HandOverItem, HandOverProvider
from okrapp.core.models import Cycle, User

OPEN_CYCLES = (Cycle.Status.ACTIVE, Cycle.Status.PLANNING)


def _objectives(person: User):
    return Objective.objects.filter(owner=person, cycle__status__in=OPEN_CYCLES)


def _key_results(person: User):
    return KeyResult.objects.filter(owner=person, objective__cycle__status__in=OPEN_CYCLES)


def open_items(person: User) -> list[HandOverItem]:
    """Two queries, whatever the number of items."""
    objectives = [
        HandOverItem(
            kind=_("Objective"),
            title=f"{objective.title} ({objective.cycle.name})",
            url=reverse("objectives:detail", args=[objective.pk]),
        )
        for objective in _objectives(person)
        .select_related("cycle")
        .only("title", "cycle__name")
        .order_by("cycle__start_date", "title", "pk")
    ]
    key_results = [
        HandOverItem(
            kind=_("Key result"),
            title=f"{key_result.title} — {key_result.objective.title}",
            url=reverse("checkins:key_result", args=[key_result.pk]),
        )
        for key_result in _key_results(person)
        .select_related("objective")
        .only("title", "objective__title")
        .order_by("objective__title", "title", "pk")
    ]
    return objectives + key_results


def hand_over(person: User, successor: User, by: User) -> int:
    """The successor owns every open objective and key result of the person (two UPDATEs),
    and is told of each (objectives.hooks.owners_assigned), unless they did it themselves."""
    objective_ids = list(_objectives(person).values_list("pk", flat=True))
    key_result_ids = list(_key_results(person).values_list("pk", flat=True))
    moved = Objective.objects.filter(pk__in=objective_ids).update(owner=successor)
    moved += KeyResult.objects.filter(pk__in=key_result_ids).update(owner=successor)
    if successor.pk != by.pk:
        hooks.owners_assigned(
            [hooks.Assignment("objective", pk, successor.pk, by.pk) for pk in objective_ids]
            + [hooks.Assignment("key_result", pk, successor.pk, by.pk) for pk in key_result_ids]
        )
    return moved


OPEN_OBJECTIVES = HandOverProvider(name="objectives", items=open_items, hand_over=hand_over)
