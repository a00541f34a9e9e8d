import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from waw.money import format_euro, to_money


def test_euro_amounts_are_shown_the_dutch_way():
    with translation.override("nl"):
        assert format_euro(Decimal("1234.5")) == "€\u00a01.234,50"
        assert format_euro(Decimal("905200")) == "€\u00a0905.200,00"


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        to_money(0.1)


def test_money_rounds_half_up_to_cents():
    assert to_money("2.345") == Decimal("2.35")


def test_dates_are_shown_as_day_month_year():
    with translation.override("nl"):
        rendered = Template("{{ day }}").render(Context({"day": dt.date(2025, 12, 31)}))

    assert rendered == "31-12-2025"


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("125.000,50", "125000.50"),
        ("125000,5", "125000.50"),
        ("125000.50", "125000.50"),
        ("€ 1.234,56", "1234.56"),
    ],
)
def test_euro_amounts_can_be_typed_the_dutch_way(typed, amount):
    from waw.money import EuroFormField

    assert EuroFormField().clean(typed) == Decimal(amount)
