"""Journey: a klantmanager refers a resident, the coordinator places the referral in a planned
group and starts the trajectory, the klantmanager sees "geplaatst"."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants.models import Referral
from projects.models import Project, TariffOption
from tests.e2e.conftest import PASSWORD
from tests.factories import CohortFactory
from waw.models import Municipality
from waw.roles import Role
from waw.services import user_create

pytestmark = pytest.mark.e2e


@pytest.fixture
def planned_group(catalogue):
    project = Project.objects.get(slug="wijkleerbedrijf")
    option = TariffOption.objects.filter(agreement__project=project).latest("agreement__year")
    return CohortFactory(
        tariff_option=option,
        project=project,
        name="Klas najaar",
        status="planned",
        start_date=timezone.localdate() + dt.timedelta(days=14),
    )


@pytest.fixture
def case_manager(accounts):
    return user_create(
        username="klantmanager-huizen",
        password=PASSWORD,
        role=Role.CASE_MANAGER,
        municipality=Municipality.objects.get(slug="huizen"),
        first_name="Kim",
        last_name="Klantmanager",
    )


def _log_in(journey, username, name):
    page = journey.page
    page.context.clear_cookies()
    journey.goto("/inloggen/", f"inloggen-{name}")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    journey.audit(f"start-{name}")


def test_klantmanager_refers_coordinator_places_and_starts(
    journey, accounts, case_manager, planned_group
):
    page = journey.page
    nav = page.get_by_role("navigation", name="Hoofdmenu")

    _log_in(journey, "klantmanager-huizen", "klantmanager")
    expect(nav.get_by_role("link", name="Facturen")).to_have_count(0)
    with page.expect_navigation():
        nav.get_by_role("link", name="Aanmeldingen").click()
    journey.audit("aanmeldingen-klantmanager")
    expect(page.get_by_role("table").nth(1)).to_contain_text("Klas najaar")
    with page.expect_navigation():
        page.get_by_role("link", name="Inwoner aanmelden").click()
    journey.audit("aanmelden-formulier")
    page.get_by_label("Project").select_option(label="Wijkleerbedrijf")
    page.get_by_label("Groep").select_option(
        label=f"{planned_group} ({planned_group.start_date:%d-%m-%Y})"
    )
    page.get_by_label("Voornaam").fill("Sanne")
    page.get_by_label("Achternaam").fill("de Wit")
    page.get_by_label("Geboortedatum").fill("1988-04-12")
    page.get_by_label("Motivatie").fill("Wil graag aan het werk in de wijk.")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelding indienen").click()
    journey.audit("aanmelding-ingediend")
    expect(page.get_by_role("status")).to_contain_text(
        "De aanmelding van Sanne de Wit is ingediend"
    )
    expect(page.locator("#referral-status")).to_have_text("ingediend")

    _log_in(journey, "coordinator", "coordinator")
    work_item = page.locator("#werk-referrals")
    expect(work_item).to_contain_text("1 aanmelding van een gemeente af te handelen")
    with page.expect_navigation():
        work_item.get_by_role("link").click()
    journey.audit("aanmeldingen-coordinator")
    with page.expect_navigation():
        page.get_by_role("link", name="Sanne de Wit").click()
    journey.audit("aanmelding-coordinator")
    expect(page.get_by_role("main")).to_contain_text("Geen bestaande deelnemer gevonden")
    with page.expect_navigation():
        page.get_by_role("button", name="Aanmelding plaatsen").click()
    journey.audit("traject-uit-aanmelding")
    expect(page.get_by_role("status")).to_contain_text("De aanmelding is geplaatst")
    page.get_by_label("Startdatum").fill(timezone.localdate().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Traject starten").click()
    journey.audit("traject-gestart")
    expect(page.get_by_role("status")).to_contain_text("Het traject is gestart.")

    _log_in(journey, "klantmanager-huizen", "klantmanager-terug")
    with page.expect_navigation():
        nav.get_by_role("link", name="Aanmeldingen").click()
    journey.audit("aanmeldingen-geplaatst")
    expect(page.get_by_role("table").first).to_contain_text("geplaatst")
    referral = Referral.objects.get()
    assert referral.trajectory.cohort == planned_group
    assert referral.trajectory.start_date == timezone.localdate()
