"""The participation-budget ledger: budget, invoiced, committed, remaining; run warnings."""

import datetime as dt
from decimal import Decimal

import pytest

from billing.selectors import budget_warnings, ledger, run_preview
from billing.services import credit_invoice, issue_run, participation_budget_set
from tests.billing.conftest import AFTER_Q1
from tests.factories import ParticipantFactory, TrajectoryFactory
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")


def trajectory(project, municipality, *, enrolled, started=None):
    return TrajectoryFactory(
        participant=ParticipantFactory(municipality=municipality),
        project=project,
        municipality_at_start=municipality,
        enrolment_date=enrolled,
        start_date=started,
    )


def row_for(rows, municipality):
    return next(r for r in rows if r.municipality == municipality)


def test_ledger_weighs_invoiced_and_committed_against_the_budget(
    wijkleerbedrijf, huizen, coordinator
):
    participation_budget_set(municipality=huizen, year=2025, amount=Decimal("10000.00"))
    trajectory(wijkleerbedrijf, huizen, enrolled=dt.date(2025, 1, 6), started=dt.date(2025, 2, 3))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    trajectory(wijkleerbedrijf, huizen, enrolled=dt.date(2025, 5, 1))  # enrolled, not started
    trajectory(wijkleerbedrijf, huizen, enrolled=dt.date(2025, 5, 1), started=dt.date(2025, 5, 9))

    row = row_for(ledger(year=2025, user=coordinator), huizen)

    assert (row.budget, row.invoiced, row.committed, row.remaining) == (
        Decimal("10000.00"),
        Decimal("4000.00"),
        Decimal("8000.00"),
        Decimal("-2000.00"),
    )
    assert row.over_budget


def test_credit_notes_reduce_what_was_invoiced(wijkleerbedrijf, huizen, coordinator):
    trajectory(wijkleerbedrijf, huizen, enrolled=dt.date(2025, 1, 6), started=dt.date(2025, 2, 3))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    from billing.models import Invoice

    invoice = Invoice.objects.get()
    credit_invoice(
        invoice=invoice,
        line_ids=[invoice.lines.get().pk],
        rebill_ids=[],
        reason="x",
        user=coordinator,
    )

    assert row_for(ledger(year=2025, user=coordinator), huizen).invoiced == Decimal("0.00")


def test_gemeente_user_sees_only_its_own_ledger_row(huizen_user, huizen, laren):
    rows = ledger(year=2025, user=huizen_user)

    assert [r.municipality for r in rows] == [huizen]


def test_run_that_would_exceed_the_budget_warns(wijkleerbedrijf, huizen):
    participation_budget_set(municipality=huizen, year=2025, amount=Decimal("3000.00"))
    trajectory(wijkleerbedrijf, huizen, enrolled=dt.date(2025, 1, 6), started=dt.date(2025, 2, 3))

    warnings = budget_warnings(preview=run_preview(period=Q1, today=AFTER_Q1))

    assert len(warnings) == 1
    assert "Huizen" in warnings[0]


def test_negative_budget_is_refused(huizen):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        participation_budget_set(municipality=huizen, year=2025, amount=Decimal("-1.00"))


def test_coordinator_sets_a_budget_on_the_page(client_for, coordinator, huizen):
    response = client_for(coordinator).post(
        "/facturen/budget/2025/huizen/", {"amount": "125000,00", "note": "Raadsbesluit"}
    )

    assert response.status_code == 302
    assert huizen.participation_budgets.get(year=2025).amount == Decimal("125000.00")


def test_gemeente_user_cannot_set_a_budget(client_for, huizen_user, huizen):
    response = client_for(huizen_user).post("/facturen/budget/2025/huizen/", {"amount": "1"})

    assert response.status_code == 403
    assert not huizen.participation_budgets.exists()


def test_ledger_page_shows_the_rows(client_for, huizen_user, huizen):
    participation_budget_set(municipality=huizen, year=2025, amount=Decimal("50000.00"))

    content = client_for(huizen_user).get("/facturen/budget/2025/").content.decode()

    assert "€\u00a050.000,00" in content


@pytest.mark.parametrize("path", ["/facturen/budget/0/", "/facturen/budget/99999/huizen/"])
def test_a_year_out_of_range_answers_404(client_for, coordinator, huizen, path):
    assert client_for(coordinator).get(path).status_code == 404
