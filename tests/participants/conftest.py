import datetime as dt
from dataclasses import dataclass

import pytest

from audit.constants import AccessAction
from audit.services import access_record
from billing.services import issue_run
from participants.services import participant_save
from tests.factories import (
    AgreementFactory,
    CohortFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.periods import Period


@dataclass
class Move:
    """A participant who moved from ``former`` to ``current``: one trajectory paid by each."""

    participant: object
    former_trajectory: object
    current_trajectory: object
    former_client_number: str
    current_client_number: str


def _move(*, first_name, last_name, born, former, current, former_number, current_number,
          project, former_reader, group=None):  # fmt: skip
    participant = ParticipantFactory(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=born,
        municipality=former,
        client_number=former_number,
    )
    former_trajectory = TrajectoryFactory(
        participant=participant,
        project=project,
        enrolment_date=dt.date(2025, 1, 6),
        start_date=dt.date(2025, 2, 3),
        # Ended before the new enrolment: one running trajectory per participant and project.
        end_date=dt.date(2025, 4, 11),
        outcome="gestopt",
        notes=f"notitie-van-{former.slug}",
        cohort=group,
    )
    access_record(user=former_reader, obj=participant, action=AccessAction.VIEW)
    participant.municipality = current
    participant.client_number = current_number
    participant.is_refugee = True
    participant.benefit_type = "ww"
    participant_save(participant=participant)
    current_trajectory = TrajectoryFactory(
        participant=participant,
        project=project,
        municipality_at_start=current,
        enrolment_date=dt.date(2025, 4, 14),
        notes=f"notitie-van-{current.slug}",
        cohort=group,
    )
    return Move(participant, former_trajectory, current_trajectory, former_number, current_number)


@pytest.fixture
def moves(huizen, laren, coordinator, huizen_case_manager, laren_case_manager):
    """Two people who moved between Huizen and Laren, one each way, with a trajectory paid by
    each municipality; the former one viewed the record before the move."""
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    option = TariffOptionFactory(agreement=AgreementFactory(project=project, year=2025))
    # Both in one group, so the group pages are walked with people of both municipalities.
    group = CohortFactory(tariff_option=option, name="Klas 2025")
    to_laren = _move(
        first_name="Mees", last_name="Verhuisd", born=dt.date(1977, 11, 23),
        former=huizen, current=laren, former_number="HU-555001", current_number="LA-777001",
        project=project, former_reader=huizen_case_manager, group=group,
    )  # fmt: skip
    to_huizen = _move(
        first_name="Roos", last_name="Omgezet", born=dt.date(1969, 8, 14),
        former=laren, current=huizen, former_number="LA-555002", current_number="HU-888002",
        project=project, former_reader=laren_case_manager, group=group,
    )  # fmt: skip
    return {"to_laren": to_laren, "to_huizen": to_huizen}


@pytest.fixture
def billed_moves(moves, coordinator):
    """``moves``, with both former trajectories invoiced after the moves (2025-Q1)."""
    issue_run(period=Period.parse("2025-Q1"), user=coordinator, today=dt.date(2025, 4, 15))
    return moves
