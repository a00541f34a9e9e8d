"""The e-invoice: a UBL 2.1 Invoice or CreditNote following the Dutch SI-UBL 2.0 (NLCIUS)
profile, the format Dutch public bodies receive over Peppol.

Fed by the same data as the PDF (the lines about to be stored, the archived PDF's bytes), so the
two documents of one number cannot disagree. Credit notes carry positive amounts: in UBL the
document type, not the sign, says that money goes back.
"""

import base64
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from billing.constants import DocumentKind
from projects.constants import VAT_RATES, VatTreatment
from waw.models import OIN_PATTERN
from waw.money import ZERO, to_money
from waw.periods import Period

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
OIN_SCHEME = "0190"  # Dutch Organisatie-identificatienummer (ISO 6523 ICD)
KVK_SCHEME = "0106"  # Dutch Chamber of Commerce number
CURRENCY = "EUR"
UNIT_PIECE = "C62"  # UN/ECE rec. 20 "one": each participant is one unit
PAYMENT_CREDIT_TRANSFER = "30"

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}

# EN 16931 VAT category codes (UNCL5305) and the exemption text each needs.
VAT_CATEGORY = {
    VatTreatment.STANDARD: "S",
    VatTreatment.EXEMPT: "E",
    VatTreatment.REVERSE_CHARGE: "AE",
    VatTreatment.OUTSIDE_SCOPE: "O",
}
EXEMPTION_REASON = {
    VatTreatment.EXEMPT: "Vrijgesteld van btw",
    VatTreatment.REVERSE_CHARGE: "Btw verlegd",
    VatTreatment.OUTSIDE_SCOPE: "Niet onderworpen aan btw: kostendeling tussen overheden",
}

POSTCODE_CITY = re.compile(r"^\s*(\d{4}\s?[A-Z]{2})\s+(.+?)\s*$")
OIN = re.compile(OIN_PATTERN)
# Characters XML 1.0 cannot hold at all (control characters, lone surrogates, U+FFFE/U+FFFF);
# typed or imported text can contain them, and an e-invoice must still be written.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Address:
    lines: tuple[str, ...]
    postal_zone: str
    city: str


