"""Journey 4: a bestuurder reads a published monitor, is kept out of personal data, and
downloads the monitor as PDF."""

import datetime as dt
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from monitor.services import edition_create, edition_publish, story_add
from participants.models import Participant
from projects.models import Project
from tests.e2e.conftest import PASSWORD
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.models import Municipality

pytestmark = pytest.mark.e2e

# Per project: trajectories started in 2024 and how they ended in the second half-year, against
# the 2024 targets of the reference data. Wijkleerbedrijf 5 of 6 with a diploma (83 %, target 80:
# groen); Bouw en Techniekstart 4 of 6 diploma or work (67 %, target 70: oranje); Motopp 2 of 5
# into work (40 %, target 90: rood); Ik in de Kinderopvang 5 started (target 6 a year: oranje).
OUTCOMES = {
    "wijkleerbedrijf": ["diploma"] * 5 + ["gestopt"],
    "bouw-en-techniekstart": ["werk", "diploma+werk", "diploma", "certificaat"] + ["gestopt"] * 2,
    "motopp": ["werk", "werk"] + ["gestopt"] * 3,
    "ik-in-de-kinderopvang": [None] * 5,
}
TOWNS = ["hilversum", "huizen", "gooise-meren", "hilversum", "wijdemeren", "laren"]


@pytest.fixture
def published_edition(catalogue, accounts):
    towns = {m.slug: m for m in Municipality.objects.all()}
    for slug, outcomes in OUTCOMES.items():
        project = Project.objects.get(slug=slug)
        for number, outcome in enumerate(outcomes):
            if outcome:  # started from October 2023, ended in the second half of 2024
                start = dt.date(2023, 10, 2) + dt.timedelta(days=40 * number)
                end = dt.date(2024, 7, 15) + dt.timedelta(days=20 * number)
            else:  # started in 2024, still running
                start, end = dt.date(2024, 3, 4) + dt.timedelta(days=40 * number), None
            TrajectoryFactory(
                participant=ParticipantFactory(municipality=towns[TOWNS[number % len(TOWNS)]]),
                project=project,
                enrolment_date=start - dt.timedelta(days=10),
                start_date=start,
                end_date=end,
                outcome=outcome or "",
            )
    edition = edition_create(
        period_text="2024-H2",
        introduction="In het tweede halfjaar van 2024 rondden 17 inwoners hun traject af.",
    )
    story_add(
        edition=edition,
        user=accounts["coordinator"],
        name="Fatima",
        project=Project.objects.get(slug="wijkleerbedrijf"),
        text="Na het Wijkleerbedrijf werk ik nu als helpende in de thuiszorg.",
        consent_given=True,
    )
    return edition_publish(edition=edition, user=accounts["coordinator"])


def test_board_member_reads_the_monitor_but_no_personal_data(
    journey, published_edition, tmp_path
):
    page = journey.page
    journey.goto("/inloggen/", "inloggen")
    page.get_by_label("Gebruikersnaam").fill("bestuurder")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    journey.audit("start")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Monitor").click()
    journey.audit("monitor-edities")
    with page.expect_navigation():
        page.get_by_role("link", name="Monitor tweede halfjaar 2024").click()
    journey.audit("monitor-2024-H2")

    expect(page.get_by_role("heading", level=1)).to_contain_text("gepubliceerd op")
    expect(page.get_by_role("img", name="Gestart en naar werk per halfjaar")).to_be_visible()
    expect(page.get_by_role("img", name="Voortgang programmadoelen")).to_be_visible()
    projects = page.get_by_role("table", name="Per project")
    for project, light in [
        ("Wijkleerbedrijf", "groen"),
        ("Bouw en Techniekstart", "oranje"),
        ("Motopp", "rood"),
        ("Ik in de kinderopvang", "oranje"),
    ]:
        row = projects.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=project, exact=True)
        )
        expect(row.locator(".light")).to_have_text(light)
    expect(page.get_by_role("table", name="Per gemeente (gemeente bij start)")).to_contain_text(
        "<5"
    )

    participant = Participant.objects.first()
    journey.goto(f"/deelnemers/{participant.pk}/", "deelnemer-geen-toegang", 403)
    expect(page.get_by_role("heading", level=1)).to_have_text("Geen toegang")
    expect(page.get_by_text(participant.last_name)).to_have_count(0)
    expect(page.get_by_role("navigation", name="Hoofdmenu")).not_to_contain_text("Deelnemers")

    journey.goto("/monitor/2024-H2/", "monitor-2024-H2-terug")
    # A publication of several pages: on a loaded machine WeasyPrint needs more than the
    # default 15 seconds.
    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("link", name="PDF").click(no_wait_after=True)
    download = download_info.value
    assert download.suggested_filename == "monitor-2024-H2.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Monitor tweede halfjaar 2024" in text and "2024-H2" not in text
    assert "Wijkleerbedrijf" in text
    assert participant.last_name not in text
