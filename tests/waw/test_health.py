"""The beheerder's system status page (/systeemstatus/, waw/health.py); /healthz is unchanged."""

import datetime as dt
import os
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import ArchiveCheck
from waw import health
from waw.models import Job

pytestmark = pytest.mark.django_db


def _record_check(*, hours_ago=1, missing=0):
    finished = timezone.now() - dt.timedelta(hours=hours_ago)
    return ArchiveCheck.objects.create(
        started_at=finished, finished_at=finished, documents=10, files=20,
        missing=missing, changed=0, orphans=0,
    )  # fmt: skip


def _by_name(checks):
    return {check.name: check for check in checks}


def test_the_page_shows_every_part_to_the_beheerder(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("health"))

    assert response.status_code == 200
    page = response.content.decode()
    for part in ("Database", "Opslag van documenten", "Archiefcontrole", "Laatste back-up",
                 "Taakverwerker en wachtrij", "Schijfruimte"):  # fmt: skip
        assert part in page
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("role", ["coordinator", "huizen_user", "board_member"])
def test_other_roles_get_403(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("health")).status_code == 403


def test_without_a_queue_the_task_worker_is_not_in_use_and_does_not_spoil_the_verdict(settings):
    _record_check()
    settings.BACKUP_DIR = settings.MEDIA_ROOT
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
    (settings.MEDIA_ROOT / "waw-backup-20260101T000000Z.tar").write_bytes(b"")

    verdict, checks = health.run_checks()

    assert _by_name(checks)["Taakverwerker en wachtrij"].status == health.NOT_CONFIGURED
    assert verdict == health.OK


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_empty_queue_is_fine_and_says_when_a_worker_was_last_active(database_queue):
    job = Job.objects.create(kind=Job.Kind.INVOICE_RUN, key="a", status="done")
    Job.objects.filter(pk=job.pk).update(
        started_at=timezone.now(), finished_at=timezone.now() - dt.timedelta(minutes=10)
    )

    check = health.task_worker()

    assert check.status == health.OK
    assert check.detail == "wachtrij leeg; 0 bezig; laatst actief 10 minuten geleden"


def test_a_job_waiting_for_minutes_is_a_warning(database_queue):
    job = Job.objects.create(kind=Job.Kind.INVOICE_RUN, key="a")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=6))

    check = health.task_worker()

    assert check.status == health.WARNING
    assert check.detail.startswith("1 in de wachtrij, de oudste wacht 6 minuten")
    assert "nog nooit actief" in check.detail


def test_an_archive_that_was_never_verified_is_a_warning():
    check = health.archive_verification()

    assert (check.status, check.detail) == (health.WARNING, "nog nooit uitgevoerd")


def test_an_archive_check_with_findings_is_an_error():
    _record_check(missing=3)

    check = health.archive_verification()

    assert check.status == health.ERROR
    assert "3 ontbrekend" in check.detail


def test_an_archive_check_older_than_a_day_and_a_bit_is_a_warning(settings):
    settings.HEALTH_MAX_CHECK_AGE_HOURS = 26
    _record_check(hours_ago=30)

    assert health.archive_verification().status == health.WARNING


def test_a_recent_clean_archive_check_is_ok():
    _record_check(hours_ago=2)

    assert health.archive_verification().status == health.OK


def test_storage_that_cannot_be_written_is_an_error():
    with mock.patch.object(health.default_storage, "save", side_effect=PermissionError(13, "Permission denied")):
        check = health.storage()

    assert check.status == health.ERROR
    assert "Permission denied" in check.detail


def test_the_storage_probe_leaves_no_file_behind(settings):
    assert health.storage().status == health.OK

    folder = settings.MEDIA_ROOT / "gezondheid"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_little_free_disk_space_is_a_warning_and_very_little_an_error(settings):
    settings.HEALTH_MIN_FREE_DISK_PERCENT = 10
    usage = shutil_usage(total=100, free=7)
    with mock.patch("waw.health.shutil.disk_usage", return_value=usage):
        assert health.disk_space().status == health.WARNING
    with mock.patch("waw.health.shutil.disk_usage", return_value=shutil_usage(total=100, free=3)):
        assert health.disk_space().status == health.ERROR


def shutil_usage(*, total, free):
    import shutil

    return shutil._ntuple_diskusage(total, total - free, free)


def test_an_unreachable_database_is_an_error():
    with mock.patch("waw.health.connection") as connection:
        connection.cursor.side_effect = Exception("connection refused")
        check = health.database()

    assert check.status == health.ERROR


def test_no_backup_in_the_backup_folder_is_a_warning(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "leeg"

    assert health.latest_backup().status == health.WARNING
