"""The monitor as the hand-made publication (seeds 002, 004): headline, sections, new and ended
projects, colophon, period names in words, the PDF's layout, the preview, the final monitor and
the demo edition."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader

from monitor import charts
from monitor.demo import load_demo_edition
from monitor.models import Edition
from monitor.publication import edition_document, headline_text, rounded_down
from monitor.services import (
    edition_create,
    edition_publish,
    edition_text_set,
    edition_update,
    final_edition_create,
    story_add,
)
from tests.factories import (
    CategoryFactory,
    ParticipantFactory,
    ProgrammeFactory,
    ProjectFactory,
    TrajectoryFactory,
)
from waw.periods import period_in_words

pytestmark = pytest.mark.django_db


def start(project, municipality, day=dt.date(2025, 2, 3), end=None, outcome=""):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=day - dt.timedelta(days=5),
        start_date=day,
        end_date=end,
        outcome=outcome,
    )


def pdf_pages(response) -> list[str]:
    assert response.content[:4] == b"%PDF"
    return [
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.content)).pages
    ]


def visible_text(html: str) -> str:
    """The page as a person reads it: without tags, attributes (URLs) and form values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- headline -------------------------------------------------------------------------------


def test_rounded_down_writes_ruim_only_when_something_was_rounded_off():
    assert rounded_down(634) == (600, True)
    assert rounded_down(600) == (600, False)
    assert rounded_down(47) == (40, True)
    assert rounded_down(7) == (7, False)


def test_headline_is_generated_from_residents_reached_and_in_work(coordinator, huizen):
    project = ProjectFactory()
    for _ in range(23):
        start(project, huizen)
    for _ in range(2):
        start(project, huizen, end=dt.date(2025, 5, 1), outcome="werk")
    edition = edition_create(period_text="2025-H1")

    document = edition_document(edition=edition)

    assert document["headline"] == (
        "Van de ruim 20 inwoners die hun weg vonden naar één van de projecten hebben 2 inmiddels "
        "een betaalde baan."
    )


def test_a_resident_in_two_projects_counts_once_in_the_headline(huizen):
    participant = ParticipantFactory(municipality=huizen)
    for _ in range(2):
        TrajectoryFactory(
            participant=participant,
            project=ProjectFactory(),
            municipality_at_start=huizen,
            start_date=dt.date(2025, 2, 3),
        )

    assert (
        edition_document(edition=edition_create(period_text="2025-H1"))["headline_figures"][
            "reached"
        ]
        == 1
    )


def test_a_coordinators_headline_replaces_the_generated_one_and_is_frozen(
    client_for, coordinator, board_member
):
    edition_create(period_text="2025-H1")
    client = client_for(coordinator)
    client.post(
        "/monitor/2025-H1/bewerken/",
        {"action": "intro", "headline": "Ruim 600 inwoners op weg naar werk.", "introduction": ""},
    )
    edition = Edition.objects.get()
    edition_publish(edition=edition, user=coordinator)

    edition.refresh_from_db()
    assert edition.snapshot["headline"] == "Ruim 600 inwoners op weg naar werk."
    assert (
        "Ruim 600 inwoners op weg naar werk."
        in client_for(board_member).get("/monitor/2025-H1/").content.decode()
    )


def test_the_generated_headline_unchanged_is_not_stored(coordinator):
    edition = edition_create(period_text="2025-H1")
    generated = edition_document(edition=edition)["headline_generated"]

    edition_update(edition=edition, introduction="", headline=generated)

    edition.refresh_from_db()
    assert edition.headline == ""  # so it follows the figures until publication


def test_the_edit_page_offers_the_generated_headline_to_change(client_for, coordinator):
    edition = edition_create(period_text="2025-H1")

    content = client_for(coordinator).get("/monitor/2025-H1/bewerken/").content.decode()

    assert headline_text(edition_document(edition=edition)["headline_figures"]) in content


