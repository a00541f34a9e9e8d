"""The participation-budget ledger under billing rules 8–12: committed at the price in force,
settled trajectories not committed, minimum purchases and shares counted until invoiced."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.selectors import committed_by_municipality, invoiced_by_municipality
from billing.services import issue_run
from participants.services import cohort_start
from projects.constants import CostSharing
from projects.models import Cohort, TariffOption
from projects.services import cohort_save, tariff_price_add
from tests.billing.financing_helpers import (
    AFTER_2026,
    AFTER_Q1_2026,
    municipality,
    project_with_option,
    started,
)
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db


def test_ledger_commits_a_trajectory_at_the_price_in_force_on_its_start_date():
    huizen = municipality("Huizen")
    project = project_with_option(price="100.00")
    tariff_price_add(
        option=TariffOption.objects.get(agreement__project=project),
        valid_from=dt.date(2026, 3, 1),
        price=Decimal("250.00"),
    )
    started(project, huizen, day=dt.date(2026, 3, 2))

    assert committed_by_municipality(year=2026) == {huizen.pk: Decimal("250.00")}


def test_ledger_does_not_commit_a_trajectory_settled_at_zero(coordinator):
    huizen = municipality("Huizen")
    started(project_with_option(price="0.00"), huizen)
    issue_run(period=Period.parse("2026-Q1"), user=coordinator, today=AFTER_Q1_2026)

    assert huizen.pk not in committed_by_municipality(year=2026)


def test_ledger_counts_a_groups_shortfall_as_committed_then_as_invoiced(coordinator):
    huizen = municipality("Huizen")
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    option = TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2026),
        price_per_participant=Decimal("4000.00"),
        min_group_size=3,
    )
    cohort = cohort_save(
        cohort=Cohort(
            project=project, tariff_option=option, name="Klas", start_date=dt.date(2026, 2, 2)
        )
    )
    started(project, huizen, day=dt.date(2026, 2, 2), cohort=cohort)
    cohort_start(user=coordinator, cohort=cohort, reason="toch")

    # One participant at € 4.000 and a shortfall of 2 × € 4.000.
    assert committed_by_municipality(year=2026) == {huizen.pk: Decimal("12000.00")}
    issue_run(period=Period.parse("2026-Q1"), user=coordinator, today=AFTER_Q1_2026)
    assert committed_by_municipality(year=2026).get(huizen.pk, Decimal("0.00")) == Decimal("0")
    assert invoiced_by_municipality(year=2026) == {huizen.pk: Decimal("12000.00")}


def test_ledger_counts_a_due_share_of_fixed_costs_as_committed_then_as_invoiced(coordinator):
    huizen = municipality("Huizen")
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    agreement = AgreementFactory(
        project=project,
        year=2026,
        joint_project_costs=Decimal("1000.00"),
        cost_sharing=CostSharing.BY_PARTICIPANTS,
    )
    TariffOptionFactory(agreement=agreement, price_per_participant=Decimal("0.00"))
    started(project, huizen, day=dt.date(2026, 3, 2))

    assert committed_by_municipality(year=2026) == {huizen.pk: Decimal("1000.00")}
    issue_run(period=Period.parse("2026-Q4"), user=coordinator, today=AFTER_2026)
    assert invoiced_by_municipality(year=2026) == {huizen.pk: Decimal("1000.00")}
