"""Plausible dates (participants/dates.py): each bound on each path — the pages' forms, the
quick actions, the admin, the import and the services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants import dates
from participants.importing import import_trajectories
from participants.models import Participant, Trajectory
from participants.services import (
    participant_save,
    trajectory_end,
    trajectory_enrol,
    trajectory_start,
    trajectory_update,
)
from tests.factories import ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YOUNGEST = dates.latest_birth_date(TODAY)
LATEST_PLANNED = dates.latest_planned_date(TODAY)
DAY = dt.timedelta(days=1)

BAD_BIRTH_DATES = {
    "year 1": dt.date(1, 1, 1),
    "1800": dt.date(1800, 6, 1),
    "day before 1900": dt.date(1899, 12, 31),
    "younger than 14": YOUNGEST + DAY,
    "future": TODAY + DAY,
}
GOOD_BIRTH_DATES = {"1 January 1900": dt.date(1900, 1, 1), "exactly 14": YOUNGEST}
BAD_TRAJECTORY_DATES = {
    "year 1": dt.date(1, 1, 1),
    "day before 2015": dt.date(2014, 12, 31),
    "more than a year ahead": LATEST_PLANNED + DAY,
    "year 9999": dt.date(9999, 12, 31),
}
BAD_END_DATES = {
    "tomorrow": TODAY + DAY,
    "year 9999": dt.date(9999, 12, 31),
    "day before 2015": dt.date(2014, 12, 31),
}

HEADER = "klantnummer;voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;einddatum;uitkomst"


@pytest.fixture
def project(db):
    return ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")


def iso(day):
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def import_row(*, born="1990-05-01", enrolled="2025-01-10", started="", ended="", outcome=""):
    row = f";Anna;Visser;{born};Huizen;Wijkleerbedrijf;{enrolled};{started};{ended};{outcome}"
    return import_trajectories(user=None, name="a.csv", data=f"{HEADER}\n{row}".encode())


def enrol_data(project, municipality, **extra):
    return {
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
        **extra,
    }


def trajectory_form_data(trajectory, **extra):
    return {
        "project": trajectory.project_id,
        "municipality_at_start": trajectory.municipality_at_start_id,
        "enrolment_date": iso(trajectory.enrolment_date),
        "start_date": iso(trajectory.start_date) if trajectory.start_date else "",
        "end_date": "",
        "outcome": "",
        "notes": "",
        **extra,
    }


# --- birth date -----------------------------------------------------------------------------


@pytest.mark.parametrize("born", BAD_BIRTH_DATES.values(), ids=BAD_BIRTH_DATES.keys())
def test_an_implausible_birth_date_is_refused_by_the_service(born, huizen):
    with pytest.raises(ValidationError) as refused:
        participant_save(
            participant=Participant(
                first_name="A", last_name="B", date_of_birth=born, municipality=huizen
            )
        )

    assert "date_of_birth" in refused.value.error_dict


@pytest.mark.parametrize("born", GOOD_BIRTH_DATES.values(), ids=GOOD_BIRTH_DATES.keys())
def test_a_birth_date_on_the_bounds_is_accepted(born, huizen):
    participant_save(
        participant=Participant(
            first_name="A", last_name="B", date_of_birth=born, municipality=huizen
        )
    )

    assert Participant.objects.filter(date_of_birth=born).exists()


@pytest.mark.parametrize("born", BAD_BIRTH_DATES.values(), ids=BAD_BIRTH_DATES.keys())
def test_an_implausible_birth_date_is_refused_by_the_enrolment_form(
    born, client_for, coordinator, huizen, project
):
    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"p-date_of_birth": iso(born)})
    )

    assert response.status_code == 400
    assert response.context["participant_form"].errors["date_of_birth"]
    assert not Participant.objects.exists()


def test_an_implausible_birth_date_is_refused_by_the_participant_edit_form(
    client_for, coordinator, huizen
):
    participant = ParticipantFactory(municipality=huizen)
    data = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "date_of_birth": "1800-01-01",
        "municipality": huizen.pk,
        "client_number": "",
        "benefit_type": "participatiewet",
    }

    response = client_for(coordinator).post(f"/deelnemers/{participant.pk}/bewerken/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"]
    participant.refresh_from_db()
    assert participant.date_of_birth == dt.date(1990, 5, 17)


def test_an_implausible_birth_date_is_refused_by_the_admin(client_for, administrator, huizen):
    participant = ParticipantFactory(municipality=huizen)
    data = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "date_of_birth": "1800-01-01",
        "municipality": huizen.pk,
        "client_number": "",
        "benefit_type": "participatiewet",
        "trajectories-TOTAL_FORMS": "0",
        "trajectories-INITIAL_FORMS": "0",
    }

    response = client_for(administrator).post(
        f"/beheer/participants/participant/{participant.pk}/change/", data
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["date_of_birth"]


@pytest.mark.parametrize("born", BAD_BIRTH_DATES.values(), ids=BAD_BIRTH_DATES.keys())
def test_an_implausible_birth_date_is_a_row_error_in_the_import(born, huizen, project):
    result = import_row(born=iso(born))

    assert [(e.row, e.column) for e in result.errors] == [(2, "geboortedatum")]
    assert not Participant.objects.exists()


# --- enrolment and start date ---------------------------------------------------------------


@pytest.mark.parametrize("day", BAD_TRAJECTORY_DATES.values(), ids=BAD_TRAJECTORY_DATES.keys())
def test_an_implausible_enrolment_date_is_refused_by_the_service(day, project, huizen):
    participant = ParticipantFactory(municipality=huizen)

    with pytest.raises(ValidationError) as refused:
        trajectory_enrol(
            user=None,
            trajectory=Trajectory(participant=participant, project=project, enrolment_date=day),
        )

    assert "enrolment_date" in refused.value.error_dict


@pytest.mark.parametrize("day", BAD_TRAJECTORY_DATES.values(), ids=BAD_TRAJECTORY_DATES.keys())
def test_an_implausible_start_date_is_refused_by_the_service(day):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2015, 1, 1))

    with pytest.raises(ValidationError) as refused:
        trajectory_start(user=None, trajectory=trajectory, start_date=day)

    assert "start_date" in refused.value.error_dict
    trajectory.refresh_from_db()
    assert trajectory.start_date is None


def test_enrolment_and_start_on_the_bounds_are_accepted(project, huizen):
    participant = ParticipantFactory(municipality=huizen)
    early = trajectory_enrol(
        user=None,
        trajectory=Trajectory(
            participant=participant,
            project=project,
            enrolment_date=dates.EARLIEST_TRAJECTORY_DATE,
            start_date=dates.EARLIEST_TRAJECTORY_DATE,
        ),
    )
    planned = trajectory_enrol(
        user=None,
        trajectory=Trajectory(
            participant=participant,
            # Another project: one participant runs one trajectory per project at a time.
            project=ProjectFactory(name="Zorgstart", slug="zorgstart"),
            enrolment_date=LATEST_PLANNED,
            start_date=LATEST_PLANNED,
        ),
    )

    assert early.pk and planned.pk


@pytest.mark.parametrize("day", BAD_TRAJECTORY_DATES.values(), ids=BAD_TRAJECTORY_DATES.keys())
def test_an_implausible_enrolment_date_is_refused_by_the_enrolment_form(
    day, client_for, coordinator, huizen, project
):
    response = client_for(coordinator).post(
        "/trajecten/aanmelden/", enrol_data(project, huizen, **{"t-enrolment_date": iso(day)})
    )

    assert response.status_code == 400
    assert response.context["enrolment_form"].errors["enrolment_date"]
    assert not Trajectory.objects.exists()


@pytest.mark.parametrize("day", BAD_TRAJECTORY_DATES.values(), ids=BAD_TRAJECTORY_DATES.keys())
def test_an_implausible_start_date_is_refused_by_the_start_action(day, client_for, coordinator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2015, 1, 1))

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/starten/", {"start_date": iso(day)}
    )

    assert response.status_code == 400
    assert response.context["start_form"].errors["start_date"]
    trajectory.refresh_from_db()
    assert trajectory.start_date is None


@pytest.mark.parametrize("field", ["enrolment_date", "start_date"])
def test_an_implausible_date_is_refused_by_the_trajectory_edit_form(field, client_for, coordinator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/bewerken/",
        trajectory_form_data(trajectory, **{field: "0001-01-01"}),
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    trajectory.refresh_from_db()
    assert trajectory.enrolment_date == dt.date(2025, 1, 6)


def test_an_implausible_start_date_is_refused_by_the_admin(client_for, administrator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    data = {
        "participant": trajectory.participant_id,
        "project": trajectory.project_id,
        "municipality_at_start": trajectory.municipality_at_start_id,
        "enrolment_date": "2025-01-06",
        "start_date": "9999-12-31",
        "end_date": "",
        "outcome": "",
        "notes": "",
        "withdrawal_reason": "",
    }

    response = client_for(administrator).post(
        f"/beheer/participants/trajectory/{trajectory.pk}/change/", data
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["start_date"]


@pytest.mark.parametrize("day", BAD_TRAJECTORY_DATES.values(), ids=BAD_TRAJECTORY_DATES.keys())
@pytest.mark.parametrize("column", ["aanmelddatum", "startdatum"])
def test_an_implausible_enrolment_or_start_date_is_a_row_error_in_the_import(
    column, day, huizen, project
):
    if column == "aanmelddatum":
        result = import_row(enrolled=iso(day))
    else:
        result = import_row(enrolled="2015-01-01", started=iso(day))

    assert (2, column) in {(e.row, e.column) for e in result.errors}
    assert not Trajectory.objects.exists()


def test_a_start_in_year_1_cannot_reach_the_database_to_block_invoice_runs(huizen, project):
    result = import_row(enrolled="0001-01-01", started="0001-01-02")

    assert not result.ok
    assert not Trajectory.objects.filter(start_date__year__lt=2015).exists()


# --- end date ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", BAD_END_DATES.values(), ids=BAD_END_DATES.keys())
def test_an_implausible_end_date_is_refused_by_the_service(day):
    trajectory = TrajectoryFactory(
        enrolment_date=dt.date(2014, 12, 31) + DAY, start_date=dt.date(2015, 1, 1)
    )

    with pytest.raises(ValidationError) as refused:
        trajectory_end(user=None, trajectory=trajectory, end_date=day, outcome="werk")

    assert "end_date" in refused.value.error_dict


def test_an_end_today_and_an_end_on_the_start_date_are_accepted():
    today = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6), start_date=dt.date(2025, 2, 3))
    same_day = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6), start_date=dt.date(2025, 2, 3))

    trajectory_end(user=None, trajectory=today, end_date=TODAY, outcome="werk")
    trajectory_end(user=None, trajectory=same_day, end_date=dt.date(2025, 2, 3), outcome="afgerond")

    assert Trajectory.objects.filter(end_date__isnull=False).count() == 2


def test_the_message_for_an_end_before_the_start_says_the_start_day_itself_is_allowed():
    trajectory = TrajectoryFactory(
        enrolment_date=dt.date(2025, 1, 6), start_date=dt.date(2025, 2, 3)
    )

    with pytest.raises(ValidationError) as refused:
        trajectory_update(
            user=None, trajectory=trajectory, end_date=dt.date(2025, 2, 2), outcome="werk"
        )

    assert str(dates.END_BEFORE_START) in refused.value.messages
    assert "op dezelfde dag mag wel" in str(dates.END_BEFORE_START)


@pytest.mark.parametrize("day", BAD_END_DATES.values(), ids=BAD_END_DATES.keys())
def test_an_implausible_end_date_is_refused_by_the_end_action(day, client_for, coordinator):
    trajectory = TrajectoryFactory(
        enrolment_date=dt.date(2015, 1, 1), start_date=dt.date(2015, 1, 1)
    )

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/beeindigen/", {"end_date": iso(day), "outcome": "werk"}
    )

    assert response.status_code == 400
    assert response.context["end_form"].errors["end_date"]
    trajectory.refresh_from_db()
    assert trajectory.end_date is None


def test_a_future_end_date_is_refused_by_the_trajectory_edit_form(client_for, coordinator):
    trajectory = TrajectoryFactory(
        enrolment_date=dt.date(2025, 1, 6), start_date=dt.date(2025, 2, 3)
    )

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/bewerken/",
        trajectory_form_data(trajectory, end_date=iso(TODAY + DAY), outcome="werk"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end_date"]


@pytest.mark.parametrize("day", BAD_END_DATES.values(), ids=BAD_END_DATES.keys())
def test_an_implausible_end_date_is_a_row_error_in_the_import(day, huizen, project):
    result = import_row(enrolled="2015-01-01", started="2015-01-01", ended=iso(day), outcome="werk")

    assert [(e.row, e.column) for e in result.errors] == [(2, "einddatum")]


def test_an_end_on_the_start_date_is_accepted_by_the_import(huizen, project):
    result = import_row(
        enrolled="2025-01-06", started="2025-02-03", ended="2025-02-03", outcome="afgerond"
    )

    assert result.ok, result.errors


def test_a_record_saved_before_the_rule_gets_a_message_not_a_server_error(client_for, coordinator):
    trajectory = TrajectoryFactory(enrolment_date=dt.date(2025, 1, 6))
    Trajectory.objects.filter(pk=trajectory.pk).update(enrolment_date=dt.date(1, 1, 1))

    response = client_for(coordinator).post(
        f"/trajecten/{trajectory.pk}/starten/", {"start_date": "2025-02-03"}
    )

    assert response.status_code == 400
    assert "controleer het jaar" in response.content.decode()


def test_synthetic_data_reaches_no_further_back_than_the_earliest_plausible_date():
    from participants.synthetic import LAST_DAY, MAX_YEARS, generate_synthetic

    assert dt.date(LAST_DAY.year - MAX_YEARS + 1, 1, 1) == dates.EARLIEST_TRAJECTORY_DATE
    with pytest.raises(ValidationError):
        generate_synthetic(participants=1, years=MAX_YEARS + 1, municipalities=1, seed=1)
