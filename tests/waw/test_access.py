"""Role rules: who reaches which page, and which records."""

import pytest
from django.urls import reverse

from tests.conftest import REQUEST_OVERHEAD_QUERIES
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db

PROTECTED_PAGES = ["/", "/projecten/", "/deelnemers/"]


@pytest.mark.parametrize("path", PROTECTED_PAGES)
def test_anonymous_user_is_sent_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_user_is_sent_to_login_from_a_participant_page(client, huizen):
    participant = ParticipantFactory(municipality=huizen)

    response = client.get(participant.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_open_and_in_dutch(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert '<html lang="nl">' in response.content.decode()
    assert "Inloggen" in response.content.decode()


def test_demo_coordinator_can_log_in_with_password(client, coordinator):
    response = client.post(
        reverse("login"), {"username": "coordinator", "password": "test-password-123"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_a_dutch_error(client, coordinator):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "fout"})

    assert response.status_code == 200
    assert "De gebruikersnaam of het wachtwoord klopt niet" in response.content.decode()


def test_klantmanager_gets_404_on_a_participant_of_another_municipality(
    client_for, huizen_case_manager, laren
):
    other = ParticipantFactory(municipality=laren)

    response = client_for(huizen_case_manager).get(other.get_absolute_url())

    assert response.status_code == 404


def test_klantmanager_sees_a_participant_of_its_own_municipality(
    client_for, huizen_case_manager, huizen
):
    own = ParticipantFactory(municipality=huizen, last_name="Jansen")

    response = client_for(huizen_case_manager).get(own.get_absolute_url())

    assert response.status_code == 200
    assert "Jansen" in response.content.decode()


def test_klantmanager_list_holds_only_its_own_residents(
    client_for, huizen_case_manager, huizen, laren
):
    ParticipantFactory(municipality=huizen, last_name="Huizer")
    ParticipantFactory(municipality=laren, last_name="Laarder")

    content = client_for(huizen_case_manager).get("/deelnemers/").content.decode()

    assert "Huizer" in content
    assert "Laarder" not in content


def test_gemeente_user_still_sees_a_resident_who_moved_away_for_its_own_trajectory(
    client_for, huizen_case_manager, huizen, laren
):
    moved = ParticipantFactory(municipality=laren)
    TrajectoryFactory(participant=moved, municipality_at_start=huizen)

    response = client_for(huizen_case_manager).get(moved.get_absolute_url())

    assert response.status_code == 200


def test_gemeente_user_sees_only_the_trajectories_recorded_on_its_municipality(
    client_for, huizen_case_manager, huizen, laren
):
    moved = ParticipantFactory(municipality=huizen)
    TrajectoryFactory(
        participant=moved,
        municipality_at_start=laren,
        project=ProjectFactory(name="Larens project"),
    )
    TrajectoryFactory(
        participant=moved,
        municipality_at_start=huizen,
        project=ProjectFactory(name="Huizens project"),
    )

    content = client_for(huizen_case_manager).get(moved.get_absolute_url()).content.decode()

    assert "Huizens project" in content
    assert "Larens project" not in content


def test_klantmanager_without_municipality_sees_no_one(client_for, huizen):
    from tests.factories import UserFactory
    from waw.roles import Role

    orphan = UserFactory(role=Role.CASE_MANAGER, municipality=None)
    ParticipantFactory(municipality=huizen, last_name="Huizer")

    content = client_for(orphan).get("/deelnemers/").content.decode()

    assert "Huizer" not in content


@pytest.mark.parametrize("path", ["/deelnemers/"])
def test_board_member_gets_403_on_participant_pages(client_for, board_member, path):
    assert client_for(board_member).get(path).status_code == 403


def test_board_member_gets_403_on_a_participant_detail_page(client_for, board_member, huizen):
    participant = ParticipantFactory(municipality=huizen)

    response = client_for(board_member).get(participant.get_absolute_url())

    assert response.status_code == 403


def test_coordinator_sees_participants_of_every_municipality(
    client_for, coordinator, huizen, laren
):
    ParticipantFactory(municipality=huizen, last_name="Huizer")
    ParticipantFactory(municipality=laren, last_name="Laarder")

    content = client_for(coordinator).get("/deelnemers/").content.decode()

    assert "Huizer" in content
    assert "Laarder" in content


def test_superuser_passes_every_role_check(client_for, administrator, laren):
    participant = ParticipantFactory(municipality=laren)

    assert client_for(administrator).get(participant.get_absolute_url()).status_code == 200


def test_user_without_role_gets_403_on_the_catalogue(client_for, db):
    from tests.factories import UserFactory

    nobody = UserFactory()

    assert client_for(nobody).get("/projecten/").status_code == 403


def test_admin_is_closed_to_coordinators(client_for, coordinator):
    response = client_for(coordinator).get("/beheer/")

    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]


def test_admin_is_open_to_the_beheerder(client_for, administrator):
    assert client_for(administrator).get("/beheer/").status_code == 200


def test_navigation_of_a_board_member_has_no_participant_pages(client_for, board_member):
    content = client_for(board_member).get("/").content.decode()

    assert 'href="/projecten/"' in content
    assert 'href="/deelnemers/"' not in content


def test_navigation_of_a_klantmanager_offers_participants(client_for, huizen_case_manager):
    content = client_for(huizen_case_manager).get("/").content.decode()

    assert 'href="/deelnemers/"' in content


def test_navigation_of_finance_staff_offers_invoices_and_no_people(client_for, huizen_user):
    content = client_for(huizen_user).get("/").content.decode()

    assert 'href="/facturen/"' in content
    assert 'href="/deelnemers/"' not in content
    assert 'href="/trajecten/"' not in content


def test_participant_list_queries_do_not_grow_with_rows(
    client_for, coordinator, huizen, django_assert_max_num_queries
):
    ParticipantFactory.create_batch(30, municipality=huizen)
    client = client_for(coordinator)

    with django_assert_max_num_queries(8 + REQUEST_OVERHEAD_QUERIES):
        client.get("/deelnemers/")


def test_paying_municipality_sees_no_personal_details_of_a_resident_who_moved_away(
    client_for, huizen_case_manager, huizen, laren
):
    moved = ParticipantFactory(municipality=laren, client_number="LA-999", is_refugee=True)
    TrajectoryFactory(participant=moved, municipality_at_start=huizen)

    content = client_for(huizen_case_manager).get(moved.get_absolute_url()).content.decode()

    assert "LA-999" not in content
    assert "Statushouder" not in content
    assert "woont niet (meer) in uw gemeente" in content


def test_role_is_checked_before_the_object_is_looked_up(client_for, huizen_user):
    response = client_for(huizen_user).get("/projecten/bestaat-niet/jaarafspraak/nieuw/")

    assert response.status_code == 403


@pytest.mark.parametrize("page", ["abc", "9999"])
def test_a_bad_page_number_falls_back_instead_of_404(client_for, coordinator, page):
    ProjectFactory()

    assert client_for(coordinator).get(f"/projecten/?page={page}").status_code == 200
    assert client_for(coordinator).get(f"/trajecten/?page={page}").status_code == 200
