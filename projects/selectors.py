"""Reads of the project catalogue, tariffs and budgets; totals are computed by the database."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from projects.constants import BudgetLineKind, ProjectStatus
from projects.models import Agreement, Budget, BudgetLine, Project, TariffOption
from waw.money import ZERO, to_money

MONEY = DecimalField(max_digits=14, decimal_places=2)


def project_counts() -> dict[str, int]:
    return Project.objects.aggregate(
        total=Count("id"),
        running=Count("id", filter=~Q(status=ProjectStatus.ENDED)),
        ended=Count("id", filter=Q(status=ProjectStatus.ENDED)),
    )


def projects_taking_participants() -> QuerySet[Project]:
    """Projects a person can take part in: not a cost line such as the Divosa Benchmark."""
    return Project.objects.filter(takes_participants=True)


def projects_open_for_enrolment() -> QuerySet[Project]:
    """What enrolment, quick entry and groups offer: projects taking participants, not ended."""
    return projects_taking_participants().exclude(status=ProjectStatus.ENDED)


def project_list() -> QuerySet[Project]:
    return Project.objects.select_related("programme", "category")


def project_detail(*, slug: str) -> Project:
    return (
        Project.objects.select_related("programme", "category")
        .prefetch_related(
            Prefetch("agreements", queryset=Agreement.objects.order_by("-year")),
            "agreements__tariff_options__later_prices",
            "decisions",
        )
        .get(slug=slug)
    )


def _default_price():
    return Subquery(
        TariffOption.objects.filter(agreement=OuterRef("pk"), is_default=True).values(
            "price_per_participant"
        )[:1],
        output_field=MONEY,
    )


def agreements_of_year(*, year: int):
    """The year's agreements with the default price and the derived participant costs."""
    return (
        Agreement.objects.filter(year=year)
        .select_related("project")
        .annotate(default_price=Coalesce(_default_price(), Decimal(ZERO), output_field=MONEY))
        .annotate(
            participant_costs=ExpressionWrapper(
                Coalesce(F("estimated_participants"), 0) * F("default_price"), output_field=MONEY
            ),
            total_costs=ExpressionWrapper(
                F("joint_project_costs")
                + Coalesce(F("estimated_participants"), 0) * F("default_price"),
                output_field=MONEY,
            ),
        )
        .order_by("project__name")
    )


def agreement_totals(*, year: int) -> dict[str, Decimal | int]:
    """Totals of a year's agreements (as Tabel 2 of the 2025 proposal adds them up)."""
    # Aggregate aliases must differ from the annotation names, or Django sums the wrong thing.
    totals = agreements_of_year(year=year).aggregate(
        sum_joint=Sum("joint_project_costs"),
        sum_participants=Sum("estimated_participants"),
        sum_participant_costs=Sum("participant_costs"),
        sum_total=Sum("total_costs"),
    )
    return {
        "joint_project_costs": to_money(totals["sum_joint"] or 0),
        "estimated_participants": totals["sum_participants"] or 0,
        "participant_costs": to_money(totals["sum_participant_costs"] or 0),
        "total_costs": to_money(totals["sum_total"] or 0),
    }


def budget_years() -> list[int]:
    return list(Budget.objects.order_by("-year").values_list("year", flat=True).distinct())


def budgets_of_year(*, year: int) -> list[Budget]:
    """The year's budgets with their lines and, per budget, the totals and balances.

    Totals are summed by the database in one grouped query; a budget's balance is income minus
    expenses, planned and realised (the realised balance is what stayed unspent, "onbenut").
    """
    budgets = list(
        Budget.objects.filter(year=year)
        .select_related("programme")
        .prefetch_related(Prefetch("lines", queryset=BudgetLine.objects.select_related("project")))
    )
    sums = (
        BudgetLine.objects.filter(budget__in=budgets)
        .values("budget", "kind")
        .annotate(planned=Sum("planned"), realised=Sum("realised"))
        .order_by()
    )
    by_budget = {(row["budget"], row["kind"]): row for row in sums}
    for budget in budgets:
        totals = {}
        for kind in BudgetLineKind.values:
            row = by_budget.get((budget.pk, kind), {})
            totals[kind] = {
                "planned": to_money(row.get("planned") or 0),
                "realised": to_money(row.get("realised") or 0),
            }
        income, expense = totals[BudgetLineKind.INCOME], totals[BudgetLineKind.EXPENSE]
        budget.totals = totals
        budget.balance = {
            "planned": income["planned"] - expense["planned"],
            "realised": income["realised"] - expense["realised"],
        }
        budget.income_lines = [ln for ln in budget.lines.all() if ln.kind == BudgetLineKind.INCOME]
        budget.expense_lines = [
            ln for ln in budget.lines.all() if ln.kind == BudgetLineKind.EXPENSE
        ]
    return budgets


def tariff_years(*, project_ids) -> dict[int, set[int]]:
    """Per project, the years that have a default tariff (one query for any number)."""
    years: dict[int, set[int]] = {}
    for project_id, year in TariffOption.objects.filter(
        agreement__project_id__in=set(project_ids), is_default=True
    ).values_list("agreement__project_id", "agreement__year"):
        years.setdefault(project_id, set()).add(year)
    return years


def price_histories_of(*, agreement_id: int) -> list[tuple[str, list]]:
    """Each tariff option of a stored agreement with its price history (billing rule 8)."""
    options = (
        TariffOption.objects.filter(agreement_id=agreement_id)
        .select_related("agreement")
        .prefetch_related("later_prices")
    )
    return [(option.label, option.price_history()) for option in options]
