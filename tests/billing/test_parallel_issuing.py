"""Issuing renders its PDFs before it takes the number series' lock, on several processes at
once; what is archived is still exactly what the locked transaction numbered and saw."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

import billing.services
from billing.models import BilledTrajectory, Invoice, NumberSeries
from billing.services import credit_invoice, issue_run
from tests.billing import render_faults
from tests.billing.conftest import AFTER_Q1
from tests.billing.test_documents import pdf_text, started
from tests.factories import MunicipalityFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
Q2 = Period.parse("2025-Q2")
AFTER_Q2 = dt.date(2025, 7, 10)


class Undone(Exception):
    pass


@pytest.fixture
def three_municipalities(wijkleerbedrijf, huizen, laren):
    eemnes = MunicipalityFactory(name="Eemnes", slug="eemnes")
    for municipality, trajectories in ((huizen, 3), (laren, 1), (eemnes, 2)):
        for _ in range(trajectories):
            started(wijkleerbedrijf, municipality)
    return [huizen, laren, eemnes]


@pytest.fixture
def two_render_processes(settings, monkeypatch):
    settings.INVOICE_RENDER_PROCESSES = 2
    # Three invoices are too few to start processes for outside these tests.
    monkeypatch.setattr(billing.services, "PARALLEL_FROM_DOCUMENTS", 2)


def archived_pdfs() -> dict[str, bytes]:
    return {invoice.number: invoice.pdf.read() for invoice in Invoice.objects.all()}


def counting_renders(monkeypatch) -> list[str]:
    """Each HTML rendered to a PDF, in this process, from now on."""
    htmls = []
    real = billing.services.pdf_from_html

    def counted(html):
        htmls.append(html)
        return real(html)

    monkeypatch.setattr(billing.services, "pdf_from_html", counted)
    return htmls


def test_pdfs_rendered_by_two_processes_equal_those_rendered_in_this_process(
    three_municipalities, coordinator, settings, two_render_processes
):
    settings.INVOICE_RENDER_PROCESSES = 1
    with pytest.raises(Undone), transaction.atomic():
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
        in_process = archived_pdfs()
        raise Undone
    settings.INVOICE_RENDER_PROCESSES = 2

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert sorted(in_process) == ["2025-0001", "2025-0002", "2025-0003"]
    assert archived_pdfs() == in_process


def test_an_archive_issued_by_two_processes_verifies_clean(
    three_municipalities, coordinator, two_render_processes, capsys
):
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    call_command("verify_archive")  # raises CommandError on any finding

    assert "3 documenten, 6 bestanden" in capsys.readouterr().out


def test_a_render_failing_in_a_render_process_issues_nothing(
    three_municipalities, coordinator, two_render_processes, monkeypatch
):
    monkeypatch.setattr(billing.services, "pdf_from_html", render_faults.pdf_unless_second_invoice)

    with pytest.raises(RuntimeError, match=render_faults.FAILING_NUMBER):
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert not Invoice.objects.exists()
    assert not BilledTrajectory.objects.exists()
    assert NumberSeries.objects.get(year=2025).last_number == 0
    assert not default_storage.exists("facturen/2025")


def test_a_run_after_a_failed_render_issues_from_number_one(
    three_municipalities, coordinator, two_render_processes, monkeypatch
):
    with monkeypatch.context() as patch:
        patch.setattr(billing.services, "pdf_from_html", render_faults.pdf_unless_second_invoice)
        with pytest.raises(RuntimeError):
            issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert sorted(archived_pdfs()) == ["2025-0001", "2025-0002", "2025-0003"]


def test_progress_counts_the_rendered_invoices_of_the_run(three_municipalities, coordinator):
    reported = []

    issue_run(
        period=Q1,
        user=coordinator,
        today=AFTER_Q1,
        progress=lambda rendered, total: reported.append((rendered, total)),
    )

    assert reported == [(0, None), (0, 3), (1, 3), (2, 3), (3, 3)]


def test_progress_is_reported_in_this_process_with_render_processes(
    three_municipalities, coordinator, two_render_processes
):
    reported = []

    issue_run(
        period=Q1,
        user=coordinator,
        today=AFTER_Q1,
        progress=lambda rendered, total: reported.append((rendered, total)),
    )

    assert reported == [(0, None), (0, 3), (1, 3), (2, 3), (3, 3)]


def test_an_unchanged_run_renders_each_pdf_once(three_municipalities, coordinator, monkeypatch):
    rendered = counting_renders(monkeypatch)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert len(rendered) == Invoice.objects.count() == 3


def test_a_number_taken_while_the_run_rendered_is_not_reused(
    wijkleerbedrijf, huizen, laren, coordinator, monkeypatch
):
    started(wijkleerbedrijf, huizen)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    first = Invoice.objects.get()
    started(wijkleerbedrijf, huizen, day=dt.date(2025, 5, 5))
    started(wijkleerbedrijf, laren, day=dt.date(2025, 5, 5))
    real = billing.services.render_pdfs
    calls = []

    def credit_note_issued_meanwhile(htmls, **options):
        calls.append(len(htmls))
        if len(calls) == 1:  # while the run renders without the lock: 2025-0002 is taken
            credit_invoice(
                invoice=first,
                line_ids=[first.lines.get().pk],
                rebill_ids=[],
                reason="Nooit gestart",
                user=coordinator,
                today=AFTER_Q2,
            )
        return real(htmls, **options)

    monkeypatch.setattr(billing.services, "render_pdfs", credit_note_issued_meanwhile)

    run = issue_run(period=Q2, user=coordinator, today=AFTER_Q2)

    numbers = sorted(run.invoices.values_list("number", flat=True))
    assert numbers == ["2025-0003", "2025-0004"]
    assert calls == [2, 1, 2]  # planned, the credit note, and both again under the lock
    for invoice in run.invoices.all():
        assert f"factuurnummer {invoice.number}." in pdf_text(invoice.pdf.read())


def test_documents_of_a_changed_address_are_rendered_again_under_the_lock(
    three_municipalities, coordinator, monkeypatch
):
    huizen = three_municipalities[0]
    real = billing.services.render_pdfs

    def address_changed_meanwhile(htmls, **options):
        pdfs = real(htmls, **options)
        type(huizen).objects.filter(pk=huizen.pk).update(name="Gemeente Huizen")
        return pdfs

    monkeypatch.setattr(billing.services, "render_pdfs", address_changed_meanwhile)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    invoice = Invoice.objects.get(municipality=huizen)
    assert "Gemeente Huizen" in pdf_text(invoice.pdf.read())
