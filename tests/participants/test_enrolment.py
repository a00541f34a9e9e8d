"""The enrolment form, the quick actions and the history they leave."""

import datetime as dt

import pytest

from participants.dates import END_BEFORE_START
from participants.models import Participant, Trajectory, TrajectoryChange
from participants.services import WITHDRAWN_IS_FROZEN, trajectory_update
from tests.factories import (
    AgreementFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db


def enrol_data(project, municipality, **extra):
    data = {
        "p-first_name": "Sanne",
        "p-last_name": "de Vries",
        "p-date_of_birth": "1995-03-04",
        "p-municipality": municipality.pk,
        "p-client_number": "",
        "p-benefit_type": "participatiewet",
        "t-project": project.pk,
        "t-enrolment_date": "2025-01-10",
        "t-start_date": "",
        "t-notes": "",
    }
    data.update(extra)
    return data


def test_enrolment_creates_participant_and_trajectory_paid_by_their_municipality(
    client_for, coordinator, huizen
):
    project = ProjectFactory(name="Wijkleerbedrijf")

    response = client_for(coordinator).post("/trajecten/aanmelden/", enrol_data(project, huizen))

    trajectory = Trajectory.objects.get()
    assert response.status_code == 302
    assert trajectory.participant.last_name == "de Vries"
    assert trajectory.municipality_at_start == huizen
    assert trajectory.status == "aangemeld"


def test_save_and_next_returns_to_an_empty_form_for_the_same_project(
    client_for, coordinator, huizen
):
    project = ProjectFactory()

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, next="1")
    )

    assert response.status_code == 302
    assert response["Location"] == (
        f"/trajecten/aanmelden/?project={project.pk}&enrolment_date=10-01-2025"
    )


def test_existing_person_is_offered_instead_of_a_second_record(client_for, coordinator, huizen):
    existing = ParticipantFactory(
        first_name="Sanne",
        last_name="De Vries",
        date_of_birth=dt.date(1995, 3, 4),
        municipality=huizen,
    )
    project = ProjectFactory()
    client = client_for(coordinator)

    offered = client.post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"p-first_name": "SANNE"})
    )

    assert offered.status_code == 400
    assert f'value="{existing.pk}"' in offered.content.decode()
    assert Participant.objects.count() == 1
    assert not Trajectory.objects.exists()

    chosen = client.post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, existing=str(existing.pk))
    )

    assert chosen.status_code == 302
    assert Participant.objects.count() == 1
    assert Trajectory.objects.get().participant == existing


def test_enrolment_with_start_before_enrolment_shows_the_error_and_saves_nothing(
    client_for, coordinator, huizen
):
    project = ProjectFactory()

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"t-start_date": "2025-01-01"})
    )

    assert response.status_code == 400
    assert "De startdatum ligt vóór de aanmelddatum." in response.content.decode()
    assert not Participant.objects.exists()


def test_enrolment_with_missing_fields_keeps_what_was_typed(client_for, coordinator, huizen):
    project = ProjectFactory()

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"p-date_of_birth": ""})
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Dit veld is verplicht." in content
    assert 'value="de Vries"' in content


def test_enrolling_an_existing_participant_from_their_page(client_for, coordinator, huizen):
    participant = ParticipantFactory(municipality=huizen)
    project = ProjectFactory()

    response = client_for(coordinator).post(
        f"/deelnemers/{participant.pk}/aanmelden/",
        {"t-project": project.pk, "t-enrolment_date": "2025-02-01"},
    )

    assert response.status_code == 302
    assert participant.trajectories.get().project == project