# --- structure ------------------------------------------------------------------------------


def test_category_section_has_its_introduction_projects_and_stories_beside_them(
    client_for, coordinator, board_member, huizen
):
    zorg = CategoryFactory(name="Scholingsprojecten", order=1)
    project = ProjectFactory(name="Zorgstart", category=zorg)
    other = ProjectFactory(name="Motopp", category=CategoryFactory(name="Begeleiding", order=2))
    start(project, huizen)
    start(other, huizen)
    edition = edition_create(period_text="2025-H1")
    edition_text_set(edition=edition, category=zorg, text="Twee projecten voor de zorg.")
    story_add(
        edition=edition,
        user=coordinator,
        name="Ellen",
        project=project,
        text="ZorgStart opende voor mij deuren.",
        consent_given=True,
    )
    edition_publish(edition=edition, user=coordinator)

    text = visible_text(client_for(board_member).get("/monitor/2025-H1/").content.decode())

    zorg_at, begeleiding_at = text.index("Scholingsprojecten"), text.index("Begeleiding")
    section = text[zorg_at:begeleiding_at]
    assert "Twee projecten voor de zorg." in section
    assert "Zorgstart" in section and "ZorgStart opende voor mij deuren." in section
    assert "Ellen, Zorgstart" in section


def test_new_and_ended_projects_follow_the_project_dates(client_for, coordinator, board_member):
    ProjectFactory(name="Bouw en Techniek Start", start_date=dt.date(2025, 3, 1))
    ProjectFactory(
        name="Young Digitals", start_date=dt.date(2022, 4, 1), end_date=dt.date(2025, 6, 30)
    )
    ProjectFactory(name="Ouder project", start_date=dt.date(2021, 1, 1))
    edition = edition_create(period_text="2025-H1")
    edition_publish(edition=edition, user=coordinator)

    edition.refresh_from_db()
    assert [p["project"] for p in edition.snapshot["new_projects"]] == ["Bouw en Techniek Start"]
    assert [p["project"] for p in edition.snapshot["ended_projects"]] == ["Young Digitals"]
    text = visible_text(client_for(board_member).get("/monitor/2025-H1/").content.decode())
    assert "Nieuwe projecten Bouw en Techniek Start gestart op 1 maart 2025" in text
    assert "Afgeronde projecten Young Digitals afgerond op 30 juni 2025" in text


@override_settings(MONITOR_CONTACT_EMAIL="monitor@regio.example")
def test_colophon_has_the_publication_date_contact_and_frequency(
    client_for, coordinator, board_member
):
    edition = edition_create(period_text="2025-H1")
    edition_publish(edition=edition, user=coordinator)
    edition.refresh_from_db()

    text = visible_text(client_for(board_member).get("/monitor/2025-H1/").content.decode())

    day = edition.published_at.date()
    assert edition.snapshot["colophon"]["contact"] == "monitor@regio.example"
    assert f"Publicatiedatum: {day.day} " in text
    assert "contact op via monitor@regio.example" in text
    assert "De monitor verschijnt twee keer per jaar." in text


# --- period names in words ------------------------------------------------------------------


def test_period_in_words_names_half_years_and_leaves_other_text_alone():
    assert period_in_words("2025-H2") == "tweede halfjaar 2025"
    assert period_in_words("2025-H1") == "eerste halfjaar 2025"
    assert period_in_words("geen periode") == "geen periode"


def test_pages_name_the_half_year_in_words(client_for, coordinator, huizen):
    start(ProjectFactory(), huizen)
    edition_create(period_text="2025-H1")
    client = client_for(coordinator)

    pages = {
        url: visible_text(client.get(url).content.decode())
        for url in (
            "/monitor/",
            "/monitor/2025-H1/",
            "/monitor/2025-H1/bewerken/",
            "/monitor/actueel/?periode=2025-H1",
        )
    }

    for url, text in pages.items():
        assert "eerste halfjaar 2025" in text, url
        assert "2025-H1" not in text, url


