"""Billing rule 10: a trajectory in a group is priced by the group's option; a planned
group's participants are billed once it has started; a cancelled group's never."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.selectors import run_preview
from participants.services import cohort_cancel, cohort_start
from projects.models import Cohort
from projects.services import cohort_save
from tests.billing.financing_helpers import AFTER_Q1_2026, municipality, started
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2026-Q1")


@pytest.fixture
def options():
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    agreement = AgreementFactory(project=project, year=2026)
    default = TariffOptionFactory(
        agreement=agreement, label="15", price_per_participant=Decimal("6838.00")
    )
    chosen = TariffOptionFactory(
        agreement=agreement,
        label="10",
        price_per_participant=Decimal("4000.00"),
        min_group_size=1,
        is_default=False,
    )
    return default, chosen


def group(option):
    return cohort_save(
        cohort=Cohort(
            project=option.agreement.project,
            tariff_option=option,
            name="Klas februari",
            start_date=dt.date(2026, 2, 2),
        )
    )


def test_planned_groups_participants_are_not_billed(options):
    cohort = group(options[1])
    started(cohort.project, municipality("Huizen"), cohort=cohort)

    assert run_preview(period=Q1, today=AFTER_Q1_2026).invoices == []


def test_started_groups_participants_are_billed_at_the_groups_option(options, coordinator):
    cohort = group(options[1])
    started(cohort.project, municipality("Huizen"), cohort=cohort)
    cohort_start(user=coordinator, cohort=cohort)

    [invoice] = run_preview(period=Q1, today=AFTER_Q1_2026).invoices

    assert [line.amount for line in invoice.lines] == [Decimal("4000.00")]


def test_cancelled_groups_trajectories_are_never_billed(options, coordinator):
    cohort = group(options[1])
    started(cohort.project, municipality("Huizen"), cohort=cohort)
    cohort_cancel(user=coordinator, cohort=cohort, reason="geen docent")

    preview = run_preview(period=Period.parse("2026"), today=dt.date(2027, 1, 15))

    assert preview.invoices == [] and preview.settlements == []
