"""Editions: drafts show live figures, publishing freezes them; consent; overrides; exports."""

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from monitor.models import Edition
from monitor.services import (
    edition_create,
    edition_publish,
    edition_update,
    story_add,
    traffic_light_override_set,
)
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    return ProjectFactory(name="Wijkleerbedrijf", success_criterion="qualification")


def start(project, municipality, day=dt.date(2025, 2, 3), last_name="Geheim"):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality, last_name=last_name),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=day - dt.timedelta(days=5),
        start_date=day,
    )


def test_publishing_freezes_the_figures(client_for, coordinator, board_member, project, huizen):
    for _ in range(6):
        start(project, huizen)
    edition = edition_create(period_text="2025-H1")
    edition_publish(edition=edition, user=coordinator)
    for _ in range(4):
        start(project, huizen, day=dt.date(2025, 3, 3))  # registered after publication

    content = client_for(board_member).get("/monitor/2025-H1/").content.decode()

    edition.refresh_from_db()
    assert edition.snapshot["totals"]["started"] == 6
    assert "<dd>6</dd>" in content


def test_a_draft_shows_the_current_figures(client_for, coordinator, project, huizen):
    edition_create(period_text="2025-H1")
    for _ in range(7):
        start(project, huizen)

    content = client_for(coordinator).get("/monitor/2025-H1/").content.decode()

    assert "<dd>7</dd>" in content


def test_a_published_edition_cannot_be_changed(coordinator):
    edition = edition_create(period_text="2025-H1")
    edition_publish(edition=edition, user=coordinator)

    with pytest.raises(ValidationError):
        edition_update(edition=edition, introduction="Later toegevoegd")


def test_a_story_without_consent_blocks_publication(coordinator, project):
    edition = edition_create(period_text="2025-H1")
    story_add(
        edition=edition,
        user=coordinator,
        name="Fatima",
        project=project,
        text="…",
        consent_given=False,
    )

    with pytest.raises(ValidationError) as error:
        edition_publish(edition=edition, user=coordinator)

    assert "toestemming" in " ".join(error.value.messages)
    assert not Edition.objects.get().is_published


def test_consented_story_is_shown_with_first_name_only(
    client_for, coordinator, board_member, project
):
    edition = edition_create(period_text="2025-H1")
    story_add(
        edition=edition,
        user=coordinator,
        name="Fatima",
        project=project,
        text="Na het Wijkleerbedrijf werk ik in de zorg.",
        consent_given=True,
    )
    edition_publish(edition=edition, user=coordinator)

    content = client_for(board_member).get("/monitor/2025-H1/").content.decode()

    assert "Na het Wijkleerbedrijf werk ik in de zorg." in content
    assert "Fatima, Wijkleerbedrijf" in content


def test_override_replaces_the_colour_and_shows_the_reason(
    client_for, coordinator, board_member, project, huizen
):
    start(project, huizen)
    edition = edition_create(period_text="2025-H1")
    traffic_light_override_set(
        edition=edition, project=project, colour="oranje", reason="Klas start pas in augustus."
    )
    edition_publish(edition=edition, user=coordinator)

    content = client_for(board_member).get("/monitor/2025-H1/").content.decode()

    assert "Klas start pas in augustus." in content
    assert "light--oranje" in content


def test_override_without_reason_is_refused(project):
    edition = edition_create(period_text="2025-H1")

    with pytest.raises(ValidationError):
        traffic_light_override_set(edition=edition, project=project, colour="rood", reason=" ")


def test_board_member_sees_only_published_editions(client_for, board_member):
    edition_create(period_text="2025-H1")

    client = client_for(board_member)

    assert client.get("/monitor/2025-H1/").status_code == 404
    assert "Er is nog geen editie gepubliceerd." in client.get("/monitor/").content.decode()


def test_board_member_cannot_edit_or_create(client_for, board_member, coordinator):
    edition_create(period_text="2025-H1")
    client = client_for(board_member)

    assert client.post("/monitor/", {"period": "2025-H2"}).status_code == 403
    assert client.get("/monitor/2025-H1/bewerken/").status_code in (403, 404)


def test_coordinator_publishes_through_the_page_with_confirmation(client_for, coordinator):
    client = client_for(coordinator)
    client.post("/monitor/", {"period": "2025-H1", "introduction": "Een goed halfjaar."})

    unconfirmed = client.post("/monitor/2025-H1/bewerken/", {"action": "publish"})
    confirmed = client.post("/monitor/2025-H1/bewerken/", {"action": "publish", "confirm": "on"})

    assert unconfirmed.status_code == 400
    assert confirmed.status_code == 302
    assert Edition.objects.get().is_published


