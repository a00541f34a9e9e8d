"""Two coordinators place the same referral at the same moment: one trajectory, one refusal.

Needs real concurrent transactions, so it runs against PostgreSQL (as CI does); on SQLite the
database serialises writers anyway and the test is skipped.
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from participants.constants import ReferralStatus
from participants.models import Participant, Referral, Trajectory
from participants.services import referral_place, referral_submit
from tests.factories import CohortFactory, UserFactory
from waw.roles import Role


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_placing_one_referral_at_once_make_one_trajectory(
    coordinator, huizen_case_manager
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    group = CohortFactory(status="planned")
    referral = referral_submit(
        user=huizen_case_manager,
        municipality=huizen_case_manager.municipality,
        project=group.project,
        cohort=group,
        first_name="Sanne",
        last_name="de Wit",
        date_of_birth=dt.date(1988, 4, 12),
        motivation="Past goed.",
    )
    coordinators = [coordinator, UserFactory(role=Role.COORDINATOR)] * 2
    barrier = threading.Barrier(len(coordinators))
    outcomes = []

    def worker(user):
        try:
            copy = Referral.objects.get(pk=referral.pk)
            barrier.wait()
            try:
                referral_place(user=user, referral=copy, cohort=group)
                outcomes.append("placed")
            except ValidationError as error:
                outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(user,)) for user in coordinators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    referral.refresh_from_db()
    assert sorted(outcomes) == ["Deze aanmelding is al geplaatst."] * 3 + ["placed"]
    assert Trajectory.objects.count() == Participant.objects.count() == 1
    assert referral.status == ReferralStatus.PLACED
