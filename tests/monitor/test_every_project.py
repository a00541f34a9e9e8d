"""Every project of an edition's programmes is in the edition, with or without trajectories:
what is stored for it (text, override, indicator value, story) is never left out of the page,
the JSON, the PDF or the published snapshot."""

import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader

from monitor.selectors import draft_content, edition_projects, parse_half_year
from monitor.services import (
    edition_create,
    edition_publish,
    edition_text_set,
    story_add,
    traffic_light_override_set,
)
from tests.factories import (
    AgreementFactory,
    CategoryFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ParticipantFactory,
    ProgrammeFactory,
    ProjectFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db

TEXT = "Het Innovatiefonds is on hold gezet."
REASON = "Wacht op een besluit van het PFHO."
STORY = "Dankzij de werkplek heb ik weer ritme."


@pytest.fixture
def quiet_project(db):
    """A project of the programme without any trajectory, with one of everything stored."""
    programme = ProgrammeFactory(
        name="Werken aan Werk", start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31)
    )
    project = ProjectFactory(name="Innovatiefonds", programme=programme)
    indicator = IndicatorFactory(project=project, name="Bedrijven gesproken", unit="bedrijven")
    IndicatorValueFactory(indicator=indicator, period="2025-H1", value=849)
    return project


@pytest.fixture
def stored_edition(quiet_project, coordinator):
    edition = edition_create(period_text="2025-H1")
    edition_text_set(edition=edition, project=quiet_project, text=TEXT)
    traffic_light_override_set(
        edition=edition, project=quiet_project, colour="oranje", reason=REASON
    )
    story_add(
        edition=edition,
        user=coordinator,
        name="Fatima",
        project=quiet_project,
        text=STORY,
        consent_given=True,
    )
    return edition


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _assert_everything_in(text: str) -> None:
    for expected in ("Innovatiefonds", TEXT, REASON, "oranje", "Bedrijven gesproken", "849", STORY):
        assert expected in text, expected


def test_project_without_trajectories_is_on_the_page(client_for, coordinator, stored_edition):
    content = client_for(coordinator).get("/monitor/2025-H1/").content.decode()

    _assert_everything_in(content)


def test_project_without_trajectories_is_in_the_json(client_for, coordinator, stored_edition):
    payload = client_for(coordinator).get("/monitor/2025-H1/json/").json()

    _assert_everything_in(json.dumps(payload, ensure_ascii=False))
    row = next(r for r in payload["projects"] if r["project"] == "Innovatiefonds")
    assert (row["traffic_light"], row["override_reason"], row["text"]) == ("oranje", REASON, TEXT)
    assert row["indicators"][0]["value"] == 849
    assert payload["stories"][0]["text"] == STORY


def test_project_without_trajectories_is_in_the_pdf(client_for, coordinator, stored_edition):
    response = client_for(coordinator).get("/monitor/2025-H1/pdf/")

    _assert_everything_in(_pdf_text(response))


def test_project_without_trajectories_is_in_the_published_snapshot(
    client_for, coordinator, board_member, stored_edition
):
    edition_publish(edition=stored_edition, user=coordinator)
    stored_edition.refresh_from_db()
    stored_edition.stories.all().delete()  # the snapshot holds the story, not the live table

    _assert_everything_in(json.dumps(stored_edition.snapshot, ensure_ascii=False))
    _assert_everything_in(client_for(board_member).get("/monitor/2025-H1/").content.decode())
    _assert_everything_in(_pdf_text(client_for(board_member).get("/monitor/2025-H1/pdf/")))


def test_projects_are_grouped_by_category_in_the_categorys_order(coordinator):
    programme = ProgrammeFactory(start_date=dt.date(2025, 1, 1))
    second = CategoryFactory(name="Doorstroombanen", order=2)
    first = CategoryFactory(name="Scholingsprojecten", order=1)
    ProjectFactory(name="Hout & Recycling", programme=programme, category=second)
    ProjectFactory(name="Zorgstart", programme=programme, category=first)
    ProjectFactory(name="Motopp", programme=programme)
    edition = edition_create(period_text="2025-H1")

    sections = draft_content(edition=edition, cached=False)["sections"]

    assert [(s["category"], [p["project"] for p in s["projects"]]) for s in sections] == [
        ("Scholingsprojecten", ["Zorgstart"]),
        ("Doorstroombanen", ["Hout & Recycling"]),
        ("Zonder categorie", ["Motopp"]),
    ]


def test_a_project_outside_the_edition_keeps_what_is_stored_for_it(coordinator):
    ended = ProgrammeFactory(start_date=dt.date(2020, 1, 1), end_date=dt.date(2024, 12, 31))
    project = ProjectFactory(name="Schoonthuis", programme=ended)
    edition = edition_create(period_text="2025-H1")
    edition_text_set(edition=edition, project=project, text="Afgerond.")

    rows = draft_content(edition=edition, cached=False)["projects"]

    assert [(r["project"], r["text"]) for r in rows] == [("Schoonthuis", "Afgerond.")]


def test_edition_projects_are_those_of_programmes_running_in_the_half_year(db):
    running = ProgrammeFactory(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    ended = ProgrammeFactory(start_date=dt.date(2020, 1, 1), end_date=dt.date(2024, 12, 31))
    inside = ProjectFactory(programme=running)
    ProjectFactory(programme=ended)

    assert list(edition_projects(period=parse_half_year("2025-H1"))) == [inside]


def test_figures_of_a_project_with_trajectories_are_kept_beside_a_quiet_one(
    client_for, coordinator, quiet_project, huizen
):
    busy = ProjectFactory(name="Wijkleerbedrijf", programme=quiet_project.programme)
    TrajectoryFactory(
        participant=ParticipantFactory(municipality=huizen),
        project=busy,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2025, 2, 1),
        start_date=dt.date(2025, 2, 3),
    )
    edition = edition_create(period_text="2025-H1")

    rows = {r["project"]: r for r in draft_content(edition=edition, cached=False)["projects"]}

    assert (rows["Wijkleerbedrijf"]["has_figures"], rows["Wijkleerbedrijf"]["started"]) == (True, 1)
    assert (rows["Innovatiefonds"]["has_figures"], rows["Innovatiefonds"]["started"]) == (False, 0)


def test_a_project_moved_to_a_running_programme_by_its_agreement_is_in_the_edition(db):
    ended = ProgrammeFactory(start_date=dt.date(2020, 1, 1), end_date=dt.date(2024, 12, 31))
    running = ProgrammeFactory(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    moved = ProjectFactory(programme=ended)
    AgreementFactory(project=moved, year=2025, programme=running)
    stayed = ProjectFactory(programme=running)
    AgreementFactory(project=stayed, year=2025, programme=ended)

    assert list(edition_projects(period=parse_half_year("2025-H1"))) == [moved]
