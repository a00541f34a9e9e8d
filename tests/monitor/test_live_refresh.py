"""After a change the live figures are recomputed by a background task, not by the first
reader: readers meanwhile get the latest figures, marked as being refreshed."""

import datetime as dt

import pytest
from django_tasks import task_backends

from monitor import selectors
from monitor.tasks import refresh_live_figures
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

H1 = Period.parse("2025-H1")


@pytest.fixture
def queued(settings):
    """A backend that only records what is enqueued, as a real queue would before a worker
    picks the task up."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    return backend.results


@pytest.fixture
def project(db):
    return ProjectFactory(name="Zorgstart", success_criterion="completed")


def start(project, municipality):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality),
        project=project,
        enrolment_date=dt.date(2025, 1, 29),
        start_date=dt.date(2025, 2, 3),
    )


def started():
    return selectors.live_content(period=H1)


def test_a_half_year_never_computed_is_computed_by_its_first_reader(project, huizen, queued):
    start(project, huizen)

    content = started()

    assert content["totals"]["started"] == 1 and not content.get("refreshing")
    assert queued == []


def test_after_a_change_readers_get_the_latest_figures_and_one_refresh_is_queued(
    project, huizen, queued
):
    start(project, huizen)
    started()
    start(project, huizen)

    first, second = started(), started()

    assert [first["totals"]["started"], second["totals"]["started"]] == [1, 1]
    assert first["refreshing"] and second["refreshing"]
    assert [(r.task.name, r.args) for r in queued] == [("refresh_live_figures", ["2025-H1"])]


def test_once_the_task_ran_readers_get_the_new_figures(project, huizen, queued):
    start(project, huizen)
    started()
    start(project, huizen)
    started()

    refresh_live_figures.call("2025-H1")

    content = started()
    assert content["totals"]["started"] == 2 and not content.get("refreshing")


def test_without_a_worker_queue_the_reader_sees_the_change_at_once(project, huizen):
    start(project, huizen)
    started()
    start(project, huizen)

    content = started()  # the immediate backend runs the refresh before the read

    assert content["totals"]["started"] == 2 and not content.get("refreshing")


def test_the_page_says_that_the_figures_are_being_refreshed(
    project, huizen, queued, client_for, coordinator
):
    start(project, huizen)
    started()
    start(project, huizen)

    page = client_for(coordinator).get("/monitor/actueel/?periode=2025-H1").content.decode()

    assert "de cijfers worden op de achtergrond bijgewerkt" in page
