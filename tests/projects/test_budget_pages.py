"""The budget pages after a fresh load of the reference data show the documents' totals;
coordinators add and edit budgets and lines, other roles read."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.models import Budget, BudgetLine, BudgetSeries, MultiYearBudget
from projects.selectors import budgets_of_year, multi_year_table
from tests.factories import BudgetFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db

EURO = "€\u00a0"


@pytest.fixture
def loaded():
    call_command("load_reference_data", verbosity=0)


def _budget(title):
    return next(b for b in budgets_of_year(year=2026) if b.title == title)


# --- reference data --------------------------------------------------------------------------


def test_overgangsbegroting_2026_has_the_documents_four_column_totals(loaded):
    split = _budget("Begroting RWC 2026").split

    assert split["incidental"]["expense"]["planned"] == Decimal("5000.00")
    assert split["incidental"]["income"]["planned"] == Decimal("662000.00")
    assert split["structural"]["expense"]["planned"] == Decimal("900143.00")
    assert split["structural"]["income"]["planned"] == Decimal("827390.00")


def test_overgangsbegroting_2026_lists_werkkamer_as_open(loaded):
    open_lines = _budget("Begroting RWC 2026").open_lines

    assert {(line.category, line.kind) for line in open_lines} == {
        ("Werkkamer 2025", "income"),
        ("Werkkamer 2025", "expense"),
    }


def test_uwv_begroting_2026_balances_at_166000_with_1_56_fte(loaded):
    uwv = _budget("UWV begroting 2026")

    assert (
        uwv.totals["income"]["planned"] == uwv.totals["expense"]["planned"] == Decimal("166000.00")
    )
    assert uwv.fte == Decimal("1.56")


def test_doeluitkering_2026_balances_at_648545(loaded):
    doel = _budget("Doeluitkering 2026")

    assert (
        doel.totals["income"]["planned"]
        == doel.totals["expense"]["planned"]
        == Decimal("648545.00")
    )
    assert doel.fte == Decimal("0.89")


def test_werk_aan_werk_2025_carries_over_what_the_2025_budget_left_unspent(loaded):
    line = next(
        ln
        for ln in _budget("Begroting RWC 2026").income_lines
        if ln.category == "Werk aan Werk 2025"
    )

    assert line.planned == Decimal("5000.00")
    assert line.realised_amount == Decimal("5998.97")


def test_voorstel_7_totals_408300_against_350000_a_year(loaded):
    table = multi_year_table(
        budget=MultiYearBudget.objects.prefetch_related(
            "activities__amounts", "available__amounts"
        ).get(title__startswith="Voorstel 7")
    )

    assert table["column_totals"] == [
        Decimal("132500.00"),
        Decimal("127500.00"),
        Decimal("57500.00"),
        Decimal("90800.00"),
    ]
    assert table["total"] == Decimal("408300.00")
    assert [(y["year"], y["total"], y["available"]) for y in table["years"]] == [
        (2026, Decimal("223300.00"), Decimal("350000.00")),
        (2027, Decimal("127500.00"), Decimal("350000.00")),
        (2028, Decimal("57500.00"), Decimal("350000.00")),
    ]


def test_impulsbudget_series_runs_from_2026_to_2034(loaded):
    series = BudgetSeries.objects.get(title="Impulsbudget arbeidsmarktregio")

    amounts = dict(series.amounts.values_list("year", "amount"))
    assert list(amounts) == list(range(2026, 2035))
    assert amounts[2026] == Decimal("827390.00")
    assert amounts[2033] == Decimal("174068.00")
    assert amounts[2034] == Decimal("0.00")


def test_reference_budgets_are_loaded_once(loaded):
    counts = (Budget.objects.count(), BudgetLine.objects.count(), BudgetSeries.objects.count())

    call_command("load_reference_data", verbosity=0)

    assert (
        Budget.objects.count(),
        BudgetLine.objects.count(),
        BudgetSeries.objects.count(),
    ) == counts


def test_a_fresh_load_shows_the_2026_budgets_on_the_year_page(client_for, board_member, loaded):
    content = client_for(board_member).get("/begrotingen/2026/").content.decode()

    for title in ("Begroting RWC 2026", "UWV begroting 2026", "Doeluitkering 2026"):
        assert title in content
    for amount in (
        "5.000,00",
        "662.000,00",
        "900.143,00",
        "827.390,00",
        "166.000,00",
        "648.545,00",
    ):
        assert EURO + amount in content
    assert "p.m." in content
    assert "Factuur nr 18254197" not in content  # a 2025 remark, on the 2025 page


def test_a_fresh_load_shows_the_impulsbudget_and_voorstel_7_on_the_programme_page(
    client_for, huizen_user, loaded
):
    response = client_for(huizen_user).get("/begrotingen/programma/regionaal-werkcentrum/")
    content = response.content.decode()

    assert response.status_code == 200
    assert "Impulsbudget arbeidsmarktregio" in content
    for amount in ("827.390,00", "1.116.977,00", "1.291.475,00", "174.068,00"):
        assert EURO + amount in content
    assert "Voorstel 7" in content
    for amount in (
        "132.500,00",
        "127.500,00",
        "57.500,00",
        "90.800,00",
        "408.300,00",
        "350.000,00",
    ):
        assert EURO + amount in content
    assert "Routekaart arbeidsmarktinfrastructuur 2026–2030, Voorstel 7" in content


def test_the_2025_page_shows_the_remarks_of_bijlage_1a(client_for, coordinator, loaded):
    content = client_for(coordinator).get("/begrotingen/2025/").content.decode()

    assert "16 uur per week 46 weken *€95" in content
    assert "Factuur nr 18254197" in content


def test_an_unknown_programme_page_answers_404(client_for, coordinator):
    assert client_for(coordinator).get("/begrotingen/programma/bestaat-niet/").status_code == 404


# --- editing ---------------------------------------------------------------------------------


def _line_data(**overrides):
    data = {
        "kind": "expense",
        "nature": "structural",
        "category": "Projectleider",
        "planned": "94.143,00",
        "formation_fte": "0,89",
        "funding_source": "",
        "remark": "16 uur per week 46 weken *€95",
        "order": "1",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_line_with_formation_and_remark_typed_the_dutch_way(
    client_for, coordinator
):
    budget = BudgetFactory()

    response = client_for(coordinator).post(f"/begrotingen/{budget.pk}/regel/nieuw/", _line_data())

    assert response.status_code == 302
    line = budget.lines.get()
    assert (line.planned, line.formation_fte, line.nature) == (
        Decimal("94143.00"),
        Decimal("0.89"),
        "structural",
    )
    assert line.remark == "16 uur per week 46 weken *€95"


def test_a_pm_line_with_an_amount_gets_a_dutch_error(client_for, coordinator):
    budget = BudgetFactory()

    response = client_for(coordinator).post(
        f"/begrotingen/{budget.pk}/regel/nieuw/", _line_data(is_pm="on", planned="10")
    )

    assert response.status_code == 200
    assert "Een p.m.-regel heeft geen begroot bedrag" in response.content.decode()
    assert not budget.lines.exists()


def test_a_formation_above_99_99_fte_gets_a_dutch_error(client_for, coordinator):
    budget = BudgetFactory()

    response = client_for(coordinator).post(
        f"/begrotingen/{budget.pk}/regel/nieuw/", _line_data(formation_fte="100")
    )

    assert response.status_code == 200
    assert "De formatie ligt tussen 0 en 99,99 fte." in response.content.decode()
    assert not budget.lines.exists()


def test_a_negative_amount_gets_a_dutch_error(client_for, coordinator):
    budget = BudgetFactory()

    response = client_for(coordinator).post(
        f"/begrotingen/{budget.pk}/regel/nieuw/", _line_data(planned="-5")
    )

    assert response.status_code == 200
    assert "Zorg ervoor dat deze waarde minstens 0.00 is." in response.content.decode()
    assert not budget.lines.exists()


def test_the_carry_over_choice_offers_only_budgets_of_the_year_before(client_for, coordinator):
    previous = BudgetFactory(year=2025, title="Begroting 2025")
    BudgetFactory(year=2024, title="Begroting 2024")
    budget = BudgetFactory(year=2026, title="Begroting 2026")

    content = client_for(coordinator).get(f"/begrotingen/{budget.pk}/regel/nieuw/").content.decode()

    assert f'value="{previous.pk}"' in content
    assert "Begroting 2024" not in content


def test_a_second_budget_in_the_same_year_is_created(client_for, coordinator):
    first = BudgetFactory(year=2026, title="Begroting RWC 2026")

    response = client_for(coordinator).post(
        "/begrotingen/nieuw/",
        {"programme": first.programme_id, "year": "2026", "title": "UWV begroting 2026"},
    )

    assert response.status_code == 302
    assert Budget.objects.filter(programme=first.programme, year=2026).count() == 2


def test_a_second_budget_with_the_same_title_gets_a_dutch_error(client_for, coordinator):
    first = BudgetFactory(year=2026, title="Begroting RWC 2026")

    response = client_for(coordinator).post(
        "/begrotingen/nieuw/",
        {"programme": first.programme_id, "year": "2026", "title": "Begroting RWC 2026"},
    )

    assert response.status_code == 200
    assert "al een begroting met deze titel" in response.content.decode()


def test_coordinator_renames_a_budget(client_for, coordinator):
    budget = BudgetFactory(year=2026, title="Begroting 2026")

    response = client_for(coordinator).post(
        f"/begrotingen/{budget.pk}/bewerken/",
        {
            "programme": budget.programme_id,
            "year": "2026",
            "title": "Begroting RWC 2026",
            "source": "seed 003, Bijlage 6",
        },
    )

    assert response.status_code == 302
    budget.refresh_from_db()
    assert (budget.title, budget.source) == ("Begroting RWC 2026", "seed 003, Bijlage 6")


@pytest.mark.parametrize("who", ["huizen_user", "board_member"])
def test_other_roles_cannot_edit_budgets(client_for, request, who):
    line = BudgetLineFactory()
    client = client_for(request.getfixturevalue(who))

    for path in (
        "/begrotingen/nieuw/",
        f"/begrotingen/{line.budget_id}/bewerken/",
        f"/begrotingen/{line.budget_id}/regel/nieuw/",
        f"/begrotingen/{line.budget_id}/regel/{line.pk}/",
    ):
        assert client.get(path).status_code == 403


@pytest.mark.parametrize("who", ["huizen_user", "board_member"])
def test_other_roles_read_the_programme_page(client_for, request, who):
    budget = BudgetFactory()

    response = client_for(request.getfixturevalue(who)).get(
        f"/begrotingen/programma/{budget.programme.slug}/"
    )

    assert response.status_code == 200
    assert "bewerken" not in response.content.decode()
