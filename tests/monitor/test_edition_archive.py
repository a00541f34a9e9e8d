"""A published edition's PDF is rendered once, archived like an invoice, and served from the
archive on every download; verify_archive checks it."""

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from monitor import publication
from monitor.models import Edition
from monitor.services import edition_create, edition_pdf_archive, edition_publish
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """Counts the PDF renders of editions."""
    calls = []
    real = publication.edition_pdf

    def counted(**kwargs):
        calls.append(kwargs["edition"].pk)
        return real(**kwargs)

    monkeypatch.setattr(publication, "edition_pdf", counted)
    monkeypatch.setattr("monitor.services.edition_pdf", counted)
    return calls


@pytest.fixture
def published(coordinator, huizen, django_capture_on_commit_callbacks):
    project = ProjectFactory(name="Wijkleerbedrijf")
    for _ in range(6):
        TrajectoryFactory(
            participant=ParticipantFactory(municipality=huizen),
            project=project,
            municipality_at_start=huizen,
            enrolment_date=dt.date(2025, 1, 27),
            start_date=dt.date(2025, 2, 3),
        )
    edition = edition_create(period_text="2025-H1")
    with django_capture_on_commit_callbacks(execute=True):
        edition_publish(edition=edition, user=coordinator)
    edition.refresh_from_db()
    return edition


def test_publishing_archives_the_pdf_with_its_hash(published):
    assert published.pdf == "monitor/2025-H1.pdf"
    with default_storage.open(published.pdf, "rb") as file:
        content = file.read()
    assert content[:4] == b"%PDF"
    assert hashlib.sha256(content).hexdigest() == published.pdf_sha256


def test_every_download_serves_the_archived_bytes_without_rendering(
    published, renders, client_for, coordinator, board_member
):
    with default_storage.open(published.pdf, "rb") as file:
        archived = file.read()

    downloads = [
        client_for(user).get("/monitor/2025-H1/pdf/") for user in (coordinator, board_member)
    ]

    assert [response.content for response in downloads] == [archived, archived]
    assert renders == []


def test_archiving_twice_renders_once(published, renders):
    assert edition_pdf_archive(edition=published) == published.pdf
    assert renders == []


def test_an_edition_published_without_its_pdf_is_archived_on_first_download(
    coordinator, client_for, renders
):
    edition = edition_create(period_text="2025-H1")
    edition_publish(edition=edition, user=coordinator)  # the after-commit render never ran
    assert Edition.objects.get(pk=edition.pk).pdf == ""

    first = client_for(coordinator).get("/monitor/2025-H1/pdf/")
    second = client_for(coordinator).get("/monitor/2025-H1/pdf/")

    assert first.content == second.content and first.content[:4] == b"%PDF"
    assert renders == [edition.pk]
    assert Edition.objects.get(pk=edition.pk).pdf == "monitor/2025-H1.pdf"


def test_a_draft_is_rendered_per_download_and_never_archived(coordinator, client_for, renders):
    edition = edition_create(period_text="2025-H1")

    response = client_for(coordinator).get("/monitor/2025-H1/pdf/")

    assert 'filename="monitor-2025-H1-concept.pdf"' in response["Content-Disposition"]
    assert renders == [edition.pk]
    assert Edition.objects.get(pk=edition.pk).pdf == ""
    assert not default_storage.exists("monitor/2025-H1.pdf")


def test_a_draft_cannot_be_archived():
    edition = edition_create(period_text="2025-H1")
    with pytest.raises(ValueError):
        edition_pdf_archive(edition=edition)


def test_a_lost_archived_file_still_gives_the_reader_the_document(
    published, client_for, coordinator
):
    default_storage.delete(published.pdf)

    response = client_for(coordinator).get("/monitor/2025-H1/pdf/")

    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    assert not default_storage.exists(published.pdf)  # the loss stays visible to verify_archive


def verify(capsys):
    try:
        call_command("verify_archive")
        code = 0
    except CommandError as error:
        print(error)
        code = 1
    return code, capsys.readouterr().out


def test_verify_archive_counts_an_intact_edition_pdf(published, capsys):
    code, out = verify(capsys)

    assert code == 0
    assert "1 documenten, 1 bestanden" in out


def test_verify_archive_reports_a_changed_edition_pdf(published, capsys):
    default_storage.delete(published.pdf)
    default_storage.save(published.pdf, ContentFile(b"%PDF-1.7 something else"))

    code, out = verify(capsys)

    assert code == 1
    assert "GEWIJZIGD: monitor/2025-H1.pdf (monitoreditie)" in out


def test_verify_archive_reports_a_missing_edition_pdf(published, capsys):
    default_storage.delete(published.pdf)

    code, out = verify(capsys)

    assert code == 1
    assert "ONTBREEKT: monitor/2025-H1.pdf (monitoreditie)" in out


def test_verify_archive_reports_a_stray_file_in_the_editions_folder(published, capsys):
    default_storage.save("monitor/2024-H2.pdf", ContentFile(b"%PDF-1.7 never published"))

    code, out = verify(capsys)

    assert code == 1
    assert "ZONDER DOCUMENT: monitor/2024-H2.pdf" in out
