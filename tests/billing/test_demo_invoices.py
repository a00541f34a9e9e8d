"""`make run`'s demo issues documents the municipalities' systems would accept; the reference
data alone is refused until a coordinator has entered the invoice data (billing rule 13)."""

import pytest
from lxml import etree

from billing.models import Invoice
from billing.selectors import run_preview
from billing.services import RunRefused, issue_run
from billing.ubl import DEMO_NOTE
from participants.demo import load_demo_trajectories
from projects.services import load_reference_data
from tests.billing.conftest import AFTER_Q1
from waw import env
from waw.demo import load_demo_municipality_data
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


@pytest.fixture
def reference_data_with_demo_trajectories(settings):
    settings.DEBUG = True
    load_reference_data()
    load_demo_trajectories()


@pytest.fixture
def demo(reference_data_with_demo_trajectories, settings, monkeypatch):
    monkeypatch.setenv("REGIO_DEMO", "true")
    settings.INVOICE_SENDER = env.invoice_sender(production=False)
    load_demo_municipality_data()


def test_demo_run_of_2025_q1_issues_documents_that_pass_the_official_rules(
    demo, coordinator, broken_rules
):
    run = issue_run(period=Q1, user=coordinator)

    invoices = list(run.invoices.all())
    assert len(invoices) >= 5
    for invoice in invoices:
        broken = broken_rules(invoice.xml.read())
        assert not broken, f"{invoice.number}: " + "; ".join(str(f) for f in broken)


def test_every_demo_document_says_it_is_a_demo(demo, coordinator):
    run = issue_run(period=Q1, user=coordinator)

    for invoice in run.invoices.all():
        note = etree.fromstring(invoice.xml.read()).findtext(f"{CBC}Note")
        assert note.startswith(DEMO_NOTE)


def test_run_on_the_reference_data_alone_is_refused_naming_what_is_missing(
    reference_data_with_demo_trajectories, coordinator, settings
):
    settings.INVOICE_SENDER = env.invoice_sender(production=False)  # placeholders only

    with pytest.raises(RunRefused) as refused:
        issue_run(period=Q1, user=coordinator)

    text = " ".join(refused.value.messages)
    assert "REGIO_IBAN" in text and "REGIO_KVK" in text
    billed = {draft.municipality.name for draft in run_preview(period=Q1, today=AFTER_Q1).invoices}
    assert billed
    for name in billed:
        assert f"Gemeente {name} zijn niet compleet" in text
    assert not Invoice.objects.exists()
    assert not (settings.MEDIA_ROOT / "facturen").exists()


def test_demo_municipality_data_leaves_entered_data_alone(
    reference_data_with_demo_trajectories, settings
):
    from waw.models import Municipality

    Municipality.objects.filter(slug="huizen").update(
        invoice_po_box="77", invoice_postcode="1270 AB", invoice_city="Huizen"
    )

    load_demo_municipality_data()

    assert Municipality.objects.get(slug="huizen").invoice_po_box == "77"
    assert Municipality.objects.get(slug="laren").invoice_street == "Testweg"
