"""Background work that survives a broker outage and a killed worker (the Job model).

1. `job_record` writes the Job in the caller's transaction and, after the commit, offers it
   to the broker. A broker that is down costs a warning in the log, never the request.
2. A worker runs `okrapp.core.tasks.run_job`, which claims the job (a conditional UPDATE:
   pending and due, or running with an expired claim), runs the named Celery task in-process,
   and marks the job done; on an error it goes back to pending with a growing delay, and after
   MAX_ATTEMPTS it is marked failed and logged.
3. Beat runs `sweep_jobs` every minute: it offers the broker every job that is due again
   (never sent, failed to send, or claimed by a worker that died), so a delay is all an outage
   costs. Offering a job twice is harmless: only one claim succeeds.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from okrapp.core.models import Job

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def job_record(*, task: str, kwargs: dict | None = None, key: str | None = None) -> Job:
    """Record work that must happen; `key` makes recording the same work twice one job."""
    with transaction.atomic():
        if key is None:
            job = Job.objects.create(task=task, kwargs=kwargs or {})
        else:
            job, _created = Job.objects.get_or_create(
                key=key, defaults={"task": task, "kwargs": kwargs or {}}
            )
    transaction.on_commit(lambda: offer(job.pk), robust=True)
    return job


def offer(job_id: int) -> bool:
    """Hand the job to the broker; False (and a warning) when the broker cannot be reached."""
    from okrapp.core.tasks import run_job  # the tasks module imports this one

    try:
        run_job.apply_async(args=[job_id])
    except Exception:
        logger.warning("Job %s not sent to the broker; the sweep will resend it.", job_id)
        return False
    return True


def _lease() -> datetime.timedelta:
    # Longer than any task may run (CELERY_TASK_TIME_LIMIT): a claim older than that belongs
    # to a worker that died.
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _due(now: datetime.datetime) -> Q:
    return Q(status=Job.Status.PENDING, run_after__lte=now) | Q(
        status=Job.Status.RUNNING, claimed_at__lt=now - _lease()
    )


def job_claim(job_id: int) -> Job | None:
    """The job, now running in this worker; None when it is done, not due or claimed."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Job.objects.filter(_due(now), pk=job_id)
            .exclude(attempts__gte=MAX_ATTEMPTS)
            .update(status=Job.Status.RUNNING, claimed_at=now, attempts=F("attempts") + 1)
        )
    return Job.objects.get(pk=job_id) if claimed else None


def job_done(*, job: Job) -> None:
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.DONE, finished_at=timezone.now(), last_error=""
    )


def job_failed(*, job: Job, error: BaseException) -> None:
    """Back to pending after a delay that doubles with each attempt; failed for good after
    MAX_ATTEMPTS."""
    given_up = job.attempts >= MAX_ATTEMPTS
    delay = datetime.timedelta(seconds=min(3600, 30 * 2 ** max(0, job.attempts - 1)))
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED if given_up else Job.Status.PENDING,
        run_after=timezone.now() + delay,
        finished_at=timezone.now() if given_up else None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    log = logger.error if given_up else logger.warning
    log("Job %s (%s) failed on attempt %s: %s", job.pk, job.task, job.attempts, error)


def jobs_due() -> list[int]:
    return list(
        Job.objects.filter(_due(timezone.now()))
        .exclude(attempts__gte=MAX_ATTEMPTS)
        .order_by("run_after", "id")
        .values_list("pk", flat=True)[:1000]
    )
