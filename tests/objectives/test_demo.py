"""The demo OKRs: the seeds' examples, aligned, in both cycles, loaded once whatever happens."""

from __future__ import annotations

import pytest

from objectives.models import KeyResult, Objective
from okrapp.core.models import Cycle
from okrapp.demo import objectives as demo
from okrapp.demo import organisation as organisation_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    organisation = organisation_demo.load()
    return organisation, demo.load(organisation)


def test_demo_holds_the_seed_examples_aligned_under_the_company(loaded):
    _, okrs = loaded
    assert okrs["marketing_community"].parent == okrs["community"]
    assert okrs["marketing_web"].parent == okrs["digital"]
    assert okrs["marketing_community"].key_results.count() == 4
    assert okrs["marketing_web"].key_results.count() == 4


def test_demo_covers_both_cycles_kinds_and_a_private_objective(loaded):
    organisation, _ = loaded
    assert Objective.objects.filter(cycle=organisation.previous_cycle).exists()
    assert Objective.objects.filter(kind=Objective.Kind.ASPIRATIONAL).exists()
    assert Objective.objects.filter(visibility=Objective.Visibility.PRIVATE).count() == 1
    assert Objective.objects.filter(level=Objective.Level.INDIVIDUAL).count() >= 3


def test_demo_scores_are_stored(loaded):
    """Every objective with key results has a score, but next quarter's drafts, which nobody
    has checked in yet; a key result is unscored only while it has never been checked in and
    stands at its start."""
    unscored_objectives = Objective.objects.filter(score__isnull=True, key_results__isnull=False)
    assert not unscored_objectives.exclude(cycle__status=Cycle.Status.PLANNING).exists()
    unscored = KeyResult.objects.filter(score__isnull=True)
    assert not unscored.filter(last_checkin_at__isnull=False).exists()
    assert all(kr.current_value == kr.start_value for kr in unscored)


def test_loading_twice_adds_nothing(loaded):
    organisation, _ = loaded
    counts = (Objective.objects.count(), KeyResult.objects.count())
    demo.load(organisation)
    assert (Objective.objects.count(), KeyResult.objects.count()) == counts


def test_the_demo_shows_the_end_of_a_quarter_half_done(db):
    from django.core.management import call_command

    from objectives.models import CarryOver, KeyResult, Objective
    from okrapp.core.models import Cycle

    call_command("load_demo")
    grading = Cycle.objects.get(status=Cycle.Status.GRADING)
    planning = Cycle.objects.get(status=Cycle.Status.PLANNING)
    graded = Objective.objects.filter(cycle=grading)
    assert not KeyResult.objects.filter(objective__cycle=grading, final_score__isnull=True).exists()
    assert graded.exclude(went_well="").count() == 2
    decisions = set(CarryOver.objects.values_list("decision", flat=True))
    assert decisions == {CarryOver.Decision.KEEP, CarryOver.Decision.ABANDON}
    assert graded.filter(carry_over__isnull=True).exists()  # some left to decide
    assert Objective.objects.filter(cycle=planning).count() == 3  # two drafts and one kept
    call_command("load_demo")  # loading twice changes nothing
    assert CarryOver.objects.count() == 2
