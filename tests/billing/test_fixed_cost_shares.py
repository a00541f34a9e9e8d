"""Billing rule 12: an agreement's fixed project costs are shared by its sharing rule, billed
once in the first run whose period contains 31 December of its year (or a later one)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from billing.constants import LineKind
from billing.models import BilledShare, InvoiceRun
from billing.selectors import run_preview
from billing.services import issue_run
from participants.services import cohort_start
from projects.constants import CostSharing
from projects.models import Agreement, Cohort, MunicipalityInhabitants, TariffOption
from projects.services import agreement_save, cohort_save
from tests.billing.financing_helpers import AFTER_2026, municipality, started
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026-Q3")
Q4 = Period.parse("2026-Q4")
Q1_2027 = Period.parse("2027-Q1")
AFTER_Q3 = dt.date(2026, 10, 15)
AFTER_Q1_2027 = dt.date(2027, 4, 15)


def agreement_with_costs(rule, costs="1000.00"):
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    agreement = AgreementFactory(
        project=project, year=2026, joint_project_costs=Decimal(costs), cost_sharing=rule
    )
    TariffOptionFactory(agreement=agreement, price_per_participant=Decimal("0.00"))
    return agreement


def share_lines(preview):
    return {
        draft.municipality.name: line.amount
        for draft in preview.invoices
        for line in draft.lines
        if line.kind == LineKind.SHARE
    }


def test_central_costs_are_not_invoiced():
    agreement = agreement_with_costs(CostSharing.CENTRAL)
    started(agreement.project, municipality("Huizen"), day=dt.date(2026, 3, 2))

    assert share_lines(run_preview(period=Q4, today=AFTER_2026)) == {}


def test_share_by_participants_is_billed_once_in_the_q4_run(coordinator):
    agreement = agreement_with_costs(CostSharing.BY_PARTICIPANTS)
    huizen, laren = municipality("Huizen"), municipality("Laren")
    started(agreement.project, huizen, day=dt.date(2026, 3, 2))
    started(agreement.project, laren, day=dt.date(2026, 3, 2))
    started(agreement.project, laren, day=dt.date(2026, 11, 2))

    assert share_lines(run_preview(period=Q4, today=AFTER_2026)) == {
        "Huizen": Decimal("333.33"),
        "Laren": Decimal("666.67"),
    }
    issue_run(period=Q4, user=coordinator, today=AFTER_2026)
    assert BilledShare.objects.get().agreement == agreement
    assert share_lines(run_preview(period=Q1_2027, today=AFTER_Q1_2027)) == {}


def test_share_is_not_billed_in_a_run_before_31_december():
    agreement = agreement_with_costs(CostSharing.BY_PARTICIPANTS)
    started(agreement.project, municipality("Huizen"), day=dt.date(2026, 3, 2))

    assert share_lines(run_preview(period=Q3, today=AFTER_Q3)) == {}


def test_later_run_catches_up_a_share_not_yet_billed():
    agreement = agreement_with_costs(CostSharing.BY_PARTICIPANTS)
    started(agreement.project, municipality("Huizen"), day=dt.date(2026, 3, 2))

    assert share_lines(run_preview(period=Q1_2027, today=AFTER_Q1_2027)) == {
        "Huizen": Decimal("1000.00")
    }


def test_share_by_inhabitants_refuses_to_bill_until_the_inhabitants_are_entered():
    agreement_with_costs(CostSharing.BY_INHABITANTS)
    municipality("Huizen")

    preview = run_preview(period=Q4, today=AFTER_2026)

    assert not preview.can_issue
    assert any("inwonertal per 1 januari 2026 ontbreekt" in r for r in preview.refusals)


def test_share_by_inhabitants_splits_by_the_inhabitants_on_1_january():
    agreement_with_costs(CostSharing.BY_INHABITANTS)
    for name, inhabitants in (("Blaricum", 1), ("Huizen", 1), ("Laren", 1)):
        MunicipalityInhabitants.objects.create(
            municipality=municipality(name), year=2026, inhabitants=inhabitants
        )

    assert share_lines(run_preview(period=Q4, today=AFTER_2026)) == {
        "Blaricum": Decimal("333.34"),
        "Huizen": Decimal("333.33"),
        "Laren": Decimal("333.33"),
    }


def test_fixed_split_shares_by_the_percentages():
    agreement = agreement_with_costs(CostSharing.CENTRAL)
    huizen, laren = municipality("Huizen"), municipality("Laren")
    agreement.cost_sharing = CostSharing.FIXED
    agreement_save(
        agreement=agreement,
        tariff_options=list(agreement.tariff_options.all()),
        percentages={huizen: Decimal("25"), laren: Decimal("75")},
    )

    assert share_lines(run_preview(period=Q4, today=AFTER_2026)) == {
        "Huizen": Decimal("250.00"),
        "Laren": Decimal("750.00"),
    }


def test_fixed_split_that_does_not_add_up_to_100_is_refused():
    agreement = agreement_with_costs(CostSharing.CENTRAL)
    agreement.cost_sharing = CostSharing.FIXED

    with pytest.raises(ValidationError, match="tellen op tot 90,00%"):
        agreement_save(
            agreement=agreement,
            tariff_options=list(agreement.tariff_options.all()),
            percentages={municipality("Huizen"): Decimal("40"), municipality("Laren"): 50},
        )


def test_project_costs_of_an_option_chosen_by_a_started_group_are_shared(coordinator):
    agreement = agreement_with_costs(CostSharing.BY_PARTICIPANTS, costs="0.00")
    option = TariffOption.objects.create(
        agreement=agreement,
        label="€ 100.000 projectkosten + € 4.000 p.p.",
        price_per_participant=Decimal("0.00"),
        project_costs=Decimal("100000.00"),
    )
    cohort = cohort_save(
        cohort=Cohort(
            project=agreement.project,
            tariff_option=option,
            name="Klas",
            start_date=dt.date(2026, 2, 2),
        )
    )
    started(agreement.project, municipality("Huizen"), day=dt.date(2026, 2, 2), cohort=cohort)
    cohort_start(user=coordinator, cohort=cohort)

    assert share_lines(run_preview(period=Q4, today=AFTER_2026)) == {"Huizen": Decimal("100000.00")}


def test_preview_explains_each_share_in_one_sentence():
    agreement = agreement_with_costs(CostSharing.BY_PARTICIPANTS)
    started(agreement.project, municipality("Huizen"), day=dt.date(2026, 3, 2))

    [sentence] = run_preview(period=Q4, today=AFTER_2026).explanations

    assert sentence.replace("\u00a0", " ") == (
        "Aandeel projectkosten Wijkleerbedrijf 2026: € 1.000,00, verdeeld naar deelnemers "
        "(gestarte trajecten: Huizen 1)."
    )


def test_preview_explains_a_fixed_split_without_repeating_the_rule():
    agreement = agreement_with_costs(CostSharing.CENTRAL)
    huizen, laren = municipality("Huizen"), municipality("Laren")
    agreement.cost_sharing = CostSharing.FIXED
    agreement_save(
        agreement=agreement,
        tariff_options=list(agreement.tariff_options.all()),
        percentages={huizen: Decimal("25"), laren: Decimal("75")},
    )

    [sentence] = run_preview(period=Q4, today=AFTER_2026).explanations

    assert sentence.replace("\u00a0", " ") == (
        "Aandeel projectkosten Wijkleerbedrijf 2026: € 1.000,00, verdeeld volgens een vaste "
        "verdeling (percentages: Huizen 25,00%, Laren 75,00%)."
    )


def test_database_refuses_a_second_share_mark_for_an_agreement(coordinator):
    agreement = agreement_with_costs(CostSharing.BY_PARTICIPANTS)
    started(agreement.project, municipality("Huizen"), day=dt.date(2026, 3, 2))
    run = issue_run(period=Q4, user=coordinator, today=AFTER_2026)
    other = InvoiceRun.objects.create(period="2027-Q1", issued_at=run.issued_at)

    with pytest.raises(IntegrityError), transaction.atomic():
        BilledShare.objects.create(
            agreement=Agreement.objects.get(), run=other, amount=Decimal("1.00")
        )
