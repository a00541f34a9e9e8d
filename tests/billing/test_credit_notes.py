"""Credit notes: their own number and PDF, referencing the original; re-billing by choice."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from billing.models import Invoice, InvoiceLine
from billing.selectors import run_preview
from billing.services import credit_invoice, issue_run
from participants.services import trajectory_update
from tests.billing.conftest import AFTER_Q1
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
Q2 = Period.parse("2025-Q2")
LATER = dt.date(2025, 7, 10)


@pytest.fixture
def invoice(wijkleerbedrijf, huizen, coordinator):
    for day in (3, 4):
        TrajectoryFactory(
            participant=ParticipantFactory(municipality=huizen),
            project=wijkleerbedrijf,
            municipality_at_start=huizen,
            enrolment_date=dt.date(2025, 2, 1),
            start_date=dt.date(2025, 2, day),
        )
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    return Invoice.objects.get()


def test_credit_note_has_its_own_number_from_the_same_series_and_references_the_invoice(
    invoice, coordinator
):
    line = invoice.lines.first()

    note = credit_invoice(
        invoice=invoice,
        line_ids=[line.pk],
        rebill_ids=[],
        reason="Nooit gestart",
        user=coordinator,
        today=AFTER_Q1,
    )

    assert note.number == "2025-0002"
    assert note.kind == "credit_note"
    assert note.credited_invoice == invoice
    assert note.total == Decimal("-4000.00")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(note.pdf.read())).pages).split()
    )
    assert "Creditnota" in text and invoice.number in text and "Nooit gestart" in text


def test_the_original_invoice_does_not_change(invoice, coordinator):
    before = (invoice.total, invoice.pdf_sha256, invoice.lines.count())

    credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.first().pk],
        rebill_ids=[],
        reason="x",
        user=coordinator,
    )

    invoice.refresh_from_db()
    assert (invoice.total, invoice.pdf_sha256, invoice.lines.count()) == before


def test_credited_line_without_rebill_is_never_billed_again(invoice, coordinator):
    line = invoice.lines.first()
    credit_invoice(
        invoice=invoice, line_ids=[line.pk], rebill_ids=[], reason="Nooit gestart", user=coordinator
    )

    assert run_preview(period=Q2, today=LATER).invoices == []


def test_credited_line_with_rebill_goes_to_the_right_municipality_in_the_next_run(
    invoice, coordinator, laren
):
    line = invoice.lines.first()
    credit_invoice(
        invoice=invoice,
        line_ids=[line.pk],
        rebill_ids=[line.pk],
        reason="Verkeerde gemeente",
        user=coordinator,
    )
    trajectory_update(user=coordinator, trajectory=line.trajectory, municipality_at_start=laren)

    issue_run(period=Q2, user=coordinator, today=LATER)

    rebilled = InvoiceLine.objects.filter(
        trajectory=line.trajectory, invoice__kind="invoice"
    ).latest("id")
    assert rebilled.invoice.municipality == laren
    assert rebilled.invoice.period == "2025-Q2"


def test_a_line_cannot_be_credited_twice(invoice, coordinator):
    line = invoice.lines.first()
    credit_invoice(invoice=invoice, line_ids=[line.pk], rebill_ids=[], reason="x", user=coordinator)

    with pytest.raises(ValidationError):
        credit_invoice(
            invoice=invoice, line_ids=[line.pk], rebill_ids=[], reason="x", user=coordinator
        )

    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_credit_without_reason_is_refused(invoice, coordinator):
    with pytest.raises(ValidationError):
        credit_invoice(
            invoice=invoice,
            line_ids=[invoice.lines.first().pk],
            rebill_ids=[],
            reason=" ",
            user=coordinator,
        )


def test_a_credit_note_cannot_itself_be_credited(invoice, coordinator):
    note = credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.first().pk],
        rebill_ids=[],
        reason="x",
        user=coordinator,
    )

    with pytest.raises(ValidationError):
        credit_invoice(
            invoice=note,
            line_ids=[note.lines.first().pk],
            rebill_ids=[],
            reason="x",
            user=coordinator,
        )


def test_coordinator_credits_through_the_page_with_confirmation(client_for, coordinator, invoice):
    client = client_for(coordinator)
    line = invoice.lines.first()
    path = f"/facturen/{invoice.number}/crediteren/"

    unconfirmed = client.post(path, {"lines": [line.pk], "reason": "Fout"})
    confirmed = client.post(path, {"lines": [line.pk], "reason": "Fout", "confirm": "on"})

    assert unconfirmed.status_code == 400
    assert confirmed.status_code == 302
    assert Invoice.objects.filter(kind="credit_note").count() == 1


def test_gemeente_user_cannot_credit(client_for, huizen_user, invoice):
    response = client_for(huizen_user).post(
        f"/facturen/{invoice.number}/crediteren/",
        {"lines": [invoice.lines.first().pk], "reason": "x", "confirm": "on"},
    )

    assert response.status_code == 403
    assert not Invoice.objects.filter(kind="credit_note").exists()


@pytest.mark.parametrize(("suffix", "extension"), [("pdf", "pdf"), ("xml", "xml")])
def test_credit_note_downloads_are_named_as_credit_notes(
    client_for, coordinator, invoice, suffix, extension
):
    note = credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.first().pk],
        rebill_ids=[],
        reason="Nooit gestart",
        user=coordinator,
        today=AFTER_Q1,
    )

    response = client_for(coordinator).get(f"/facturen/{note.number}/{suffix}/")

    assert response.status_code == 200
    assert f'filename="creditnota-{note.number}.{extension}"' in response["Content-Disposition"]