def test_creating_an_edition_says_its_half_year_in_words(client_for, coordinator):
    response = client_for(coordinator).post("/monitor/", {"period": "2025-H2"}, follow=True)

    assert "Monitor tweede halfjaar 2025 is aangemaakt." in response.content.decode()


def test_pdf_names_the_half_year_in_words(client_for, coordinator, huizen):
    start(ProjectFactory(), huizen)
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    text = " ".join(pdf_pages(client_for(coordinator).get("/monitor/2025-H1/pdf/")))

    assert "Monitor eerste halfjaar 2025" in text
    assert "2025-H1" not in text and "H1" not in text


# --- the PDF as a publication ---------------------------------------------------------------


def test_first_and_last_page_of_the_pdf_are_not_near_empty(client_for, coordinator, huizen):
    start(ProjectFactory(), huizen)
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    pages = pdf_pages(client_for(coordinator).get("/monitor/2025-H1/pdf/"))

    assert len(pages[0]) > 600  # masthead, headline, progress and key figures
    assert len(pages[-1]) > 300
    assert "Colofon" in pages[-1]


def test_figures_annex_is_printed_on_landscape_pages(client_for, coordinator, huizen):
    start(ProjectFactory(), huizen)
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    response = client_for(coordinator).get("/monitor/2025-H1/pdf/")
    reader = PdfReader(io.BytesIO(response.content))

    for page in reader.pages:
        wide = page.mediabox.width > page.mediabox.height
        assert wide == ("Bijlage: de cijfers" in page.extract_text() or wide), page
    annex = next(p for p in reader.pages if "Bijlage: de cijfers" in p.extract_text())
    assert annex.mediabox.width > annex.mediabox.height
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height


def test_short_pdf_has_no_table_of_contents(client_for, coordinator):
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    pages = pdf_pages(client_for(coordinator).get("/monitor/2025-H1/pdf/"))

    assert len(pages) <= 4
    assert "Inhoud" not in pages[0]


def test_pdf_longer_than_four_pages_has_a_table_of_contents_with_page_numbers(
    client_for, coordinator, huizen
):
    edition = edition_create(period_text="2025-H1")
    for number in range(12):
        category = CategoryFactory(name=f"Categorie {number:02d}", order=number)
        project = ProjectFactory(name=f"Project {number:02d}", category=category)
        start(project, huizen)
        edition_text_set(edition=edition, category=category, text="Uitleg bij de categorie. " * 30)
        edition_text_set(edition=edition, project=project, text="Stand van zaken. " * 40)
    edition_publish(edition=edition, user=coordinator)

    pages = pdf_pages(client_for(coordinator).get("/monitor/2025-H1/pdf/"))

    assert len(pages) > 4
    assert "Inhoud" in pages[0]
    category_page = next(i for i, p in enumerate(pages) if "Categorie 07 Uitleg" in p) + 1
    # The contents' page numbers (target-counter) come first in the page's text, in the order
    # of the entries: progress, the twelve categories, the annex, the colophon.
    numbers = [int(n) for n in re.match(r"^((?:\d+ )+)", pages[0]).group(1).split()]
    category_page = next(i for i, p in enumerate(pages) if "Categorie 07 Uitleg" in p) + 1
    assert len(numbers) == 15
    assert numbers[1 + 7] == category_page
    assert numbers[-1] == len(pages)  # the colophon closes the last page
    assert "Categorie 07" in pages[0] and "Colofon" in pages[0]


def test_chart_labels_print_at_eight_points_or_more():
    assert charts.printed_points(charts.FONT_SIZE) >= charts.MIN_PRINT_PT


