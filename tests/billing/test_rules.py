"""The billing rules of shared/domain.md, one behaviour per test."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Invoice, InvoiceLine
from billing.selectors import run_preview
from billing.services import issue_run
from participants.services import trajectory_withdraw
from tests.billing.conftest import AFTER_Q1
from tests.factories import CohortFactory, ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
Q2 = Period.parse("2025-Q2")


def started(project, municipality, day=dt.date(2025, 2, 3), **kwargs):
    participant = kwargs.pop("participant", None) or ParticipantFactory(municipality=municipality)
    return TrajectoryFactory(
        participant=participant,
        project=project,
        municipality_at_start=municipality,
        enrolment_date=day - dt.timedelta(days=7),
        start_date=day,
        **kwargs,
    )


def test_enrolment_that_never_started_is_not_billed(wijkleerbedrijf, huizen):
    TrajectoryFactory(project=wijkleerbedrijf, participant=ParticipantFactory(municipality=huizen))

    assert run_preview(period=Q1, today=AFTER_Q1).invoices == []


def test_started_trajectory_is_billed_at_the_price_of_its_start_date(wijkleerbedrijf, huizen):
    started(wijkleerbedrijf, huizen)

    [invoice] = run_preview(period=Q1, today=AFTER_Q1).invoices

    assert invoice.municipality == huizen
    assert [line.amount for line in invoice.lines] == [Decimal("4000.00")]


def test_dropout_after_start_is_billed_in_full(wijkleerbedrijf, huizen):
    started(wijkleerbedrijf, huizen, end_date=dt.date(2025, 2, 20), outcome="gestopt")

    [invoice] = run_preview(period=Q1, today=AFTER_Q1).invoices

    assert invoice.total == Decimal("4000.00")


def test_withdrawn_trajectory_is_not_billed(wijkleerbedrijf, huizen, coordinator):
    trajectory = started(wijkleerbedrijf, huizen)
    trajectory_withdraw(user=coordinator, trajectory=trajectory, reason="Nooit begonnen")

    assert run_preview(period=Q1, today=AFTER_Q1).invoices == []


def test_zero_price_makes_no_line_and_no_invoice(zorgstart, huizen):
    started(zorgstart, huizen)

    assert run_preview(period=Q1, today=AFTER_Q1).invoices == []


def test_moved_participant_is_billed_to_the_municipality_at_start(wijkleerbedrijf, huizen, laren):
    participant = ParticipantFactory(municipality=laren)  # lives in Laren now
    started(wijkleerbedrijf, huizen, participant=participant)

    [invoice] = run_preview(period=Q1, today=AFTER_Q1).invoices

    assert invoice.municipality == huizen


def test_one_invoice_per_municipality(wijkleerbedrijf, huizen, laren):
    started(wijkleerbedrijf, huizen)
    started(wijkleerbedrijf, huizen)
    started(wijkleerbedrijf, laren)

    invoices = run_preview(period=Q1, today=AFTER_Q1).invoices

    assert [(i.municipality.name, len(i.lines), i.total) for i in invoices] == [
        ("Huizen", 2, Decimal("8000.00")),
        ("Laren", 1, Decimal("4000.00")),
    ]


def test_trajectory_starting_after_the_period_waits_for_its_period(wijkleerbedrijf, huizen):
    started(wijkleerbedrijf, huizen, day=dt.date(2025, 4, 2))

    assert run_preview(period=Q1, today=AFTER_Q1).invoices == []


def test_cohort_tariff_option_wins_over_the_default(wijkleerbedrijf, huizen):
    from tests.factories import TariffOptionFactory

    option = TariffOptionFactory(
        agreement=wijkleerbedrijf.agreements.get(year=2025),
        label="Vanaf 15",
        price_per_participant=Decimal("6838.00"),
        is_default=False,
    )
    cohort = CohortFactory(tariff_option=option, project=wijkleerbedrijf)
    started(wijkleerbedrijf, huizen, cohort=cohort)

    [invoice] = run_preview(period=Q1, today=AFTER_Q1).invoices

    assert invoice.total == Decimal("6838.00")


def test_second_run_of_the_same_period_bills_nothing(wijkleerbedrijf, huizen, coordinator):
    started(wijkleerbedrijf, huizen)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    with pytest.raises(ValidationError):
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert InvoiceLine.objects.count() == 1


def test_late_registration_is_billed_in_next_run(wijkleerbedrijf, huizen, coordinator):
    started(wijkleerbedrijf, huizen)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    late = started(wijkleerbedrijf, huizen, day=dt.date(2025, 3, 20))  # entered after the Q1 run

    issue_run(period=Q2, user=coordinator, today=dt.date(2025, 7, 10))

    assert InvoiceLine.objects.get(trajectory=late).invoice.period == "2025-Q2"


def test_numbers_are_sequential_per_year_of_issue(wijkleerbedrijf, huizen, laren, coordinator):
    started(wijkleerbedrijf, huizen)
    started(wijkleerbedrijf, laren)
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    started(wijkleerbedrijf, laren, day=dt.date(2025, 5, 5))
    issue_run(period=Q2, user=coordinator, today=dt.date(2025, 7, 10))

    assert list(Invoice.objects.order_by("sequence").values_list("number", flat=True)) == [
        "2025-0001",
        "2025-0002",
        "2025-0003",
    ]


def test_numbering_starts_again_in_a_new_year_of_issue(wijkleerbedrijf, huizen, coordinator):
    started(wijkleerbedrijf, huizen, day=dt.date(2025, 11, 3))

    issue_run(period=Period.parse("2025-Q4"), user=coordinator, today=dt.date(2026, 1, 8))

    assert Invoice.objects.get().number == "2026-0001"


def test_period_not_yet_over_is_refused(wijkleerbedrijf, huizen, coordinator):
    started(wijkleerbedrijf, huizen)

    with pytest.raises(ValidationError) as error:
        issue_run(period=Q1, user=coordinator, today=dt.date(2025, 3, 31))

    assert "nog niet voorbij" in " ".join(error.value.messages)
    assert not Invoice.objects.exists()


def test_trajectory_without_tariff_blocks_issuing_and_is_listed(
    wijkleerbedrijf, huizen, coordinator
):
    from tests.factories import ProjectFactory

    untariffed = started(ProjectFactory(name="Nieuw"), huizen)
    started(wijkleerbedrijf, huizen)

    preview = run_preview(period=Q1, today=AFTER_Q1)
    with pytest.raises(ValidationError):
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert [a.trajectory for a in preview.attention] == [untariffed]
    assert not Invoice.objects.exists()


def test_invoice_lines_carry_no_full_name_or_birth_date(wijkleerbedrijf, huizen, coordinator):
    participant = ParticipantFactory(
        first_name="Sanne",
        last_name="de Vries",
        date_of_birth=dt.date(1995, 3, 4),
        municipality=huizen,
    )
    started(wijkleerbedrijf, huizen, participant=participant)

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert InvoiceLine.objects.get().participant_reference == "S.d.V. (1995)"


def test_klantnummer_is_the_reference_when_known(wijkleerbedrijf, huizen, coordinator):
    started(
        wijkleerbedrijf,
        huizen,
        participant=ParticipantFactory(municipality=huizen, client_number="H-12"),
    )

    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)

    assert InvoiceLine.objects.get().participant_reference == "H-12"
