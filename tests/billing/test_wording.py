"""What a coordinator and a municipality's finance staff read on invoices and the run page."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from billing.models import Invoice
from billing.selectors import run_preview
from billing.services import credit_invoice, issue_run
from tests.billing.conftest import AFTER_Q1
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")


def pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def invoice(wijkleerbedrijf, huizen, coordinator):
    TrajectoryFactory(
        participant=ParticipantFactory(municipality=huizen),
        project=wijkleerbedrijf,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2025, 2, 1),
        start_date=dt.date(2025, 2, 3),
    )
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    return Invoice.objects.get()


def test_refusal_of_an_unfinished_period_names_the_quarter_and_the_day_in_words(
    wijkleerbedrijf, huizen
):
    preview = run_preview(period=Q1, today=dt.date(2025, 3, 31))

    assert (
        "Het eerste kwartaal 2025 is nog niet voorbij; factureren kan vanaf 1 april 2025."
        in preview.refusals
    )


def test_vat_row_of_an_invoice_does_not_repeat_btw(invoice):
    text = pdf_text(invoice.pdf.read())

    assert "Buiten de reikwijdte van de btw (kostendeling tussen overheden)" in text
    assert "Btw buiten" not in text


def test_credit_note_pdf_has_a_date_but_no_due_date(invoice, coordinator):
    note = credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.get().pk],
        rebill_ids=[],
        reason="Nooit gestart",
        user=coordinator,
        today=AFTER_Q1,
    )

    text = pdf_text(note.pdf.read())

    assert "Datum 15-04-2025" in text
    assert "Vervaldatum" not in text
    assert "Factuurdatum" not in text


def test_credit_without_reason_on_the_page_asks_for_a_reason(client_for, coordinator, invoice):
    response = client_for(coordinator).post(
        f"/facturen/{invoice.number}/crediteren/",
        {"lines": [invoice.lines.get().pk], "confirm": "on"},
    )

    assert response.status_code == 400
    assert "Geef een reden voor de creditnota." in response.content.decode()


def test_invoice_list_shows_the_kind_with_a_capital(client_for, coordinator, invoice):
    content = client_for(coordinator).get("/facturen/").content.decode()

    assert ">Factuur</td>" in content
    assert ">factuur</td>" not in content
