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
from waw.identifiers import KVK_PATTERN, OIN_PATTERN
from waw.money import ZERO, to_money
from waw.periods import Period
from waw.postal import PostalAddress

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

OIN = re.compile(OIN_PATTERN)
KVK = re.compile(KVK_PATTERN)
# Characters XML 1.0 cannot hold at all (control characters, lone surrogates, U+FFFE/U+FFFF);
# typed or imported text can contain them, and an e-invoice must still be written.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
DEMO_NOTE = "DEMO — geen echte factuur"


@dataclass(frozen=True)
class Party:
    """A seller or buyer as the e-invoice names it."""

    name: str
    address: PostalAddress
    oin: str = ""
    kvk: str = ""
    vat: str = ""
    email: str = ""
    contact: str = ""  # department or person the invoice is for (BT-56)

    @property
    def scheme_and_id(self) -> tuple[str, str] | None:
        """How the party is identified (legal entity, Peppol address): OIN, else KvK."""
        if OIN.match(self.oin or ""):
            return OIN_SCHEME, self.oin
        if KVK.match(self.kvk or ""):
            return KVK_SCHEME, self.kvk
        return None


def sender_party(sender: dict) -> Party:
    """The Regio, from its REGIO_* settings (settings.INVOICE_SENDER)."""
    return Party(
        name=sender["name"],
        address=PostalAddress(
            street=sender.get("street", ""),
            house_number=sender.get("house_number", ""),
            po_box=sender.get("po_box", ""),
            postcode=sender.get("postcode", ""),
            city=sender.get("city", ""),
        ),
        oin=sender.get("oin", ""),
        kvk=sender.get("kvk", ""),
        vat=sender.get("vat", ""),
        email=sender.get("email", ""),
    )


def buyer_party(municipality) -> Party:
    return Party(
        name=f"Gemeente {municipality.name}",
        address=municipality.invoice_postal_address,
        oin=municipality.oin,
        kvk=municipality.kvk,
        email=municipality.invoice_email,
        contact=municipality.invoice_department,
    )


def _el(parent, tag: str, text=None, **attributes):
    prefix, name = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attributes)
    if text is not None:
        element.text = NOT_XML.sub("", str(text))
    return element


def _amount(parent, tag: str, value: Decimal):
    return _el(parent, tag, f"{to_money(value):.2f}", currencyID=CURRENCY)


def _address(parent, address: PostalAddress):
    # Street and number (or "Postbus N") on one line, no AddressLine (BR-NL-27 advises against).
    postal = _el(parent, "cac:PostalAddress")
    if address.street_line:
        _el(postal, "cbc:StreetName", address.street_line)
    if address.city:
        _el(postal, "cbc:CityName", address.city)
    if address.postcode:
        _el(postal, "cbc:PostalZone", address.postcode)
    _el(_el(postal, "cac:Country"), "cbc:IdentificationCode", address.country)


def _party(parent, tag: str, party: Party, *, with_vat: bool):
    element = _el(_el(parent, tag), "cac:Party")
    identified = party.scheme_and_id
    if identified:
        scheme, identifier = identified
        _el(element, "cbc:EndpointID", identifier, schemeID=scheme)
        _el(_el(element, "cac:PartyIdentification"), "cbc:ID", identifier, schemeID=scheme)
    _el(_el(element, "cac:PartyName"), "cbc:Name", party.name)
    _address(element, party.address)
    if with_vat and party.vat:
        tax_scheme = _el(element, "cac:PartyTaxScheme")
        _el(tax_scheme, "cbc:CompanyID", party.vat)
        _el(_el(tax_scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _el(element, "cac:PartyLegalEntity")
    _el(legal, "cbc:RegistrationName", party.name)
    if identified:
        _el(legal, "cbc:CompanyID", identified[1], schemeID=identified[0])
    if party.contact or party.email:
        contact = _el(element, "cac:Contact")
        if party.contact:
            _el(contact, "cbc:Name", party.contact)
        if party.email:
            _el(contact, "cbc:ElectronicMail", party.email)


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
    parsed_period = Period.parse(str(period))
    _el(
        root,
        "cbc:Note",
        (f"{DEMO_NOTE}. " if sender.get("demo") else "")
        + "Deelnemerskosten ontwikkeltrajecten arbeidsmarktregio Gooi en Vechtstreek, "
        f"{parsed_period.described}" + (f". Reden: {reason}" if reason else ""),
    )
    _el(root, "cbc:DocumentCurrencyCode", CURRENCY)
    # BT-10: NLCIUS requires a buyer reference or an order reference; the municipality's own
    # kenmerk where it gave one, else our number so the field is never empty.
    _el(root, "cbc:BuyerReference", reference or number)
    invoice_period = _el(root, "cac:InvoicePeriod")
    _el(invoice_period, "cbc:StartDate", parsed_period.first_day.isoformat())
    _el(invoice_period, "cbc:EndDate", parsed_period.last_day.isoformat())
    if credited_number:
        billing_reference = _el(_el(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        # Without the invoice's issue date: SI-UBL 2.0 advises against it (BR-NL-24).
        _el(billing_reference, "cbc:ID", credited_number)
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
    # The seller's VAT id on every document with a VAT-bearing line (BR-S-02, BR-E-02, BR-AE-02),
    # and never beside category O (BR-O-02); a run never mixes the two (billing rule 4).
    _party(
        root,
        "cac:AccountingSupplierParty",
        sender_party(sender),
        with_vat=treatments != {VatTreatment.OUTSIDE_SCOPE},
    )
    _party(root, "cac:AccountingCustomerParty", buyer_party(municipality), with_vat=False)
    means = _el(root, "cac:PaymentMeans")
    _el(means, "cbc:PaymentMeansCode", PAYMENT_CREDIT_TRANSFER)
    if credit:
        _el(means, "cbc:PaymentDueDate", due_date.isoformat())
    _el(means, "cbc:PaymentID", number)
    if sender.get("iban"):
        account = _el(means, "cac:PayeeFinancialAccount")
        # The IBAN alone: SI-UBL 2.0 advises against the account name (BR-NL-30).
        _el(account, "cbc:ID", sender["iban"].replace(" ", ""))
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