def test_start_then_end_records_history_with_who_and_old_new(client_for, coordinator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    client = client_for(coordinator)

    client.post(f"/trajecten/{trajectory.pk}/starten/", {"start_date": "2025-02-01"})
    client.post(
        f"/trajecten/{trajectory.pk}/beeindigen/",
        {"end_date": "2025-12-19", "outcome": "diploma+werk"},
    )

    trajectory.refresh_from_db()
    assert trajectory.outcome == "diploma+werk"
    changes = {(c.field, c.old_value, c.new_value, c.changed_by) for c in trajectory.changes.all()}
    assert ("startdatum", "", "01-02-2025", coordinator) in changes
    assert ("einddatum", "", "19-12-2025", coordinator) in changes
    assert ("uitkomst", "", "diploma en werk", coordinator) in changes


def test_history_is_shown_on_the_trajectory_page(client_for, coordinator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    client = client_for(coordinator)
    client.post(f"/trajecten/{trajectory.pk}/starten/", {"start_date": "2025-02-01"})

    content = client.get(f"/trajecten/{trajectory.pk}/").content.decode()

    assert "01-02-2025" in content
    assert "Geschiedenis" in content


def test_changing_the_municipality_at_start_is_recorded(coordinator, huizen, laren):
    trajectory = TrajectoryFactory(municipality_at_start=huizen)

    trajectory_update(user=coordinator, trajectory=trajectory, municipality_at_start=laren)

    change = TrajectoryChange.objects.get(field="gemeente bij start")
    assert (change.old_value, change.new_value) == ("Huizen", "Laren")


def test_ending_with_an_end_before_the_start_is_refused_with_a_message(client_for, coordinator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6), started_after=10)

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/beeindigen/", {"end_date": "2025-01-07", "outcome": "werk"}
    )

    trajectory.refresh_from_db()
    assert response.status_code == 400
    assert str(END_BEFORE_START) in response.content.decode()
    assert trajectory.end_date is None


def test_withdrawal_keeps_the_trajectory_with_its_reason(client_for, coordinator):
    trajectory = TrajectoryFactory()

    client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/intrekken/", {"reason": "Dubbel aangemeld"}
    )

    trajectory.refresh_from_db()
    assert trajectory.status == "ingetrokken"
    assert trajectory.withdrawal_reason == "Dubbel aangemeld"
    assert trajectory.changes.filter(
        field="reden van intrekking", new_value="Dubbel aangemeld"
    ).exists()


def test_withdrawal_without_reason_is_refused(client_for, coordinator):
    trajectory = TrajectoryFactory()

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/intrekken/", {"reason": " "}
    )

    trajectory.refresh_from_db()
    assert response.status_code == 400
    assert trajectory.withdrawn_at is None


def test_a_withdrawn_trajectory_cannot_be_changed(coordinator):
    from django.core.exceptions import ValidationError

    from participants.services import trajectory_withdraw

    trajectory = TrajectoryFactory()
    trajectory_withdraw(user=coordinator, trajectory=trajectory, reason="Fout")

    with pytest.raises(ValidationError) as error:
        trajectory_update(user=coordinator, trajectory=trajectory, start_date=dt.date(2025, 3, 1))

    assert str(WITHDRAWN_IS_FROZEN) in error.value.messages


def test_start_in_a_year_without_tariff_is_allowed_but_flagged(client_for, coordinator):
    project = ProjectFactory()
    TariffOptionFactory(agreement=AgreementFactory(project=project, year=2025))
    trajectory = TrajectoryFactory(
        project=project, enrolment_date=dt.date(2026, 12, 1), start_date=dt.date(2027, 1, 4)
    )

    content = client_for(coordinator).get(f"/trajecten/{trajectory.pk}/").content.decode()

    assert "geen tarief voor 2027" in content


def test_start_in_a_year_with_a_tariff_is_not_flagged(client_for, coordinator):
    project = ProjectFactory()
    TariffOptionFactory(agreement=AgreementFactory(project=project, year=2025))
    trajectory = TrajectoryFactory(
        project=project, enrolment_date=dt.date(2025, 1, 6), started_after=3
    )

    content = client_for(coordinator).get(f"/trajecten/{trajectory.pk}/").content.decode()

    assert "geen tarief voor" not in content


def test_admin_changes_to_a_trajectory_are_recorded_in_its_history(client_for, administrator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    client = client_for(administrator)
    data = {
        "participant": trajectory.participant_id,
        "project": trajectory.project_id,
        "municipality_at_start": trajectory.municipality_at_start_id,
        "enrolment_date": "2025-01-06",
        "start_date": "2025-01-20",
        "end_date": "",
        "outcome": "",
        "notes": "",
        "withdrawal_reason": "",
    }

    response = client.post(f"/beheer/participants/trajectory/{trajectory.pk}/change/", data)

    assert response.status_code == 302
    assert trajectory.changes.filter(field="startdatum", changed_by=administrator).exists()


def test_participant_search_by_birth_date(client_for, coordinator, huizen):
    ParticipantFactory(last_name="Gevonden", date_of_birth=dt.date(1988, 7, 9), municipality=huizen)
    ParticipantFactory(last_name="Anders", date_of_birth=dt.date(1977, 1, 1), municipality=huizen)

    content = client_for(coordinator).get("/deelnemers/?q=09-07-1988").content.decode()

    assert "Gevonden" in content
    assert "Anders" not in content