def test_second_edition_for_a_period_is_refused(client_for, coordinator):
    client = client_for(coordinator)
    client.post("/monitor/", {"period": "2025-H1"})

    response = client.post("/monitor/", {"period": "2025-h1"})

    assert response.status_code == 400
    assert Edition.objects.count() == 1


def test_pdf_has_a_cover_charts_and_suppressed_small_cells(
    client_for, coordinator, project, huizen
):
    for _ in range(3):
        start(project, huizen)
    edition = edition_create(period_text="2025-H1")
    edition_publish(edition=edition, user=coordinator)

    response = client_for(coordinator).get("/monitor/2025-H1/pdf/")

    assert response.content[:4] == b"%PDF"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "Monitor eerste halfjaar 2025" in text and "Gepubliceerd op" in text
    assert "2025-H1" not in text  # people read the period in words
    assert "Gestart en naar werk per halfjaar" in text
    assert "<5" in text  # three Huizen trajectories: suppressed even for a coordinator
    assert "Geheim" not in text


def test_json_export_suppresses_small_cells_and_holds_no_names(
    client_for, coordinator, project, huizen
):
    for _ in range(3):
        start(project, huizen)
    edition = edition_create(period_text="2025-H1")
    edition_publish(edition=edition, user=coordinator)

    data = json.loads(client_for(coordinator).get("/monitor/2025-H1/json/").content)

    assert data["period"] == "2025-H1"
    assert data["municipalities"][0]["started"] == "<5"
    assert data["totals"]["started"] == 3
    assert "Geheim" not in json.dumps(data)


def test_edition_page_shows_the_charts(client_for, coordinator, project, huizen):
    start(project, huizen)
    edition_create(period_text="2025-H1")

    content = client_for(coordinator).get("/monitor/2025-H1/").content.decode()

    assert "<svg" in content
    assert "Gestart en naar werk per halfjaar" in content


def test_gemeente_user_sees_its_own_municipality_per_project(
    client_for, coordinator, huizen_user, project, huizen, laren
):
    start(project, huizen)
    start(project, laren)
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    content = client_for(huizen_user).get("/monitor/2025-H1/").content.decode()

    assert "Uw gemeente: Huizen, per project" in content


def test_board_member_gets_no_per_municipality_project_breakdown(
    client_for, coordinator, board_member, project, huizen
):
    start(project, huizen)
    edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    content = client_for(board_member).get("/monitor/2025-H1/").content.decode()

    assert "Uw gemeente" not in content


def test_programme_progress_counts_trajectories_within_the_programme_term(huizen):
    from monitor.selectors import programme_progress
    from tests.factories import ProgrammeFactory
    from waw.periods import Period

    waw = ProgrammeFactory(
        name="Werken aan Werk",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2024, 12, 31),
        target_trajectories=1200,
        target_to_work=500,
    )
    # Which projects are the programme's, year by year, is tests/projects/test_programme_years.
    project = ProjectFactory(programme=waw)
    start(project, huizen, day=dt.date(2024, 5, 6))
    start(project, huizen, day=dt.date(2025, 2, 3))  # after the programme ended

    [row] = programme_progress(period=Period.parse("2025-H1"))

    assert (row["started"], row["target_trajectories"]) == (1, 1200)


def test_category_text_appears_and_one_subject_is_required(
    client_for, coordinator, project, huizen
):
    from monitor.services import edition_text_set
    from tests.factories import CategoryFactory

    training = CategoryFactory(name="Scholingsprojecten")
    project.category = training
    project.save()
    start(project, huizen)
    edition = edition_create(period_text="2025-H1")
    edition_text_set(edition=edition, category=training, text="Scholing blijft de kern.")
    with pytest.raises(ValidationError):
        edition_text_set(edition=edition, project=project, category=training, text="x")
    edition_publish(edition=edition, user=coordinator)

    content = client_for(coordinator).get("/monitor/2025-H1/").content.decode()

    assert "Scholing blijft de kern." in content


def test_removing_a_story_with_a_bad_id_or_after_publication_is_no_error(
    client_for, coordinator, project
):
    edition = edition_create(period_text="2025-H1")
    story = story_add(
        edition=edition,
        user=coordinator,
        name="Omar",
        project=project,
        text="…",
        consent_given=True,
    )
    client = client_for(coordinator)

    bad = client.post("/monitor/2025-H1/bewerken/", {"action": "remove_story", "story": "abc"})
    edition_publish(edition=edition, user=coordinator)
    late = client.post("/monitor/2025-H1/bewerken/", {"action": "remove_story", "story": story.pk})

    assert (bad.status_code, late.status_code) == (302, 302)
    assert edition.stories.filter(pk=story.pk).exists()


def test_an_edition_of_an_early_year_can_be_viewed(client_for, coordinator):
    edition_create(period_text="2001-H1")

    assert client_for(coordinator).get("/monitor/2001-H1/").status_code == 200
