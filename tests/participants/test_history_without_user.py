"""A change or a view that no person made (demo data, an import without ``--user``, a job) is
shown as "systeem / import" on every page and file that names authors, never as a server error."""

import json
import re
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

from participants.services import trajectory_enrol
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory, UserFactory
from waw.text import actor_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled_by_nobody(huizen):
    participant = ParticipantFactory(municipality=huizen)
    return trajectory_enrol(
        user=None,
        trajectory=TrajectoryFactory.build(participant=participant, project=ProjectFactory()),
    )


def test_a_trajectory_enrolled_without_a_user_opens(client_for, coordinator, enrolled_by_nobody):
    response = client_for(coordinator).get(enrolled_by_nobody.get_absolute_url())

    assert response.status_code == 200
    assert "systeem / import" in response.content.decode()


def test_a_gemeente_user_opens_a_trajectory_enrolled_without_a_user(
    client_for, huizen_case_manager, enrolled_by_nobody
):
    response = client_for(huizen_case_manager).get(enrolled_by_nobody.get_absolute_url())

    assert response.status_code == 200


def test_the_participant_trail_names_the_system_for_entries_without_actor(
    client_for, coordinator, enrolled_by_nobody
):
    participant = enrolled_by_nobody.participant
    assert LogEntry.objects.get_for_object(participant).filter(actor__isnull=True).exists()

    response = client_for(coordinator).get(participant.get_absolute_url())

    assert response.status_code == 200
    assert "systeem / import" in response.content.decode()


def test_the_log_names_the_system_for_entries_without_actor(
    client_for, administrator, enrolled_by_nobody
):
    response = client_for(administrator).get("/logboek/")

    assert response.status_code == 200
    assert "systeem / import" in response.content.decode()


def test_the_right_of_access_file_names_the_system_for_entries_without_actor(
    client_for, coordinator, enrolled_by_nobody
):
    response = client_for(coordinator).get(
        f"/deelnemers/{enrolled_by_nobody.participant_id}/inzage.json"
    )

    authors = {row["by"] for row in json.loads(response.content)["audit_trail"]}
    assert "systeem / import" in authors


def test_an_actor_is_named_by_full_name_else_username():
    assert actor_label(UserFactory.build(username="jdv", first_name="Jan", last_name="Vos")) == (
        "Jan Vos"
    )
    assert actor_label(UserFactory.build(username="jdv")) == "jdv"
    assert actor_label(None) == "systeem / import"


def _optional_user_fields() -> set[str]:
    user_model = get_user_model()
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is user_model and field.null
    }


def test_no_template_reads_an_attribute_of_a_user_that_may_be_missing():
    """Every optional author (``changed_by``, ``actor``, ``published_by``, …, found from the
    models) goes through the ``actor`` filter; ``x.changed_by.username`` would be a 500 when
    there is none."""
    fields = _optional_user_fields()
    assert {"changed_by", "actor"} <= fields
    names = "|".join(sorted(fields))
    pattern = re.compile(rf"\.({names})\.\w")
    offending = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for match in pattern.finditer(path.read_text())
    ]
    assert offending == []
