"""Budget totals are computed from the lines, never typed in; they equal the documents."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.models import Budget
from projects.selectors import budgets_of_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_reference_data", verbosity=0)


def test_begroting_2025_balances_at_534000(loaded):
    [budget] = budgets_of_year(year=2025)

    assert budget.totals["income"]["planned"] == Decimal("534000.00")
    assert budget.totals["expense"]["planned"] == Decimal("534000.00")
    assert budget.balance["planned"] == Decimal("0.00")


def test_realisation_2025_leaves_5998_97_unspent(loaded):
    [budget] = budgets_of_year(year=2025)

    assert budget.totals["income"]["realised"] == Decimal("361122.00")
    assert budget.totals["expense"]["realised"] == Decimal("355123.03")
    assert budget.balance["realised"] == Decimal("5998.97")


def test_begroting_2024_adds_up_to_1054795(loaded):
    [budget] = budgets_of_year(year=2024)

    assert budget.totals["expense"]["planned"] == Decimal("1054795.00")


def test_joint_costs_lines_of_2025_link_to_their_projects(loaded):
    budget = Budget.objects.get(year=2025)
    linked = budget.lines.filter(project__isnull=False)

    assert sum(line.planned for line in linked) == Decimal("391000.00")


def test_budget_page_shows_the_totals(client_for, coordinator, loaded):
    content = client_for(coordinator).get("/begrotingen/2025/").content.decode()

    assert "€\u00a0534.000,00" in content
    assert "€\u00a05.998,97" in content


def test_budget_index_goes_to_the_latest_year(client_for, board_member, loaded):
    response = client_for(board_member).get("/begrotingen/")

    assert response.status_code == 302
    assert response["Location"] == "/begrotingen/2026/"


def test_budget_index_without_budgets_shows_an_empty_state(client_for, coordinator):
    response = client_for(coordinator).get("/begrotingen/")

    assert response.status_code == 200
    assert "Er zijn nog geen begrotingen vastgelegd." in response.content.decode()


def test_year_without_budget_answers_404(client_for, coordinator, loaded):
    assert client_for(coordinator).get("/begrotingen/1999/").status_code == 404


def test_budget_page_query_count_does_not_grow_with_lines(
    client_for, coordinator, loaded, django_assert_max_num_queries
):
    client = client_for(coordinator)

    with django_assert_max_num_queries(12):
        client.get("/begrotingen/2025/")
