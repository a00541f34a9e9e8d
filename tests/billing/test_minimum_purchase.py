"""Billing rule 11: a group that starts below its option's minimum bills the shortfall once,
in the run that first bills its participants, split per municipality by largest remainder."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.constants import LineKind
from billing.models import BilledShortfall, InvoiceLine, InvoiceRun
from billing.selectors import run_preview, split_by_largest_remainder
from billing.services import issue_run
from participants.services import cohort_start
from projects.models import Cohort
from projects.services import cohort_save, tariff_price_add
from tests.billing.financing_helpers import AFTER_Q1_2026, municipality, started
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2026-Q1")
Q2 = Period.parse("2026-Q2")
AFTER_Q2 = dt.date(2026, 7, 15)


@pytest.fixture
def option():
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    return TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2026),
        label="Minimaal 10",
        price_per_participant=Decimal("4000.00"),
        min_group_size=10,
    )


def started_group(option, user, members, *, reason="Uitvoerder start toch"):
    """A group with ``members`` (municipality per participant) that started below minimum."""
    cohort = cohort_save(
        cohort=Cohort(
            project=option.agreement.project,
            tariff_option=option,
            name="Klas februari",
            start_date=dt.date(2026, 2, 2),
        )
    )
    for where in members:
        started(cohort.project, where, day=dt.date(2026, 2, 2), cohort=cohort)
    return cohort_start(user=user, cohort=cohort, reason=reason)


def shortfall_lines(preview):
    return {
        draft.municipality.name: line.amount
        for draft in preview.invoices
        for line in draft.lines
        if line.kind == LineKind.SHORTFALL
    }


def test_split_of_1000_over_three_equal_municipalities_gives_the_cent_alphabetically():
    a, b, c = municipality("Laren"), municipality("Blaricum"), municipality("Huizen")

    shares = split_by_largest_remainder(total=Decimal("1000.00"), weights={a: 1, b: 1, c: 1})

    assert shares == {b: Decimal("333.34"), c: Decimal("333.33"), a: Decimal("333.33")}


def test_split_gives_the_left_over_cents_to_the_largest_fractions():
    a, b, c = municipality("Blaricum"), municipality("Huizen"), municipality("Laren")

    # 100.00 by 1:2:4 → 14.2857… / 28.5714… / 57.1428…: floors 14.28 + 28.57 + 57.14 = 99.99,
    # the cent goes to the largest fraction (Blaricum's .57, against .14 and .28 of a cent).
    shares = split_by_largest_remainder(total=Decimal("100.00"), weights={a: 1, b: 2, c: 4})

    assert shares == {a: Decimal("14.29"), b: Decimal("28.57"), c: Decimal("57.14")}
    assert sum(shares.values()) == Decimal("100.00")


def test_split_always_adds_up_to_the_total():
    places = [municipality(n) for n in ("Blaricum", "Eemnes", "Huizen", "Laren", "Wijdemeren")]

    for total in ("0.01", "0.07", "999.99", "41028.00", "100000.00"):
        shares = split_by_largest_remainder(
            total=Decimal(total), weights=dict(zip(places, (3, 1, 7, 2, 5), strict=True))
        )
        assert sum(shares.values()) == Decimal(total)


def test_group_started_below_minimum_bills_the_shortfall_per_municipality(option, coordinator):
    huizen, laren = municipality("Huizen"), municipality("Laren")
    started_group(option, coordinator, [huizen, huizen, laren, laren, laren, laren])

    # (10 − 6) × € 4.000 = € 16.000 over 2 : 4 participants.
    assert shortfall_lines(run_preview(period=Q1, today=AFTER_Q1_2026)) == {
        "Huizen": Decimal("5333.33"),
        "Laren": Decimal("10666.67"),
    }


def test_shortfall_of_1000_over_three_municipalities_with_one_participant_each(coordinator):
    project = ProjectFactory(name="Regiotrainingen", slug="regiotrainingen")
    option = TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2026),
        price_per_participant=Decimal("250.00"),
        min_group_size=7,
    )
    started_group(
        option,
        coordinator,
        [municipality("Laren"), municipality("Blaricum"), municipality("Eemnes")],
    )

    # (7 − 3) × € 250 = € 1.000: € 333,34 to Blaricum (alphabetically first of the tie).
    assert shortfall_lines(run_preview(period=Q1, today=AFTER_Q1_2026)) == {
        "Blaricum": Decimal("333.34"),
        "Eemnes": Decimal("333.33"),
        "Laren": Decimal("333.33"),
    }


def test_group_at_its_minimum_bills_no_shortfall(option, coordinator):
    huizen = municipality("Huizen")
    started_group(option, coordinator, [huizen] * 10, reason="")

    assert shortfall_lines(run_preview(period=Q1, today=AFTER_Q1_2026)) == {}


def test_shortfall_is_billed_once_in_the_run_that_first_bills_the_group(option, coordinator):
    huizen = municipality("Huizen")
    started_group(option, coordinator, [huizen] * 6)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)

    assert BilledShortfall.objects.get().amount == Decimal("16000.00")
    assert run_preview(period=Q2, today=AFTER_Q2).invoices == []


def test_late_joiner_is_billed_at_the_price_and_changes_nothing_already_billed(option, coordinator):
    huizen, laren = municipality("Huizen"), municipality("Laren")
    cohort = started_group(option, coordinator, [huizen] * 6)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)
    billed = list(InvoiceLine.objects.values_list("kind", "amount"))
    started(cohort.project, laren, day=dt.date(2026, 4, 6), cohort=cohort)

    [invoice] = run_preview(period=Q2, today=AFTER_Q2).invoices

    assert [(line.kind, line.amount) for line in invoice.lines] == [
        (LineKind.TRAJECTORY, Decimal("4000.00"))
    ]
    assert list(InvoiceLine.objects.values_list("kind", "amount")) == billed


def test_shortfall_is_priced_on_the_groups_start_date(option, coordinator):
    tariff_price_add(option=option, valid_from=dt.date(2026, 2, 3), price=Decimal("5000.00"))
    huizen = municipality("Huizen")
    started_group(option, coordinator, [huizen] * 9)

    # The group started on 2 February, at € 4.000; the new price holds from the 3rd.
    assert shortfall_lines(run_preview(period=Q1, today=AFTER_Q1_2026)) == {
        "Huizen": Decimal("4000.00")
    }


def test_planned_group_bills_no_shortfall(option):
    cohort = cohort_save(
        cohort=Cohort(
            project=option.agreement.project,
            tariff_option=option,
            name="Klas",
            start_date=dt.date(2026, 2, 2),
        )
    )
    started(cohort.project, municipality("Huizen"), day=dt.date(2026, 2, 2), cohort=cohort)

    assert shortfall_lines(run_preview(period=Q1, today=AFTER_Q1_2026)) == {}


def test_preview_explains_each_shortfall_in_one_sentence(option, coordinator):
    started_group(option, coordinator, [municipality("Huizen")] * 6)

    [sentence] = run_preview(period=Q1, today=AFTER_Q1_2026).explanations

    # format_euro keeps the sign with the amount by a non-breaking space.
    assert sentence.replace("\u00a0", " ") == (
        "Minimale afname Klas februari (Wijkleerbedrijf): gestart met 6 van minimaal 10 "
        "deelnemers, dus 4 × € 4.000,00 = € 16.000,00, verdeeld naar gestarte deelnemers "
        "(Huizen 6)."
    )


def test_database_refuses_a_second_shortfall_mark_for_a_group(option, coordinator):
    cohort = started_group(option, coordinator, [municipality("Huizen")] * 6)
    run = issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)
    other = InvoiceRun.objects.create(period="2026-Q2", issued_at=run.issued_at)

    with pytest.raises(IntegrityError), transaction.atomic():
        BilledShortfall.objects.create(cohort=cohort, run=other, amount=Decimal("1.00"))
