"""Editing a draft edition: a story can be edited and its consent recorded afterwards (who,
when); nothing is removed without a confirmation; publishing names every story without
consent."""

import pytest
from django.core.exceptions import ValidationError

from monitor.models import EditionText, Story, TrafficLightOverride
from monitor.services import (
    edition_create,
    edition_publish,
    edition_text_set,
    story_add,
    story_consent_record,
    story_update,
    traffic_light_override_set,
)
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    return ProjectFactory(name="Zorgstart")


@pytest.fixture
def edition(db):
    return edition_create(period_text="2025-H1")


def _story(edition, coordinator, project, name="Omar", consent=False):
    return story_add(
        edition=edition,
        user=coordinator,
        name=name,
        project=project,
        text="Ik werk nu in de zorg.",
        consent_given=consent,
    )


def test_consent_is_recorded_after_the_story_was_added(edition, coordinator, project):
    story = _story(edition, coordinator, project)

    story_consent_record(story=story, user=coordinator)

    story.refresh_from_db()
    assert (story.consent_given, story.consent_recorded_by) == (True, coordinator)
    assert story.consent_recorded_at is not None


def test_recorded_consent_lets_the_edition_be_published(edition, coordinator, project):
    story_consent_record(story=_story(edition, coordinator, project), user=coordinator)

    published = edition_publish(edition=edition, user=coordinator)

    assert published.snapshot["stories"][0]["name"] == "Omar"


def test_publishing_names_every_story_without_consent(edition, coordinator, project):
    _story(edition, coordinator, project, name="Omar")
    _story(edition, coordinator, project, name="Fatima")
    _story(edition, coordinator, project, name="Kees", consent=True)

    with pytest.raises(ValidationError) as error:
        edition_publish(edition=edition, user=coordinator)

    message = error.value.messages[0]
    assert "Omar (Zorgstart), Fatima (Zorgstart)" in message
    assert "Kees" not in message
    edition.refresh_from_db()
    assert not edition.is_published


def test_editing_a_storys_text_asks_for_consent_again(edition, coordinator, project):
    story = _story(edition, coordinator, project, consent=True)

    story = story_update(story=story, name="Omar", project=project, text="Een nieuwe tekst.")

    assert (story.text, story.consent_given, story.consent_recorded_by) == (
        "Een nieuwe tekst.",
        False,
        None,
    )


def test_moving_a_story_to_another_project_keeps_its_consent(edition, coordinator, project):
    story = _story(edition, coordinator, project, consent=True)
    other = ProjectFactory(name="Wijkleerbedrijf")

    story = story_update(story=story, name="Omar", project=other, text=story.text)

    assert (story.project, story.consent_given) == (other, True)


def test_coordinator_edits_a_story_on_its_page(client_for, coordinator, edition, project):
    story = _story(edition, coordinator, project)
    client = client_for(coordinator)

    assert client.get(f"/monitor/2025-H1/verhaal/{story.pk}/").status_code == 200
    response = client.post(
        f"/monitor/2025-H1/verhaal/{story.pk}/",
        {"name": "Omar", "project": project.pk, "text": "Nu met een diploma."},
    )

    assert response.status_code == 302
    assert Story.objects.get().text == "Nu met een diploma."


def test_coordinator_records_consent_on_the_storys_page(client_for, coordinator, edition, project):
    story = _story(edition, coordinator, project)
    client = client_for(coordinator)

    unticked = client.post(f"/monitor/2025-H1/verhaal/{story.pk}/", {"action": "consent"})
    ticked = client.post(
        f"/monitor/2025-H1/verhaal/{story.pk}/", {"action": "consent", "consent-consent": "on"}
    )

    assert (unticked.status_code, ticked.status_code) == (400, 302)
    assert "Vink aan" in unticked.content.decode()
    story.refresh_from_db()
    assert (story.consent_given, story.consent_recorded_by) == (True, coordinator)


@pytest.mark.parametrize("kind", ["verhaal", "tekst", "stoplicht"])
def test_nothing_is_removed_by_a_get_or_an_unconfirmed_post(
    client_for, coordinator, edition, project, kind
):
    story = _story(edition, coordinator, project)
    edition_text_set(edition=edition, project=project, text="Loopt goed.")
    traffic_light_override_set(edition=edition, project=project, colour="rood", reason="Te laag.")
    item = {
        "verhaal": story,
        "tekst": EditionText.objects.get(),
        "stoplicht": TrafficLightOverride.objects.get(),
    }[kind]
    url = f"/monitor/2025-H1/verwijderen/{kind}/{item.pk}/"
    client = client_for(coordinator)

    asked = client.get(url)
    unconfirmed = client.post(url)

    assert (asked.status_code, unconfirmed.status_code) == (200, 400)
    assert "Weet u zeker" in asked.content.decode()
    assert type(item).objects.filter(pk=item.pk).exists()
    assert client.post(url, {"confirm": "ja"}).status_code == 302
    assert not type(item).objects.filter(pk=item.pk).exists()


def test_the_old_remove_button_only_leads_to_the_confirmation(
    client_for, coordinator, edition, project
):
    story = _story(edition, coordinator, project)

    response = client_for(coordinator).post(
        "/monitor/2025-H1/bewerken/", {"action": "remove_story", "story": story.pk}
    )

    assert response["Location"] == f"/monitor/2025-H1/verwijderen/verhaal/{story.pk}/"
    assert Story.objects.filter(pk=story.pk).exists()


def test_an_empty_text_removes_nothing(edition, project):
    edition_text_set(edition=edition, project=project, text="Loopt goed.")

    with pytest.raises(ValidationError):
        edition_text_set(edition=edition, project=project, text="  ")

    assert EditionText.objects.get().text == "Loopt goed."


def test_an_empty_colour_removes_no_override(edition, project):
    traffic_light_override_set(edition=edition, project=project, colour="rood", reason="Te laag.")

    with pytest.raises(ValidationError):
        traffic_light_override_set(edition=edition, project=project, colour="", reason="")

    assert TrafficLightOverride.objects.get().colour == "rood"


def test_a_published_editions_story_cannot_be_removed(client_for, coordinator, edition, project):
    story = _story(edition, coordinator, project, consent=True)
    edition_publish(edition=edition, user=coordinator)

    response = client_for(coordinator).post(
        f"/monitor/2025-H1/verwijderen/verhaal/{story.pk}/", {"confirm": "ja"}
    )

    assert response.status_code == 302
    assert Story.objects.filter(pk=story.pk).exists()


def test_only_coordinators_remove(client_for, board_member, coordinator, edition, project):
    story = _story(edition, coordinator, project)

    response = client_for(board_member).post(
        f"/monitor/2025-H1/verwijderen/verhaal/{story.pk}/", {"confirm": "ja"}
    )

    assert response.status_code == 403
    assert Story.objects.filter(pk=story.pk).exists()
