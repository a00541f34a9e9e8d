"""What coordinators and board members read in the monitor."""

import datetime as dt

import pytest

from monitor.services import OVERRIDE_REASON_REQUIRED, edition_create
from tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    ParticipantFactory,
    ProgrammeFactory,
    ProjectFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    programme = ProgrammeFactory(start_date=dt.date(2025, 1, 1))
    return ProjectFactory(name="Baan.Talent Events", programme=programme)


def test_indicator_without_a_count_in_the_half_year_says_so_in_words(
    client_for, coordinator, project
):
    events = IndicatorFactory(project=project, name="Events", unit="events")
    IndicatorTargetFactory(indicator=events, year=2025, target=8)
    edition_create(period_text="2025-H1")

    content = client_for(coordinator).get("/monitor/2025-H1/").content.decode()

    assert "Events: voor dit halfjaar is nog geen aantal ingevoerd" in content
    assert "— events in dit halfjaar" not in content


def test_annex_calls_a_missing_traffic_light_geen_kleur(client_for, coordinator, huizen):
    TrajectoryFactory(
        participant=ParticipantFactory(municipality=huizen),
        project=ProjectFactory(name="Wijkleerbedrijf"),
        municipality_at_start=huizen,
        enrolment_date=dt.date(2025, 1, 6),
        start_date=dt.date(2025, 2, 3),
    )

    content = client_for(coordinator).get("/monitor/actueel/?periode=2025-H1").content.decode()

    assert "geen doel" not in content
    assert "geen kleur" in content


def test_override_without_a_reason_asks_for_one_on_the_page(client_for, coordinator, project):
    edition_create(period_text="2025-H1")

    response = client_for(coordinator).post(
        "/monitor/2025-H1/bewerken/",
        {"action": "override", "project": project.pk, "colour": "rood", "reason": ""},
    )

    assert response.status_code == 400
    assert str(OVERRIDE_REASON_REQUIRED) in response.content.decode()


def test_headline_figures_name_the_last_day_of_the_half_year(client_for, coordinator):
    content = client_for(coordinator).get("/monitor/actueel/?periode=2025-H1").content.decode()

    assert "in traject op 30 juni 2025" in content
