"""Jobs (waw/jobs.py): long work started from a page, run by a task, with progress and an
outcome that stays; one run of the same kind at a time; nothing half-done on failure."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from participants.models import Participant, Trajectory
from tests.factories import ProjectFactory, UserFactory
from waw import jobs
from waw.models import Job
from waw.roles import Role

pytestmark = pytest.mark.django_db

HEADER = "voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum"
GOOD = [
    "Zoë;Jansen;04-03-1995;Huizen;Wijkleerbedrijf;2025-01-10",
    "Piet;Bakker;1960-12-31;Huizen;Wijkleerbedrijf;2025-01-06",
    "Anna;Visser;1980-05-01;Huizen;Wijkleerbedrijf;2025-01-07",
]
BAD = [GOOD[0], "Bob;de Boer;1990-01-01;Amsterdam;Wijkleerbedrijf;2025-01-10"]


@pytest.fixture(autouse=True)
def catalogue(huizen):
    ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")


def upload(rows, name="lijst.csv"):
    data = "\r\n".join([HEADER, *rows]).encode()
    return SimpleUploadedFile(name, data, content_type="text/csv")


def start_import(coordinator, rows):
    return jobs.start_job(
        kind=Job.Kind.TRAJECTORY_IMPORT,
        key=jobs.job_key(Job.Kind.TRAJECTORY_IMPORT, coordinator),
        user=coordinator,
        upload=upload(rows),
    )


def input_files():
    folder = jobs.input_dir()
    return sorted(folder.iterdir()) if folder.is_dir() else []


# --- the pages ------------------------------------------------------------------------------


def test_an_upload_starts_a_job_and_the_job_page_shows_the_summary(
    client_for, coordinator, post_and_run
):
    page = post_and_run(client_for(coordinator), "/trajecten/importeren/", {"file": upload(GOOD)})

    content = page.content.decode()
    job = Job.objects.get()
    assert (job.kind, job.status, job.user) == (Job.Kind.TRAJECTORY_IMPORT, "done", coordinator)
    assert "Samenvatting" in content and "nieuwe trajecten" in content
    assert Trajectory.objects.count() == 3


def test_a_file_with_row_errors_fails_the_job_imports_nothing_and_shows_the_rows(
    client_for, coordinator, post_and_run
):
    page = post_and_run(client_for(coordinator), "/trajecten/importeren/", {"file": upload(BAD)})

    content = page.content.decode()
    assert Job.objects.get().status == "failed"
    assert "Er is 1 probleem gevonden. Er is niets opgeslagen" in content
    assert "onbekende gemeente “Amsterdam”" in content
    assert not Participant.objects.exists()


def test_the_full_row_error_report_downloads_as_csv(client_for, coordinator, post_and_run):
    client = client_for(coordinator)
    post_and_run(client, "/trajecten/importeren/", {"file": upload(BAD)})

    report = client.get(f"/taken/{Job.objects.get().pk}/problemen.csv")

    assert report.status_code == 200
    assert '"3";"gemeente";"onbekende gemeente “Amsterdam”"' in report.content.decode()


def test_the_job_list_shows_the_users_own_jobs_newest_first(client_for, coordinator):
    other = UserFactory(username="collega", role=Role.COORDINATOR)
    first = start_import(coordinator, GOOD)
    jobs._finish(first.pk, Job.Status.DONE, outcome={}, error="")
    second = start_import(coordinator, GOOD)
    start_import(other, GOOD)

    content = client_for(coordinator).get("/taken/").content.decode()

    assert len(re.findall(r'href="/taken/\d+/"', content)) == 2
    assert content.index(f'href="/taken/{second.pk}/"') < content.index(
        f'href="/taken/{first.pk}/"'
    )
    assert "<progress" in content and "wachtrij" in content


def test_a_running_job_page_polls_with_a_local_script_and_refreshes_without_one(
    client_for, coordinator
):
    job = start_import(coordinator, GOOD)

    content = client_for(coordinator).get(f"/taken/{job.pk}/").content.decode()

    assert '<script src="/static/js/job-progress.js" defer></script>' in content
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in content
    assert f'data-job-progress="/taken/{job.pk}/voortgang/"' in content


def test_the_progress_endpoint_reports_the_rows_read_while_the_job_runs(
    client_for, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    seen = {}

    def work(job, progress):
        progress(4, 10)
        seen["progress"] = client.get(f"/taken/{job.pk}/voortgang/").json()
        return jobs.Outcome(ok=True)

    monkeypatch.setitem(jobs.WORK, Job.Kind.TRAJECTORY_IMPORT, f"{__name__}.WORK_STUB")
    monkeypatch.setattr(sys.modules[__name__], "WORK_STUB", work, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(coordinator, GOOD)

    assert seen["progress"] == {
        "status": "running",
        "status_label": "bezig",
        "done": 4,
        "total": 10,
        "percent": 40,
        "finished": False,
        "error": "",
    }
    final = client.get(f"/taken/{job.pk}/voortgang/").json()
    assert final["finished"] and final["status_label"] == "klaar"


def test_a_finished_import_records_every_row_read(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(coordinator, GOOD)

    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (3, 3, 100)


# --- one at a time --------------------------------------------------------------------------


def test_a_second_import_while_one_is_queued_is_refused_with_a_link_to_it(client_for, coordinator):
    client = client_for(coordinator)
    client.post("/trajecten/importeren/", {"file": upload(GOOD)})  # queued: no worker ran it
    running = Job.objects.get()

    response = client.post("/trajecten/importeren/", {"file": upload(GOOD)})

    assert response.status_code == 409
    assert f'<a href="/taken/{running.pk}/">bekijk de voortgang</a>' in response.content.decode()
    assert Job.objects.count() == 1
    assert input_files() == [Path(running.input_path)]


def test_issuing_the_same_period_twice_is_refused_by_the_database(coordinator):
    key = jobs.job_key(Job.Kind.INVOICE_RUN, scope="2025-Q1")
    first = jobs.create_job(kind=Job.Kind.INVOICE_RUN, key=key, user=coordinator)

    with pytest.raises(jobs.JobAlreadyRunning) as refused:
        jobs.create_job(kind=Job.Kind.INVOICE_RUN, key=key, user=coordinator)

    assert refused.value.job == first


def test_once_a_run_has_ended_the_same_run_may_start_again(coordinator):
    key = jobs.job_key(Job.Kind.INVOICE_RUN, scope="2025-Q1")
    first = jobs.create_job(kind=Job.Kind.INVOICE_RUN, key=key, user=coordinator)
    jobs._finish(first.pk, Job.Status.FAILED, outcome=None, error="x")

    again = jobs.create_job(kind=Job.Kind.INVOICE_RUN, key=key, user=coordinator)

    assert again.status == "queued"


# --- faults ---------------------------------------------------------------------------------


def test_a_failure_halfway_through_writing_leaves_nothing_and_shows_why(
    client_for, coordinator, monkeypatch, post_and_run
):
    import participants.importing as importing

    # A history line without its trajectory: the database refuses it (NOT NULL) after the
    # participants and trajectories of the batch went in.
    monkeypatch.setattr(importing, "enrolment_record", lambda _: {"trajectory_id": None})

    page = post_and_run(client_for(coordinator), "/trajecten/importeren/", {"file": upload(GOOD)})

    job = Job.objects.get()
    assert job.status == "failed"
    assert "Er ging iets onverwachts mis; er is niets opgeslagen." in page.content.decode()
    assert not Participant.objects.exists() and not Trajectory.objects.exists()


@pytest.mark.parametrize("rows", [GOOD, BAD], ids=["imported", "refused"])
def test_the_input_file_is_removed_when_the_job_ends(
    coordinator, rows, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(coordinator, rows)
        assert input_files() == [Path(job.input_path)]

    assert input_files() == []


def test_the_input_file_is_private(coordinator):
    job = start_import(coordinator, GOOD)

    assert Path(job.input_path).stat().st_mode & 0o077 == 0


def dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_whose_worker_process_died_is_failed_and_its_file_removed(client_for, coordinator):
    job = start_import(coordinator, GOOD)
    host, _pid = jobs._worker_identity()
    Job.objects.filter(pk=job.pk).update(
        status="running", worker_host=host, worker_pid=dead_pid(), heartbeat_at=timezone.now()
    )

    content = client_for(coordinator).get(f"/taken/{job.pk}/").content.decode()

    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at is not None
    assert "De taakverwerker is gestopt terwijl deze taak liep" in content
    assert input_files() == []


def test_a_job_whose_worker_lives_is_left_running(coordinator):
    job = start_import(coordinator, GOOD)
    host, _pid = jobs._worker_identity()
    Job.objects.filter(pk=job.pk).update(
        status="running", worker_host=host, worker_pid=os.getpid(), heartbeat_at=None
    )

    assert jobs.reap_stale() == 0


def test_a_job_on_another_machine_is_failed_once_its_heartbeat_is_too_old(coordinator, settings):
    settings.JOB_HEARTBEAT_TIMEOUT_SECONDS = 60
    fresh, stale = (
        jobs.create_job(kind=Job.Kind.INVOICE_RUN, key=f"k{i}", user=coordinator) for i in range(2)
    )
    now = timezone.now()
    Job.objects.filter(pk=fresh.pk).update(
        status="running", worker_host="elders", worker_pid=1, heartbeat_at=now
    )
    Job.objects.filter(pk=stale.pk).update(
        status="running",
        worker_host="elders",
        worker_pid=1,
        heartbeat_at=now - dt.timedelta(seconds=61),
    )

    assert jobs.reap_stale() == 1
    assert Job.objects.get(pk=stale.pk).error.startswith("De taakverwerker heeft 1 minuten")
    assert Job.objects.get(pk=fresh.pk).status == "running"


def test_a_job_the_reaper_closed_keeps_its_verdict_when_the_work_returns_late(coordinator):
    job = jobs.create_job(kind=Job.Kind.INVOICE_RUN, key="k", user=coordinator)
    jobs._finish(job.pk, Job.Status.FAILED, outcome=None, error="weg")

    assert jobs._finish(job.pk, Job.Status.DONE, outcome={}, error="") == 0
    assert Job.objects.get(pk=job.pk).status == "failed"


def test_an_orphan_input_file_is_removed_after_an_hour(coordinator):
    folder = jobs.input_dir()
    folder.mkdir(parents=True)
    orphan, recent = folder / "orphan.csv", folder / "recent.csv"
    orphan.write_text("x")
    recent.write_text("x")
    old = timezone.now().timestamp() - jobs.ORPHAN_INPUT_SECONDS - 1
    os.utime(orphan, (old, old))

    jobs.reap_stale()

    assert input_files() == [recent]


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("role_user", ["huizen_user", "board_member", "huizen_case_manager"])
def test_only_coordinators_open_job_pages(client_for, coordinator, role_user, request):
    job = start_import(coordinator, GOOD)
    client = client_for(request.getfixturevalue(role_user))

    statuses = {
        client.get(url).status_code
        for url in ("/taken/", f"/taken/{job.pk}/", f"/taken/{job.pk}/voortgang/")
    }

    assert statuses == {403}


def test_another_coordinator_may_follow_a_colleagues_run(client_for, coordinator):
    job = start_import(coordinator, GOOD)
    colleague = UserFactory(username="collega", role=Role.COORDINATOR)

    assert client_for(colleague).get(f"/taken/{job.pk}/").status_code == 200


def test_an_unknown_job_is_404(client_for, coordinator):
    assert client_for(coordinator).get("/taken/999/").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client):
    assert client.get("/taken/").status_code == 302


def test_issuing_a_period_whose_run_is_queued_is_refused_with_a_link(client_for, coordinator):
    client = client_for(coordinator)
    client.post("/facturen/run/", {"period": "2025-Q1", "confirm": "on"})  # queued, no worker
    running = Job.objects.get(kind=Job.Kind.INVOICE_RUN)

    page = client.post("/facturen/run/", {"period": "2025-Q1", "confirm": "on"}, follow=True)

    assert f'<a href="/taken/{running.pk}/">bekijk de voortgang</a>' in page.content.decode()
    assert Job.objects.filter(kind=Job.Kind.INVOICE_RUN).count() == 1


def test_publishing_an_edition_renders_its_pdf_once_in_a_job(
    coordinator, django_capture_on_commit_callbacks
):
    from monitor.services import edition_create, edition_publish

    edition = edition_create(period_text="2025-H1")
    with django_capture_on_commit_callbacks(execute=True):
        edition_publish(edition=edition, user=coordinator)

    job = Job.objects.get(kind=Job.Kind.EDITION_PDF)
    edition.refresh_from_db()
    assert (job.status, job.user, job.params) == ("done", coordinator, {"edition": edition.pk})
    assert edition.pdf and job.outcome["file"] == edition.pdf


def sqlite_settings() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        return timeout, cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's connection settings")
def test_a_job_waits_longer_for_the_write_lock_and_caches_more_while_it_runs(
    coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    usual = sqlite_settings()
    seen = {}

    def work(job, progress):
        seen["during"] = sqlite_settings()
        return jobs.Outcome(ok=True)

    monkeypatch.setitem(jobs.WORK, Job.Kind.TRAJECTORY_IMPORT, f"{__name__}.WORK_STUB")
    monkeypatch.setattr(sys.modules[__name__], "WORK_STUB", work, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        start_import(coordinator, GOOD)

    timeout, cache = seen["during"]
    assert timeout == jobs.JOB_SQLITE_BUSY_TIMEOUT_SECONDS * 1000 > usual[0]
    assert cache == -jobs.JOB_SQLITE_CACHE_MB * 1024  # KiB
    assert sqlite_settings() == usual
