"""Groups in the browser: the list with fill levels, the group page, the start decision and
cancelling with confirmation; a gemeente user sees the groups and how full they are, but no
other municipality's residents."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from participants.models import Trajectory
from projects.constants import CohortStatus
from projects.models import Cohort
from projects.services import cohort_save
from tests.factories import (
    AgreementFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    option = TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2026),
        price_per_participant=Decimal("6838.00"),
        min_group_size=15,
    )
    return cohort_save(
        cohort=Cohort(
            project=project,
            tariff_option=option,
            name="Klas februari",
            start_date=dt.date(2026, 2, 2),
            capacity=20,
        )
    )


def member(group, where, *, first_name="Anna", started=True):
    return TrajectoryFactory(
        project=group.project,
        cohort=group,
        participant=ParticipantFactory(municipality=where, first_name=first_name),
        municipality_at_start=where,
        enrolment_date=dt.date(2026, 1, 12),
        start_date=group.start_date if started else None,
    )


def test_group_list_shows_the_fill_level_against_minimum_and_capacity(
    client_for, coordinator, group, huizen
):
    for _ in range(9):
        member(group, huizen)

    response = client_for(coordinator).get("/groepen/?project=wijkleerbedrijf&jaar=2026")

    assert "9 van minimaal 15 (capaciteit 20)" in response.content.decode()


def test_start_below_the_minimum_without_a_reason_is_refused_on_the_page(
    client_for, coordinator, group, huizen
):
    member(group, huizen)

    response = client_for(coordinator).post(f"/groepen/{group.pk}/starten/", {"reason": ""})

    assert response.status_code == 400
    assert "1 van minimaal 15" in response.content.decode()
    group.refresh_from_db()
    assert group.status == CohortStatus.PLANNED


def test_start_with_a_reason_keeps_and_shows_the_reason(client_for, coordinator, group, huizen):
    member(group, huizen)
    client = client_for(coordinator)

    client.post(f"/groepen/{group.pk}/starten/", {"reason": "Uitvoerder start toch"})

    group.refresh_from_db()
    assert group.status == CohortStatus.STARTED
    assert "Uitvoerder start toch" in client.get(f"/groepen/{group.pk}/").content.decode()


def test_cancel_without_confirmation_changes_nothing(client_for, coordinator, group, huizen):
    member(group, huizen, started=False)

    response = client_for(coordinator).post(
        f"/groepen/{group.pk}/annuleren/", {"reason": "Te weinig aanmeldingen"}
    )

    assert response.status_code == 400
    assert "Bevestig" in response.content.decode()
    assert not Trajectory.objects.filter(withdrawn_at__isnull=False).exists()


def test_cancel_with_confirmation_withdraws_the_groups_trajectories(
    client_for, coordinator, group, huizen
):
    trajectory = member(group, huizen, started=False)

    client_for(coordinator).post(
        f"/groepen/{group.pk}/annuleren/",
        {"reason": "Te weinig aanmeldingen", "confirm": "on"},
    )

    trajectory.refresh_from_db()
    assert trajectory.is_withdrawn and "Te weinig aanmeldingen" in trajectory.withdrawal_reason


def test_klantmanager_sees_the_fill_level_but_not_other_municipalities_residents(
    client_for, huizen_case_manager, group, huizen, laren
):
    member(group, huizen, first_name="Huizerin")
    member(group, laren, first_name="Laarder")
    client = client_for(huizen_case_manager)

    listing = client.get("/groepen/").content.decode()
    page = client.get(f"/groepen/{group.pk}/").content.decode()

    assert "2 van minimaal 15" in listing
    assert "Huizerin" in page and "Laarder" not in page and "<td>Laren</td>" not in page


def test_klantmanager_cannot_start_a_group(client_for, huizen_case_manager, group):
    response = client_for(huizen_case_manager).post(
        f"/groepen/{group.pk}/starten/", {"reason": "x"}
    )

    assert response.status_code == 403


def test_coordinator_creates_a_group_with_an_option_of_the_years_agreement(
    client_for, coordinator, group
):
    response = client_for(coordinator).post(
        "/groepen/nieuw/",
        {
            "project": group.project.pk,
            "name": "Klas augustus",
            "start_date": "2027-08-30",
            "tariff_option": group.tariff_option.pk,
            "capacity": "",
        },
    )

    assert response.status_code == 200
    assert "buiten het jaar van de afspraak" in response.content.decode()
    assert not Cohort.objects.filter(name="Klas augustus").exists()


def test_group_upload_page_imports_a_planning_file(client_for, coordinator, group, post_and_run):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (
        b"project;groep;startdatum;tariefoptie;status;reden\n"
        b"Wijkleerbedrijf;Klas augustus;31-08-2026;6838,00;gepland;\n"
    )

    response = post_and_run(
        client_for(coordinator),
        "/groepen/importeren/",
        {"file": SimpleUploadedFile("groepen.csv", data)},
    )

    assert response.status_code == 200 and "nieuwe groepen" in response.content.decode()
    assert Cohort.objects.filter(name="Klas augustus").exists()


def test_enrolment_form_offers_no_cancelled_group(client_for, coordinator, group):
    from participants.services import cohort_cancel

    cohort_cancel(user=coordinator, cohort=group, reason="geen docent")

    response = client_for(coordinator).get("/trajecten/aanmelden/")

    assert "Klas februari" not in response.content.decode()


def test_group_list_queries_do_not_grow_with_groups(
    client_for, coordinator, group, huizen, django_assert_max_num_queries
):
    client = client_for(coordinator)
    member(group, huizen)
    with django_assert_max_num_queries(50) as one:
        client.get("/groepen/")
    for n in range(5):
        extra = cohort_save(
            cohort=Cohort(
                project=group.project,
                tariff_option=group.tariff_option,
                name=f"Klas {n}",
                start_date=dt.date(2026, 3, 2),
            )
        )
        member(extra, huizen)

    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/groepen/")


def test_trajectory_page_places_a_trajectory_in_a_group_of_its_project(
    client_for, coordinator, group, huizen
):
    trajectory = TrajectoryFactory(
        project=group.project,
        participant=ParticipantFactory(municipality=huizen),
        municipality_at_start=huizen,
        enrolment_date=dt.date(2026, 1, 12),
    )

    client = client_for(coordinator)
    url = f"/trajecten/{trajectory.pk}/bewerken/"
    # The edit form posts the version it was loaded on (no lost updates).
    version = re.search(r'name="version" value="([^"]+)"', client.get(url).content.decode())[1]
    response = client.post(
        url,
        {
            "version": version,
            "project": group.project.pk,
            "cohort": group.pk,
            "municipality_at_start": huizen.pk,
            "enrolment_date": "2026-01-12",
            "start_date": "",
            "end_date": "",
            "outcome": "",
            "notes": "",
        },
    )

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.cohort == group
    assert trajectory.changes.filter(field="groep").exists()
