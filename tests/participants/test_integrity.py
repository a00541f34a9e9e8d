"""One record per person, one running trajectory per project, and state changes that check the
state they expect (issue 13, items 5, 6, 8 and 17). The races themselves, with two real
sessions, are in test_concurrency.py (PostgreSQL)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from participants import services
from participants.models import Participant, Trajectory, TrajectoryChange
from participants.services import (
    participant_save,
    trajectory_end,
    trajectory_enrol,
    trajectory_start,
    trajectory_update,
    trajectory_withdraw,
)
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory, UserFactory
from tests.participants.test_enrolment import enrol_data
from waw.roles import Role

pytestmark = pytest.mark.django_db


# --- item 5: one record per person -------------------------------------------------------


def test_the_database_refuses_a_second_record_of_the_same_person_written_around_the_rules(
    huizen,
):
    ParticipantFactory(first_name="Sanne", last_name="de Vries", date_of_birth=dt.date(1995, 3, 4))

    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(
            first_name="SANNE",
            last_name="De Vriës",
            date_of_birth=dt.date(1995, 3, 4),
            municipality=huizen,
        )


def test_changing_a_record_into_an_existing_person_is_a_duplicate_error(huizen):
    ParticipantFactory(first_name="Sanne", last_name="de Vries", date_of_birth=dt.date(1995, 3, 4))
    other = ParticipantFactory(
        first_name="Sanne", last_name="de Vos", date_of_birth=dt.date(1995, 3, 4)
    )

    other.last_name = "de vries"
    with pytest.raises(ValidationError) as refused:
        participant_save(participant=other)

    assert refused.value.error_dict["__all__"][0].code == "duplicate"


def test_anonymised_participants_never_collide(huizen):
    first = ParticipantFactory(date_of_birth=dt.date(1950, 3, 4))
    second = ParticipantFactory(date_of_birth=dt.date(1950, 8, 9))

    services.participant_anonymise(participant=first)
    services.participant_anonymise(participant=second)

    assert first.identity_key != second.identity_key


def test_person_saved_by_another_session_meanwhile_is_offered_not_an_error(
    client_for, coordinator, huizen, monkeypatch
):
    """The other session commits between this request's duplicate check and its insert."""
    project = ProjectFactory()
    real = services.participant_duplicates
    other = {}

    def check_then_other_session_saves(**identity):
        found = real(**identity)
        if not other:
            other["participant"] = ParticipantFactory(
                first_name="Iemand", last_name="Anders", municipality=huizen, client_number="K-77"
            )
        return found

    monkeypatch.setattr(services, "participant_duplicates", check_then_other_session_saves)

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"p-client_number": "K-77"})
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert f'value="{other["participant"].pk}"' in content
    assert "Deze deelnemer bestaat al." in content
    assert not Trajectory.objects.exists()


# --- item 6: a duplicate klantnummer, a second running trajectory ---------------------------


def test_a_taken_klantnummer_in_the_enrolment_form_offers_that_person(
    client_for, coordinator, huizen
):
    existing = ParticipantFactory(
        first_name="Petra", last_name="Jansen", municipality=huizen, client_number="K-12"
    )
    project = ProjectFactory()

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"p-client_number": "K-12"})
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert f'value="{existing.pk}"' in content
    assert "Deze gemeente heeft al een deelnemer met dit klantnummer." not in content
    assert Participant.objects.count() == 1


