"""Journey 3: a coordinator issues a quarter's invoices; the gemeente Huizen downloads its own."""

import datetime as dt
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from billing.models import Invoice
from projects.models import Project
from tests.e2e.conftest import PASSWORD
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.models import Municipality
from waw.services import municipality_invoice_data_set

pytestmark = pytest.mark.e2e


@pytest.fixture
def started_in_q1(catalogue):
    """Huizen: two Wijkleerbedrijf (€ 4.000) and one Ik in de Kinderopvang (€ 4.150);
    Laren: one Wijkleerbedrijf. All started in the first quarter of 2025."""
    huizen = Municipality.objects.get(slug="huizen")
    laren = Municipality.objects.get(slug="laren")
    # The invoice data a coordinator enters once at installation (billing rule 13).
    for municipality, po_box, postcode in [(huizen, "5", "1270 AA"), (laren, "7", "1250 AA")]:
        municipality_invoice_data_set(
            municipality=municipality,
            data={
                "invoice_po_box": po_box,
                "invoice_postcode": postcode,
                "invoice_city": municipality.name,
                "kvk": "12345678",
            },
        )
    wijkleerbedrijf = Project.objects.get(slug="wijkleerbedrijf")
    kinderopvang = Project.objects.get(slug="ik-in-de-kinderopvang")
    for municipality, project, start, first_name, last_name in [
        (huizen, wijkleerbedrijf, dt.date(2025, 2, 3), "Anouk", "de Boer"),
        (huizen, wijkleerbedrijf, dt.date(2025, 2, 3), "Mohamed", "El Amrani"),
        (huizen, kinderopvang, dt.date(2025, 3, 10), "Petra", "Hendriks"),
        (laren, wijkleerbedrijf, dt.date(2025, 2, 3), "Joost", "Dekker"),
    ]:
        TrajectoryFactory(
            participant=ParticipantFactory(
                municipality=municipality, first_name=first_name, last_name=last_name
            ),
            project=project,
            enrolment_date=start - dt.timedelta(days=14),
            start_date=start,
        )


def log_in(journey, username):
    page = journey.page
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    journey.audit(f"start-{username}")


def test_coordinator_issues_a_quarter_and_huizen_downloads_only_its_invoice(
    journey, accounts, started_in_q1, removable_invoices, tmp_path
):
    page = journey.page
    journey.goto("/inloggen/", "inloggen")
    log_in(journey, "coordinator")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Facturen").click()
    journey.audit("facturen-leeg")
    with page.expect_navigation():
        page.get_by_role("link", name="Factuurrun").click()
    journey.audit("factuurrun")

    page.get_by_label("Periode").fill("2025-Q1")
    with page.expect_navigation():
        page.get_by_role("button", name="Voorvertoning").click()
    journey.audit("voorvertoning")
    per_municipality = page.get_by_role("table", name="Facturen per gemeente")
    expect(per_municipality.locator("tbody tr")).to_have_text(
        ["Huizen3€ 12.150,00", "Laren1€ 4.000,00"]
    )
    expect(per_municipality.locator("tfoot")).to_contain_text("€ 16.150,00")

    # Issuing needs the explicit confirmation: without it nothing is issued.
    with page.expect_navigation():
        page.get_by_role("button", name="Facturen uitgeven").click()
    journey.audit("uitgeven-zonder-bevestiging")
    confirm = page.get_by_label("Ik heb de voorvertoning gecontroleerd")
    expect(confirm).to_have_attribute("aria-invalid", "true")
    assert not Invoice.objects.exists()

    confirm.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Facturen uitgeven").click()
    journey.audit("facturen-uitgegeven")
    expect(page.get_by_role("status")).to_contain_text(
        "Factuurrun eerste kwartaal 2025: 2 facturen uitgegeven."
    )
    huizen_invoice = Invoice.objects.get(municipality__slug="huizen")
    laren_invoice = Invoice.objects.get(municipality__slug="laren")

    with page.expect_navigation():
        page.get_by_role("button", name="Uitloggen").click()
    journey.audit("uitgelogd")
    log_in(journey, "gemeente-huizen")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Facturen").click()
    journey.audit("facturen-huizen")
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(huizen_invoice.number)
    expect(rows.first).to_contain_text("€ 12.150,00")
    expect(page.get_by_text(laren_invoice.number)).to_have_count(0)

    with page.expect_navigation():
        rows.first.get_by_role("link", name=huizen_invoice.number, exact=True).click()
    journey.audit("factuur-huizen")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF downloaden").click()
    download = download_info.value
    assert download.suggested_filename == f"factuur-{huizen_invoice.number}.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)

    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert huizen_invoice.number in text
    assert "12.150,00" in text
    assert "Laren" not in text

    # Laren's invoice does not exist for Huizen, not even by its address.
    journey.goto(f"/facturen/{laren_invoice.number}/", "factuur-laren-niet-gevonden", 404)
