"""The programme's progress: trajectories, of those in scholing projects, and to work, against
the programme's targets, with the earlier results ("stand tot en met …") added and labelled."""

import datetime as dt

import pytest

from monitor.charts import progress_bars
from monitor.selectors import parse_half_year, programme_progress
from projects.models import ProgrammeBaseline
from tests.factories import ParticipantFactory, ProgrammeFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(db):
    return ProgrammeFactory(
        name="Werken aan Werk",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2024, 12, 31),
        target_trajectories=1200,
        target_training_trajectories=800,
        target_to_work=500,
    )


def _trajectory(project, huizen, start, end=None, outcome=""):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=huizen),
        project=project,
        municipality_at_start=huizen,
        enrolment_date=start - dt.timedelta(days=3),
        start_date=start,
        end_date=end,
        outcome=outcome,
    )


def _progress(period="2024-H2"):
    return programme_progress(period=parse_half_year(period))[0]


def test_scholing_trajectories_count_only_projects_marked_as_scholing(programme, huizen):
    training = ProjectFactory(programme=programme, is_training=True)
    other = ProjectFactory(programme=programme)
    _trajectory(training, huizen, dt.date(2023, 3, 1))
    _trajectory(other, huizen, dt.date(2023, 3, 1))

    row = _progress()

    assert (row["started"], row["training"], row["target_training_trajectories"]) == (2, 1, 800)


def test_baseline_is_added_to_what_is_counted_after_it(programme, huizen):
    ProgrammeBaseline.objects.create(
        programme=programme, until="2022-Q1", trajectories=600, to_work=225, source="seed 004"
    )
    project = ProjectFactory(programme=programme)
    _trajectory(project, huizen, dt.date(2022, 2, 1))  # inside the baseline: not counted again
    _trajectory(project, huizen, dt.date(2023, 3, 1), dt.date(2023, 9, 1), "werk")

    row = _progress()

    assert (row["started"], row["started_counted"], row["to_work"]) == (601, 1, 226)
    assert row["started_baseline"]["label"] == "stand tot en met eerste kwartaal 2022"
    assert row["started_baseline"]["value"] == 600


def test_a_baseline_after_the_period_is_not_used(programme):
    ProgrammeBaseline.objects.create(
        programme=programme, until="2024-H2", to_work=500, source="seed 003"
    )

    assert (_progress("2023-H1")["to_work"], _progress("2023-H1")["to_work_baseline"]) == (0, None)
    assert _progress("2024-H2")["to_work"] == 500


def test_each_figure_takes_the_latest_baseline_that_has_it(programme):
    ProgrammeBaseline.objects.create(
        programme=programme, until="2022-Q1", trajectories=600, to_work=225, source="seed 004"
    )
    ProgrammeBaseline.objects.create(
        programme=programme, until="2024-H2", training_trajectories=800, to_work=500, source="003"
    )

    row = _progress()

    assert (row["started"], row["training"], row["to_work"]) == (600, 800, 500)


def test_progress_bars_label_the_baseline(programme):
    ProgrammeBaseline.objects.create(
        programme=programme, until="2022-Q1", trajectories=600, source="seed 004"
    )

    bars = {bar["label"]: bar for bar in progress_bars([_progress()])["rows"]}

    assert bars["trajecten"]["value"] == 600
    assert bars["trajecten"]["baseline_note"] == (
        "waarvan 600: stand tot en met eerste kwartaal 2022 (seed 004)"
    )
    assert bars["scholingstrajecten"]["target"] == 800


def test_the_page_shows_the_baseline_label(client_for, board_member, programme):
    ProgrammeBaseline.objects.create(
        programme=programme, until="2022-Q1", trajectories=600, source="seed 004"
    )

    content = client_for(board_member).get("/monitor/actueel/?periode=2024-H2").content.decode()

    assert "stand tot en met eerste kwartaal 2022" in content
