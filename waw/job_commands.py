"""Running a job in the foreground for a management command: the same task function as the
worker runs, called directly (no queue, no worker needed), so scripts and cron jobs keep their
output and exit codes."""

from django.core.management.base import CommandError
from django.utils.html import strip_tags

from waw import jobs
from waw.models import Job
from waw.tasks import run_job


def run_in_foreground(**create_kwargs) -> Job:
    """Create the job and run it here; the "already running" refusal as a CommandError."""
    try:
        job = jobs.create_job(**create_kwargs)
    except jobs.JobAlreadyRunning as running:
        raise CommandError(strip_tags(str(running.message))) from None
    run_job.call(job.pk)
    job.refresh_from_db()
    return job


def import_in_foreground(command, *, kind: str, path, user) -> dict:
    """An import command's run: its row errors to stderr and a CommandError when the file is
    refused (nothing imported); the counts when it was imported."""
    job = run_in_foreground(
        kind=kind,
        key=jobs.job_key(kind, None),
        user=user,
        title=str(Job.Kind(kind).label),
        input_file=path,
    )
    outcome = job.outcome or {}
    if job.status == Job.Status.DONE:
        return outcome
    errors = outcome.get("errors")
    if not errors:
        raise CommandError(job.error)
    for row, column, message in errors:
        shown = f" [{column}]" if column else ""
        command.stderr.write(f"regel {row}{shown}: {message}")
    raise CommandError(f"{len(errors)} probleem/problemen; er is niets ingelezen.")
