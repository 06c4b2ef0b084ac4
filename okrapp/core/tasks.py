"""Running the recorded jobs (okrapp.core.jobs): thin tasks that take ids."""

from __future__ import annotations

from celery import current_app, shared_task

from okrapp.core import jobs


@shared_task(acks_late=True)
def run_job(job_id: int) -> str:
    """Claim the job, run its task here, record the outcome. Safe to run twice: the claim is
    a conditional UPDATE, so a second delivery finds the job running or done and stops."""
    job = jobs.job_claim(job_id)
    if job is None:
        return "skipped"
    try:
        current_app.tasks[job.task](**job.kwargs)
    except Exception as error:
        jobs.job_failed(job=job, error=error)
        return "failed"
    jobs.job_done(job=job)
    return "done"


@shared_task
def sweep_jobs() -> int:
    """Every minute (beat, okrapp/celery.py): offer the broker every job due again."""
    due = jobs.jobs_due()
    for job_id in due:
        jobs.offer(job_id)
    return len(due)


@shared_task
def send_invitation(invitation_id: int, nonce: str) -> str:
    """The invitation's email, in the invitee's language. Run through a Job (recorded with
    the invitation, keyed by its link): a resend draws a new nonce, so an older job finds its
    link replaced and sends nothing."""
    from okrapp.core.emails import invitation_email

    return "sent" if invitation_email(invitation_id=invitation_id, nonce=nonce) else "skipped"
