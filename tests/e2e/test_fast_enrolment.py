"""Journey: enrolling new people by keyboard alone, as fast as in a spreadsheet.

Every key press is counted: a new person's enrolment takes at most 40, content included (the
issue measured 51–62 before: 14 Tabs to reach Voornaam, four stops per date, Enter not
submitting from a select).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from participants.models import Trajectory
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.e2e

MAX_KEYS_PER_ENROLMENT = 40


class Keyboard:
    """The page's keyboard, counting every key pressed (a typed text is one per character)."""

    def __init__(self, page):
        self.keyboard = page.keyboard
        self.count = 0

    def type(self, text: str):
        self.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str, times: int = 1):
        for _ in range(times):
            self.keyboard.press(key)
        self.count += times


def _log_in(journey):
    page = journey.page
    journey.goto("/inloggen/", "inloggen")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    journey.audit("start")


def test_a_new_person_is_enrolled_in_at_most_40_key_presses(journey, accounts):
    page = journey.page
    _log_in(journey)
    journey.goto("/trajecten/aanmelden/", "aanmelden")

    # The cursor waits in Voornaam; one Tab per field, a date is one box, a select is chosen
    # by typing its first letters, and Enter in the project select saves ("Opslaan en nog iemand aanmelden").
    expect(page.get_by_label("Voornaam")).to_be_focused()
    keys = Keyboard(page)
    keys.type("Sanne")
    keys.press("Tab")
    keys.type("de Vries")
    keys.press("Tab")
    keys.type("12041998")
    keys.press("Tab")
    keys.type("Hu")  # Woongemeente: Huizen
    keys.press("Tab", 2)  # past the optional klantnummer to Uitkering
    keys.type("P")  # Participatiewet
    keys.press("Tab", 3)  # past the two optional checkboxes to Project
    keys.type("Wijk")  # Wijkleerbedrijf
    with page.expect_navigation():
        keys.press("Enter")
    journey.audit("eerste-aangemeld")

    assert keys.count <= MAX_KEYS_PER_ENROLMENT, keys.count
    first = Trajectory.objects.get(participant__last_name="de Vries")
    assert first.participant.date_of_birth == dt.date(1998, 4, 12)
    assert first.participant.municipality.name == "Huizen"
    assert first.project.name == "Wijkleerbedrijf"
    status = page.get_by_role("status")
    expect(status).to_contain_text("Sanne de Vries is aangemeld voor Wijkleerbedrijf.")

    # The next form keeps the project and the date, and the cursor is back in Voornaam.
    expect(page.get_by_label("Voornaam")).to_be_focused()
    expect(page.get_by_label("Project", exact=True)).to_have_value(str(first.project_id))
    expect(page.get_by_label("Aanmelddatum")).to_have_value(
        first.enrolment_date.strftime("%d-%m-%Y")
    )

    # A mistake is announced and the focus goes to the summary, so it is read out first.
    second = Keyboard(page)
    second.type("Daan")
    second.press("Tab")
    second.type("Bakker")
    second.press("Tab")
    second.type("31021998")
    with page.expect_navigation():
        second.press("Enter")
    journey.audit("tweede-met-fout")
    expect(page.locator("#form-errors")).to_be_focused()
    expect(page.get_by_role("alert")).to_contain_text("Vul een datum in als dd-mm-jjjj")
    birth_date = page.get_by_label("Geboortedatum")
    birth_date.fill("")
    birth_date.focus()
    second.type("30011998")
    second.press("Tab")
    second.type("Hu")
    second.press("Tab", 2)
    second.type("W")  # WW
    with page.expect_navigation():
        second.press("Enter")
    journey.audit("tweede-aangemeld")
    assert second.count <= MAX_KEYS_PER_ENROLMENT, second.count
    daan = Trajectory.objects.get(participant__last_name="Bakker")
    assert daan.project == first.project
    assert daan.participant.benefit_type == "ww"

    # "nu starten" in the message: the start form with today's date, confirmed with Enter.
    with page.expect_navigation():
        page.get_by_role("status").get_by_role("link", name="nu starten").click()
    journey.audit("nu-starten")
    expect(page.get_by_label("Startdatum")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.audit("gestart")
    expect(page.get_by_role("status")).to_contain_text("Het traject is gestart.")
    daan.refresh_from_db()
    assert daan.start_date is not None
