"""The archive holds exactly one file per number, also after a worker died mid-issue."""

import datetime as dt
import hashlib
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from billing.models import Invoice
from billing.services import credit_invoice, issue_run
from tests.billing.conftest import AFTER_Q1
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
FOLDER = "facturen/2025"


class WorkerKilled(BaseException):
    """Stands for kill -9: the process stops and nothing after this point runs."""


def started(project, municipality):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=dt.date(2025, 1, 27),
        start_date=dt.date(2025, 2, 3),
    )


def archived_files() -> list[str]:
    if not default_storage.exists(FOLDER):
        return []
    return sorted(default_storage.listdir(FOLDER)[1])


def issue_killed_after_writing_files(*, coordinator):
    """An issue whose worker dies after the files are written and before the commit: the
    transaction is rolled back by the database, and no cleanup of files runs."""
    real_create = Invoice.objects.create

    def create_then_die(**fields):
        real_create(**fields)
        raise WorkerKilled

    with (
        mock.patch.object(Invoice.objects, "create", side_effect=create_then_die),
        mock.patch.object(default_storage, "delete"),  # a killed process deletes nothing
        pytest.raises(WorkerKilled),
    ):
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)


def test_retry_after_a_worker_died_mid_issue_archives_exactly_one_file_per_number(
    wijkleerbedrijf, huizen, coordinator
):
    started(wijkleerbedrijf, huizen)
    issue_killed_after_writing_files(coordinator=coordinator)
    assert not Invoice.objects.exists()
    assert archived_files() == ["2025-0001.pdf", "2025-0001.xml"]  # the orphans

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    invoice = Invoice.objects.get()
    assert archived_files() == ["2025-0001.pdf", "2025-0001.xml"]
    assert invoice.pdf.name == f"{FOLDER}/2025-0001.pdf"
    assert invoice.xml.name == f"{FOLDER}/2025-0001.xml"
    assert hashlib.sha256(invoice.pdf.read()).hexdigest() == invoice.pdf_sha256
    assert hashlib.sha256(invoice.xml.read()).hexdigest() == invoice.xml_sha256


def test_orphans_of_numbers_that_are_not_handed_out_again_are_removed_by_the_next_issue(
    wijkleerbedrijf, huizen, coordinator
):
    started(wijkleerbedrijf, huizen)
    for name in ("2025-0007.pdf", "2025-0007.xml", "2025-0001_Yh8x6Aw.pdf"):
        default_storage.save(f"{FOLDER}/{name}", ContentFile(b"left by a dead worker"))

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert archived_files() == ["2025-0001.pdf", "2025-0001.xml"]


def test_files_of_issued_documents_are_never_removed_or_replaced(
    wijkleerbedrijf, huizen, laren, coordinator
):
    started(wijkleerbedrijf, huizen)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    invoice = Invoice.objects.get()
    before = invoice.pdf.read()
    started(wijkleerbedrijf, laren)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)  # the late registration
    credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.get().pk],
        rebill_ids=[],
        reason="Dubbel",
        user=coordinator,
        today=AFTER_Q1,
    )

    invoice.refresh_from_db()
    assert invoice.pdf.read() == before
    assert archived_files() == [f"2025-000{n}.{ext}" for n in (1, 2, 3) for ext in ("pdf", "xml")]
