"""Reads of the project catalogue, tariffs and budgets; totals are computed by the database."""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
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

from projects.constants import BudgetLineKind, BudgetLineNature, MultiYearCostType, ProjectStatus
from projects.models import (
    Agreement,
    Budget,
    BudgetLine,
    BudgetSeries,
    Decision,
    DocumentedRealisation,
    Meeting,
    MultiYearBudget,
    Programme,
    Project,
    TariffOption,
)
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
            "indicators__targets",
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


def _empty_split() -> dict:
    return {
        nature: {kind: {"planned": ZERO, "realised": ZERO} for kind in BudgetLineKind.values}
        for nature in BudgetLineNature.values
    }


def unspent_of_budgets(*, budget_ids) -> dict[int, Decimal]:
    """What stayed unspent per budget: realised income minus realised expenses, where a
    carry-over line's income is itself the unspent amount of the budget it comes from.

    Two queries however long the chain of carry-overs: the links (a few per year) and the
    realised sums of every budget the chain reaches."""
    links: dict[int, list[int]] = {}
    for budget, source in (
        BudgetLine.objects.filter(carried_over_from__isnull=False)
        .values_list("budget", "carried_over_from")
        .order_by()
    ):
        links.setdefault(budget, []).append(source)
    needed, todo = set(), list(budget_ids)
    while todo:
        pk = todo.pop()
        if pk not in needed:
            needed.add(pk)
            todo.extend(links.get(pk, []))
    if not needed:
        return {}
    stored = dict.fromkeys(needed, ZERO)
    for row in (
        BudgetLine.objects.filter(budget__in=needed)
        .values("budget", "kind")
        .annotate(realised=Sum("realised"))
        .order_by()
    ):
        sign = 1 if row["kind"] == BudgetLineKind.INCOME else -1
        stored[row["budget"]] += sign * (row["realised"] or ZERO)

    unspent: dict[int, Decimal] = {}

    def resolve(pk, seen=()):
        # A carry-over comes from the year before (BudgetLine.clean), so the links form no
        # cycle; one written around the validation is cut here rather than looping.
        if pk not in unspent:
            unspent[pk] = stored[pk] + sum(
                (
                    resolve(source, (*seen, pk))
                    for source in links.get(pk, [])
                    if source not in seen
                ),
                ZERO,
            )
        return unspent[pk]

    return {pk: to_money(resolve(pk)) for pk in budget_ids}


def _with_totals(budgets: list[Budget]) -> list[Budget]:
    """Attach to each budget its totals: per kind, per nature × kind (the four columns of a
    begroting), the balance, the p.m. lines still open and the formation in fte.

    Stored amounts are summed by the database in one grouped query; a carry-over line's
    realised amount is derived from the budget it comes from (never copied)."""
    sums = (
        BudgetLine.objects.filter(budget__in=budgets)
        .values("budget", "kind", "nature")
        .annotate(planned=Sum("planned"), realised=Sum("realised"), fte=Sum("formation_fte"))
        .order_by()
    )
    sources = {
        line.carried_over_from_id
        for budget in budgets
        for line in budget.lines.all()
        if line.carried_over_from_id
    }
    carried = unspent_of_budgets(budget_ids=sources)
    split_of = {budget.pk: _empty_split() for budget in budgets}
    fte_of = dict.fromkeys(split_of, Decimal("0.00"))
    for row in sums:
        cell = split_of[row["budget"]][row["nature"]][row["kind"]]
        cell["planned"] += row["planned"] or ZERO
        cell["realised"] += row["realised"] or ZERO
        fte_of[row["budget"]] += row["fte"] or 0
    for budget in budgets:
        lines = list(budget.lines.all())
        for line in lines:
            line.is_carry_over = line.carried_over_from_id is not None
            line.realised_amount = line.realised
            if line.is_carry_over:
                line.realised_amount = carried.get(line.carried_over_from_id, ZERO)
                split_of[budget.pk][line.nature][line.kind]["realised"] += line.realised_amount
        split = split_of[budget.pk]
        for nature in split.values():
            for cell in nature.values():
                cell["planned"], cell["realised"] = (
                    to_money(cell["planned"]),
                    to_money(cell["realised"]),
                )
        totals = {
            kind: {
                measure: sum(
                    (split[nature][kind][measure] for nature in BudgetLineNature.values), ZERO
                )
                for measure in ("planned", "realised")
            }
            for kind in BudgetLineKind.values
        }
        income, expense = totals[BudgetLineKind.INCOME], totals[BudgetLineKind.EXPENSE]
        budget.split = split
        budget.totals = totals
        budget.balance = {
            "planned": income["planned"] - expense["planned"],
            "realised": income["realised"] - expense["realised"],
        }
        budget.fte = fte_of[budget.pk]
        budget.open_lines = [ln for ln in lines if ln.is_pm]
        budget.income_lines = [ln for ln in lines if ln.kind == BudgetLineKind.INCOME]
        budget.expense_lines = [ln for ln in lines if ln.kind == BudgetLineKind.EXPENSE]
    return budgets


