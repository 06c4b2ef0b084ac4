"""`make bench-stack`: the product as several processes on one PostgreSQL database and one
Redis, as it runs on several machines: two gunicorn instances, two Celery workers and one
beat. Check-ins are posted concurrently through both web instances (some on the same key
result at the same moment), the weekly reminders and the roll-up are fired twice at once, and
the database is then read back: no check-in lost or duplicated, each key result's value its
latest check-in's, one reminder per person, one snapshot per node and the scores a single
process computes."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from checkins.models import CheckIn, Reminder
from objectives.models import KeyResult, ScoreSnapshot
from objectives.rollup_services import team_nodes, team_scores
from okrapp.bench import http as bench_http
from okrapp.bench import organisation as bench
from okrapp.celery import app
from okrapp.core import weeks
from okrapp.core.models import User

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class StackReport:
    posted: int = 0
    refused: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and not self.refused


@contextmanager
def celery_process(args: list[str], env: dict[str, str], log: Path):
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "okrapp", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_workers(count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= count:
            return
    raise RuntimeError(f"{count} Celery workers did not answer within {seconds:.0f} s")


def _wait_until(condition, seconds: float = 120, step: float = 0.5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def run(*, scale: float, threads: int, posts: int, log=print) -> StackReport:
    """Builds the bench organisation at `scale` (the database must be a scratch one) and
    runs the stack against it."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        raise RuntimeError("the stack run needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    org = bench.build(scale, log=log)
    report = StackReport()
    owners = list(
        KeyResult.objects.filter(objective__cycle=org.cycle, owner__is_staff=False)
        .order_by("owner_id", "pk")
        .distinct("owner_id")
        .select_related("owner")[:threads]
    )
    shared = owners[0]  # every thread also posts on this one, from both web instances
    started_at = timezone.now()
    folder = Path(tempfile.mkdtemp(prefix="okr-stack-"))
    mail = folder / "mail"
    mail.mkdir()
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("STACK_SECRET_KEY") or "stack-" + os.urandom(24).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
    }
    connection.close()
    with ExitStack() as stack:
        bases = [
            stack.enter_context(bench_http.gunicorn(log=folder / f"web{n}.log", env=env))
            for n in (1, 2)
        ]
        for n in (1, 2):
            stack.enter_context(
                celery_process(
                    ["worker", "--concurrency=2", f"--hostname=worker{n}@%h", "--loglevel=info"],
                    env,
                    folder / f"worker{n}.log",
                )
            )
        beat = stack.enter_context(
            celery_process(
                ["beat", "--loglevel=info", f"--schedule={folder / 'beat-schedule'}"],
                env,
                folder / "beat.log",
            )
        )
        _wait_for_workers(2)
        app.control.purge()  # tasks an earlier run left in the queue would count as this one's
        log(f"Two web instances ({', '.join(bases)}), two workers and a beat are up.")
        _post_concurrently(bases, owners, shared, posts, report)
        log(f"{report.posted} check-ins posted through both web instances.")
        for _ in range(2):
            app.send_task("checkins.tasks.send_checkin_reminders")
            app.send_task("objectives.tasks.rollup_scores", args=[org.cycle.pk])
        week = weeks.week_of()
        _wait_until(
            lambda: (
                ScoreSnapshot.objects.filter(cycle=org.cycle, day=timezone.localdate()).exists()
                and not Reminder.objects.filter(
                    iso_year=week.iso_year, iso_week=week.iso_week, status=Reminder.Status.PENDING
                ).exists()
            )
        )
        time.sleep(3)  # the second run of each lands, and must change nothing
        if beat.poll() is not None:
            report.problems.append("beat stopped during the run")
    _check(report, org, owners, shared, started_at, mail)
    report.facts.append(f"logs in {folder}")
    return report


def _post_concurrently(bases, owners, shared, posts, report: StackReport) -> None:
    """One thread per owner, alternating between the two web instances; one more thread for
    the first owner on the other instance, so that two posts on one key result meet."""
    lock = threading.Lock()
    plan = [(index, key_result, index % 2) for index, key_result in enumerate(owners)]
    plan.append((len(owners), shared, 1))
    start = threading.Barrier(len(plan))

    def person(index: int, key_result: KeyResult, first_base: int) -> None:
        browsers = [bench_http.Browser(bases[(first_base + n) % 2]) for n in (0, 1)]
        for browser in browsers:
            browser.sign_in(key_result.owner.email, bench.PASSWORD)
        start.wait()
        prefix = f"kr{key_result.pk}"
        for step in range(posts):
            data = {
                f"{prefix}-value": str(1000 + index * 100 + step),
                f"{prefix}-confidence": "on_track",
                f"{prefix}-confirm_jump": "on",
            }
            status, _ms, _queries = browsers[step % 2].post(
                f"/checkins/key-results/{key_result.pk}/check-in/", data, form_page="/checkins/"
            )
            with lock:
                if status == 302:
                    report.posted += 1
                else:
                    report.refused.append(f"a check-in on {key_result.pk} answered {status}")

    threads = [threading.Thread(target=person, args=entry) for entry in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _check(report, org, owners, shared, started_at, mail: Path) -> None:
    checkins = CheckIn.objects.filter(created_at__gte=started_at)
    stored = checkins.count()
    report.facts.append(f"check-ins stored: {stored} (posted {report.posted})")
    if stored != report.posted:
        report.problems.append(f"{report.posted} check-ins posted, {stored} stored")
    twice = [
        pair for pair, n in Counter(checkins.values_list("key_result_id", "value")).items() if n > 1
    ]
    if twice:
        report.problems.append(f"check-ins stored twice: {twice[:5]}")
    for key_result in KeyResult.objects.filter(pk__in=[kr.pk for kr in owners]):
        latest = CheckIn.objects.filter(key_result=key_result).order_by("-created_at", "-id")[0]
        if key_result.current_value != latest.value:
            report.problems.append(
                f"key result {key_result.pk}: value {key_result.current_value}, "
                f"latest check-in {latest.value}"
            )
    week = weeks.week_of()
    reminders = Reminder.objects.filter(iso_year=week.iso_year, iso_week=week.iso_week)
    emails = Counter()
    for path in mail.glob("*.log"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("To: "):
                emails[line[4:].strip()] += 1
    sent = reminders.filter(status=Reminder.Status.SENT).count()
    report.facts.append(f"reminders sent: {sent}; emails written: {sum(emails.values())}")
    if not sent:
        report.problems.append("no reminder was sent")
    duplicated = {address: n for address, n in emails.items() if n > 1}
    if duplicated:
        report.problems.append(f"people emailed more than once: {list(duplicated)[:5]}")
    today = ScoreSnapshot.objects.filter(cycle=org.cycle, day=timezone.localdate())
    per_node = Counter(today.values_list("node_type", "team_id", "user_id"))
    if not per_node or max(per_node.values()) > 1:
        report.problems.append("snapshots missing or stored twice for a node")
    expected = team_scores(org.cycle.pk, team_nodes())
    stored_scores = dict(today.filter(node_type="team").values_list("team_id", "rolled_up_score"))
    different = [
        team_id
        for team_id, score in expected.items()
        if _rounded(score.rolled_up_score) != _rounded(stored_scores.get(team_id))
    ]
    report.facts.append(
        f"snapshots today: {len(per_node)} nodes; teams whose stored score differs from a "
        f"single process's: {len(different)}"
    )
    if different:
        report.problems.append(f"scores differ from a single process's for teams {different[:5]}")
    report.facts.append(f"people: {User.objects.count()}")


def _rounded(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))
