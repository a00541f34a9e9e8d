"""Billing rules 11 and 12 under concurrency: a group's minimum purchase and an agreement's
share of fixed costs are billed once, also when runs race (the unique marks in the database
decide, not only a check in Python). Runs issued in different years of issue are not serialised
by the number series, so only the database stops the second. PostgreSQL only, as in
test_concurrency.py."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from billing.constants import LineKind
from billing.models import BilledShare, BilledShortfall, InvoiceLine
from billing.services import issue_run
from participants.services import cohort_start
from projects.constants import CostSharing
from projects.models import Cohort
from projects.services import cohort_save
from tests.billing.financing_helpers import municipality, started
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory
from waw.periods import Period


def race(period, todays):
    """Issue ``period`` once per day in ``todays``, all at the same moment."""
    barrier = threading.Barrier(len(todays))
    outcomes = []

    def worker(today):
        try:
            barrier.wait()
            try:
                issue_run(period=Period.parse(period), user=None, today=today)
                outcomes.append("issued")
            except ValidationError:
                outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(t,)) for t in todays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_racing_runs_bill_a_groups_minimum_purchase_once(coordinator):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    option = TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2026),
        price_per_participant=Decimal("4000.00"),
        min_group_size=10,
    )
    cohort = cohort_save(
        cohort=Cohort(
            project=project, tariff_option=option, name="Klas", start_date=dt.date(2026, 2, 2)
        )
    )
    for name in ("Huizen", "Laren", "Eemnes"):
        started(project, municipality(name), day=dt.date(2026, 2, 2), cohort=cohort)
    cohort_start(user=coordinator, cohort=cohort, reason="toch")

    outcomes = race("2026-Q1", [dt.date(2026, 12, 1), dt.date(2027, 1, 5), dt.date(2028, 1, 5)])

    assert sorted(outcomes) == ["issued", "refused", "refused"]
    assert BilledShortfall.objects.count() == 1
    shortfall = InvoiceLine.objects.filter(kind=LineKind.SHORTFALL)
    assert sum(shortfall.values_list("amount", flat=True)) == Decimal("28000.00")


@pytest.mark.django_db(transaction=True)
def test_racing_runs_bill_a_share_of_fixed_costs_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    agreement = AgreementFactory(
        project=project,
        year=2026,
        joint_project_costs=Decimal("1000.00"),
        cost_sharing=CostSharing.BY_PARTICIPANTS,
    )
    TariffOptionFactory(agreement=agreement, price_per_participant=Decimal("0.00"))
    for name in ("Huizen", "Laren", "Eemnes"):
        started(project, municipality(name), day=dt.date(2026, 3, 2))

    outcomes = race("2026-Q4", [dt.date(2027, 1, 5), dt.date(2028, 1, 5), dt.date(2029, 1, 5)])

    assert sorted(outcomes) == ["issued", "refused", "refused"]
    assert BilledShare.objects.count() == 1
    share = InvoiceLine.objects.filter(kind=LineKind.SHARE)
    assert sum(share.values_list("amount", flat=True)) == Decimal("1000.00")
