"""The date and outcome rules hold everywhere: model validation and the database itself."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from participants.services import participant_duplicates
from tests.factories import CohortFactory, ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2025, 1, 10)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"start_date": JAN, "end_date": JAN - dt.timedelta(days=1), "outcome": "diploma"},
            "einddatum",
        ),
        ({"start_date": JAN - dt.timedelta(days=1)}, "De startdatum ligt vóór de aanmelddatum."),
        ({"start_date": JAN, "outcome": "diploma"}, "uitkomst"),
        ({"start_date": JAN, "end_date": JAN, "outcome": ""}, "uitkomst"),
        ({"end_date": JAN, "outcome": "werk"}, "startdatum"),
    ],
    ids=[
        "end-before-start",
        "start-before-enrolment",
        "outcome-without-end",
        "end-without-outcome",
        "end-without-start",
    ],
)
def test_invalid_dates_and_outcomes_are_refused_by_validation(fields, message):
    trajectory = TrajectoryFactory.build(
        participant=ParticipantFactory(), project=ProjectFactory(), enrolment_date=JAN, **fields
    )

    with pytest.raises(ValidationError) as error:
        trajectory.full_clean()

    assert message in " ".join(error.value.messages)


def test_the_database_refuses_an_end_before_the_start_even_without_validation():
    trajectory = TrajectoryFactory(enrolment_date=JAN, start_date=JAN)
    trajectory.end_date = JAN - dt.timedelta(days=3)
    trajectory.outcome = "diploma"

    with pytest.raises(IntegrityError), transaction.atomic():
        trajectory.save()


def test_unknown_outcome_code_is_refused():
    trajectory = TrajectoryFactory(enrolment_date=JAN, start_date=JAN)
    trajectory.end_date, trajectory.outcome = JAN, "geslaagd"

    with pytest.raises(ValidationError):
        trajectory.full_clean()


def test_cohort_of_another_project_is_refused():
    trajectory = TrajectoryFactory(cohort=None)
    trajectory.cohort = CohortFactory()

    with pytest.raises(ValidationError) as error:
        trajectory.full_clean()

    assert "Deze groep hoort bij een ander project." in error.value.messages


def test_duplicate_found_by_name_and_birth_date_ignoring_case_and_accents(huizen):
    existing = ParticipantFactory(
        first_name="Zoë",
        last_name="de Vries",
        date_of_birth=dt.date(1990, 1, 2),
        municipality=huizen,
    )

    found = participant_duplicates(
        first_name="ZOE", last_name="De  vries", date_of_birth=dt.date(1990, 1, 2)
    )

    assert found == [existing]


def test_duplicate_found_by_municipality_and_client_number(huizen):
    existing = ParticipantFactory(municipality=huizen, client_number="H-77")

    found = participant_duplicates(
        first_name="Ander",
        last_name="Persoon",
        date_of_birth=dt.date(1970, 1, 1),
        municipality=huizen,
        client_number="H-77",
    )

    assert found == [existing]


def test_same_name_with_another_birth_date_is_another_person(huizen):
    ParticipantFactory(first_name="Jan", last_name="Jansen", date_of_birth=dt.date(1980, 1, 1))

    assert not participant_duplicates(
        first_name="Jan", last_name="Jansen", date_of_birth=dt.date(1981, 1, 1)
    )


def test_same_client_number_in_another_municipality_is_another_person(huizen, laren):
    ParticipantFactory(municipality=huizen, client_number="77")

    assert not participant_duplicates(
        first_name="X",
        last_name="Y",
        date_of_birth=dt.date(1970, 1, 1),
        municipality=laren,
        client_number="77",
    )


def test_age_groups_are_derived_from_the_birth_date_not_stored():
    participant = ParticipantFactory.build(date_of_birth=dt.date(2000, 6, 15))

    assert participant.age_on(dt.date(2025, 6, 14)) == 24
    assert participant.age_on(dt.date(2025, 6, 15)) == 25