def test_pdf_text_is_at_least_eight_points(client_for, coordinator, huizen):
    start(ProjectFactory(), huizen)
    ProgrammeFactory(target_trajectories=1200, target_to_work=500, end_date=dt.date(2026, 12, 31))
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)
    response = client_for(coordinator).get("/monitor/2025-H1/pdf/")
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (abs(tm[0] * cm[0]) + abs(tm[3] * cm[3])) / 2  # text matrix in page space
            sizes.append((round(size * scale, 1), text.strip()))

    for page in PdfReader(io.BytesIO(response.content)).pages:
        page.extract_text(visitor_text=visit)

    progress = [s for s, text in sizes if "van 1.200" in text]
    assert progress, "the progress bar says the absolute numbers"
    assert min(s for s, _text in sizes) >= 7.9, sorted(sizes)[:5]


def test_table_rows_are_never_split_across_pages():
    from django.template.loader import get_template

    source = get_template("monitor/edition_pdf.html").template.source

    assert "tr { break-inside: avoid; }" in source
    assert "size: A4" in source


# --- preview --------------------------------------------------------------------------------


def test_a_drafts_pdf_is_a_preview_marked_as_concept_on_every_page(client_for, coordinator):
    edition_create(period_text="2025-H1")

    response = client_for(coordinator).get("/monitor/2025-H1/pdf/")

    pages = pdf_pages(response)
    assert all("CONCEPT" in page for page in pages)
    assert "concept" in response["Content-Disposition"]


def test_a_published_pdf_carries_no_concept_mark(client_for, coordinator):
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    pages = pdf_pages(client_for(coordinator).get("/monitor/2025-H1/pdf/"))

    assert not any("CONCEPT" in page for page in pages)


def test_the_edit_page_links_to_the_pdf_preview(client_for, coordinator):
    edition_create(period_text="2025-H1")

    content = client_for(coordinator).get("/monitor/2025-H1/bewerken/").content.decode()

    assert 'href="/monitor/2025-H1/pdf/"' in content


# --- final monitor --------------------------------------------------------------------------


@pytest.fixture
def waw():
    return ProgrammeFactory(
        name="Werken aan Werk",
        slug="werken-aan-werk",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2024, 12, 31),
        target_trajectories=1200,
        target_to_work=500,
    )


def test_final_monitor_counts_the_whole_term(client_for, coordinator, board_member, waw, huizen):
    project = ProjectFactory(programme=waw)
    start(project, huizen, day=dt.date(2021, 3, 1), end=dt.date(2021, 9, 1), outcome="werk")
    start(project, huizen, day=dt.date(2023, 5, 1))
    start(project, huizen, day=dt.date(2024, 10, 1))
    start(project, huizen, day=dt.date(2025, 2, 1))  # after the term
    edition = final_edition_create(programme=waw)
    edition_publish(edition=edition, user=coordinator)

    edition.refresh_from_db()
    assert edition.period == "2024-H2"
    assert edition.snapshot["totals"]["started"] == 3
    assert edition.snapshot["totals"]["to_work"] == 1
    response = client_for(board_member).get("/monitor/eind-werken-aan-werk/")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "Eindmonitor Werken aan Werk" in text
    assert "1 januari 2020 – 31 december 2024" in text


def test_final_monitor_and_half_year_edition_of_the_same_half_year_coexist(coordinator, waw):
    edition_create(period_text="2024-H2")

    final_edition_create(programme=waw)

    assert Edition.objects.count() == 2


def test_a_programme_has_one_final_monitor(waw):
    final_edition_create(programme=waw)

    with pytest.raises(ValidationError):
        final_edition_create(programme=waw)


def test_a_programme_without_an_end_date_has_no_final_monitor():
    with pytest.raises(ValidationError) as error:
        final_edition_create(programme=ProgrammeFactory(end_date=None))

    assert "einddatum" in " ".join(error.value.messages)


