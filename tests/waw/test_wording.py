"""Wording: no double punctuation in the error summary, no double negative on the budget page,
one way of naming a person, and a success rate per municipality that is shown when it can be."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from billing.forms import IssueForm
from billing.selectors import LedgerRow
from monitor.selectors import COUNTS, suppress_small_cells
from tests.factories import MunicipalityFactory, UserFactory


def test_the_error_summary_does_not_put_a_colon_after_a_full_stop():
    form = IssueForm(data={"period": "2025-Q1"})
    form.is_valid()

    html = render_to_string("includes/form_errors.html", {"form": form})

    assert "uit.:" not in html
    assert "definitief uit</a>: Bevestig" in html


def test_a_budget_overrun_is_a_positive_amount_over_the_budget():
    row = LedgerRow(
        municipality=None,
        reference="",
        budget=Decimal("60000.00"),
        invoiced=Decimal("71800.00"),
        committed=Decimal("0.00"),
    )

    assert row.overrun == Decimal("11800.00")
    assert LedgerRow(None, "", Decimal("10"), Decimal("1"), Decimal("0")).overrun is None


@pytest.mark.django_db
def test_the_budget_page_says_how_much_over_the_budget_without_a_minus():
    huizen = MunicipalityFactory(name="Huizen", slug="huizen")
    row = LedgerRow(huizen, "", Decimal("60000.00"), Decimal("71800.00"), Decimal("0"))

    html = render_to_string(
        "billing/ledger.html", {"year": 2025, "rows": [row], "can_edit": False}
    )

    assert "€\u00a011.800,00 over het budget" in html
    assert "-11.800" not in html
    assert "overschreden" not in html


@pytest.mark.django_db
def test_the_audit_trail_names_a_user_as_the_history_does():
    from audit.selectors import changes_for, trail_rows
    from billing.models import InvoiceRun
    from waw.text import actor_label

    carla = UserFactory(username="coordinator", first_name="Carla", last_name="Coördinator")
    run = InvoiceRun.objects.create(period="2025-Q1", issued_at=timezone.now(), issued_by=carla)

    (row,) = trail_rows(changes_for([run]))

    issued_by = next(c for c in row.changes if c.field == "uitgegeven door")
    assert issued_by.new == "Carla Coördinator" == actor_label(carla) == str(carla)


def _row(**counts):
    row = dict.fromkeys(COUNTS, 10)
    row.update(counts)
    row["success_rate"] = Decimal("0.50")
    return row


def test_a_municipality_s_success_rate_is_shown_when_its_two_cells_are():
    rows = [_row(dropped_out=2), _row(dropped_out=7), _row(dropped_out=9)]

    shown = suppress_small_cells(rows)

    assert shown[0]["dropped_out"] == "<5"
    assert shown[0]["successful_cumulative"] == 10 and shown[0]["ended_cumulative"] == 10
    assert shown[0]["success_rate"] == Decimal("0.50")


def test_a_municipality_s_success_rate_is_withheld_when_it_would_give_a_small_cell_away():
    rows = [_row(successful_cumulative=3), _row(successful_cumulative=8), _row()]

    shown = suppress_small_cells(rows)

    assert shown[0]["successful_cumulative"] == "<5"
    assert shown[0]["success_rate"] is None
    hidden_complements = [r for r in shown[1:] if r["successful_cumulative"] == "×"]
    assert all(r["success_rate"] is None for r in hidden_complements)
