"""Backup and restore of the database and the archived documents as one set (waw/backup.py).

The restore tests build the demo world (reference data, demo trajectories, an invoice run, a
credit note, a published monitor edition), back it up, destroy the database and the media
folder, restore into empty ones and compare what the application answers before and after.
The PostgreSQL one runs in CI's PostgreSQL pass (.ci/run) and is skipped on SQLite; the SQLite
one the other way round. pg_dump and psql run as separate processes, so the data has to be
committed: these tests use transaction=True.
"""

import datetime as dt
import importlib
import io
import re
import shutil
import tarfile
from pathlib import Path

import psycopg2
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from billing.models import Invoice, InvoiceLine
from billing.services import credit_invoice, issue_run
from monitor.models import Edition
from monitor.services import edition_create, edition_publish
from participants.demo import load_demo_trajectories
from projects.services import load_reference_data
from waw import backup, env
from waw.demo import load_demo_municipality_data
from waw.periods import Period

ISSUED_ON = dt.date(2025, 7, 10)


@pytest.fixture
def removable_invoices(transactional_db):
    """As in tests/e2e/conftest.py: SQLite empties tables with DELETE, which the triggers that
    protect issued invoices refuse; lift them for pytest-django's flush, then put them back."""
    yield
    immutable = importlib.import_module("billing.migrations.0002_issued_documents_are_immutable")
    with connection.schema_editor() as editor:
        immutable.drop_triggers(None, editor)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        with connection.schema_editor() as editor:
            immutable.create_triggers(None, editor)


@pytest.fixture
def demo_world(removable_invoices, settings, monkeypatch, coordinator):
    settings.DEBUG = True
    monkeypatch.setenv("REGIO_DEMO", "true")
    settings.INVOICE_SENDER = env.invoice_sender(production=False)
    load_reference_data()
    load_demo_trajectories()
    load_demo_municipality_data()
    run = issue_run(period=Period.parse("2025-Q1"), user=coordinator, today=ISSUED_ON)
    invoice = run.invoices.order_by("number").first()
    line = InvoiceLine.objects.filter(invoice=invoice).order_by("pk").first()
    credit_invoice(
        invoice=invoice,
        line_ids=[line.pk],
        rebill_ids=[],
        reason="Verkeerde startdatum",
        user=coordinator,
        today=ISSUED_ON,
    )
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)


def _without_tokens(html: bytes) -> str:
    """A page without what differs per request by design (the masked CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html.decode())


def _verify_archive() -> str:
    try:
        call_command("verify_archive", stdout=open("/dev/null", "w"))  # noqa: SIM115
    except CommandError as error:
        return f"fout: {error}".split(" in ")[0]
    return "in orde"


def answers(client) -> dict:
    """What the application answers: audit trail (read first: pages add access-log rows),
    pages, downloads, the monitor snapshot and verify_archive's verdict."""
    result = {
        "audit": list(LogEntry.objects.order_by("pk").values_list()),
        "verify_archive": _verify_archive(),
        "snapshot": Edition.objects.get(period="2025-H1").snapshot,
    }
    urls = [reverse("billing:list"), reverse("monitor:editions"),
            reverse("monitor:edition", kwargs={"period": "2025-H1"}),
            reverse("monitor:json", kwargs={"period": "2025-H1"})]  # fmt: skip
    for number in Invoice.objects.order_by("number").values_list("number", flat=True):
        urls += [reverse(f"billing:{view}", kwargs={"number": number})
                 for view in ("invoice", "pdf", "xml")]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        result[url] = body if "/pdf/" in url or "/xml/" in url else _without_tokens(body)
    return result


def _drop_and_recreate_the_database() -> None:
    name = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        params["dbname"] = "postgres"
        admin = psycopg2.connect(**params)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
    else:
        # The test database is in memory: empty it table by table.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names():
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    assert backup.database_is_empty()


