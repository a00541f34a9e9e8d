"""Gapless, unique numbers and no double billing when runs are issued at the same moment.

Needs real concurrent transactions, so it runs against PostgreSQL (as CI does); on SQLite the
database serialises writers anyway and the test is skipped.
"""

import datetime as dt
import random
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from billing.models import BilledTrajectory, Invoice
from billing.services import issue_run
from participants.models import Trajectory
from tests.factories import MunicipalityFactory, ParticipantFactory, TrajectoryFactory
from waw.periods import Period

TODAY = dt.date(2025, 7, 10)


class DeliberateRollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_give_unique_gapless_numbers_and_bill_each_trajectory_once(
    wijkleerbedrijf, coordinator
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    names = ["Hilversum", "Gooise Meren", "Huizen", "Wijdemeren", "Blaricum", "Laren", "Eemnes"]
    municipalities = [MunicipalityFactory(name=n, slug=n.lower().replace(" ", "-")) for n in names]
    rng = random.Random(7)
    for municipality in municipalities:
        for _ in range(4):
            start = dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 170))
            TrajectoryFactory(
                participant=ParticipantFactory(municipality=municipality),
                project=wijkleerbedrijf,
                municipality_at_start=municipality,
                enrolment_date=start - dt.timedelta(days=3),
                start_date=start,
            )
    periods = ["2025-Q1", "2025-Q2"] * 4
    rollback = [i % 3 == 0 for i in range(len(periods))]  # some transactions undone on purpose
    barrier = threading.Barrier(len(periods))
    outcomes = []

    def worker(period, undo):
        try:
            barrier.wait()
            try:
                with transaction.atomic():
                    run = issue_run(period=Period.parse(period), user=coordinator, today=TODAY)
                    if undo:
                        raise DeliberateRollback
                    outcomes.append(("issued", run.invoices.count()))
            except DeliberateRollback:
                outcomes.append(("rolled back", 0))
            except ValidationError:
                outcomes.append(("nothing to bill", 0))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=a) for a in zip(periods, rollback, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    sequences = sorted(Invoice.objects.filter(year=2025).values_list("sequence", flat=True))
    assert len(outcomes) == len(periods)
    assert sequences == list(range(1, len(sequences) + 1))  # no gap, no duplicate
    assert sum(n for what, n in outcomes if what == "issued") == len(sequences)
    assert BilledTrajectory.objects.count() == Trajectory.objects.count() == 28
    assert Invoice.objects.values("municipality", "run").distinct().count() == len(sequences)
