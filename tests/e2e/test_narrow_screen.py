"""Journey: on a phone (390 px wide) no page scrolls sideways; a wide table scrolls in its
own box, headers and all, and axe-core checks every page as in the other journeys."""

import datetime as dt

import pytest

from billing.models import Invoice
from billing.services import issue_run
from participants.models import Trajectory
from projects.models import Budget
from tests.e2e.conftest import PASSWORD
from tests.factories import ParticipantFactory
from waw.demo import load_demo_municipality_data
from waw.models import Municipality
from waw.periods import Period

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def issued_quarter(catalogue, accounts, settings):
    """The demo's trajectories, invoice data and a long-named participant; 2025-Q1 issued."""
    from participants.demo import load_demo_trajectories

    settings.DEBUG = True
    load_demo_trajectories()
    load_demo_municipality_data()
    settings.DEBUG = False
    trajectory = Trajectory.objects.filter(start_date__isnull=False).first()
    participant = trajectory.participant
    participant.last_name = "van den Oudenhoven-Vermeulen-Schoonderwoerd"
    participant.save()
    ParticipantFactory(municipality=Municipality.objects.get(slug="huizen"))
    issue_run(
        period=Period.parse("2025-Q1"), user=accounts["coordinator"], today=dt.date(2025, 4, 15)
    )
    return trajectory


def _assert_no_sideways_scroll(journey, path, name):
    page = journey.page
    journey.goto(path, name)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{path} is {width[0]} px breed op een scherm van {width[1]} px"


def test_no_page_scrolls_sideways_on_a_phone(journey, issued_quarter, removable_invoices):
    page = journey.page
    page.set_viewport_size(PHONE)
    journey.goto("/inloggen/", "inloggen")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    journey.audit("start")

    invoice = Invoice.objects.order_by("number").first()
    budget = Budget.objects.order_by("-year").first()
    trajectory = issued_quarter
    pages = [
        (f"/facturen/{invoice.number}/", "factuur"),
        ("/facturen/budget/2025/", "budgetten"),
        (f"/facturen/budget/2025/{invoice.municipality.slug}/", "participatiebudget"),
        (f"/deelnemers/{trajectory.participant_id}/", "deelnemer"),
        (f"/trajecten/{trajectory.pk}/", "traject"),
        (f"/begrotingen/{budget.year}/", "begroting"),
        (f"/begrotingen/programma/{budget.programme.slug}/", "programmabegroting"),
        ("/trajecten/", "trajecten"),
        ("/facturen/", "facturen"),
    ]
    for path, name in pages:
        _assert_no_sideways_scroll(journey, path, name)

    # The table scrolls in its own box, with its header row.
    journey.goto("/trajecten/", "trajecten-tabel")
    box = page.locator(".table-container").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "de tabel past al"
    assert box.locator("thead th").count() > 3
