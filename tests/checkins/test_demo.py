from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from checkins.models import CheckIn
from objectives.models import KeyResult
from okrapp.core.models import Cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo")


def test_the_demo_has_weeks_of_check_ins_on_the_key_results_of_both_cycles(demo):
    for status in (Cycle.Status.ACTIVE, Cycle.Status.GRADING):
        key_results = KeyResult.objects.filter(objective__cycle__status=status)
        assert key_results.exists()
        assert not key_results.filter(checkins__isnull=True).exists()
    counts = KeyResult.objects.annotate(n=Count("checkins")).values_list("n", flat=True)
    assert max(counts) >= 8


def test_demo_trajectories_differ_some_on_track_some_slipping(demo):
    confidences = set(
        KeyResult.objects.filter(objective__cycle__status=Cycle.Status.ACTIVE).values_list(
            "confidence", flat=True
        )
    )
    assert {"on_track", "off_track"} <= confidences


def test_demo_comments_are_in_french(demo):
    comments = set(CheckIn.objects.values_list("comment", flat=True))
    assert "Progression régulière, rien à signaler." in comments


def test_demo_key_results_follow_their_latest_check_in(demo):
    for key_result in KeyResult.objects.filter(checkins__isnull=False).distinct()[:30]:
        latest = key_result.checkins.order_by("-created_at", "-id").first()
        assert key_result.current_value == latest.value
        assert key_result.confidence == latest.confidence
        assert key_result.score is not None


def test_loading_the_demo_twice_adds_no_check_in(demo):
    count = CheckIn.objects.count()
    call_command("load_demo")
    assert CheckIn.objects.count() == count
