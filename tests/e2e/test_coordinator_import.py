"""Journey 2: a coordinator imports enrolments from a CSV file; a broken file imports nothing."""

import pytest
from playwright.sync_api import expect

from participants.models import Participant, Trajectory
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.e2e

HEADER = "klantnummer;voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;einddatum;uitkomst"
GOOD_CSV = "\r\n".join(
    [
        HEADER,
        "HU-2001;Zoë;Jansen;04-03-1995;Huizen;Ik in de Kinderopvang!;10-01-2025;03-02-2025;;",
        ";Piet;Bakker;31-12-1960;Laren;Wijkleerbedrijf;06-01-2025;13-01-2025;19-12-2025;diploma+werk",
        "HI-3003;Esra;Kaya;17-08-2001;Hilversum;Motopp;15-01-2025;;;",
    ]
).encode()
BROKEN_CSV = "\r\n".join(
    [
        HEADER,
        "HU-2002;Noor;de Wit;12-05-1990;Huizen;Wijkleerbedrijf;06-01-2025;13-01-2025;;",
        ";Tim;Smit;31-02-1985;Laren;Wijkleerbedrijf;06-01-2025;;;",
        ";Lotte;Mulder;01-01-1999;Amsterdam;Wijkleerbedrijf;06-01-2025;;;",
        ";Rik;Dekker;03-03-1970;Huizen;Wijkleerbedrijf;06-01-2025;13-01-2025;19-12-2025;",
    ]
).encode()


def upload(journey, name, data, shot):
    page = journey.page
    page.get_by_label("Bestand").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Inlezen").click()
    journey.audit(shot)


def test_coordinator_imports_a_csv_and_a_broken_csv_imports_nothing(journey, accounts):
    page = journey.page
    journey.goto("/inloggen/", "inloggen")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    journey.audit("start")

    journey.goto("/trajecten/", "trajecten")
    with page.expect_navigation():
        page.get_by_role("link", name="Importeren").click()
    journey.audit("importeren")

    upload(journey, "aanmeldingen-januari.csv", GOOD_CSV, "import-gelukt")
    summary = page.get_by_role("region", name="Samenvatting")
    expect(summary).to_contain_text("regels in het bestand3")
    expect(summary.locator("dl > div")).to_have_text(
        [
            "regels in het bestand3",
            "nieuwe deelnemers3",
            "herkende deelnemers0",
            "nieuwe trajecten3",
            "bijgewerkte trajecten0",
            "ongewijzigde trajecten0",
        ]
    )
    assert Trajectory.objects.count() == 3

    # The import ran as a job; its page stays. Back to the import page for the next file.
    journey.goto("/trajecten/importeren/", "importeren-opnieuw")
    upload(journey, "aanmeldingen-februari.csv", BROKEN_CSV, "import-fouten")
    errors = page.get_by_role("region", name="Het bestand is niet ingelezen")
    expect(errors.get_by_role("alert")).to_contain_text("Er zijn 3 problemen gevonden")
    rows = errors.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("geboortedatum")
    expect(rows.nth(1)).to_contain_text("Amsterdam")
    expect(rows.nth(2)).to_contain_text("uitkomst")
    assert Trajectory.objects.count() == 3
    assert not Participant.objects.filter(last_name="de Wit").exists()
