"""The line kinds of billing rules 11 and 12 on every document: the PDF (with a subtotal per
kind), the e-invoice, the invoice page, the invoice-line CSV and credit notes."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from billing.constants import LineKind
from billing.models import Invoice
from billing.services import credit_invoice, issue_run
from participants.services import cohort_start
from projects.constants import CostSharing
from projects.models import Cohort
from projects.services import cohort_save
from tests.billing.financing_helpers import AFTER_2026, municipality, started
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

XSD = Path(__file__).parent / "xsd" / "ubl-2.1" / "maindoc"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


@pytest.fixture
def invoice(coordinator):
    """Huizen's 2026-Q4 invoice: one participant, a shortfall of 2 × € 4.000 and a share of
    € 1.000 fixed project costs."""
    huizen = municipality("Huizen")
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    agreement = AgreementFactory(
        project=project,
        year=2026,
        joint_project_costs=Decimal("1000.00"),
        cost_sharing=CostSharing.BY_PARTICIPANTS,
    )
    option = TariffOptionFactory(
        agreement=agreement, price_per_participant=Decimal("4000.00"), min_group_size=3
    )
    cohort = cohort_save(
        cohort=Cohort(
            project=project, tariff_option=option, name="Klas", start_date=dt.date(2026, 10, 5)
        )
    )
    started(project, huizen, day=dt.date(2026, 10, 5), cohort=cohort)
    cohort_start(user=coordinator, cohort=cohort, reason="toch")
    issue_run(period=Period.parse("2026-Q4"), user=coordinator, today=AFTER_2026)
    return Invoice.objects.get()


def pdf_text(invoice) -> str:
    data = invoice.pdf.read()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


def test_issued_invoice_holds_one_line_of_each_kind(invoice):
    assert sorted(invoice.lines.values_list("kind", "amount")) == [
        (LineKind.SHARE, Decimal("1000.00")),
        (LineKind.SHORTFALL, Decimal("8000.00")),
        (LineKind.TRAJECTORY, Decimal("4000.00")),
    ]
    assert invoice.total == Decimal("13000.00")


def test_pdf_shows_the_shortfall_and_the_share_with_a_subtotal_per_kind(invoice):
    text = pdf_text(invoice)

    assert "Minimale afname groep Klas: 2 × € 4.000,00" in text
    assert "Aandeel projectkosten 2026, naar deelnemers: 1 van 1" in text
    assert "Minimale afname: Minimale afname" not in text
    assert "Subtotaal minimale afname (1 regel) € 8.000,00" in text
    assert "Subtotaal aandeel projectkosten (1 regel) € 1.000,00" in text
    assert "Subtotaal trajecten (1 regel) € 4.000,00" in text


def test_einvoice_names_each_line_by_its_kind_and_stays_valid_ubl(invoice):
    root = etree.fromstring(invoice.xml.read())
    schema = etree.XMLSchema(etree.parse(str(XSD / "UBL-Invoice-2.1.xsd")))

    names = sorted(e.text for e in root.findall("cac:InvoiceLine/cac:Item/cbc:Name", NS))
    assert names == [
        "Aandeel projectkosten Wijkleerbedrijf",
        "Minimale afname Wijkleerbedrijf",
        "Traject Wijkleerbedrijf",
    ]
    assert schema.validate(root), schema.error_log


def test_invoice_page_shows_the_kind_and_description_of_each_line(invoice, client_for, coordinator):
    response = client_for(coordinator).get(invoice.get_absolute_url())

    text = response.content.decode().replace("\u00a0", " ")
    assert "<td>Minimale afname groep Klas: 2 × € 4.000,00" in text
    assert "Minimale afname: Minimale afname" not in text


def test_invoice_line_csv_gives_the_kind_and_description_of_each_line(
    invoice, client_for, coordinator
):
    response = client_for(coordinator).get("/facturen/regels.csv")

    text = b"".join(response.streaming_content if response.streaming else [response.content])
    rows = text.decode("utf-8-sig").splitlines()
    assert "soort regel" in rows[0] and "omschrijving" in rows[0]
    assert any("minimale afname" in row and "Minimale afname groep Klas" in row for row in rows)
    assert any("aandeel projectkosten" in row for row in rows)


def test_credit_note_of_a_shortfall_line_keeps_its_kind(invoice, coordinator):
    line = invoice.lines.get(kind=LineKind.SHORTFALL)

    note = credit_invoice(
        invoice=invoice, line_ids=[line.pk], rebill_ids=[], reason="Groep telde 3", user=coordinator
    )

    [credited] = note.lines.all()
    assert (credited.kind, credited.cohort, credited.amount) == (
        LineKind.SHORTFALL,
        line.cohort,
        Decimal("-8000.00"),
    )
