"""Billing rules 10 and 11 for groups: a group's option, start date and status, the start
decision (minimum or a reason) and cancelling with its trajectories withdrawn."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from participants.services import cohort_cancel, cohort_start, trajectory_start
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
def option():
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    return TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2026),
        label="Minimaal 3",
        price_per_participant=Decimal("6838.00"),
        min_group_size=3,
    )


def planned(option, **kwargs):
    kwargs.setdefault("name", "Klas februari")
    kwargs.setdefault("start_date", dt.date(2026, 2, 2))
    return cohort_save(
        cohort=Cohort(project=option.agreement.project, tariff_option=option, **kwargs)
    )


def member(cohort, *, started=True, **kwargs):
    return TrajectoryFactory(
        project=cohort.project,
        cohort=cohort,
        participant=ParticipantFactory(),
        enrolment_date=dt.date(2026, 1, 12),
        start_date=cohort.start_date if started else None,
        **kwargs,
    )


def test_new_group_is_planned(option):
    assert planned(option).status == CohortStatus.PLANNED


def test_group_option_of_another_project_is_refused(option):
    other = ProjectFactory()

    with pytest.raises(ValidationError, match="hoort bij een ander project"):
        cohort_save(
            cohort=Cohort(
                project=other, tariff_option=option, name="X", start_date=dt.date(2026, 2, 2)
            )
        )


def test_group_start_date_outside_the_agreement_year_is_refused(option):
    with pytest.raises(ValidationError, match="buiten het jaar van de afspraak"):
        planned(option, start_date=dt.date(2027, 2, 1))


def test_group_name_is_unique_within_its_project(option):
    planned(option)

    with pytest.raises(ValidationError, match="al een groep met deze naam"):
        planned(option)


def test_group_status_changes_only_by_a_decision(option):
    cohort = planned(option)
    cohort.status = CohortStatus.STARTED

    with pytest.raises(ValidationError, match="alleen met het besluit"):
        cohort_save(cohort=cohort)


def test_start_below_the_minimum_without_a_reason_is_refused(option, coordinator):
    cohort = planned(option)
    member(cohort)

    with pytest.raises(ValidationError, match="1 van minimaal 3"):
        cohort_start(user=coordinator, cohort=cohort)


def test_start_below_the_minimum_with_a_reason_keeps_the_reason(option, coordinator):
    cohort = planned(option)
    member(cohort)

    cohort_start(user=coordinator, cohort=cohort, reason="Uitvoerder start toch")

    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.STARTED
    assert cohort.decision_reason == "Uitvoerder start toch"
    assert cohort.decided_by == coordinator


def test_start_at_the_minimum_needs_no_reason(option, coordinator):
    cohort = planned(option)
    for _ in range(3):
        member(cohort)

    assert cohort_start(user=coordinator, cohort=cohort).status == CohortStatus.STARTED


def test_enrolled_but_not_started_participants_do_not_count_towards_the_minimum(
    option, coordinator
):
    cohort = planned(option)
    member(cohort)
    member(cohort, started=False)
    member(cohort, started=False)

    with pytest.raises(ValidationError, match="1 van minimaal 3"):
        cohort_start(user=coordinator, cohort=cohort)


def test_cancel_without_a_reason_is_refused(option, coordinator):
    with pytest.raises(ValidationError, match="reden"):
        cohort_cancel(user=coordinator, cohort=planned(option), reason=" ")


def test_cancel_withdraws_the_groups_trajectories_with_the_reason(option, coordinator):
    cohort = planned(option)
    trajectory = member(cohort, started=False)

    cohort_cancel(user=coordinator, cohort=cohort, reason="Te weinig aanmeldingen")

    trajectory.refresh_from_db()
    assert trajectory.is_withdrawn
    assert "Te weinig aanmeldingen" in trajectory.withdrawal_reason


def test_started_group_cannot_be_cancelled(option, coordinator):
    cohort = planned(option)
    cohort_start(user=coordinator, cohort=cohort, reason="toch")

    with pytest.raises(ValidationError, match="kan niet meer worden geannuleerd"):
        cohort_cancel(user=coordinator, cohort=cohort, reason="alsnog")


def test_cancelled_group_cannot_be_started(option, coordinator):
    cohort = planned(option)
    cohort_cancel(user=coordinator, cohort=cohort, reason="geen docent")

    with pytest.raises(ValidationError, match="kan niet meer worden gestart"):
        cohort_start(user=coordinator, cohort=cohort, reason="toch")


def test_trajectory_in_a_cancelled_group_cannot_be_started(option, coordinator):
    cohort = planned(option)
    cohort_cancel(user=coordinator, cohort=cohort, reason="geen docent")
    trajectory = TrajectoryFactory(project=cohort.project, enrolment_date=dt.date(2026, 1, 5))
    trajectory.cohort = cohort

    with pytest.raises(ValidationError, match="geannuleerd"):
        trajectory_start(user=coordinator, trajectory=trajectory, start_date=dt.date(2026, 2, 2))


def test_full_group_takes_no_more_trajectories(option, coordinator):
    cohort = planned(option, capacity=1)
    member(cohort, started=False)
    extra = TrajectoryFactory(project=cohort.project, enrolment_date=dt.date(2026, 1, 5))
    extra.cohort = cohort

    with pytest.raises(ValidationError, match="vol"):
        extra.full_clean()


def test_decided_group_keeps_its_start_date(option, coordinator):
    cohort = planned(option)
    cohort_start(user=coordinator, cohort=cohort, reason="toch")
    cohort.refresh_from_db()
    cohort.start_date = dt.date(2026, 3, 2)

    with pytest.raises(ValidationError, match="liggen daarmee vast"):
        cohort_save(cohort=cohort)
