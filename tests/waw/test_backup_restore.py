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
