"""Background tasks of the monitor (Django's task framework, django-tasks backport)."""

from django_tasks import task

from monitor.selectors import live_content_store
from waw.periods import Period


@task()
def refresh_live_figures(period: str) -> None:
    """Recompute a half-year's live figures after a change, so no reader waits for them."""
    live_content_store(period=Period.parse(period))
