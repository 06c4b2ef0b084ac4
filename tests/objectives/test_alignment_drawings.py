"""The alignment tree's drawings (objectives.alignment_drawings): drawn once per content and
language, shared, and never showing an old version of an objective."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import Objective
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

ALIGNMENT = reverse("objectives:alignment")


@pytest.fixture
def top(cycle, company, team, admin, lead):
    top = ObjectiveFactory(cycle=cycle, team=company, owner=admin, level="company", title="Top")
    ObjectiveFactory(cycle=cycle, team=team, owner=lead, parent=top, title="Below")
    return top


def test_a_tree_seen_again_is_not_drawn_again(client, drawn, top, member):
    client.force_login(member)
    client.get(f"{ALIGNMENT}?open={top.pk}")
    drawn_once = len(drawn)
    assert "Below" in client.get(f"{ALIGNMENT}?open={top.pk}").content.decode()
    assert drawn_once and len(drawn) == drawn_once


def test_a_changed_score_draws_its_line_and_section_again(client, drawn, top, member):
    client.force_login(member)
    client.get(f"{ALIGNMENT}?open={top.pk}")
    drawn.clear()
    Objective.objects.filter(pk=top.pk).update(score=Decimal("70"))
    page = client.get(f"{ALIGNMENT}?open={top.pk}").content.decode()
    assert "70" in page
    assert sorted(drawn) == [
        "objectives/_alignment_line.html",
        "objectives/_alignment_section.html",
    ]