def _budgets_with_lines():
    return (
        Budget.objects.select_related("programme")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=BudgetLine.objects.select_related("project", "carried_over_from"),
            )
        )
        .order_by("programme__start_date", "programme__name", "title")
    )


def budgets_of_year(*, year: int) -> list[Budget]:
    """The year's budgets with their lines and, per budget, the totals and balances.

    A budget's balance is income minus expenses, planned and realised (the realised balance is
    what stayed unspent, "onbenut"); a p.m. line counts as nothing and is listed as open."""
    return _with_totals(list(_budgets_with_lines().filter(year=year)))


def combined_totals(*, budgets: list[Budget]) -> dict:
    """The sum of several budgets' totals (the combined view of a year), from their totals."""
    split = _empty_split()
    for budget in budgets:
        for nature, kinds in budget.split.items():
            for kind, cell in kinds.items():
                for measure, amount in cell.items():
                    split[nature][kind][measure] += amount
    totals = {
        kind: {
            measure: sum((budget.totals[kind][measure] for budget in budgets), ZERO)
            for measure in ("planned", "realised")
        }
        for kind in BudgetLineKind.values
    }
    income, expense = totals[BudgetLineKind.INCOME], totals[BudgetLineKind.EXPENSE]
    return {
        "split": split,
        "totals": totals,
        "balance": {m: income[m] - expense[m] for m in ("planned", "realised")},
        "open_lines": [line for budget in budgets for line in budget.open_lines],
    }


def multi_year_table(*, budget: MultiYearBudget) -> dict:
    """A multi-year cost table from its prefetched amounts: the columns (cost type × year) that
    have an amount, a row per activity with its total, the totals per column, per year and
    overall, and per year what is available and what remains."""
    activities = list(budget.activities.all())
    cells = [(a, amount) for a in activities for amount in a.amounts.all()]
    type_order = {value: i for i, value in enumerate(MultiYearCostType.values)}
    columns = sorted(
        {(amount.cost_type, amount.year) for _a, amount in cells},
        key=lambda c: (type_order[c[0]], c[1]),
    )
    years = sorted({year for _type, year in columns})
    rows = []
    for activity in activities:
        by_column = {(a.cost_type, a.year): a.amount for a in activity.amounts.all()}
        rows.append(
            {
                "activity": activity,
                "cells": [by_column.get(column) for column in columns],
                "total": sum(by_column.values(), ZERO),
            }
        )
    column_totals = [
        sum((a.amount for _act, a in cells if (a.cost_type, a.year) == column), ZERO)
        for column in columns
    ]
    per_year = {
        year: sum((a.amount for _act, a in cells if a.year == year), ZERO) for year in years
    }
    available = {}
    if budget.available is not None:
        available = {a.year: a.amount for a in budget.available.amounts.all()}
    return {
        "budget": budget,
        "column_groups": [
            {
                "label": MultiYearCostType(cost_type).label,
                "span": sum(1 for c in columns if c[0] == cost_type),
            }
            for cost_type in MultiYearCostType.values
            if any(c[0] == cost_type for c in columns)
        ],
        "columns": [{"cost_type": c[0], "year": c[1]} for c in columns],
        "rows": rows,
        "column_totals": column_totals,
        "total": sum(column_totals, ZERO),
        "years": [
            {
                "year": year,
                "total": per_year[year],
                "available": available.get(year),
                "remaining": None
                if available.get(year) is None
                else available[year] - per_year[year],
            }
            for year in years
        ],
    }


def series_with_totals(*, series_list) -> list[BudgetSeries]:
    """Series with their prefetched amounts in year order and the total over the years."""
    for series in series_list:
        series.years = sorted(series.amounts.all(), key=lambda a: a.year)
        series.total = sum((a.amount for a in series.years), ZERO)
    return series_list


def programme_budgets(*, programme: Programme) -> dict:
    """A programme's budgets across the years: per year its budgets, the year's totals planned
    and realised and the saldo; and its multi-year series and cost tables."""
    budgets = _with_totals(list(_budgets_with_lines().filter(programme=programme)))
    by_year: dict[int, list[Budget]] = {}
    for budget in budgets:
        by_year.setdefault(budget.year, []).append(budget)
    years = [
        {"year": year, "budgets": group, **combined_totals(budgets=group)}
        for year, group in sorted(by_year.items())
    ]
    series = series_with_totals(
        series_list=list(
            BudgetSeries.objects.filter(programme=programme).prefetch_related("amounts")
        )
    )
    tables = [
        multi_year_table(budget=multi_year)
        for multi_year in MultiYearBudget.objects.filter(programme=programme)
        .select_related("available")
        .prefetch_related("activities__amounts", "available__amounts")
    ]
    return {"years": years, "series": series, "tables": tables}


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


