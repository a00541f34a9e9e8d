"""Every e-invoice the app can issue passes the official EN 16931 and SI-UBL 2.0 (NLCIUS)
business rules with no fatal or error finding (billing rule 13)."""

import datetime as dt

import pytest
from lxml import etree

from billing.models import Invoice
from billing.services import issue_run
from tests.billing.conftest import AFTER_Q1
from tests.factories import ParticipantFactory, TrajectoryFactory
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
