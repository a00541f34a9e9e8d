"""Lists of very large tables show an estimated total; everything else is counted exactly."""

import pytest
from django.db import connection

from participants.models import Participant
from tests.factories import ParticipantFactory
from waw import pagination

pytestmark = pytest.mark.django_db


def test_a_filtered_list_is_never_estimated():
    assert pagination.planner_estimate(Participant.objects.filter(last_name="Visser")) is None


def test_a_small_list_shows_its_exact_total(client_for, coordinator, huizen):
    ParticipantFactory.create_batch(30, municipality=huizen)

    content = client_for(coordinator).get("/deelnemers/?page=2").content.decode()

    assert "26–30 van 30" in content
    assert "ongeveer" not in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_an_unfiltered_list_of_a_huge_table_shows_an_estimate(
    client_for, coordinator, huizen, monkeypatch
):
    ParticipantFactory.create_batch(30, municipality=huizen)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_participant")
    monkeypatch.setattr(pagination, "ESTIMATE_FROM_ROWS", 10)

    content = client_for(coordinator).get("/deelnemers/?page=2").content.decode()

    assert "26–30 van ongeveer 30" in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_klantmanager_always_gets_an_exact_total(
    client_for, huizen_case_manager, huizen, monkeypatch
):
    ParticipantFactory.create_batch(30, municipality=huizen)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE participants_participant")
    monkeypatch.setattr(pagination, "ESTIMATE_FROM_ROWS", 10)

    content = client_for(huizen_case_manager).get("/deelnemers/?page=2").content.decode()

    assert "26–30 van 30" in content
