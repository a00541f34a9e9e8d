"""Billing rule 9: the first run that reaches a trajectory at € 0 settles it — no line, a
record — and it is never billed afterwards, whatever happens to prices."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import InvoiceLine, SettledTrajectory
from billing.selectors import run_preview
from billing.services import issue_run
from projects.models import TariffOption
from projects.services import tariff_price_add
from tests.billing.financing_helpers import (
    AFTER_Q1_2026,
    municipality,
    project_with_option,
    started,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2026-Q1")
Q2 = Period.parse("2026-Q2")
AFTER_Q2 = dt.date(2026, 7, 15)


@pytest.fixture
def motopp():
    return project_with_option(name="Motopp", price="0.00")


def test_run_settles_a_trajectory_at_zero_without_a_line(motopp, coordinator):
    trajectory = started(motopp, municipality("Huizen"))

    run = issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)

    assert SettledTrajectory.objects.get().trajectory == trajectory
    assert SettledTrajectory.objects.get().run == run
    assert not InvoiceLine.objects.exists()


def test_run_with_only_settlements_can_be_issued(motopp):
    started(motopp, municipality("Huizen"))

    preview = run_preview(period=Q1, today=AFTER_Q1_2026)

    assert preview.invoices == [] and len(preview.settlements) == 1
    assert preview.can_issue


def test_settled_trajectory_is_never_billed_after_a_later_price(motopp, coordinator):
    huizen = municipality("Huizen")
    started(motopp, huizen, day=dt.date(2026, 2, 3))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)
    tariff_price_add(
        option=TariffOption.objects.get(agreement__project=motopp),
        valid_from=dt.date(2026, 4, 1),
        price=Decimal("2400.00"),
    )
    later = started(motopp, huizen, day=dt.date(2026, 4, 6))

    [invoice] = run_preview(period=Q2, today=AFTER_Q2).invoices

    assert [line.trajectory for line in invoice.lines] == [later]
    assert run_preview(period=Q2, today=AFTER_Q2).settlements == []


def test_settlement_is_shown_on_the_trajectory_page(motopp, coordinator, client_for):
    trajectory = started(motopp, municipality("Huizen"))
    issue_run(period=Q1, user=coordinator, today=AFTER_Q1_2026)

    response = client_for(coordinator).get(trajectory.get_absolute_url())

    assert "Verrekend tegen € 0 in de factuurrun eerste kwartaal 2026" in response.content.decode()


def test_settlements_are_listed_in_the_run_preview(motopp, coordinator, client_for):
    started(motopp, municipality("Huizen"))

    response = client_for(coordinator).get("/facturen/run/?period=2026-Q1")

    assert "Verrekend tegen € 0 (1 traject, zonder factuurregel)" in response.content.decode()


def test_invoice_run_json_counts_settled_at_zero(motopp, monkeypatch):
    started(motopp, municipality("Huizen"))
    started(motopp, municipality("Laren"))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: AFTER_Q1_2026)
    out = StringIO()

    call_command("invoice_run", "--period", "2026-Q1", "--issue", "--json", stdout=out)

    assert json.loads(out.getvalue())["settled_at_zero"] == 2
