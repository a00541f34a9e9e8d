"""Every e-invoice the app can issue passes the official EN 16931 and SI-UBL 2.0 (NLCIUS)
business rules with no fatal or error finding (billing rule 13)."""

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from billing.models import Invoice
from billing.services import credit_invoice, issue_run
from participants.services import cohort_start
from projects.constants import CostSharing
from projects.models import Cohort
from projects.services import cohort_save
from tests.billing.conftest import AFTER_Q1
from tests.billing.financing_helpers import AFTER_2026, AFTER_Q1_2026, municipality
from tests.billing.financing_helpers import started as started_2026
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
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def started(project, municipality, day=dt.date(2025, 2, 3)):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality, client_number=""),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=day - dt.timedelta(days=7),
        start_date=day,
    )


def rule_ids(findings) -> list[str]:
    return sorted({finding.rule for finding in findings})


@pytest.fixture
def issued_xml(wijkleerbedrijf, huizen, coordinator) -> bytes:
    started(wijkleerbedrijf, huizen)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    return Invoice.objects.get().xml.read()


def test_a_document_without_seller_street_breaks_br_nl_3(issued_xml, broken_rules):
    root = etree.fromstring(issued_xml)
    for street in root.findall(
        "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName", NS
    ):
        street.getparent().remove(street)

    assert "BR-NL-3" in rule_ids(broken_rules(etree.tostring(root)))


def test_a_document_with_a_wrong_payable_amount_breaks_br_co_16(issued_xml, broken_rules):
    root = etree.fromstring(issued_xml)
    root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).text = "1.00"

    assert "BR-CO-16" in rule_ids(broken_rules(etree.tostring(root)))


def project_with(treatment: str, price="433.00"):
    project = ProjectFactory(name=f"Project {treatment}")
    TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2025, vat_treatment=treatment),
        price_per_participant=Decimal(price),
    )
    return project


def issue(*projects, municipality, coordinator) -> list[Invoice]:
    for project in projects:
        started(project, municipality)
    run = issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    return list(run.invoices.order_by("sequence"))


def credit_all(invoice, coordinator) -> Invoice:
    return credit_invoice(
        invoice=invoice,
        line_ids=list(invoice.lines.values_list("pk", flat=True)),
        rebill_ids=[],
        reason="Verkeerde gemeente",
        user=coordinator,
        today=AFTER_Q1,
    )


def assert_accepted(document, broken_rules):
    broken = broken_rules(document.xml.read())
    assert not broken, "\n".join(str(finding) for finding in broken)


TREATMENTS = ["outside_scope", "exempt", "standard", "reverse_charge"]


@pytest.mark.parametrize("treatment", TREATMENTS)
def test_invoice_of_every_vat_treatment_passes_the_official_rules(
    treatment, huizen, coordinator, broken_rules
):
    [invoice] = issue(project_with(treatment), municipality=huizen, coordinator=coordinator)

    assert_accepted(invoice, broken_rules)


@pytest.mark.parametrize("treatment", TREATMENTS)
def test_credit_note_of_every_vat_treatment_passes_the_official_rules(
    treatment, huizen, coordinator, broken_rules
):
    [invoice] = issue(project_with(treatment), municipality=huizen, coordinator=coordinator)

    assert_accepted(credit_all(invoice, coordinator), broken_rules)


def test_both_invoices_of_a_run_mixing_vat_regimes_pass_the_official_rules(
    huizen, coordinator, broken_rules
):
    invoices = issue(
        project_with("outside_scope"),
        project_with("standard"),
        municipality=huizen,
        coordinator=coordinator,
    )

    assert len(invoices) == 2
    for invoice in invoices:
        assert_accepted(invoice, broken_rules)


@pytest.mark.parametrize("oin", ["", "00000004000000000001"])
def test_invoice_with_and_without_the_regio_oin_passes_the_official_rules(
    oin, huizen, coordinator, broken_rules, settings
):
    settings.INVOICE_SENDER = {**settings.INVOICE_SENDER, "oin": oin}
    [invoice] = issue(project_with("standard"), municipality=huizen, coordinator=coordinator)

    assert_accepted(invoice, broken_rules)


