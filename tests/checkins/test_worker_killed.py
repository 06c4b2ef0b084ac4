"""A worker killed while it sends the weekly reminders: the person whose email was under way is
not reminded twice (the reminder is marked failed and logged), and everyone else still gets
theirs once, from the worker the broker hands the task to next."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from checkins.models import Reminder
from checkins.tasks import send_checkin_reminders
from tests.factories import CycleFactory, KeyResultFactory, ObjectiveFactory, UserFactory
from tests.support.brokers import celery_on

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _worker(broker_url: str, mail_folder: Path, slow_address: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": broker_url,
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "REMINDER_SENDING_TIMEOUT": "2",
        "EMAIL_BACKEND": "tests.support.slow_email.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_folder),
        "SLOW_EMAIL_TO": slow_address,
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "okrapp",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_email_sends_no_reminder_twice_and_the_others_still_go(
    private_redis, tmp_path
):
    cycle = CycleFactory()
    # The slow person is first in line (reminders go in the order of the people's ids).
    people = [UserFactory(email=f"person{n}@example.org") for n in range(3)]
    for person in people:
        KeyResultFactory(objective=ObjectiveFactory(cycle=cycle, owner=person), owner=person)
    slow, others = people[0], people[1:]
    sent = lambda address: list(tmp_path.glob(f"{address}.*.eml"))  # noqa: E731

    first = _worker(private_redis.url, tmp_path, slow.email)
    try:
        with celery_on(private_redis.url):
            send_checkin_reminders.delay()
        _wait_for((tmp_path / f"{slow.email}.started").exists, 60, "the first email to start")
        _kill(first)
    finally:
        if first.poll() is None:
            _kill(first)
    assert Reminder.objects.get(user=slow).status == Reminder.Status.SENDING
    assert not any(sent(person.email) for person in others)

    # Past the visibility timeout, the next worker to start takes the unacknowledged task back.
    time.sleep(5)
    second = _worker(private_redis.url, tmp_path, slow.email)
    try:
        _wait_for(lambda: all(sent(person.email) for person in others), 90, "the other emails")
        _wait_for(
            lambda: Reminder.objects.filter(status=Reminder.Status.SENT).count() == 2,
            30,
            "the reminders to be recorded",
        )
    finally:
        _kill(second)
    assert [len(sent(person.email)) for person in others] == [1, 1]
    assert sent(slow.email) == []
    assert Reminder.objects.get(user=slow).status == Reminder.Status.FAILED
