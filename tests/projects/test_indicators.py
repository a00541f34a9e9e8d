"""Indicators of a project: counted results beside the trajectories, a target per year and a
value per half-year entered by a coordinator (who and when), managed on coordinator pages."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from projects.models import Indicator, IndicatorValue
from projects.services import indicator_target_set, indicator_value_set
from tests.factories import (
    AgreementFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    ProgrammeFactory,
    ProjectFactory,
)
from waw.text import actor_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(db):
    programme = ProgrammeFactory(
        name="Werken aan Werk", start_date=dt.date(2020, 1, 1), end_date=dt.date(2024, 12, 31)
    )
    project = ProjectFactory(name="Baan.Talent Events", slug="baan-talent", programme=programme)
    return IndicatorFactory(project=project, name="Events", unit="events")


def test_a_value_is_recorded_with_who_and_when(indicator, coordinator):
    value = indicator_value_set(
        indicator=indicator, period_text="2024-H1", value="4", user=coordinator
    )

    assert (value.period, value.value, value.recorded_by) == ("2024-H1", 4, coordinator)
    assert value.recorded_at is not None


def test_a_second_value_for_the_same_half_year_replaces_the_first(indicator, coordinator):
    indicator_value_set(indicator=indicator, period_text="2024-H1", value="4", user=coordinator)
    indicator_value_set(indicator=indicator, period_text="2024-h1", value="6", user=coordinator)

    assert list(IndicatorValue.objects.values_list("period", "value")) == [("2024-H1", 6)]


@pytest.mark.parametrize("typed", ["-1", "1,5", "2.0", "veel", ""])
def test_a_value_must_be_a_whole_number_of_zero_or_more(indicator, coordinator, typed):
    with pytest.raises(ValidationError) as error:
        indicator_value_set(
            indicator=indicator, period_text="2024-H1", value=typed, user=coordinator
        )

    assert "heel getal" in str(error.value)
    assert not IndicatorValue.objects.exists()


def test_a_half_year_outside_the_programmes_term_is_refused_in_dutch(indicator, coordinator):
    with pytest.raises(ValidationError) as error:
        indicator_value_set(indicator=indicator, period_text="2025-H1", value="3", user=coordinator)

    assert error.value.message_dict["period"] == [
        "eerste halfjaar 2025 valt buiten de looptijd van Werken aan Werk (1 januari 2020 – 31 "
        "december 2024), het programma van Baan.Talent Events in 2025; voer alleen aantallen in "
        "voor halfjaren binnen die looptijd."
    ]


def test_the_programme_of_the_agreement_of_the_year_decides(indicator, coordinator):
    transition = ProgrammeFactory(start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31))
    AgreementFactory(project=indicator.project, year=2025, programme=transition)

    value = indicator_value_set(
        indicator=indicator, period_text="2025-H2", value="1", user=coordinator
    )

    assert value.period == "2025-H2"


def test_a_quarter_is_not_a_half_year(indicator, coordinator):
    with pytest.raises(ValidationError) as error:
        indicator_value_set(indicator=indicator, period_text="2024-Q1", value="3", user=coordinator)

    assert "halfjaar" in error.value.message_dict["period"][0]


def test_one_target_per_year(indicator):
    indicator_target_set(indicator=indicator, year=2024, target=7)
    indicator_target_set(indicator=indicator, year=2024, target=8, source="seed 001")

    assert list(indicator.targets.values_list("year", "target", "source")) == [
        (2024, 8, "seed 001")
    ]


def test_values_are_in_the_audit_trail(indicator, coordinator):
    value = indicator_value_set(
        indicator=indicator, period_text="2024-H1", value="4", user=coordinator
    )

    assert LogEntry.objects.get_for_object(value).count() == 1


def test_coordinator_adds_an_indicator_on_the_project(client_for, coordinator, indicator):
    response = client_for(coordinator).post(
        "/projecten/baan-talent/teller/nieuw/", {"name": "Bedrijven gesproken", "unit": "bedrijven"}
    )

    added = Indicator.objects.get(name="Bedrijven gesproken")
    assert response.status_code == 302
    assert response["Location"] == f"/projecten/baan-talent/teller/{added.pk}/"


def test_coordinator_enters_a_value_on_the_indicator_page(client_for, coordinator, indicator):
    response = client_for(coordinator).post(
        f"/projecten/baan-talent/teller/{indicator.pk}/",
        {"action": "value", "value-period": "2024-H2", "value-value": "5"},
    )

    assert response.status_code == 302
    assert indicator.values.get().value == 5
    page = client_for(coordinator).get(response["Location"]).content.decode()
    assert "tweede halfjaar 2024" in page and actor_label(coordinator) in page


def test_a_bad_value_on_the_page_is_a_dutch_form_error(client_for, coordinator, indicator):
    response = client_for(coordinator).post(
        f"/projecten/baan-talent/teller/{indicator.pk}/",
        {"action": "value", "value-period": "2030-H1", "value-value": "-3"},
    )

    assert response.status_code == 400
    assert "heel getal" in response.content.decode()
    assert not indicator.values.exists()


def test_removing_a_value_asks_for_confirmation_first(client_for, coordinator, indicator):
    value = IndicatorValueFactory(indicator=indicator, period="2024-H1")
    url = f"/projecten/baan-talent/teller/{indicator.pk}/aantal/{value.pk}/verwijderen/"
    client = client_for(coordinator)

    asked = client.get(url)
    unconfirmed = client.post(url)
    assert (asked.status_code, unconfirmed.status_code) == (200, 400)
    assert "Weet u zeker" in asked.content.decode()
    assert indicator.values.exists()

    assert client.post(url, {"confirm": "ja"}).status_code == 302
    assert not indicator.values.exists()


def test_removing_an_indicator_asks_for_confirmation_first(client_for, coordinator, indicator):
    IndicatorTargetFactory(indicator=indicator, year=2024)
    url = f"/projecten/baan-talent/teller/{indicator.pk}/verwijderen/"
    client = client_for(coordinator)

    assert client.post(url).status_code == 400
    assert Indicator.objects.exists()
    assert client.post(url, {"confirm": "ja"}).status_code == 302
    assert not Indicator.objects.exists()


def test_only_coordinators_manage_indicators(client_for, board_member, indicator):
    response = client_for(board_member).get(f"/projecten/baan-talent/teller/{indicator.pk}/")

    assert response.status_code == 403