def _restore_round_trip(demo_world, client, coordinator, tmp_path):
    client.force_login(coordinator)
    path = backup.create(output_dir=tmp_path / "backups")
    before = answers(client)
    assert before["verify_archive"] == "in orde"

    _drop_and_recreate_the_database()
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("restore", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert answers(client) == before


@pytest.mark.django_db(transaction=True)
def test_a_restore_on_postgresql_gives_the_same_pages_downloads_snapshot_and_audit_trail(
    demo_world, client, coordinator, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("restores with pg_dump/psql into a dropped and recreated PostgreSQL database")
    _restore_round_trip(demo_world, client, coordinator, tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_restore_on_sqlite_gives_the_same_pages_downloads_snapshot_and_audit_trail(
    demo_world, client, coordinator, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant of the PostgreSQL test above")
    _restore_round_trip(demo_world, client, coordinator, tmp_path)


# --- Refusals: a damaged backup, a non-empty target, encryption --------------------------------


@pytest.fixture
def small_world(removable_invoices, huizen, coordinator):
    """A municipality, a user and a file in the media folder: enough to see a change."""
    note = Path(settings.MEDIA_ROOT) / "elders" / "notitie.txt"
    note.parent.mkdir(parents=True)
    note.write_bytes(b"in the backup")
    return note


def _state(note):
    from waw.models import Municipality

    return sorted(Municipality.objects.values_list("slug", flat=True)), note.read_bytes()


def _damaged(path: Path, *, how: str) -> Path:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    else:  # one byte flipped inside the database copy, the first and largest member
        data[len(data) // 3] ^= 0xFF
    damaged = path.with_name(f"{how}-{path.name}")
    damaged.write_bytes(bytes(data))
    return damaged


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("how", ["truncated", "corrupted"])
def test_a_damaged_backup_is_refused_with_a_clear_message_and_changes_nothing(
    small_world, tmp_path, how
):
    damaged = _damaged(backup.create(output_dir=tmp_path), how=how)
    small_world.write_bytes(b"changed after the backup")
    before = _state(small_world)

    with pytest.raises(CommandError, match=r"beschadigd of onvolledig.*niets veranderd"):
        call_command("restore", str(damaged), "--replace")

    assert _state(small_world) == before


@pytest.mark.django_db(transaction=True)
def test_a_member_that_does_not_match_the_manifest_is_refused(small_world, tmp_path):
    path = backup.create(output_dir=tmp_path)
    forged = tmp_path / "forged.tar"
    with tarfile.open(path) as source, tarfile.open(forged, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "media/elders/notitie.txt":
                content = b"not in the backup"
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))

    with pytest.raises(CommandError, match="klopt niet met het manifest: media/elders/notitie"):
        call_command("restore", str(forged), "--replace")


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_database_that_is_not_empty_needs_replace(small_world, tmp_path):
    path = backup.create(output_dir=tmp_path)
    small_world.write_bytes(b"changed after the backup")

    with pytest.raises(CommandError, match=r"niet leeg.*--replace"):
        call_command("restore", str(path))
    assert small_world.read_bytes() == b"changed after the backup"

    call_command("restore", str(path), "--replace", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert small_world.read_bytes() == b"in the backup"


@pytest.mark.django_db(transaction=True)
def test_the_replaced_media_folder_is_kept_beside_the_restored_one(small_world, tmp_path):
    path = backup.create(output_dir=tmp_path / "out")
    small_world.write_bytes(b"changed after the backup")

    manifest = backup.restore(path=path, replace=True)

    replaced = Path(manifest["replaced_media"])
    assert replaced.parent == Path(settings.MEDIA_ROOT).parent
    assert (replaced / "elders" / "notitie.txt").read_bytes() == b"changed after the backup"
    assert small_world.read_bytes() == b"in the backup"


@pytest.mark.django_db(transaction=True)
def test_an_archive_file_the_snapshot_does_not_refer_to_is_left_out_of_the_backup(
    small_world, tmp_path
):
    stray = Path(settings.MEDIA_ROOT) / "facturen" / "2025" / "2025-0001.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"%PDF of an issue that never committed")

    manifest = backup.check(backup.create(output_dir=tmp_path))

    assert "media/elders/notitie.txt" in manifest["members"]
    assert "media/facturen/2025/2025-0001.pdf" not in manifest["members"]


@pytest.fixture
def passphrase(settings, tmp_path):
    path = tmp_path / "passphrase"
    path.write_text("correct horse battery staple\n")
    settings.BACKUP_PASSPHRASE_FILE = str(path)
    return path


@pytest.mark.django_db(transaction=True)
def test_an_encrypted_backup_holds_no_plain_data_and_restores_with_the_passphrase(
    small_world, tmp_path, passphrase
):
    call_command("backup", "--encrypt", "--output-dir", str(tmp_path / "out"),
                 stdout=open("/dev/null", "w"))  # noqa: SIM115  # fmt: skip
    (path,) = (tmp_path / "out").iterdir()
    assert path.name.endswith(".tar.gpg")
    assert b"in the backup" not in path.read_bytes()
    assert b"manifest.json" not in path.read_bytes()
    small_world.write_bytes(b"changed after the backup")

    call_command("restore", str(path), "--replace", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert small_world.read_bytes() == b"in the backup"


@pytest.mark.django_db(transaction=True)
def test_an_encrypted_backup_with_the_wrong_passphrase_is_refused_and_changes_nothing(
    small_world, tmp_path, passphrase
):
    path = backup.create(output_dir=tmp_path / "out", encrypted=True)
    passphrase.write_text("wrong\n")
    small_world.write_bytes(b"changed after the backup")

    with pytest.raises(CommandError, match=r"niet te ontsleutelen.*niets veranderd"):
        call_command("restore", str(path), "--replace")

    assert small_world.read_bytes() == b"changed after the backup"


def test_encrypting_without_a_passphrase_file_is_refused_before_any_work(settings, tmp_path):
    settings.BACKUP_PASSPHRASE_FILE = ""

    with pytest.raises(CommandError, match="BACKUP_PASSPHRASE_FILE"):
        call_command("backup", "--encrypt", "--output-dir", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_check_only_reports_a_sound_backup_without_restoring(small_world, tmp_path, capsys):
    path = backup.create(output_dir=tmp_path)
    small_world.write_bytes(b"changed after the backup")

    call_command("restore", str(path), "--check-only")

    assert "Back-up in orde" in capsys.readouterr().out
    assert small_world.read_bytes() == b"changed after the backup"


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_readable_by_its_owner_only(small_world, tmp_path):
    path = backup.create(output_dir=tmp_path)

    assert path.stat().st_mode & 0o777 == 0o600


def test_a_media_folder_with_only_empty_folders_counts_as_empty(settings):
    (Path(settings.MEDIA_ROOT) / "gezondheid").mkdir(parents=True)  # the health page's probe
    assert backup.media_is_empty()

    (Path(settings.MEDIA_ROOT) / "gezondheid" / "x.txt").write_bytes(b"x")
    assert not backup.media_is_empty()
