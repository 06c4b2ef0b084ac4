from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command

from okrapp.core.models import Cycle, Membership, Team, User

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"okrapp", "objectives", "checkins", "kpis"}
    }


def test_load_demo_builds_a_french_company():
    call_command("load_demo")
    assert Team.objects.filter(parent__isnull=True).count() == 1
    assert {"Marketing", "Ventes", "Produit"} <= set(Team.objects.values_list("name", flat=True))
    assert User.objects.count() >= 20
    assert Membership.objects.filter(role="lead").exists()
    assert Cycle.objects.filter(status="active").count() == 1
    # The whole quarter's loop: last quarter in grading, this one active, the next in planning.
    assert Cycle.objects.filter(status="grading").count() == 1
    assert Cycle.objects.filter(status="planning").count() == 1


def test_every_demo_person_has_exactly_one_primary_team():
    call_command("load_demo")
    for user in User.objects.all():
        assert user.memberships.filter(is_primary=True).count() == 1, user


def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    first = _row_counts()
    call_command("load_demo")
    assert _row_counts() == first