def programme_of_year(*, project: Project, year: int) -> Programme:
    """The programme a project runs under in a year: its agreement's of that year, or its own
    without one (the rule of ``programme_projects``)."""
    agreement = (
        Agreement.objects.filter(project=project, year=year).select_related("programme").first()
    )
    return agreement.programme if agreement else project.programme


def programme_projects(
    *, programme: Programme | int | QuerySet[Programme], year: int
) -> QuerySet[Project]:
    """The projects of ``programme`` (or of any of a queryset of programmes) in ``year``: those
    whose agreement of that year names the programme, and those without an agreement that year
    whose own programme it is. The one home of this rule: budgets and the monitor ask it, so a
    project that moves programme keeps its history. Usable as a subquery (``project__in=``)."""
    lookup = "programme__in" if isinstance(programme, QuerySet) else "programme"
    agreement_of_year = Agreement.objects.filter(project=OuterRef("pk"), year=year)
    return Project.objects.filter(
        Exists(agreement_of_year.filter(**{lookup: programme}))
        | (~Exists(agreement_of_year) & Q(**{lookup: programme}))
    )


def agreement_years() -> list[int]:
    """The years that have agreements, newest first."""
    return list(Agreement.objects.order_by("-year").values_list("year", flat=True).distinct())


def cost_split(*, year: int) -> dict:
    """The cost split per project of a year (seed 000, Tabel 2): per agreement the total and
    joint project costs, the estimated participants, the default price and the estimated
    participant costs, with the totals of ``agreement_totals``."""
    return {
        "rows": list(agreements_of_year(year=year).select_related("programme")),
        "totals": agreement_totals(year=year),
    }


def meetings() -> QuerySet[Meeting]:
    """Every meeting with its number of decisions, newest first."""
    return Meeting.objects.annotate(decision_count=Count("decisions")).order_by("-date", "body")


def meeting_decisions(*, meeting: Meeting) -> QuerySet[Decision]:
    """The decisions of one meeting across projects, in project order (seed 000, Tabel 1)."""
    return meeting.decisions.select_related("project").order_by("project__name", "id")


def documented_realisations(*, year: int) -> list[DocumentedRealisation]:
    """A year's realisation per project as the documents report it, in project order."""
    return list(
        DocumentedRealisation.objects.filter(year=year)
        .select_related("project")
        .order_by("project__name")
    )


def realised_project_costs_by_project(*, year: int) -> dict[int, Decimal]:
    """Per project: the realised amounts of the expense lines linked to it in the budgets of
    ``year``, summed by the database in one grouped query."""
    rows = (
        BudgetLine.objects.filter(
            budget__year=year, kind=BudgetLineKind.EXPENSE, project__isnull=False
        )
        .values("project")
        .annotate(total=Sum("realised"))
        .order_by()
    )
    return {row["project"]: to_money(row["total"] or 0) for row in rows}


def agreement_copy_preview(*, year: int) -> dict:
    """What copying the agreements of ``year - 1`` into ``year`` would do: the agreements
    that would be copied (with their tariff options and prices) and those refused because
    the project already has an agreement for ``year``."""
    sources = list(
        Agreement.objects.filter(year=year - 1)
        .select_related("project", "programme")
        .prefetch_related("tariff_options__later_prices", "cost_shares__municipality")
        .order_by("project__name")
    )
    taken = set(
        Agreement.objects.filter(
            year=year, project__in=[a.project_id for a in sources]
        ).values_list("project_id", flat=True)
    )
    for source in sources:
        source.new_prices = [
            (option, option.price_history()[-1].price) for option in source.tariff_options.all()
        ]
    return {
        "to_copy": [a for a in sources if a.project_id not in taken],
        "refused": [a for a in sources if a.project_id in taken],
    }


# Without a programme term, an indicator's values can be entered for the last five years.
INDICATOR_YEARS_WITHOUT_TERM = 5


def indicator_half_years(*, indicator, today) -> list[tuple[str, str]]:
    """The half-years a value of the indicator can be entered for, as (code, words), newest
    first: from the start of the earliest programme the project runs under (its own, or an
    agreement's) up to today, or to the end of the last one when that lies in the past."""
    import datetime as dt

    from waw.periods import half_years, period_in_words

    project = indicator.project
    programmes = [project.programme] + [
        agreement.programme for agreement in project.agreements.select_related("programme")
    ]
    programmes = [p for p in programmes if p]
    starts = [p.start_date for p in programmes if p.start_date]
    first = min(starts) if starts else dt.date(today.year - INDICATOR_YEARS_WITHOUT_TERM + 1, 1, 1)
    open_ended = not programmes or any(p.end_date is None for p in programmes)
    last = today if open_ended else min(today, max(p.end_date for p in programmes))
    last = max(last, first)
    return [(code, period_in_words(code)) for code in half_years(first, last)]
