"""The monitor page: aggregates only, small cells suppressed for everyone but coordinators."""

import datetime as dt

import pytest

from monitor.selectors import suppress_small_cells
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_in_huizen(huizen):
    project = ProjectFactory(name="Wijkleerbedrijf")
    for _ in range(3):
        TrajectoryFactory(
            participant=ParticipantFactory(municipality=huizen, last_name="Geheimnaam"),
            project=project,
            municipality_at_start=huizen,
            enrolment_date=dt.date(2025, 1, 6),
            start_date=dt.date(2025, 2, 3),
        )


def test_board_member_sees_small_municipality_counts_as_less_than_five(
    client_for, board_member, three_in_huizen
):
    content = client_for(board_member).get("/monitor/actueel/?periode=2025-H1").content.decode()

    assert "&lt;5" in content
    assert "Geheimnaam" not in content


def test_coordinator_sees_exact_counts(client_for, coordinator, three_in_huizen):
    content = client_for(coordinator).get("/monitor/actueel/?periode=2025-H1").content.decode()

    assert "&lt;5" not in content


def test_suppression_leaves_zero_and_five_or_more():
    row = dict.fromkeys(("started", "active_at_end", "ended", "completed", "dropped_out", "to_work", "successful", "started_cumulative", "ended_cumulative", "successful_cumulative"), 0)  # fmt: skip
    row.update(started=5, ended=4, success_rate=None)

    [out] = suppress_small_cells([row])

    assert (out["started"], out["ended"], out["completed"]) == (5, "<5", 0)


def test_malformed_period_is_a_400_with_a_message(client_for, board_member):
    response = client_for(board_member).get("/monitor/actueel/?periode=2025-Q1")

    assert response.status_code == 400
    assert "halfjaren" in response.content.decode()


@pytest.mark.parametrize("who", ["coordinator", "huizen_user", "board_member"])
def test_every_role_with_a_task_opens_the_monitor(request, client_for, who):
    assert client_for(request.getfixturevalue(who)).get("/monitor/actueel/").status_code == 200


def test_anonymous_is_sent_to_login(client):
    assert client.get("/monitor/actueel/").status_code == 302


def test_live_page_shows_the_same_charts_and_headline_as_an_edition(
    client_for, coordinator, three_in_huizen
):
    content = client_for(coordinator).get("/monitor/actueel/?periode=2025-H1").content.decode()

    assert "Gestart en naar werk per halfjaar" in content
    assert "<dd>3</dd>" in content
