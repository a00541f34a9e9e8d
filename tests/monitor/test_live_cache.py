"""The live figures are cached, and any change to what they are computed from is seen."""

import datetime as dt
from unittest import mock

import pytest

from monitor import selectors
from participants.services import trajectory_end, trajectory_withdraw
from tests.factories import AgreementFactory, ParticipantFactory, ProjectFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

H1 = Period.parse("2025-H1")


@pytest.fixture
def project(db):
    return ProjectFactory(name="Zorgstart", success_criterion="completed")


def started(project, municipality, day=dt.date(2025, 2, 3)):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality),
        project=project,
        enrolment_date=day - dt.timedelta(days=5),
        start_date=day,
    )


def totals():
    return selectors.live_content(period=H1)["totals"]


def test_unchanged_data_is_read_from_the_cache(project, huizen):
    started(project, huizen)
    totals()

    with mock.patch.object(selectors, "period_figures", wraps=selectors.period_figures) as spy:
        totals()

    spy.assert_not_called()


def test_a_new_trajectory_is_counted_at_once(project, huizen):
    started(project, huizen)
    assert totals()["started"] == 1

    started(project, huizen)

    assert totals()["started"] == 2


def test_an_ended_trajectory_is_counted_at_once(project, huizen, coordinator):
    trajectory = started(project, huizen)
    assert totals()["ended"] == 0

    trajectory_end(
        user=coordinator, trajectory=trajectory, end_date=dt.date(2025, 5, 1), outcome="gestopt"
    )

    assert totals()["dropped_out"] == 1


def test_a_withdrawn_trajectory_stops_counting_at_once(project, huizen, coordinator):
    trajectory = started(project, huizen)
    assert totals()["started"] == 1

    trajectory_withdraw(user=coordinator, trajectory=trajectory, reason="Dubbel")

    assert totals()["started"] == 0


def test_a_changed_success_criterion_is_applied_at_once(project, huizen, coordinator):
    trajectory = started(project, huizen)
    trajectory_end(
        user=coordinator, trajectory=trajectory, end_date=dt.date(2025, 5, 1), outcome="afgerond"
    )
    assert totals()["successful"] == 1

    project.success_criterion = "work"
    project.save()

    assert totals()["successful"] == 0


def test_a_new_target_changes_the_traffic_light_at_once(project, huizen):
    started(project, huizen)
    assert selectors.live_content(period=H1)["projects"][0]["traffic_light"] is None

    AgreementFactory(project=project, year=2025, target_trajectories=100)

    assert selectors.live_content(period=H1)["projects"][0]["traffic_light"] == "rood"


def test_publishing_computes_afresh(project, huizen, coordinator):
    from monitor.services import edition_create, edition_publish

    started(project, huizen)
    selectors.live_content(period=H1)

    with mock.patch.object(selectors, "period_figures", wraps=selectors.period_figures) as spy:
        edition_publish(edition=edition_create(period_text="2025-H1"), user=coordinator)

    spy.assert_called_once()


def test_an_entered_indicator_value_is_shown_at_once(project, coordinator):
    from projects.services import indicator_value_set
    from tests.factories import IndicatorFactory

    indicator = IndicatorFactory(project=project, name="Events")
    AgreementFactory(project=project, year=2025)  # the project runs in 2025
    selectors.live_content(period=H1)

    indicator_value_set(indicator=indicator, period_text="2025-H1", value="4", user=coordinator)

    row = next(
        r for r in selectors.live_content(period=H1)["projects"] if r["project_id"] == project.pk
    )
    assert row["indicators"][0]["value"] == 4


def test_a_new_earlier_result_is_added_at_once(project):
    from projects.models import ProgrammeBaseline

    project.programme.target_trajectories = 1200
    project.programme.save()
    before = selectors.live_content(period=H1)["programmes"][0]["started"]

    ProgrammeBaseline.objects.create(
        programme=project.programme, until="2022-Q1", trajectories=600, source="seed 004"
    )

    assert (before, selectors.live_content(period=H1)["programmes"][0]["started"]) == (0, 600)
