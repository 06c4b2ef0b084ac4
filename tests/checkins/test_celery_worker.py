"""The reminder task through a real Celery worker and a Redis broker (CI sets REDIS_URL)."""

from __future__ import annotations

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail

from checkins.models import Reminder
from checkins.tasks import send_checkin_reminders
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory, UserFactory


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_each_reminder_once_even_when_the_task_runs_twice():
    from okrapp.celery import app

    assert not app.conf.task_always_eager, "with REDIS_URL set, tasks must go through Redis"
    cycle = CycleFactory()
    people = [UserFactory() for _ in range(3)]
    for person in people:
        KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, owner=person), owner=person)

    finished = threading.Semaphore(0)

    def on_postrun(sender=None, **kwargs):
        if sender is not None and sender.name == send_checkin_reminders.name:
            finished.release()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            send_checkin_reminders.delay()
            send_checkin_reminders.delay()
            assert finished.acquire(timeout=60), "the worker did not run the task"
            assert finished.acquire(timeout=60), "the worker did not run the second task"
    finally:
        task_postrun.disconnect(on_postrun)

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        person.email for person in people
    )
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
