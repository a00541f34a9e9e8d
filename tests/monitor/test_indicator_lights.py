"""The traffic light of an indicator follows the rule for a number of trajectories: pro rata of
the year (one function for both); a project without a trajectory target takes the lowest
colour of its indicators."""

import datetime as dt

import pytest

from monitor.selectors import TRAFFIC_LIGHT_RULE, live_content, parse_half_year, pro_rata_light
from tests.factories import (
    AgreementFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    ProgrammeFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    programme = ProgrammeFactory(start_date=dt.date(2025, 1, 1))
    return ProjectFactory(name="Baan.Talent Events", programme=programme)


def _row(period="2025-H1"):
    content = live_content(period=parse_half_year(period), cached=False)
    return next(r for r in content["projects"] if r["project"] == "Baan.Talent Events")


@pytest.mark.parametrize(("achieved", "light"), [(4, "groen"), (3, "oranje"), (2, "rood")])
def test_pro_rata_rule_at_the_half_year(achieved, light):
    # Target 8 a year: 4 expected by 30 June; orange from 75% of that (3).
    assert (
        pro_rata_light(achieved=achieved, yearly_target=8, period=parse_half_year("2025-H1"))
        == light
    )


def test_indicator_light_is_pro_rata_of_its_yearly_target(project):
    events = IndicatorFactory(project=project, name="Events")
    IndicatorTargetFactory(indicator=events, year=2025, target=8)
    IndicatorValueFactory(indicator=events, period="2025-H1", value=3)

    indicator = _row()["indicators"][0]

    assert (indicator["value"], indicator["target"], indicator["traffic_light"]) == (3, 8, "oranje")


def test_second_half_year_counts_both_half_years_against_the_full_target(project):
    events = IndicatorFactory(project=project, name="Events")
    IndicatorTargetFactory(indicator=events, year=2025, target=8)
    IndicatorValueFactory(indicator=events, period="2025-H1", value=3)
    IndicatorValueFactory(indicator=events, period="2025-H2", value=5)

    indicator = _row("2025-H2")["indicators"][0]

    assert (indicator["value"], indicator["value_in_year"], indicator["traffic_light"]) == (
        5,
        8,
        "groen",
    )


def test_project_without_trajectory_target_takes_its_lowest_indicator_colour(project):
    for name, value in (("Events", 4), ("Werkplekken", 1)):
        indicator = IndicatorFactory(project=project, name=name)
        IndicatorTargetFactory(indicator=indicator, year=2025, target=8)
        IndicatorValueFactory(indicator=indicator, period="2025-H1", value=value)

    assert _row()["traffic_light"] == "rood"


def test_a_trajectory_target_decides_the_projects_colour(project):
    AgreementFactory(project=project, year=2025, target_trajectories=12)  # none started: rood
    indicator = IndicatorFactory(project=project, name="Events")
    IndicatorTargetFactory(indicator=indicator, year=2025, target=2)
    IndicatorValueFactory(indicator=indicator, period="2025-H1", value=2)

    row = _row()

    assert (row["traffic_light"], row["indicators"][0]["traffic_light"]) == ("rood", "groen")


def test_an_indicator_without_target_has_no_colour(project):
    IndicatorValueFactory(indicator=IndicatorFactory(project=project), period="2025-H1", value=9)

    assert (_row()["traffic_light"], _row()["indicators"][0]["traffic_light"]) == (None, None)


def test_the_rule_on_the_page_covers_indicators():
    assert "teller" in str(TRAFFIC_LIGHT_RULE)


def test_an_indicator_with_nothing_entered_in_the_year_has_no_colour_yet(project):
    indicator = IndicatorFactory(project=project, name="Sessies")
    IndicatorTargetFactory(indicator=indicator, year=2025, target=1)
    IndicatorValueFactory(indicator=indicator, period="2024-H2", value=1)  # another year

    assert (_row()["traffic_light"], _row()["indicators"][0]["traffic_light"]) == (None, None)


def test_zero_entered_is_counted_as_zero(project):
    indicator = IndicatorFactory(project=project, name="Sessies")
    IndicatorTargetFactory(indicator=indicator, year=2025, target=1)
    IndicatorValueFactory(indicator=indicator, period="2025-H1", value=0)

    assert _row()["indicators"][0]["traffic_light"] == "rood"
