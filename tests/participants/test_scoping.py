"""A gemeente user sees its own municipality's trajectories only; a bestuurder sees none."""

import datetime as dt

import pytest

from tests.conftest import REQUEST_OVERHEAD_QUERIES
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def laren_trajectory(laren):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=laren, last_name="Laarder")
    )


@pytest.fixture
def huizen_trajectory(huizen):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=huizen, last_name="Huizer")
    )


def test_huizen_case_manager_cannot_open_a_laren_trajectory(
    client_for, huizen_case_manager, laren_trajectory
):
    response = client_for(huizen_case_manager).get(f"/trajecten/{laren_trajectory.pk}/")

    assert response.status_code == 404


def test_huizen_case_manager_cannot_guess_laren_trajectories_by_number(
    client_for, huizen_case_manager, laren_trajectory, huizen_trajectory
):
    client = client_for(huizen_case_manager)

    statuses = {
        pk: client.get(f"/trajecten/{pk}/").status_code for pk in range(1, laren_trajectory.pk + 5)
    }

    assert statuses[huizen_trajectory.pk] == 200
    assert all(code == 404 for pk, code in statuses.items() if pk != huizen_trajectory.pk)


def test_trajectory_list_holds_only_own_municipality(
    client_for, huizen_case_manager, laren_trajectory, huizen_trajectory
):
    content = client_for(huizen_case_manager).get("/trajecten/").content.decode()

    assert "Huizer" in content
    assert "Laarder" not in content


def test_trajectory_export_holds_only_own_municipality(
    client_for, huizen_case_manager, laren_trajectory, huizen_trajectory
):
    body = client_for(huizen_case_manager).get("/trajecten/?_export=csv").content.decode()

    assert "Huizer" in body
    assert "Laarder" not in body


def test_filter_on_another_municipality_does_not_widen_the_scope(
    client_for, huizen_case_manager, laren, laren_trajectory
):
    content = (
        client_for(huizen_case_manager).get(f"/trajecten/?municipality={laren.pk}").content.decode()
    )

    assert "Laarder" not in content


def test_search_for_a_laren_name_finds_nothing_for_huizen(
    client_for, huizen_case_manager, laren_trajectory
):
    content = client_for(huizen_case_manager).get("/deelnemers/?q=Laarder").content.decode()

    assert f'href="/deelnemers/{laren_trajectory.participant_id}/"' not in content
    assert "Er zijn (nog) geen deelnemers." in content


@pytest.mark.parametrize("path", ["/trajecten/", "/trajecten/aanmelden/", "/trajecten/importeren/"])
def test_board_member_gets_403_on_trajectory_pages(client_for, board_member, path):
    assert client_for(board_member).get(path).status_code == 403


def test_board_member_gets_403_on_a_trajectory(client_for, board_member, huizen_trajectory):
    assert client_for(board_member).get(f"/trajecten/{huizen_trajectory.pk}/").status_code == 403


@pytest.mark.parametrize("action", ["starten", "beeindigen", "intrekken", "bewerken"])
def test_klantmanager_cannot_change_its_own_trajectories(
    client_for, huizen_case_manager, huizen_trajectory, action
):
    response = client_for(huizen_case_manager).post(
        f"/trajecten/{huizen_trajectory.pk}/{action}/",
        {"start_date": "2025-02-01", "reason": "x", "end_date": "2025-03-01", "outcome": "werk"},
    )

    huizen_trajectory.refresh_from_db()
    assert response.status_code == 403
    assert huizen_trajectory.start_date is None
    assert huizen_trajectory.withdrawn_at is None


@pytest.mark.parametrize("path", ["/trajecten/aanmelden/", "/trajecten/importeren/"])
def test_klantmanager_cannot_enrol_or_import(client_for, huizen_case_manager, path):
    assert client_for(huizen_case_manager).get(path).status_code == 403


def test_coordinator_list_filters_by_status_and_target_group(client_for, coordinator, huizen):
    young = ParticipantFactory(
        last_name="Jong",
        date_of_birth=dt.date.today().replace(year=dt.date.today().year - 20),
        municipality=huizen,
    )
    old = ParticipantFactory(
        last_name="Oud", date_of_birth=dt.date(1960, 1, 1), municipality=huizen
    )
    TrajectoryFactory(participant=young, started_after=1)
    TrajectoryFactory(participant=old, started_after=1)
    client = client_for(coordinator)

    young_only = client.get("/trajecten/?target_group=jongere&status=in_traject").content.decode()
    fifty_plus = client.get("/trajecten/?target_group=50plus").content.decode()

    assert "Jong" in young_only and "Oud" not in young_only
    assert "Oud" in fifty_plus and ">Jong" not in fifty_plus


def test_coordinator_list_filters_by_start_date_range(client_for, coordinator):
    TrajectoryFactory(
        participant=ParticipantFactory(last_name="Vroeg"),
        enrolment_date=dt.date(2025, 1, 2),
        start_date=dt.date(2025, 1, 6),
    )
    TrajectoryFactory(
        participant=ParticipantFactory(last_name="Laat"),
        enrolment_date=dt.date(2025, 5, 2),
        start_date=dt.date(2025, 6, 6),
    )

    content = (
        client_for(coordinator)
        .get("/trajecten/?start_from=2025-05-01&start_until=2025-06-30")
        .content.decode()
    )

    assert "Laat" in content
    assert "Vroeg" not in content


def test_trajectory_list_query_count_does_not_grow_with_rows(
    client_for, coordinator, django_assert_max_num_queries
):
    project = ProjectFactory()
    for _ in range(30):
        TrajectoryFactory(project=project)
    client = client_for(coordinator)

    with django_assert_max_num_queries(12 + REQUEST_OVERHEAD_QUERIES):
        client.get("/trajecten/")


def test_participant_page_query_count_does_not_grow_with_trajectories(
    client_for, coordinator, huizen, django_assert_max_num_queries
):
    participant = ParticipantFactory(municipality=huizen)
    for _ in range(15):
        TrajectoryFactory(participant=participant, project=ProjectFactory())
    client = client_for(coordinator)

    with django_assert_max_num_queries(10 + REQUEST_OVERHEAD_QUERIES):
        client.get(participant.get_absolute_url())