def test_final_monitor_shows_only_a_coordinators_colour(coordinator, waw, huizen):
    from monitor.services import traffic_light_override_set

    shown, plain = ProjectFactory(programme=waw), ProjectFactory(programme=waw)
    start(shown, huizen, day=dt.date(2023, 5, 1))
    start(plain, huizen, day=dt.date(2023, 5, 1))
    edition = final_edition_create(programme=waw)
    traffic_light_override_set(edition=edition, project=shown, colour="groen", reason="Gehaald.")

    rows = {r["project_id"]: r for r in edition_document(edition=edition)["projects"]}

    assert rows[shown.pk]["traffic_light"] == "groen"
    assert rows[plain.pk]["traffic_light"] is None


def test_coordinator_creates_a_final_monitor_on_the_page(client_for, coordinator, waw):
    response = client_for(coordinator).post(
        "/monitor/", {"action": "final", "programme": waw.pk}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/monitor/eind-werken-aan-werk/bewerken/"
    assert Edition.objects.get().is_final


def test_final_monitor_pdf_says_so_in_its_colophon(client_for, coordinator, waw):
    edition_publish(edition=final_edition_create(programme=waw), user=coordinator)

    text = " ".join(pdf_pages(client_for(coordinator).get("/monitor/eind-werken-aan-werk/pdf/")))

    assert "Eindmonitor Werken aan Werk" in text
    assert "verschijnt eenmalig" in text


# --- demo -----------------------------------------------------------------------------------


@override_settings(DEBUG=True)
def test_make_run_publishes_one_demo_edition_and_a_second_run_adds_nothing(
    client_for, board_member
):
    call_command("load_reference_data", verbosity=0)
    call_command("create_demo_accounts", verbosity=0)
    call_command("load_demo_data", verbosity=0)

    first = load_demo_edition()
    second = load_demo_edition()

    assert first is not None and first.is_published and second is None
    assert Edition.objects.count() == 1
    listing = client_for(board_member).get("/monitor/").content.decode()
    assert first.title in listing


def test_an_edition_frozen_before_sections_still_shows_its_project_texts(
    client_for, coordinator, board_member
):
    project = ProjectFactory(name="Schoonthuis")
    edition = edition_create(period_text="2025-H1")
    edition_text_set(edition=edition, project=project, text="Dit project is afgerond.")
    edition = edition_publish(edition=edition, user=coordinator)
    snapshot = dict(edition.snapshot)
    del snapshot["sections"]  # the snapshot's shape before sections were kept
    Edition.objects.filter(pk=edition.pk).update(snapshot=snapshot)

    text = visible_text(client_for(board_member).get("/monitor/2025-H1/").content.decode())

    assert "Schoonthuis" in text and "Dit project is afgerond." in text


def test_no_headline_is_generated_before_anyone_started():
    edition = edition_create(period_text="2025-H1")

    assert edition_document(edition=edition)["headline"] == ""


def test_entered_indicator_values_are_listed_by_half_year_in_words(client_for, coordinator):
    from tests.factories import IndicatorFactory, IndicatorValueFactory

    indicator = IndicatorFactory()
    IndicatorValueFactory(indicator=indicator, period="2024-H1")
    project = indicator.project

    response = client_for(coordinator).get(f"/projecten/{project.slug}/teller/{indicator.pk}/")

    assert "eerste halfjaar 2024" in visible_text(response.content.decode())


def test_headline_counts_the_programmes_earlier_result_as_its_progress_does(huizen):
    from projects.models import ProgrammeBaseline

    programme = ProgrammeFactory(
        start_date=dt.date(2020, 1, 1), end_date=dt.date(2026, 12, 31), target_trajectories=1200
    )
    ProgrammeBaseline.objects.create(
        programme=programme, until="2022-Q1", trajectories=600, to_work=225, source="seed 004"
    )
    start(ProjectFactory(programme=programme), huizen)

    document = edition_document(edition=edition_create(period_text="2025-H1"))

    assert document["headline"].startswith("Van de ruim 600 inwoners")
    assert "hebben 225 inmiddels een betaalde baan" in document["headline"]
