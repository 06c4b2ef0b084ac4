from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from checkins.models import CheckIn
from checkins.services import checkin_create, checkin_delete, checkin_update
from objectives.models import KeyResult, Objective
from okrapp.core.models import Cycle
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def check_in(key_result, author, value, confidence="on_track", **extra):
    return checkin_create(
        key_result=key_result, author=author, value=Decimal(value), confidence=confidence, **extra
    )


def test_check_in_sets_the_key_result_value_and_confidence(key_result, member):
    check_in(key_result, member, 40, "at_risk", comment="Slow week")
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(40)
    assert key_result.confidence == "at_risk"
    assert key_result.last_checkin_at is not None
    assert key_result.score == Decimal(40)


def test_check_in_refreshes_the_objective_score(key_result, objective, member):
    KeyResultFactory(objective=objective, owner=member, start_value=0, target_value=10)
    check_in(key_result, member, 60)
    objective.refresh_from_db()
    assert objective.score == Decimal(30)


def test_a_failing_check_in_changes_nothing(key_result, member):
    with pytest.raises(ValidationError):
        check_in(key_result, member, 40, confidence="sunny")
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(0)
    assert not CheckIn.objects.exists()


def test_author_corrects_their_latest_check_in(key_result, member):
    check_in(key_result, member, 30)
    latest = check_in(key_result, member, 50)
    checkin_update(checkin=latest, author=member, value=Decimal(45), confidence="at_risk")
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(45)
    assert key_result.confidence == "at_risk"


def test_deleting_the_latest_check_in_brings_back_the_previous_one(key_result, member):
    check_in(key_result, member, 30, "at_risk")
    latest = check_in(key_result, member, 50)
    checkin_delete(checkin=latest, author=member)
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(30)
    assert key_result.confidence == "at_risk"


def test_deleting_the_only_check_in_returns_to_the_start_value(key_result, member):
    only = check_in(key_result, member, 30)
    checkin_delete(checkin=only, author=member)
    key_result.refresh_from_db()
    assert key_result.current_value == key_result.start_value
    assert key_result.confidence == ""
    assert key_result.last_checkin_at is None


def test_an_older_check_in_cannot_be_corrected(key_result, member):
    older = check_in(key_result, member, 30)
    check_in(key_result, member, 50)
    with pytest.raises(ValidationError):
        checkin_update(checkin=older, author=member, value=Decimal(1), confidence="on_track")


def test_someone_else_cannot_correct_or_delete_a_check_in(key_result, member, lead):
    latest = check_in(key_result, member, 30)
    with pytest.raises(ValidationError):
        checkin_update(checkin=latest, author=lead, value=Decimal(1), confidence="on_track")
    with pytest.raises(ValidationError):
        checkin_delete(checkin=latest, author=lead)


def test_a_closed_cycle_is_read_only(key_result, member, cycle):
    earlier = check_in(key_result, member, 30)
    cycle.status = Cycle.Status.CLOSED
    cycle.save()
    with pytest.raises(ValidationError):
        check_in(key_result, member, 40)
    with pytest.raises(ValidationError):
        checkin_update(checkin=earlier, author=member, value=Decimal(1), confidence="on_track")
    with pytest.raises(ValidationError):
        checkin_delete(checkin=earlier, author=member)
    assert CheckIn.objects.count() == 1


def test_a_milestone_checked_done_scores_100(milestone, member):
    check_in(milestone, member, 1)
    milestone.refresh_from_db()
    assert milestone.current_value == milestone.target_value
    assert milestone.score == Decimal(100)


def test_a_milestone_not_done_scores_0(milestone, member):
    check_in(milestone, member, 0)
    milestone.refresh_from_db()
    assert milestone.current_value == milestone.start_value
    assert milestone.score == Decimal(0)


def test_a_milestone_done_reaches_its_target_whatever_the_target(objective, member):
    milestone = KeyResultFactory(
        objective=objective, owner=member, kind=KeyResult.Kind.MILESTONE, target_value=5
    )
    check_in(milestone, member, 1)
    milestone.refresh_from_db()
    assert milestone.current_value == Decimal(5)
    assert milestone.score == Decimal(100)


def test_a_backdated_check_in_does_not_override_a_newer_one(key_result, member):
    check_in(key_result, member, 50)
    check_in(key_result, member, 20, created_at=timezone.now() - datetime.timedelta(days=7))
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(50)


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as exc:  # reported to the test, which fails on it
            results[key] = exc
        finally:
            connection.close()

    return threading.Thread(target=run)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_check_ins_lose_no_update_and_the_last_committed_wins():
    """Thread A checks in and holds its transaction open; thread B checks in on the same
    key result meanwhile. B must wait for A's row lock, then commit after it: both check-ins
    are kept, and the key result ends with B's value (the last committed)."""
    owner = UserFactory()
    cycle = CycleFactory()
    objective = ObjectiveFactory(cycle=cycle, owner=owner, visibility=Objective.Visibility.PUBLIC)
    key_result = KeyResultFactory(objective=objective, owner=owner)
    a_checked_in = threading.Event()
    a_may_commit = threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            checkin = check_in(key_result, owner, 10, "at_risk")
            a_checked_in.set()
            assert a_may_commit.wait(10)
        return checkin

    def second():
        assert a_checked_in.wait(10)
        return check_in(key_result, owner, 20, "on_track")

    thread_a, thread_b = _in_thread(first, results, "a"), _in_thread(second, results, "b")
    thread_a.start()
    thread_b.start()
    assert a_checked_in.wait(10)
    thread_b.join(1.0)
    assert thread_b.is_alive(), "the second check-in must wait for the first one's row lock"
    a_may_commit.set()
    thread_a.join(10)
    thread_b.join(10)
    assert not isinstance(results["a"], Exception), results["a"]
    assert not isinstance(results["b"], Exception), results["b"]

    key_result.refresh_from_db()
    assert CheckIn.objects.filter(key_result=key_result).count() == 2
    assert key_result.current_value == Decimal(20)
    assert key_result.confidence == "on_track"
    assert results["b"].created_at > results["a"].created_at
    objective.refresh_from_db()
    assert objective.score == Decimal(20)


def test_check_in_factory_rows_are_followed_by_the_service(key_result, member):
    CheckInFactory(key_result=key_result, value=Decimal(70))
    latest = check_in(key_result, member, 80)
    checkin_delete(checkin=latest, author=member)
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(70)
