"""The freshness cache (okrapp.core.freshness): organisation-wide figures shared until the
next committed write, never stale, and never a failed page when the cache is down."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from checkins.services import checkin_create
from objectives.models import Confidence, KeyResult, Objective
from okrapp.core import freshness
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Counter:
    """A computation that says how often it ran."""

    def __init__(self, value="figures"):
        self.runs = 0
        self.value = value

    def __call__(self):
        self.runs += 1
        return self.value


@pytest.mark.parametrize(
    ("sql", "watched"),
    [
        ('INSERT INTO "objectives_objective" ("title") VALUES (%s)', True),
        ('UPDATE "objectives_keyresult" SET "score" = %s WHERE "id" = %s', True),
        ('DELETE FROM "checkins_checkin" WHERE "id" IN (%s)', True),
        ('INSERT OR IGNORE INTO "kpis_measurement" ("value") VALUES (%s)', True),
        ('  update "okrapp_team" set "name" = %s', True),
        ('UPDATE "okrapp_user" SET "display_name" = %s WHERE "id" = %s', True),
        ('UPDATE "okrapp_user" SET "last_login" = %s WHERE "okrapp_user"."id" = %s', False),
        ('INSERT INTO "checkins_notification" ("kind") VALUES (%s)', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "okr_cache" ("cache_key") VALUES (%s)', False),
        ('TRUNCATE "okrapp_team", "objectives_objective" RESTART IDENTITY', True),
        ('SELECT "id" FROM "objectives_objective"', False),
        ("", False),
    ],
)
def test_a_write_moves_the_version_only_on_a_table_the_cached_reads_read(sql, watched):
    assert freshness.writes_watched_table(sql) is watched


def test_a_value_is_computed_once_and_shared_until_a_write():
    compute = Counter()
    assert freshness.cached("figures", compute, 1) == "figures"
    assert freshness.cached("figures", compute, 1) == "figures"
    assert compute.runs == 1


def test_the_parts_tell_values_apart():
    compute = Counter()
    freshness.cached("figures", compute, 1)
    freshness.cached("figures", compute, 2)
    assert compute.runs == 2


def test_a_committed_orm_update_leaves_the_cached_value_behind():
    key_result = KeyResultFactory()
    compute = Counter()
    freshness.cached("figures", compute)
    KeyResult.objects.filter(pk=key_result.pk).update(score=Decimal("40"))
    freshness.cached("figures", compute)
    assert compute.runs == 2


def test_a_committed_check_in_shows_in_the_next_read():
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=CycleFactory()), start_value=0, target_value=100
    )

    def score():
        return KeyResult.objects.get(pk=key_result.pk).score

    assert freshness.cached("score", score) is None
    checkin_create(
        key_result=key_result,
        author=key_result.owner,
        value=Decimal("50"),
        confidence=Confidence.ON_TRACK,
    )
    assert freshness.cached("score", score) == Decimal("50")


def test_a_read_after_an_uncommitted_write_computes_afresh_and_keeps_nothing():
    objective = ObjectiveFactory()
    compute = Counter()
    freshness.cached("figures", compute)
    with transaction.atomic():
        Objective.objects.filter(pk=objective.pk).update(title="Renamed")
        freshness.cached("figures", compute)
        freshness.cached("figures", compute)
        assert compute.runs == 3
    freshness.cached("figures", compute)
    freshness.cached("figures", compute)
    assert compute.runs == 4


def test_a_rolled_back_write_keeps_the_cached_value():
    objective = ObjectiveFactory()
    compute = Counter()
    freshness.cached("figures", compute)
    with transaction.atomic():
        Objective.objects.filter(pk=objective.pk).update(title="Renamed")
        transaction.set_rollback(True)
    freshness.cached("figures", compute)
    assert compute.runs == 1


def test_reads_in_a_transaction_without_writes_share_the_cached_value():
    compute = Counter()
    freshness.cached("figures", compute)
    with transaction.atomic():
        freshness.cached("figures", compute)
    assert compute.runs == 1


def test_an_unreachable_cache_computes_the_value(monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(freshness.cache, "get", unreachable)
    monkeypatch.setattr(freshness.cache, "incr", unreachable)
    compute = Counter()
    assert freshness.cached("figures", compute) == "figures"
    freshness.bump()  # a write while the cache is down fails nothing either
    assert compute.runs == 1


def test_a_lost_version_starts_again_without_reusing_old_values():
    compute = Counter()
    freshness.cached("figures", compute)
    freshness.cache.delete(freshness.VERSION_KEY)
    freshness.cached("figures", compute)
    assert compute.runs == 2


def test_a_process_serves_again_what_it_read_without_asking_the_shared_cache(monkeypatch):
    compute = Counter()
    freshness.cached("figures", compute)
    reads = []
    monkeypatch.setattr(freshness.cache, "get", _counting(freshness.cache.get, reads))
    assert freshness.cached("figures", compute) == "figures"
    assert (compute.runs, reads) == (1, [freshness.VERSION_KEY])


def test_what_a_process_kept_is_left_behind_by_a_write_elsewhere():
    compute = Counter()
    freshness.cached("figures", compute)
    freshness.bump()  # another process committed a write
    freshness.cached("figures", compute)
    assert compute.runs == 2


def test_what_a_process_kept_expires_with_the_shared_value(monkeypatch, settings):
    settings.FRESHNESS_CACHE_SECONDS = 60
    now = [1000.0]
    monkeypatch.setattr(freshness.time, "monotonic", lambda: now[0])
    freshness.cache.set(freshness.VERSION_KEY, 7)
    compute = Counter()
    freshness.cached("figures", compute)
    # Only this process holds it now.
    freshness.cache.delete(f"okr:freshness:{freshness.code_fingerprint()}:7:figures")
    now[0] += 59
    freshness.cached("figures", compute)
    now[0] += 2
    freshness.cached("figures", compute)
    assert compute.runs == 2


def test_a_process_keeps_a_bounded_number_of_values(monkeypatch):
    monkeypatch.setattr(freshness, "KEPT_IN_PROCESS", 3)
    for part in range(5):
        freshness.cached("figures", Counter(), part)
    assert len(freshness._kept) == 3


def _counting(get, reads):
    def counted(key, *args, **kwargs):
        reads.append(key)
        return get(key, *args, **kwargs)

    return counted


def test_turned_off_it_always_computes(settings):
    settings.FRESHNESS_CACHE_SECONDS = 0
    compute = Counter()
    freshness.cached("figures", compute)
    freshness.cached("figures", compute)
    assert compute.runs == 2


def test_the_dashboard_shows_a_check_in_committed_after_it_was_cached(client, member, cycle, team):
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=cycle, team=team, owner=member),
        owner=member,
        start_value=0,
        target_value=100,
    )
    client.force_login(member)
    before = {s.key: s.count for s in client.get("/").context["confidence"]}
    checkin_create(
        key_result=key_result, author=member, value=Decimal("50"), confidence=Confidence.AT_RISK
    )
    after = {s.key: s.count for s in client.get("/").context["confidence"]}
    assert (before[Confidence.AT_RISK], after[Confidence.AT_RISK]) == (0, 1)


def test_a_deploy_does_not_read_what_the_former_code_cached(monkeypatch):
    compute = Counter()
    freshness.cached("figures", compute)
    freshness.forget_kept()
    monkeypatch.setattr(freshness, "code_fingerprint", lambda: "another-release")
    freshness.cached("figures", compute)
    assert compute.runs == 2


def test_a_request_reads_the_version_once(monkeypatch):
    freshness.request_started()
    try:
        freshness.cached("figures", Counter())
        reads = []
        monkeypatch.setattr(freshness.cache, "get", _counting(freshness.cache.get, reads))
        freshness.cached("figures", Counter())
        freshness.cached("other", Counter())
    finally:
        freshness.request_finished()
    assert freshness.VERSION_KEY not in reads


def test_a_request_that_writes_reads_the_moved_version():
    objective = ObjectiveFactory()
    compute = Counter()
    freshness.request_started()
    try:
        freshness.cached("figures", compute)
        Objective.objects.filter(pk=objective.pk).update(title="Renamed")
        freshness.cached("figures", compute)
    finally:
        freshness.request_finished()
    assert compute.runs == 2