@pytest.mark.parametrize(("oin", "kvk"), [("00000001002345678000", ""), ("", "87654321")])
def test_invoice_to_a_buyer_identified_by_oin_or_by_kvk_passes_the_official_rules(
    oin, kvk, huizen, coordinator, broken_rules
):
    huizen.oin, huizen.kvk = oin, kvk
    huizen.save()
    [invoice] = issue(project_with("reverse_charge"), municipality=huizen, coordinator=coordinator)

    assert_accepted(invoice, broken_rules)


def test_invoice_to_a_postbus_address_passes_the_official_rules(huizen, coordinator, broken_rules):
    huizen.invoice_street = huizen.invoice_house_number = ""
    huizen.invoice_po_box, huizen.invoice_postcode = "5", "1270 AA"
    huizen.save()
    [invoice] = issue(project_with("outside_scope"), municipality=huizen, coordinator=coordinator)

    assert_accepted(invoice, broken_rules)


def test_sender_with_a_postbus_passes_the_official_rules(
    huizen, coordinator, broken_rules, settings
):
    settings.INVOICE_SENDER = {
        **settings.INVOICE_SENDER,
        "street": "[straat]",
        "house_number": "[huisnummer]",
        "po_box": "1080",
    }
    [invoice] = issue(project_with("standard"), municipality=huizen, coordinator=coordinator)

    assert_accepted(invoice, broken_rules)


def test_invoice_and_credit_note_have_no_warnings_either(huizen, coordinator, rule_findings):
    [invoice] = issue(project_with("outside_scope"), municipality=huizen, coordinator=coordinator)
    note = credit_all(invoice, coordinator)

    assert rule_ids(rule_findings(invoice.xml.read())) == []
    assert rule_ids(rule_findings(note.xml.read())) == []


def test_invoice_with_a_minimum_purchase_line_passes_the_official_rules(
    coordinator, broken_rules
):

    huizen, laren = municipality("Huizen"), municipality("Laren")
    option = TariffOptionFactory(
        agreement=AgreementFactory(project=ProjectFactory(name="Wijkleerbedrijf"), year=2026),
        price_per_participant=Decimal("4000.00"),
        min_group_size=10,
    )
    cohort = cohort_save(
        cohort=Cohort(
            project=option.agreement.project,
            tariff_option=option,
            name="Klas februari",
            start_date=dt.date(2026, 2, 2),
        )
    )
    for where in (huizen, huizen, laren):
        started_2026(cohort.project, where, day=dt.date(2026, 2, 2), cohort=cohort)
    cohort_start(user=coordinator, cohort=cohort, reason="Uitvoerder start toch")

    issue_run(period=Period.parse("2026-Q1"), user=coordinator, today=AFTER_Q1_2026)

    invoices = list(Invoice.objects.filter(kind="invoice"))
    assert len(invoices) == 2
    for invoice in invoices:
        assert invoice.lines.filter(kind="shortfall").exists()
        assert_accepted(invoice, broken_rules)
        assert_accepted(credit_all(invoice, coordinator), broken_rules)


def test_invoice_with_a_share_of_fixed_costs_passes_the_official_rules(
    coordinator, broken_rules
):

    huizen, laren = municipality("Huizen"), municipality("Laren")
    agreement = AgreementFactory(
        project=ProjectFactory(name="Wijkleerbedrijf"),
        year=2026,
        joint_project_costs=Decimal("1000.00"),
        cost_sharing=CostSharing.BY_PARTICIPANTS,
    )
    TariffOptionFactory(agreement=agreement, price_per_participant=Decimal("4000.00"))
    for where in (huizen, laren, laren):
        started_2026(agreement.project, where, day=dt.date(2026, 3, 2))

    issue_run(period=Period.parse("2026-Q4"), user=coordinator, today=AFTER_2026)

    invoices = list(Invoice.objects.filter(kind="invoice"))
    assert len(invoices) == 2
    for invoice in invoices:
        assert invoice.lines.filter(kind="share").exists()
        assert_accepted(invoice, broken_rules)
