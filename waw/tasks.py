"""The task every job runs through (waw/jobs.py): the queue carries only the job's id."""

from django_tasks import task

from waw import jobs


@task()
def run_job(job_id: int) -> str:
    """Do a recorded job's work; its progress and outcome are on the Job, not the task."""
    return jobs.execute(job_id)
