"""E-invoices: a UBL 2.1 / SI-UBL 2.0 (NLCIUS) XML file beside every archived PDF."""

import base64
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from billing.models import Invoice
from billing.selectors import einvoice_warnings, run_preview
from billing.services import credit_invoice, issue_run, participation_budget_set
from billing.ubl import CUSTOMIZATION_ID
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
XSD = Path(__file__).parent / "xsd" / "ubl-2.1" / "maindoc"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
HUIZEN_OIN = "00000001002345678000"
REGIO_OIN = "00000004000000000001"


@pytest.fixture(scope="module")
def invoice_schema():
    return etree.XMLSchema(etree.parse(str(XSD / "UBL-Invoice-2.1.xsd")))


@pytest.fixture(scope="module")
def credit_note_schema():
    return etree.XMLSchema(etree.parse(str(XSD / "UBL-CreditNote-2.1.xsd")))


@pytest.fixture(autouse=True)
def _regio_oin(settings):
    settings.INVOICE_SENDER = {
        **settings.INVOICE_SENDER,
        "oin": REGIO_OIN,
        "iban": "NL91 ABNA 0417 1643 00",
    }


@pytest.fixture
def huizen_with_oin(huizen):
    huizen.oin = HUIZEN_OIN
    huizen.invoice_department = "Crediteurenadministratie"
    huizen.invoice_street = huizen.invoice_house_number = ""
    huizen.invoice_po_box = "5"
    huizen.invoice_postcode = "1270 AA"
    huizen.invoice_city = "Huizen"
    huizen.save()
    return huizen


def started(project, municipality, day=dt.date(2025, 2, 3)):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality, client_number=""),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=day - dt.timedelta(days=7),
        start_date=day,
    )


@pytest.fixture
def invoice(wijkleerbedrijf, huizen_with_oin, coordinator):
    participation_budget_set(
        municipality=huizen_with_oin, year=2025, amount=Decimal("50000"), reference="IO-2025-77"
    )
    started(wijkleerbedrijf, huizen_with_oin)
    started(wijkleerbedrijf, huizen_with_oin, day=dt.date(2025, 3, 3))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    return Invoice.objects.get()


@pytest.fixture
def note(invoice, coordinator):
    """A credit note for the first line of ``invoice``."""
    return credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.first().pk],
        rebill_ids=[],
        reason="Nooit gestart",
        user=coordinator,
        today=AFTER_Q1,
    )


def xml_of(document) -> etree._Element:
    return etree.fromstring(document.xml.read())


def text(root, path) -> str:
    return root.findtext(path, namespaces=NS)


def test_invoice_xml_validates_against_the_ubl_21_invoice_schema(invoice, invoice_schema):
    root = xml_of(invoice)

    assert invoice_schema.validate(root), invoice_schema.error_log


def test_credit_note_xml_validates_against_the_ubl_21_credit_note_schema(note, credit_note_schema):
    root = xml_of(note)

    assert credit_note_schema.validate(root), credit_note_schema.error_log


def test_invoice_xml_follows_the_nlcius_profile_with_number_dates_and_type(invoice):
    root = xml_of(invoice)

    assert text(root, "cbc:CustomizationID") == CUSTOMIZATION_ID
    assert text(root, "cbc:ID") == invoice.number
    assert text(root, "cbc:IssueDate") == "2025-04-15"
    assert text(root, "cbc:DueDate") == invoice.due_date.isoformat()
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cac:InvoicePeriod/cbc:StartDate") == "2025-01-01"
    assert text(root, "cac:InvoicePeriod/cbc:EndDate") == "2025-03-31"


def test_both_parties_are_identified_by_oin_in_scheme_0190(invoice):
    root = xml_of(invoice)

    seller = root.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS)
    buyer = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (seller.text, seller.get("schemeID")) == (REGIO_OIN, "0190")
    assert (buyer.text, buyer.get("schemeID")) == (HUIZEN_OIN, "0190")


def test_buyer_reference_is_the_municipalitys_kenmerk_of_the_year(invoice):
    assert text(xml_of(invoice), "cbc:BuyerReference") == "IO-2025-77"


def test_buyer_address_is_split_into_street_postcode_and_city(invoice):
    party = xml_of(invoice).find("cac:AccountingCustomerParty/cac:Party", NS)
    address = party.find("cac:PostalAddress", NS)

    assert text(address, "cbc:StreetName") == "Postbus 5"
    assert (text(address, "cbc:PostalZone"), text(address, "cbc:CityName")) == ("1270 AA", "Huizen")
    assert text(address, "cac:Country/cbc:IdentificationCode") == "NL"
    assert address.find("cac:AddressLine", NS) is None


def test_buyer_department_is_the_contact_of_the_buyer(invoice):
    party = xml_of(invoice).find("cac:AccountingCustomerParty/cac:Party", NS)

    assert text(party, "cac:Contact/cbc:Name") == "Crediteurenadministratie"


