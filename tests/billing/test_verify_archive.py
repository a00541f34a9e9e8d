"""`manage.py verify_archive`: every archived file against its SHA-256, and no file without a
document; exit code 1 on any finding; each run recorded for the health page."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from billing.models import ArchiveCheck, Invoice
from billing.services import issue_run
from tests.billing.conftest import AFTER_Q1
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(wijkleerbedrijf, huizen, coordinator):
    TrajectoryFactory(
        participant=ParticipantFactory(municipality=huizen),
        project=wijkleerbedrijf,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2025, 1, 27),
        start_date=dt.date(2025, 2, 3),
    )
    issue_run(period=Period.parse("2025-Q1"), user=coordinator, today=AFTER_Q1)
    return Invoice.objects.get()


def verify(capsys):
    """Run the command; (exit code, its output)."""
    try:
        call_command("verify_archive")
        code = 0
    except CommandError as error:
        print(error)
        code = 1
    return code, capsys.readouterr().out


def test_an_intact_archive_exits_0_and_records_a_clean_check(invoice, capsys):
    code, out = verify(capsys)

    assert code == 0
    assert "Archief in orde" in out
    check = ArchiveCheck.objects.latest()
    assert (check.documents, check.files, check.findings) == (1, 2, 0)


def test_a_missing_file_is_reported_with_its_document_and_exits_1(invoice, capsys):
    default_storage.delete(invoice.xml.name)

    code, out = verify(capsys)

    assert code == 1
    assert f"ONTBREEKT: {invoice.xml.name} ({invoice.number})" in out
    assert ArchiveCheck.objects.latest().missing == 1


def test_a_changed_file_is_reported_and_exits_1(invoice, capsys):
    name = invoice.pdf.name
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"%PDF-1.7 something else"))

    code, out = verify(capsys)

    assert code == 1
    assert f"GEWIJZIGD: {name} ({invoice.number})" in out
    check = ArchiveCheck.objects.latest()
    assert (check.changed, check.missing, check.orphans) == (1, 0, 0)


def test_a_file_in_the_archive_without_a_document_is_an_orphan_and_exits_1(invoice, capsys):
    default_storage.save("facturen/2024/2024-0099.pdf", ContentFile(b"%PDF-1.7 left over"))

    code, out = verify(capsys)

    assert code == 1
    assert "ZONDER DOCUMENT: facturen/2024/2024-0099.pdf" in out
    assert ArchiveCheck.objects.latest().orphans == 1


def test_files_outside_the_archive_folder_are_not_orphans(invoice, capsys):
    default_storage.save("elders/notitie.txt", ContentFile(b"not an issued document"))

    code, _out = verify(capsys)

    assert code == 0


def test_every_finding_is_reported_in_one_run(invoice, capsys):
    default_storage.delete(invoice.pdf.name)
    default_storage.save(invoice.xml.name + ".bak", ContentFile(b"copy"))

    code, out = verify(capsys)

    assert code == 1
    assert "1 ontbrekend, 0 gewijzigd, 1 zonder document" in out


def test_the_rows_are_streamed_in_chunks_not_loaded_at_once(invoice, django_assert_num_queries):
    from billing import archive

    # One query each for the documents' and the editions' rows (a server-side cursor on
    # PostgreSQL, chunked fetches on SQLite), two for the orphan check of the one chunk of
    # files (invoices, editions), one insert of the record.
    with django_assert_num_queries(5):
        archive.verify_and_record()
