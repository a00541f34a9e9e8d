"""Billing rule 8: a tariff option's price holds from a date until its next price; the price
billed is the one in force on the start date; an applied price never changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.selectors import price_in_force, run_preview
from billing.services import issue_run
from projects import services as project_services
from projects.models import TariffOption, TariffPrice
from tests.billing.financing_helpers import (
    AFTER_Q1_2026,
    municipality,
    project_with_option,
    started,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2026-Q1")


def option_of(project):
    return TariffOption.objects.get(agreement__project=project)


def test_price_billed_is_the_one_in_force_on_the_start_date(coordinator):
    huizen = municipality("Huizen")
    project = project_with_option(name="Motopp", price="1000.00")
    project_services.tariff_price_add(
        option=option_of(project), valid_from=dt.date(2026, 3, 1), price=Decimal("2400.00")
    )
    started(project, huizen, day=dt.date(2026, 2, 27))
    started(project, huizen, day=dt.date(2026, 3, 1))

    [invoice] = run_preview(period=Q1, today=AFTER_Q1_2026).invoices

    assert sorted(line.amount for line in invoice.lines) == [
        Decimal("1000.00"),
        Decimal("2400.00"),
    ]


def test_price_holds_until_the_options_next_price():
    project = project_with_option(price="100.00")
    option = option_of(project)
    project_services.tariff_price_add(
        option=option, valid_from=dt.date(2026, 5, 1), price=Decimal("200.00")
    )
    project_services.tariff_price_add(
        option=option, valid_from=dt.date(2026, 9, 1), price=Decimal("300.00")
    )
    history = TariffOption.objects.get(pk=option.pk).price_history()

    prices = [
        price_in_force(history=history, day=dt.date(2026, month, 1)).price
        for month in (1, 4, 5, 8, 9, 12)
    ]

    assert prices == [
        Decimal(p) for p in ("100.00", "100.00", "200.00", "200.00", "300.00", "300.00")
    ]


def test_first_price_holds_from_first_january_of_the_agreement_year_by_default():
    project = project_with_option(price="100.00")

    history = option_of(project).price_history()

    assert history[0].valid_from == dt.date(2026, 1, 1)


def test_trajectory_starting_before_its_options_first_price_has_no_tariff(coordinator):
    project = project_with_option(price="100.00", price_from=dt.date(2026, 3, 1))
    started(project, municipality("Huizen"), day=dt.date(2026, 2, 3))

    preview = run_preview(period=Q1, today=AFTER_Q1_2026)

    assert preview.invoices == [] and len(preview.attention) == 1
    assert not preview.can_issue


def test_issuing_marks_the_applied_price_with_its_latest_start_date(coordinator):
    project = project_with_option(price="100.00")
    started(project, municipality("Huizen"), day=dt.date(2026, 2, 3))
    started(project, municipality("Laren"), day=dt.date(2026, 3, 9))

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)

    assert option_of(project).price_applied_until == dt.date(2026, 3, 9)


def test_applied_first_price_cannot_be_changed(coordinator):
    project = project_with_option(price="100.00")
    started(project, municipality("Huizen"))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)
    option = option_of(project)
    option.price_per_participant = Decimal("150.00")

    with pytest.raises(ValidationError, match="al toegepast"):
        project_services.agreement_save(agreement=option.agreement, tariff_options=[option])


def test_unapplied_first_price_can_be_corrected():
    project = project_with_option(price="100.00")
    option = option_of(project)
    option.price_per_participant = Decimal("150.00")

    project_services.agreement_save(agreement=option.agreement, tariff_options=[option])

    assert option_of(project).price_per_participant == Decimal("150.00")


def test_applied_later_price_cannot_be_removed(coordinator):
    project = project_with_option(price="100.00")
    later = project_services.tariff_price_add(
        option=option_of(project), valid_from=dt.date(2026, 2, 1), price=Decimal("200.00")
    )
    started(project, municipality("Huizen"), day=dt.date(2026, 2, 3))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)

    with pytest.raises(ValidationError, match="al toegepast"):
        project_services.tariff_price_remove(price=later)


def test_unapplied_later_price_can_be_removed():
    project = project_with_option(price="100.00")
    later = project_services.tariff_price_add(
        option=option_of(project), valid_from=dt.date(2026, 2, 1), price=Decimal("200.00")
    )

    project_services.tariff_price_remove(price=later)

    assert not TariffPrice.objects.exists()


def test_new_price_cannot_start_on_or_before_a_start_date_billed_at_the_price_before(
    coordinator,
):
    project = project_with_option(price="100.00")
    started(project, municipality("Huizen"), day=dt.date(2026, 3, 9))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)

    with pytest.raises(ValidationError, match="pas ingaan na 09-03-2026"):
        project_services.tariff_price_add(
            option=option_of(project), valid_from=dt.date(2026, 3, 1), price=Decimal("200.00")
        )


def test_new_price_after_the_billed_start_dates_is_accepted(coordinator):
    project = project_with_option(price="100.00")
    started(project, municipality("Huizen"), day=dt.date(2026, 3, 9))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)

    project_services.tariff_price_add(
        option=option_of(project), valid_from=dt.date(2026, 3, 10), price=Decimal("200.00")
    )

    assert [s.price for s in option_of(project).price_history()] == [
        Decimal("100.00"),
        Decimal("200.00"),
    ]


def test_new_price_outside_the_agreement_year_is_refused():
    project = project_with_option(price="100.00")

    with pytest.raises(ValidationError, match="datum in 2026"):
        project_services.tariff_price_add(
            option=option_of(project), valid_from=dt.date(2027, 1, 1), price=Decimal("200.00")
        )


def test_option_with_an_applied_price_cannot_be_removed(coordinator):
    project = project_with_option(price="100.00")
    started(project, municipality("Huizen"))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)
    option = option_of(project)
    spare = TariffOption.objects.create(
        agreement=option.agreement,
        label="Ander",
        price_per_participant=Decimal("1"),
    )
    spare.is_default = True
    option.is_default = False

    with pytest.raises(ValidationError, match="kan niet worden verwijderd"):
        project_services.agreement_save(
            agreement=option.agreement, tariff_options=[spare], removed_options=[option]
        )