def test_embedded_pdf_is_the_archived_pdf(invoice):
    embedded = xml_of(invoice).find(
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", NS
    )

    assert embedded.get("mimeCode") == "application/pdf"
    assert base64.b64decode(embedded.text) == invoice.pdf.read()


def test_xml_totals_and_lines_equal_the_invoice(invoice):
    root = xml_of(invoice)

    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "8000.00"
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "0.00"
    amounts = [e.text for e in root.findall("cac:InvoiceLine/cbc:LineExtensionAmount", NS)]
    assert amounts == ["4000.00", "4000.00"]


def test_lines_carry_the_participant_reference_not_the_name(invoice):
    root = xml_of(invoice)
    line = invoice.lines.first()
    participant = line.trajectory.participant

    descriptions = [e.text for e in root.findall("cac:InvoiceLine/cac:Item/cbc:Description", NS)]
    assert any(line.participant_reference in d for d in descriptions)
    assert participant.last_name not in etree.tostring(root, encoding="unicode")


def test_outside_scope_lines_are_category_o_without_rate_and_without_seller_vat_number(invoice):
    root = xml_of(invoice)

    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(category, "cbc:ID") == "O"
    assert category.find("cbc:Percent", NS) is None
    assert root.find("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", NS) is None


def test_standard_rate_lines_are_category_s_at_21_percent(huizen_with_oin, coordinator):
    taxed = ProjectFactory(name="Regiotrainingen")
    TariffOptionFactory(
        agreement=AgreementFactory(project=taxed, year=2025, vat_treatment="standard"),
        price_per_participant=Decimal("433.00"),
    )
    started(taxed, huizen_with_oin)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    root = xml_of(Invoice.objects.get())

    subtotal = root.find("cac:TaxTotal/cac:TaxSubtotal", NS)
    assert text(subtotal, "cbc:TaxableAmount") == "433.00"
    assert text(subtotal, "cbc:TaxAmount") == "90.93"
    assert (
        text(subtotal, "cac:TaxCategory/cbc:ID"),
        text(subtotal, "cac:TaxCategory/cbc:Percent"),
    ) == ("S", "21")
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "523.93"


def test_credit_note_xml_has_positive_amounts_and_references_the_invoice(invoice, note):
    root = xml_of(note)

    assert note.total == Decimal("-4000.00")
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "4000.00"
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == invoice.number
    assert "Nooit gestart" in text(root, "cbc:Note")


def test_xml_is_archived_beside_the_pdf_with_its_sha256(invoice):
    data = invoice.xml.read()

    assert invoice.xml.name == invoice.pdf.name.removesuffix(".pdf") + ".xml"
    assert hashlib.sha256(data).hexdigest() == invoice.xml_sha256


def test_gemeente_user_downloads_the_xml_of_its_own_invoice(invoice, client_for, huizen_user):
    response = client_for(huizen_user).get(f"/facturen/{invoice.number}/xml/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert b"".join(response.streaming_content) == invoice.xml.read()


def test_gemeente_user_of_another_municipality_gets_404_for_the_xml(
    invoice, client_for, laren_user
):
    response = client_for(laren_user).get(f"/facturen/{invoice.number}/xml/")

    assert response.status_code == 404


def test_run_preview_warns_when_the_regio_oin_is_not_set(
    wijkleerbedrijf, huizen_with_oin, settings
):
    settings.INVOICE_SENDER = {**settings.INVOICE_SENDER, "oin": ""}
    started(wijkleerbedrijf, huizen_with_oin)

    warnings = einvoice_warnings(preview=run_preview(period=Q1, today=AFTER_Q1))

    assert warnings and "REGIO_OIN" in warnings[0]


def test_municipality_without_oin_is_identified_by_its_kvk_number(
    wijkleerbedrijf, huizen, coordinator, invoice_schema
):
    huizen.oin, huizen.kvk = "", "87654321"
    huizen.save()
    started(wijkleerbedrijf, huizen)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    root = xml_of(Invoice.objects.get())

    assert invoice_schema.validate(root), invoice_schema.error_log
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    legal = buyer.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
    assert (legal.text, legal.get("schemeID")) == ("87654321", "0106")
    assert buyer.find("cbc:EndpointID", NS).get("schemeID") == "0106"


def test_invoice_list_links_the_pdf_and_the_xml(invoice, client_for, huizen_user):
    response = client_for(huizen_user).get("/facturen/")

    content = response.content.decode()
    assert f"/facturen/{invoice.number}/pdf/" in content
    assert f"/facturen/{invoice.number}/xml/" in content


def test_control_characters_in_a_credit_reason_are_left_out_of_the_xml(
    invoice, coordinator, credit_note_schema
):
    note = credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.first().pk],
        rebill_ids=[],
        reason="Nooit\x07 gestart\x1b",
        user=coordinator,
        today=AFTER_Q1,
    )

    root = xml_of(note)

    assert credit_note_schema.validate(root), credit_note_schema.error_log
    assert "Reden: Nooit gestart" in text(root, "cbc:Note")
