"""Background work that must happen survives a broker outage and a worker that dies: it is
recorded as a Job with the change that calls for it, and the sweep sends it again until done."""

from __future__ import annotations

import datetime
import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.utils import timezone
from kombu.exceptions import OperationalError

from objectives.models import ScoreSnapshot
from objectives.services import cycle_close
from okrapp.core import jobs
from okrapp.core.models import Cycle, Job
from okrapp.core.tasks import run_job, sweep_jobs
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory
from tests.support.brokers import celery_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_job, "apply_async", refuse)
    return monkeypatch


@pytest.fixture
def scored_cycle():
    cycle = CycleFactory()
    KeyResultFactory(objective=ObjectiveFactory(cycle=cycle))
    return cycle


def _finals(cycle: Cycle):
    return ScoreSnapshot.objects.filter(cycle=cycle, is_final=True)


def test_closing_a_cycle_records_its_final_rollup_and_runs_it(
    scored_cycle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cycle_close(cycle=scored_cycle)
    job = Job.objects.get(key=f"final-rollup:{scored_cycle.pk}")
    assert job.status == Job.Status.DONE and _finals(scored_cycle).exists()


def test_closing_a_cycle_while_the_broker_is_down_answers_and_keeps_the_rollup_pending(
    client, admin, scored_cycle, broker_down, django_capture_on_commit_callbacks
):
    admin.is_superuser = True
    admin.save()
    Cycle.objects.filter(pk=scored_cycle.pk).update(status=Cycle.Status.GRADING)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/okrapp/cycle/",
            {"action": "close_cycles", "_selected_action": [scored_cycle.pk]},
        )
    assert response.status_code == 302
    scored_cycle.refresh_from_db()
    assert scored_cycle.status == Cycle.Status.CLOSED
    assert Job.objects.get().status == Job.Status.PENDING
    assert not _finals(scored_cycle).exists()


def test_the_sweep_runs_what_the_broker_missed_once_it_is_back(
    scored_cycle, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cycle_close(cycle=scored_cycle)
    broker_down.undo()
    assert sweep_jobs() == 1
    assert Job.objects.get().status == Job.Status.DONE and _finals(scored_cycle).exists()
    assert sweep_jobs() == 0


def test_a_job_delivered_twice_runs_once(scored_cycle, monkeypatch):
    job = Job.objects.create(
        task="objectives.tasks.rollup_scores", kwargs={"cycle_id": scored_cycle.pk}
    )
    calls = []
    monkeypatch.setattr(jobs, "job_done", lambda *, job: calls.append(job.pk))
    run_job(job.pk)
    assert run_job(job.pk) == "skipped"
    assert calls == [job.pk]


def test_a_job_whose_worker_died_is_run_again_after_its_lease(scored_cycle, settings):
    job = Job.objects.create(
        task="objectives.tasks.rollup_scores",
        kwargs={"cycle_id": scored_cycle.pk},
        status=Job.Status.RUNNING,
        claimed_at=timezone.now() - datetime.timedelta(seconds=30),
        attempts=1,
    )
    assert jobs.jobs_due() == []
    settings.CELERY_TASK_TIME_LIMIT = -59  # the lease (time limit + 60 s) is now over
    assert jobs.jobs_due() == [job.pk]
    assert run_job(job.pk) == "done"


def test_a_failing_job_waits_longer_each_time_then_is_marked_failed(monkeypatch):
    job = Job.objects.create(task="objectives.tasks.rollup_scores", kwargs={"cycle_id": 0})
    for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
        Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
        assert run_job(job.pk) == "failed", attempt
        job.refresh_from_db()
        assert job.attempts == attempt and "DoesNotExist" in job.last_error
    assert job.status == Job.Status.FAILED
    assert jobs.jobs_due() == []


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_redis_stopped_then_started_delays_the_final_rollup_and_loses_nothing(
    private_redis, scored_cycle
):
    finished = threading.Semaphore(0)

    def on_postrun(sender=None, **kwargs):
        if sender is not None and sender.name == run_job.name:
            finished.release()

    with celery_on(private_redis.url) as app:
        private_redis.stop()
        cycle_close(cycle=scored_cycle)  # autocommit: the job is offered to a dead broker
        assert Job.objects.get().status == Job.Status.PENDING
        private_redis.start()
        task_postrun.connect(on_postrun, weak=False)
        try:
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                assert sweep_jobs() == 1
                assert finished.acquire(timeout=60), "the worker did not run the job"
        finally:
            task_postrun.disconnect(on_postrun)
    assert Job.objects.get().status == Job.Status.DONE
    assert _finals(scored_cycle).exists()