def parse_address(text: str) -> Address:
    """A free-text Dutch address split into street lines and the 'postcode place' line, which
    UBL wants as separate fields; what cannot be recognised stays a street line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    postal_zone = city = ""
    for index in range(len(lines) - 1, -1, -1):
        match = POSTCODE_CITY.match(lines[index])
        if match:
            postal_zone, city = match.group(1), match.group(2)
            del lines[index]
            break
    return Address(lines=tuple(lines), postal_zone=postal_zone, city=city)


def _el(parent, tag: str, text=None, **attributes):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attributes)
    if text is not None:
        element.text = NOT_XML.sub("", str(text))
    return element


def _amount(parent, tag: str, value: Decimal):
    return _el(parent, tag, f"{to_money(value):.2f}", currencyID=CURRENCY)


def _address(parent, address: Address):
    postal = _el(parent, "cac:PostalAddress")
    if address.lines:
        _el(postal, "cbc:StreetName", address.lines[0])
    if len(address.lines) > 1:
        _el(postal, "cbc:AdditionalStreetName", address.lines[1])
    if address.city:
        _el(postal, "cbc:CityName", address.city)
    if address.postal_zone:
        _el(postal, "cbc:PostalZone", address.postal_zone)
    for line in address.lines[2:]:
        _el(_el(postal, "cac:AddressLine"), "cbc:Line", line)
    _el(_el(postal, "cac:Country"), "cbc:IdentificationCode", "NL")


def _party(
    parent,
    tag: str,
    *,
    name: str,
    oin: str,
    address: Address,
    vat: str = "",
    kvk: str = "",
    email: str = "",
):
    party = _el(_el(parent, tag), "cac:Party")
    if OIN.match(oin or ""):
        _el(party, "cbc:EndpointID", oin, schemeID=OIN_SCHEME)
        _el(_el(party, "cac:PartyIdentification"), "cbc:ID", oin, schemeID=OIN_SCHEME)
    _el(_el(party, "cac:PartyName"), "cbc:Name", name)
    _address(party, address)
    if vat:
        tax_scheme = _el(party, "cac:PartyTaxScheme")
        _el(tax_scheme, "cbc:CompanyID", vat)
        _el(_el(tax_scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(party, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", name)
    if OIN.match(oin or ""):
        _el(legal, "cbc:CompanyID", oin, schemeID=OIN_SCHEME)
    elif kvk:
        _el(legal, "cbc:CompanyID", kvk, schemeID=KVK_SCHEME)
    if email:
        _el(_el(party, "cac:Contact"), "cbc:ElectronicMail", email)


def _tax_category(parent, tag: str, treatment: str):
    category = _el(parent, tag)
    _el(category, "cbc:ID", VAT_CATEGORY[treatment])
    if treatment != VatTreatment.OUTSIDE_SCOPE:  # category O carries no rate (EN 16931 BR-O-05)
        _el(category, "cbc:Percent", VAT_RATES.get(treatment, 0))
    if treatment in EXEMPTION_REASON and tag == "cac:TaxCategory":
        _el(category, "cbc:TaxExemptionReason", EXEMPTION_REASON[treatment])
    _el(_el(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def _line_texts(line) -> tuple[str, str]:
    """(description, name) of a line by its kind: a trajectory, a group's minimum purchase
    (billing rule 11) or a share of fixed project costs (rule 12)."""
    kind = getattr(line, "kind", "trajectory")
    if kind == "shortfall":
        return line.description, f"Minimale afname {line.project_name}"
    if kind == "share":
        return line.description, f"Aandeel projectkosten {line.project_name}"
    return (
        f"Deelnemer {line.participant_reference}, gestart {line.start_date:%d-%m-%Y}",
        f"Traject {line.project_name}",
    )


def render_ubl(
    *,
    kind: str,
    number: str,
    sender: dict,
    municipality,
    period,
    issue_date: dt.date,
    due_date: dt.date,
    lines,
    pdf: bytes,
    reference: str = "",
    credited_number: str = "",
    credited_issue_date: dt.date | None = None,
    reason: str = "",
) -> bytes:
    """The UBL XML of one invoice or credit note, with its archived PDF embedded."""
    credit = kind == DocumentKind.CREDIT_NOTE
    sign = Decimal(-1) if credit else Decimal(1)
    namespace = NS["cn" if credit else "inv"]
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}",
        nsmap={None: namespace, "cac": NS["cac"], "cbc": NS["cbc"]},
    )
    _el(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _el(root, "cbc:ProfileID", PROFILE_ID)
    _el(root, "cbc:ID", number)
    _el(root, "cbc:IssueDate", issue_date.isoformat())
    if not credit:
        _el(root, "cbc:DueDate", due_date.isoformat())
    _el(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", 381 if credit else 380)
    _el(
        root,
        "cbc:Note",
        f"Deelnemerskosten ontwikkeltrajecten arbeidsmarktregio Gooi en Vechtstreek, "
        f"periode {period}" + (f". Reden: {reason}" if reason else ""),
    )
    _el(root, "cbc:DocumentCurrencyCode", CURRENCY)
    # BT-10: NLCIUS requires a buyer reference or an order reference; the municipality's own
    # kenmerk where it gave one, else our number so the field is never empty.
    _el(root, "cbc:BuyerReference", reference or number)
    parsed_period = Period.parse(str(period))
    invoice_period = _el(root, "cac:InvoicePeriod")
    _el(invoice_period, "cbc:StartDate", parsed_period.first_day.isoformat())
    _el(invoice_period, "cbc:EndDate", parsed_period.last_day.isoformat())
    if credited_number:
        billing_reference = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _el(billing_reference, "cbc:ID", credited_number)
        if credited_issue_date:
            _el(billing_reference, "cbc:IssueDate", credited_issue_date.isoformat())
    attachment = _el(root, "cac:AdditionalDocumentReference")
    _el(attachment, "cbc:ID", number)
    _el(attachment, "cbc:DocumentDescription", "Creditnota (PDF)" if credit else "Factuur (PDF)")
    _el(
        _el(attachment, "cac:Attachment"),
        "cbc:EmbeddedDocumentBinaryObject",
        base64.b64encode(pdf).decode("ascii"),
        mimeCode="application/pdf",
        filename=f"{'creditnota' if credit else 'factuur'}-{number}.pdf",
    )
    treatments = {line.vat_treatment for line in lines}
    _party(
        root,
        "cac:AccountingSupplierParty",
        name=sender["name"],
        oin=sender.get("oin", ""),
        address=parse_address(sender.get("address", "")),
        # A seller VAT number must not appear beside category O (EN 16931 BR-O-02).
        vat="" if VatTreatment.OUTSIDE_SCOPE in treatments else sender.get("vat", ""),
        kvk=sender.get("kvk", ""),
        email=sender.get("email", ""),
    )
    _party(
        root,
        "cac:AccountingCustomerParty",
        name=f"Gemeente {municipality.name}",
        oin=municipality.oin,
        address=parse_address(municipality.invoice_address),
    )
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", PAYMENT_CREDIT_TRANSFER)
    if credit:
        _el(means, "cbc:PaymentDueDate", due_date.isoformat())
    _el(means, "cbc:PaymentID", number)
    if sender.get("iban"):
        account = _el(means, "cac:PayeeFinancialAccount")
        _el(account, "cbc:ID", sender["iban"].replace(" ", ""))
        _el(account, "cbc:Name", sender["name"])
    if not credit:
        days = (due_date - issue_date).days
        _el(_el(root, "cac:PaymentTerms"), "cbc:Note", f"Betaling binnen {days} dagen")

    by_treatment: dict[str, list] = {}
    for line in lines:
        by_treatment.setdefault(line.vat_treatment, []).append(line)
    net = to_money(sum((line.amount for line in lines), ZERO) * sign)
    vat = to_money(sum((line.vat_amount for line in lines), ZERO) * sign)
    tax_total = _el(root, "cac:TaxTotal")
    _amount(tax_total, "cbc:TaxAmount", vat)
    for treatment, group in sorted(by_treatment.items()):
        subtotal = _el(tax_total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", sum((ln.amount for ln in group), ZERO) * sign)
        _amount(subtotal, "cbc:TaxAmount", sum((ln.vat_amount for ln in group), ZERO) * sign)
        _tax_category(subtotal, "cac:TaxCategory", treatment)
    totals = _el(root, "cac:LegalMonetaryTotal")
    _amount(totals, "cbc:LineExtensionAmount", net)
    _amount(totals, "cbc:TaxExclusiveAmount", net)
    _amount(totals, "cbc:TaxInclusiveAmount", net + vat)
    _amount(totals, "cbc:PayableAmount", net + vat)

    for position, line in enumerate(lines, start=1):
        element = _el(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        _el(element, "cbc:ID", position)
        _el(
            element,
            "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            1,
            unitCode=UNIT_PIECE,
        )
        _amount(element, "cbc:LineExtensionAmount", line.amount * sign)
        item = _el(element, "cac:Item")
        description, name = _line_texts(line)
        _el(item, "cbc:Description", description)
        _el(item, "cbc:Name", name[:100])
        _tax_category(item, "cac:ClassifiedTaxCategory", line.vat_treatment)
        _amount(_el(element, "cac:Price"), "cbc:PriceAmount", line.amount * sign)
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