def test_a_second_enrolment_while_the_first_runs_is_refused_with_a_link_to_it(
    client_for, coordinator, huizen
):
    participant = ParticipantFactory(
        first_name="Sanne", last_name="de Vries", date_of_birth=dt.date(1995, 3, 4),
        municipality=huizen,
    )  # fmt: skip
    running = TrajectoryFactory(participant=participant, enrolment_date=dt.date(2025, 1, 10))

    response = client_for(coordinator).post(
        "/trajecten/aanmelden/",
        enrol_data(running.project, huizen, existing=str(participant.pk)),
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "heeft al een lopend traject in" in content
    assert f'href="{running.get_absolute_url()}"' in content
    assert Trajectory.objects.count() == 1


def test_a_new_trajectory_in_the_same_project_after_the_first_ended_is_allowed(coordinator):
    ended = TrajectoryFactory(started_after=3, ended_after=60)

    again = trajectory_enrol(
        user=coordinator,
        trajectory=Trajectory(
            participant=ended.participant, project=ended.project, enrolment_date=dt.date(2025, 6, 1)
        ),
    )

    assert again.pk and ended.participant.trajectories.count() == 2


def test_a_withdrawn_enrolment_does_not_block_a_new_one(coordinator):
    mistake = TrajectoryFactory()
    trajectory_withdraw(user=coordinator, trajectory=mistake, reason="Verkeerd project")

    trajectory_enrol(
        user=coordinator,
        trajectory=Trajectory(
            participant=mistake.participant,
            project=mistake.project,
            enrolment_date=dt.date(2025, 2, 1),
        ),
    )

    assert mistake.participant.trajectories.count() == 2


def test_moving_a_trajectory_to_a_project_already_running_is_refused(coordinator):
    running = TrajectoryFactory()
    other = TrajectoryFactory(participant=running.participant)

    with pytest.raises(services.OpenTrajectoryExists) as refused:
        trajectory_update(user=coordinator, trajectory=other, project=running.project)

    assert refused.value.trajectory == running


def test_the_database_refuses_a_second_running_trajectory_in_one_project():
    running = TrajectoryFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectoryFactory(participant=running.participant, project=running.project)


# --- item 8: state changes check the state they expect --------------------------------------


@pytest.fixture
def colleague(db):
    return UserFactory(username="collega", first_name="Kim", last_name="Bos", role=Role.COORDINATOR)


def test_starting_a_trajectory_started_meanwhile_is_refused_and_keeps_the_first_date(
    coordinator, colleague
):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    mine = Trajectory.objects.get(pk=trajectory.pk)  # both pages loaded before either start
    theirs = Trajectory.objects.get(pk=trajectory.pk)
    trajectory_start(user=colleague, trajectory=theirs, start_date=dt.date(2025, 1, 13))

    with pytest.raises(ValidationError) as refused:
        trajectory_start(user=coordinator, trajectory=mine, start_date=dt.date(2025, 2, 1))

    assert "intussen al gestart door Kim Bos" in refused.value.messages[0]
    trajectory.refresh_from_db()
    assert trajectory.start_date == dt.date(2025, 1, 13)
    assert trajectory.changes.filter(field="startdatum").count() == 1


def test_the_start_button_of_a_page_loaded_before_a_colleague_started_shows_who_did(
    client_for, coordinator, colleague
):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    client = client_for(coordinator)
    client.get(trajectory.get_absolute_url())
    trajectory_start(user=colleague, trajectory=trajectory, start_date=dt.date(2025, 1, 13))

    response = client.post(f"/trajecten/{trajectory.pk}/starten/", {"start_date": "2025-02-01"})

    assert response.status_code == 409
    assert "intussen al gestart door Kim Bos (startdatum 13-01-2025)" in response.content.decode()
    trajectory.refresh_from_db()
    assert trajectory.start_date == dt.date(2025, 1, 13)


def test_ending_a_trajectory_ended_meanwhile_is_refused(coordinator, colleague):
    trajectory = TrajectoryFactory(started_after=3)
    mine = Trajectory.objects.get(pk=trajectory.pk)
    trajectory_end(
        user=colleague,
        trajectory=Trajectory.objects.get(pk=trajectory.pk),
        end_date=dt.date(2025, 3, 1),
        outcome="werk",
    )

    with pytest.raises(ValidationError) as refused:
        trajectory_end(
            user=coordinator, trajectory=mine, end_date=dt.date(2025, 4, 1), outcome="gestopt"
        )

    assert "intussen al beëindigd door Kim Bos" in refused.value.messages[0]
    trajectory.refresh_from_db()
    assert (trajectory.end_date, trajectory.outcome) == (dt.date(2025, 3, 1), "werk")


def test_starting_a_trajectory_withdrawn_meanwhile_is_refused(coordinator, colleague):
    trajectory = TrajectoryFactory()
    mine = Trajectory.objects.get(pk=trajectory.pk)
    trajectory_withdraw(user=colleague, trajectory=trajectory, reason="Dubbel")

    with pytest.raises(ValidationError):
        trajectory_start(user=coordinator, trajectory=mine, start_date=dt.date(2025, 2, 1))

    trajectory.refresh_from_db()
    assert trajectory.start_date is None


def test_withdrawing_a_trajectory_withdrawn_meanwhile_names_who_did(coordinator, colleague):
    trajectory = TrajectoryFactory()
    mine = Trajectory.objects.get(pk=trajectory.pk)
    trajectory_withdraw(user=colleague, trajectory=trajectory, reason="Dubbel")

    with pytest.raises(ValidationError) as refused:
        trajectory_withdraw(user=coordinator, trajectory=mine, reason="Verhuisd")

    assert "intussen al ingetrokken door Kim Bos" in refused.value.messages[0]
    trajectory.refresh_from_db()
    assert trajectory.withdrawal_reason == "Dubbel"


def _version_in(content: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', content).group(1)


def test_saving_the_edit_form_over_a_change_made_meanwhile_is_refused(
    client_for, coordinator, colleague
):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    client = client_for(coordinator)
    url = f"/trajecten/{trajectory.pk}/bewerken/"
    version = _version_in(client.get(url).content.decode())
    trajectory_start(user=colleague, trajectory=trajectory, start_date=dt.date(2025, 1, 13))

    response = client.post(
        url,
        {
            "version": version,
            "project": trajectory.project_id,
            "municipality_at_start": trajectory.municipality_at_start_id,
            "enrolment_date": "2025-01-20",
            "notes": "",
        },
    )

    assert response.status_code == 200
    assert "intussen gewijzigd door Kim Bos" in response.content.decode()
    trajectory.refresh_from_db()
    assert (trajectory.enrolment_date, trajectory.start_date) == (
        dt.date(2025, 1, 6),
        dt.date(2025, 1, 13),
    )


def test_saving_the_edit_form_on_the_current_state_saves(client_for, coordinator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    client = client_for(coordinator)
    url = f"/trajecten/{trajectory.pk}/bewerken/"
    version = _version_in(client.get(url).content.decode())

    response = client.post(
        url,
        {
            "version": version,
            "project": trajectory.project_id,
            "municipality_at_start": trajectory.municipality_at_start_id,
            "enrolment_date": "2025-01-20",
        },
    )

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.enrolment_date == dt.date(2025, 1, 20)


# --- item 17: field limits from the model ---------------------------------------------------


def test_a_withdrawal_reason_as_long_as_the_model_allows_is_kept_whole(client_for, coordinator):
    trajectory = TrajectoryFactory()
    limit = Trajectory._meta.get_field("withdrawal_reason").max_length
    reason = "x" * limit

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/intrekken/", {"reason": reason}
    )

    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert trajectory.withdrawal_reason == reason
    line = trajectory.changes.get(field="reden van intrekking")
    assert len(line.new_value) == TrajectoryChange._meta.get_field("new_value").max_length
    assert line.new_value.endswith("…")
    assert client_for(coordinator).get(trajectory.get_absolute_url()).status_code == 200


def test_a_withdrawal_reason_over_the_model_limit_is_a_form_error(client_for, coordinator):
    trajectory = TrajectoryFactory()
    limit = Trajectory._meta.get_field("withdrawal_reason").max_length

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/intrekken/", {"reason": "x" * (limit + 1)}
    )

    assert response.status_code == 400
    assert f"niet meer dan {limit} tekens" in response.content.decode()
    trajectory.refresh_from_db()
    assert not trajectory.is_withdrawn


def test_the_service_refuses_a_withdrawal_reason_over_the_model_limit(coordinator):
    trajectory = TrajectoryFactory()
    limit = Trajectory._meta.get_field("withdrawal_reason").max_length

    with pytest.raises(ValidationError):
        trajectory_withdraw(user=coordinator, trajectory=trajectory, reason="x" * (limit + 1))

    trajectory.refresh_from_db()
    assert not trajectory.is_withdrawn


def test_adding_an_existing_person_in_the_admin_is_a_form_error(
    client_for, administrator, huizen
):
    ParticipantFactory(first_name="Sanne", last_name="de Vries", date_of_birth=dt.date(1995, 3, 4))

    response = client_for(administrator).post(
        "/beheer/participants/participant/add/",
        {
            "first_name": "sanne",
            "last_name": "De Vries",
            "date_of_birth": "04-03-1995",
            "municipality": huizen.pk,
            "client_number": "",
            "benefit_type": "participatiewet",
            "trajectories-TOTAL_FORMS": "0",
            "trajectories-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Er is al een deelnemer met deze naam en geboortedatum." in response.content.decode()
    assert Participant.objects.count() == 1
