"""VAT treatment per project year, shown per rate on the invoice; the municipality's reference."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from billing.models import Invoice
from billing.services import issue_run, participation_budget_set
from tests.billing.conftest import AFTER_Q1
from tests.factories import (
    AgreementFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")


def started(project, municipality):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=dt.date(2025, 1, 27),
        start_date=dt.date(2025, 2, 3),
    )


def pdf_text(invoice) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(invoice.pdf.read())).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def test_default_treatment_is_outside_the_scope_of_vat(wijkleerbedrijf, huizen, coordinator):
    started(wijkleerbedrijf, huizen)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    invoice = Invoice.objects.get()
    assert (invoice.vat_total, invoice.total) == (Decimal("0.00"), Decimal("4000.00"))
    assert "buiten de reikwijdte van de omzetbelasting" in pdf_text(invoice)


@pytest.fixture
def regiotrainingen(db):
    taxed = ProjectFactory(name="Regiotrainingen")
    TariffOptionFactory(
        agreement=AgreementFactory(project=taxed, year=2025, vat_treatment="standard"),
        price_per_participant=Decimal("433.00"),
    )
    return taxed


def test_standard_rate_adds_21_percent_and_shows_it_per_rate(regiotrainingen, huizen, coordinator):
    started(regiotrainingen, huizen)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    invoice = Invoice.objects.get()
    assert invoice.vat_total == Decimal("90.93")
    assert invoice.total == Decimal("523.93")
    assert "Btw 21% over € 433,00" in pdf_text(invoice)


def test_run_mixing_outside_scope_and_vat_lines_gives_one_invoice_per_regime(
    regiotrainingen, wijkleerbedrijf, huizen, coordinator
):
    started(regiotrainingen, huizen)
    started(wijkleerbedrijf, huizen)

    run = issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    invoices = list(run.invoices.order_by("sequence"))
    assert [i.number for i in invoices] == ["2025-0001", "2025-0002"]
    assert [{line.vat_treatment for line in i.lines.all()} for i in invoices] == [
        {"outside_scope"},
        {"standard"},
    ]
    assert [i.total for i in invoices] == [Decimal("4000.00"), Decimal("523.93")]


def test_exempt_and_standard_lines_share_one_invoice(regiotrainingen, huizen, coordinator):
    exempt = ProjectFactory(name="Motopp")
    TariffOptionFactory(
        agreement=AgreementFactory(project=exempt, year=2025, vat_treatment="exempt"),
        price_per_participant=Decimal("3500.00"),
    )
    started(regiotrainingen, huizen)
    started(exempt, huizen)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert Invoice.objects.get().total == Decimal("3500.00") + Decimal("523.93")


def test_municipality_reference_of_the_year_is_on_the_invoice(wijkleerbedrijf, huizen, coordinator):
    participation_budget_set(municipality=huizen, year=2025, amount=None, reference="PO-2025-0042")
    started(wijkleerbedrijf, huizen)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert "Uw kenmerk PO-2025-0042" in pdf_text(Invoice.objects.get())
