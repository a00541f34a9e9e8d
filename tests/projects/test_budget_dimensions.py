"""Budget lines with the documents' dimensions, several budgets a year, carry-over and the
multi-year series and cost tables; every total is computed from the lines."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import (
    CARRY_OVER_FROM_PREVIOUS_YEAR,
    BudgetLine,
    BudgetSeriesAmount,
    MultiYearAmount,
)
from projects.selectors import budgets_of_year, combined_totals, multi_year_table, programme_budgets
from projects.services import budget_series_amount_save, multi_year_amount_save, record_save
from tests.factories import (
    BudgetFactory,
    BudgetLineFactory,
    BudgetSeriesFactory,
    MultiYearActivityFactory,
    MultiYearAmountFactory,
    MultiYearBudgetFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


def _only_budget(year, title=None):
    budgets = budgets_of_year(year=year)
    return budgets[0] if title is None else next(b for b in budgets if b.title == title)


# --- dimensions ---------------------------------------------------------------------------


def test_totals_are_split_into_incidental_and_structural_income_and_expenses():
    budget = BudgetFactory(year=2026)
    BudgetLineFactory(budget=budget, kind="expense", nature="incidental", planned="5000.00")
    BudgetLineFactory(budget=budget, kind="income", nature="incidental", planned="662000.00")
    BudgetLineFactory(budget=budget, kind="expense", nature="structural", planned="900143.00")
    BudgetLineFactory(budget=budget, kind="income", nature="structural", planned="827390.00")

    split = _only_budget(2026).split

    assert split["incidental"]["expense"]["planned"] == Decimal("5000.00")
    assert split["incidental"]["income"]["planned"] == Decimal("662000.00")
    assert split["structural"]["expense"]["planned"] == Decimal("900143.00")
    assert split["structural"]["income"]["planned"] == Decimal("827390.00")


def test_a_pm_line_counts_as_nothing_and_is_listed_as_open():
    budget = BudgetFactory(year=2026)
    BudgetLineFactory(budget=budget, kind="income", planned="1000.00")
    pm = BudgetLineFactory(budget=budget, kind="income", planned=None, is_pm=True)

    shown = _only_budget(2026)

    assert shown.totals["income"]["planned"] == Decimal("1000.00")
    assert [line.pk for line in shown.open_lines] == [pm.pk]


def test_the_database_refuses_a_pm_line_with_an_amount():
    budget = BudgetFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            budget=budget, kind="income", category="Werkkamer", is_pm=True, planned="10.00"
        )


def test_the_database_refuses_a_negative_formation():
    budget = BudgetFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            budget=budget, kind="expense", category="Gids", formation_fte=Decimal("-0.01")
        )


def test_the_database_refuses_a_negative_amount():
    budget = BudgetFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            budget=budget, kind="expense", category="Gids", planned=Decimal("-1.00")
        )


def test_formation_is_summed_per_budget():
    budget = BudgetFactory(year=2026)
    for fte in ("1.00", "0.42", "0.14"):
        BudgetLineFactory(budget=budget, formation_fte=Decimal(fte))

    assert _only_budget(2026).fte == Decimal("1.56")


# --- several budgets per programme and year ---------------------------------------------------


def test_a_programme_has_several_budgets_in_one_year_each_with_its_own_totals():
    programme = ProgrammeFactory()
    uwv = BudgetFactory(programme=programme, year=2026, title="UWV begroting 2026")
    doel = BudgetFactory(programme=programme, year=2026, title="Doeluitkering 2026")
    BudgetLineFactory(budget=uwv, kind="income", planned="166000.00")
    BudgetLineFactory(budget=doel, kind="income", planned="648545.00")

    assert _only_budget(2026, "UWV begroting 2026").totals["income"]["planned"] == Decimal(
        "166000.00"
    )
    assert _only_budget(2026, "Doeluitkering 2026").totals["income"]["planned"] == Decimal(
        "648545.00"
    )


def test_a_budget_title_is_unique_per_programme_and_year():
    first = BudgetFactory(year=2026, title="Begroting RWC 2026")
    second = BudgetFactory.build(programme=first.programme, year=2026, title="Begroting RWC 2026")

    with pytest.raises(ValidationError, match="al een begroting met deze titel"):
        record_save(record=second)


def test_the_combined_view_adds_up_the_years_budgets():
    programme = ProgrammeFactory()
    for title, amount in (("A", "100.00"), ("B", "250.00")):
        budget = BudgetFactory(programme=programme, year=2026, title=title)
        BudgetLineFactory(budget=budget, kind="expense", nature="structural", planned=amount)

    combined = combined_totals(budgets=budgets_of_year(year=2026))

    assert combined["split"]["structural"]["expense"]["planned"] == Decimal("350.00")
    assert combined["balance"]["planned"] == Decimal("-350.00")


# --- carry-over (overheveling) ---------------------------------------------------------------


@pytest.fixture
def carried():
    """Budget 2025 with € 5.998,97 unspent and a 2026 income line that carries it over."""
    previous = BudgetFactory(year=2025, title="Begroting 2025")
    BudgetLineFactory(budget=previous, kind="income", planned=None, realised="361122.00")
    spent = BudgetLineFactory(budget=previous, kind="expense", planned=None, realised="355123.03")
    following = BudgetFactory(year=2026, title="Begroting RWC 2026")
    line = record_save(
        record=BudgetLine(
            budget=following,
            kind="income",
            category="Werk aan Werk 2025",
            planned=Decimal("5000.00"),
            carried_over_from=previous,
        )
    )
    return {"spent": spent, "line": line}


def test_a_carry_over_line_receives_what_stayed_unspent_the_year_before(carried):
    budget = _only_budget(2026)

    [line] = budget.income_lines
    assert line.realised_amount == Decimal("5998.97")
    assert budget.totals["income"]["realised"] == Decimal("5998.97")


def test_a_change_in_the_previous_years_realisation_shows_in_the_carry_over(carried):
    carried["spent"].realised = Decimal("355000.00")
    carried["spent"].save()

    [line] = _only_budget(2026).income_lines
    assert line.realised_amount == Decimal("6122.00")


def test_a_carry_over_chains_over_the_years(carried):
    later = BudgetFactory(year=2027, title="Begroting 2027")
    record_save(
        record=BudgetLine(
            budget=later,
            kind="income",
            category="Overheveling 2026",
            carried_over_from_id=_only_budget(2026).pk,
        )
    )

    [line] = _only_budget(2027).income_lines
    assert line.realised_amount == Decimal("5998.97")


def test_a_carry_over_from_another_year_than_the_previous_is_refused():
    old = BudgetFactory(year=2023)
    line = BudgetLine(
        budget=BudgetFactory(year=2026), kind="income", category="X", carried_over_from=old
    )

    with pytest.raises(ValidationError) as error:
        record_save(record=line)
    assert CARRY_OVER_FROM_PREVIOUS_YEAR % {"year": 2025} in error.value.messages


def test_the_database_refuses_a_typed_realisation_on_a_carry_over_line():
    previous = BudgetFactory(year=2025)

    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            budget=BudgetFactory(year=2026),
            kind="income",
            category="X",
            carried_over_from=previous,
            realised=Decimal("1.00"),
        )


# --- multi-year ------------------------------------------------------------------------------


def test_a_series_year_outside_the_programmes_term_is_refused():
    programme = ProgrammeFactory(
        name="Overgangsjaar", start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31)
    )
    amount = BudgetSeriesAmount(
        series=BudgetSeriesFactory(programme=programme), year=2026, amount=Decimal("1.00")
    )

    with pytest.raises(ValidationError) as error:
        budget_series_amount_save(amount=amount)
    assert error.value.messages == ["2026 valt buiten de looptijd van Overgangsjaar (2025–2025)."]


def test_a_multi_year_cost_before_the_programmes_start_is_refused():
    programme = ProgrammeFactory(start_date=dt.date(2026, 1, 1))
    amount = MultiYearAmount(
        activity=MultiYearActivityFactory(budget=MultiYearBudgetFactory(programme=programme)),
        year=2025,
        cost_type="project",
        amount=Decimal("1.00"),
    )

    with pytest.raises(ValidationError, match="valt buiten de looptijd"):
        multi_year_amount_save(amount=amount)


def test_a_multi_year_table_totals_per_column_per_year_and_overall_against_what_is_available():
    programme = ProgrammeFactory()
    available = BudgetSeriesFactory(programme=programme)
    for year in (2026, 2027):
        budget_series_amount_save(
            amount=BudgetSeriesAmount(series=available, year=year, amount=Decimal("350000.00"))
        )
    multi_year = MultiYearBudgetFactory(programme=programme, available=available)
    first = MultiYearActivityFactory(budget=multi_year)
    second = MultiYearActivityFactory(budget=multi_year)
    MultiYearAmountFactory(activity=first, year=2026, amount=Decimal("100000.00"))
    MultiYearAmountFactory(activity=first, year=2027, amount=Decimal("100000.00"))
    MultiYearAmountFactory(
        activity=second, year=2026, cost_type="formation", amount=Decimal("70000.00")
    )

    table = multi_year_table(budget=multi_year)

    assert table["columns"] == [
        {"cost_type": "project", "year": 2026},
        {"cost_type": "project", "year": 2027},
        {"cost_type": "formation", "year": 2026},
    ]
    assert table["column_totals"] == [
        Decimal("100000.00"),
        Decimal("100000.00"),
        Decimal("70000.00"),
    ]
    assert table["total"] == Decimal("270000.00")
    assert [row["total"] for row in table["rows"]] == [Decimal("200000.00"), Decimal("70000.00")]
    assert table["years"][0] == {
        "year": 2026,
        "total": Decimal("170000.00"),
        "available": Decimal("350000.00"),
        "remaining": Decimal("180000.00"),
    }


def test_a_programmes_years_show_planned_realised_and_saldo():
    programme = ProgrammeFactory()
    for year, income, spent in ((2025, "100.00", "60.00"), (2026, "200.00", "150.00")):
        budget = BudgetFactory(programme=programme, year=year)
        BudgetLineFactory(budget=budget, kind="income", planned=income, realised=income)
        BudgetLineFactory(budget=budget, kind="expense", planned=income, realised=spent)

    years = programme_budgets(programme=programme)["years"]

    assert [(y["year"], y["balance"]["planned"], y["balance"]["realised"]) for y in years] == [
        (2025, Decimal("0.00"), Decimal("40.00")),
        (2026, Decimal("0.00"), Decimal("50.00")),
    ]


def test_a_budget_with_a_carry_over_keeps_its_year(carried):
    source = carried["line"].carried_over_from
    source.year = 2024

    with pytest.raises(ValidationError, match="overhevelingen van of naar een ander jaar"):
        record_save(record=source)
