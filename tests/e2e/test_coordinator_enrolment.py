"""Journey 1: a coordinator enrols a new participant, starts and ends the trajectory, finds it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from participants.models import Trajectory
from projects.models import Project
from tests.e2e.conftest import PASSWORD
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.models import Municipality

pytestmark = pytest.mark.e2e


@pytest.fixture
def other_trajectories(catalogue):
    """Trajectories the filter must leave out: same project other outcome, same outcome other
    project."""
    huizen = Municipality.objects.get(slug="huizen")
    wijkleerbedrijf = Project.objects.get(slug="wijkleerbedrijf")
    motopp = Project.objects.get(slug="motopp")
    for project, outcome, first_name, last_name in [
        (wijkleerbedrijf, "diploma", "Daan", "Bakker"),
        (motopp, "diploma+werk", "Lotte", "Visser"),
    ]:
        TrajectoryFactory(
            participant=ParticipantFactory(
                municipality=huizen, first_name=first_name, last_name=last_name
            ),
            project=project,
            enrolment_date=dt.date(2025, 1, 6),
            started_after=14,
            ended_after=200,
            outcome=outcome,
        )


def test_coordinator_enrols_starts_ends_and_finds_a_trajectory(
    journey, accounts, other_trajectories
):
    page = journey.page
    journey.goto("/", "inloggen", expect_status=200)
    expect(page).to_have_url(journey.url("/inloggen/?next=/"))

    # The login works with the keyboard alone, and the focus can be seen.
    username = page.get_by_label("Gebruikersnaam")
    expect(username).to_be_focused()
    journey.assert_focus_visible()
    page.keyboard.type("coordinator")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()
    journey.assert_focus_visible()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.audit("start")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Carla")

    # The first Tab shows the skip link; following it, the next Tab lands in the content: the
    # coordinator's first shortcut.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    journey.assert_focus_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    shortcuts = page.get_by_role("navigation", name="Snelkoppelingen")
    expect(shortcuts.get_by_role("link", name="Deelnemer aanmelden")).to_be_focused()
    journey.assert_focus_visible()

    with page.expect_navigation():
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Trajecten").click()
    journey.audit("trajecten")
    with page.expect_navigation():
        page.get_by_role("link", name="Deelnemer aanmelden", exact=True).click()
    journey.audit("aanmelden")

    # A form with a missing field says so, and links the message to the field.
    page.get_by_label("Voornaam").fill("Sanne")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan", exact=True).click()
    journey.audit("aanmelden-met-fouten")
    expect(page.get_by_role("alert")).to_contain_text("Achternaam: Dit veld is verplicht.")
    last_name = page.get_by_label("Achternaam")
    expect(last_name).to_have_attribute("aria-invalid", "true")
    expect(last_name).to_have_accessible_description("Dit veld is verplicht.")
    page.get_by_role("alert").get_by_role("link", name="Achternaam").click()
    expect(last_name).to_be_focused()

    last_name.fill("de Vries")
    page.get_by_label("Geboortedatum").fill("1998-04-12")
    page.get_by_label("Woongemeente").select_option(label="Huizen")
    page.get_by_label("Uitkering").select_option(label="Participatiewet")
    page.get_by_label("Project").select_option(label="Wijkleerbedrijf")
    page.get_by_label("Aanmelddatum").fill("2025-01-13")
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan", exact=True).click()
    journey.audit("traject-aangemeld")
    expect(page.get_by_role("status")).to_contain_text(
        "Sanne de Vries is aangemeld voor Wijkleerbedrijf."
    )

    page.get_by_label("Startdatum").fill("2025-02-03")
    with page.expect_navigation():
        page.get_by_role("button", name="Traject starten").click()
    journey.audit("traject-gestart")
    expect(page.get_by_role("status")).to_contain_text("Het traject is gestart.")

    page.get_by_label("Einddatum").fill("2025-12-19")
    page.get_by_label("Uitkomst").select_option("diploma+werk")
    with page.expect_navigation():
        page.get_by_role("button", name="Traject beëindigen").click()
    journey.audit("traject-beeindigd")
    expect(page.get_by_role("status")).to_contain_text("Het traject is beëindigd.")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Trajecten").click()
    journey.audit("trajecten-alle")
    filters = page.get_by_role("form", name="Trajecten filteren")
    filters.get_by_label("Project").select_option(label="Wijkleerbedrijf")
    filters.get_by_label("Uitkomst").select_option("diploma+werk")
    with page.expect_navigation():
        filters.get_by_role("button", name="Filteren").click()
    journey.audit("trajecten-gefilterd")

    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sanne de Vries")
    expect(rows.first).to_contain_text("diploma en werk")
    ended = Trajectory.objects.get(participant__last_name="de Vries")
    assert (ended.start_date, ended.end_date, ended.outcome) == (
        dt.date(2025, 2, 3),
        dt.date(2025, 12, 19),
        "diploma+werk",
    )
