"""Query budgets: every list and detail page costs as many queries with 33 rows as with 3.

Each test opens a page with a few rows, counts its queries, adds 30 rows of what the page lists
(or opens the same page for a record with 30 more children) and asserts that the count stays
within the first one: no query per row (N+1). The benchmark suite (bench/) measures the time.
"""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import Invoice
from billing.services import issue_run, participation_budget_set
from monitor.services import (
    edition_create,
    edition_publish,
    edition_text_set,
    story_add,
    traffic_light_override_set,
)
from participants.models import TrajectoryChange
from tests.factories import (
    AgreementFactory,
    BudgetFactory,
    BudgetLineFactory,
    BudgetSeriesAmountFactory,
    BudgetSeriesFactory,
    CategoryFactory,
    CohortFactory,
    DecisionFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    MultiYearActivityFactory,
    MultiYearAmountFactory,
    MultiYearBudgetFactory,
    MunicipalityFactory,
    ParticipantFactory,
    ProgrammeFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.parse("2025-Q1")
AFTER_Q1 = dt.date(2025, 4, 15)
# Rendering PDFs is not what these tests count; an issued document gets a stand-in file.
NO_PDF = mock.patch("billing.services.pdf_from_html", return_value=b"%PDF-1.7 test")


def queries_of(client, url) -> int:
    """Queries of one request to ``url`` after a first one (sessions, content types), with
    an empty cache: the monitor's live figures count as computed, not as read from the cache."""
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def billed_project(name="Wijkleerbedrijf", **kwargs):
    project = ProjectFactory(name=name, **kwargs)
    TariffOptionFactory(
        agreement=AgreementFactory(project=project, year=2025),
        price_per_participant=Decimal("4000.00"),
    )
    return project


def started(project, municipality, day=dt.date(2025, 2, 3), ended_after=None):
    participant = ParticipantFactory(municipality=municipality)
    return TrajectoryFactory(
        participant=participant,
        project=project,
        enrolment_date=day - dt.timedelta(days=7),
        started_after=7,
        ended_after=ended_after,
    )


def spread_trajectories(count, *, offset=0):
    """``count`` trajectories, each in its own project, municipality and category; half ended."""
    for n in range(offset, offset + count):
        project = billed_project(name=f"Project {n}", category=CategoryFactory())
        municipality = MunicipalityFactory(name=f"Gemeente {n}", slug=f"gemeente-{n}")
        started(project, municipality, ended_after=30 if n % 2 else None)


# --- projects -------------------------------------------------------------------------------


def test_project_list_queries_do_not_grow_with_projects(
    client_for, coordinator, django_assert_max_num_queries
):
    for _ in range(3):
        billed_project(name=f"Eerst {_}", category=CategoryFactory())
    client = client_for(coordinator)
    budget = queries_of(client, "/projecten/")
    for n in range(30):
        project = billed_project(name=f"Later {n}", category=CategoryFactory())
        DecisionFactory(project=project)

    with django_assert_max_num_queries(budget):
        assert client.get("/projecten/").status_code == 200


def test_project_page_queries_do_not_grow_with_agreements_decisions_and_trajectories(
    client_for, coordinator, huizen, django_assert_max_num_queries
):
    project = billed_project(name="Groot", slug="groot")
    client = client_for(coordinator)
    budget = queries_of(client, "/projecten/groot/")
    for year in range(2000, 2024):
        TariffOptionFactory(agreement=AgreementFactory(project=project, year=year))
    for _ in range(10):
        DecisionFactory(project=project)
        CohortFactory(
            project=project, tariff_option=project.agreements.get(year=2025).tariff_options.get()
        )
        started(project, huizen)

    with django_assert_max_num_queries(budget):
        assert client.get("/projecten/groot/").status_code == 200


def _board_year(count, *, offset=0):
    """``count`` projects with a 2025 agreement, a started trajectory, an invoice line and a
    realised budget line, and a decision each in one meeting."""
    budget_record = BudgetFactory(year=2025, programme=ProgrammeFactory())
    for n in range(offset, offset + count):
        project = billed_project(name=f"Bestuur {n}")
        municipality = MunicipalityFactory(name=f"Bestuursgemeente {n}", slug=f"bg-{n}")
        started(project, municipality)
        BudgetLineFactory(budget=budget_record, project=project, realised=Decimal("10.00"))
        DecisionFactory(project=project, date=dt.date(2024, 9, 27))


@pytest.mark.parametrize(
    "url",
    [
        "/bestuur/",
        "/bestuur/kostenverdeling/2025/",
        "/bestuur/kostenverdeling/2025/xlsx/",
        "/bestuur/realisatie/2025/",
        "/bestuur/realisatie/2025/xlsx/",
        "meeting",
        "meeting-xlsx",
        "/projecten/jaarafspraken/2026/overnemen/",
    ],
)
def test_board_table_queries_do_not_grow_with_projects(
    url, client_for, coordinator, django_assert_max_num_queries
):
    from projects.models import Meeting

    _board_year(3)
    with NO_PDF:
        issue_run(period=Q1, user=coordinator, today=AFTER_Q1)
    if url.startswith("meeting"):
        pk = Meeting.objects.get().pk
        url = f"/bestuur/vergadering/{pk}/" + ("xlsx/" if url.endswith("xlsx") else "")
    client = client_for(coordinator)
    budget = queries_of(client, url)
    _board_year(30, offset=3)

    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_budget_page_queries_do_not_grow_with_lines(
    client_for, coordinator, django_assert_max_num_queries
):
    budget_record = BudgetFactory(year=2025)
    for _ in range(3):
        BudgetLineFactory(budget=budget_record, project=ProjectFactory())
    client = client_for(coordinator)
    budget = queries_of(client, "/begrotingen/2025/")
    for _ in range(30):
        BudgetLineFactory(budget=budget_record, project=ProjectFactory())
        BudgetLineFactory(budget=budget_record, kind="income")

    with django_assert_max_num_queries(budget):
        assert client.get("/begrotingen/2025/").status_code == 200


def _budget_with_carry_over(programme, year, previous):
    record = BudgetFactory(programme=programme, year=year, title=f"Begroting {year}")
    BudgetLineFactory(budget=record, formation_fte=Decimal("0.50"))
    BudgetLineFactory(budget=record, kind="income", planned=None, is_pm=True)
    if previous is not None:
        BudgetLineFactory(
            budget=record, kind="income", planned=None, realised=None, carried_over_from=previous
        )
    return record


def test_budget_year_page_queries_do_not_grow_with_budgets_per_year(
    client_for, coordinator, django_assert_max_num_queries
):
    programme = ProgrammeFactory()
    previous = BudgetFactory(programme=programme, year=2025)
    for _ in range(3):
        _budget_with_carry_over(ProgrammeFactory(), 2026, previous)
    client = client_for(coordinator)
    budget = queries_of(client, "/begrotingen/2026/")
    for _ in range(30):
        _budget_with_carry_over(ProgrammeFactory(), 2026, previous)

    with django_assert_max_num_queries(budget):
        assert client.get("/begrotingen/2026/").status_code == 200


def test_programme_budget_page_queries_do_not_grow_with_years_series_and_tables(
    client_for, coordinator, django_assert_max_num_queries
):
    programme = ProgrammeFactory(start_date=dt.date(1990, 1, 1))

    def add(first, count):
        previous = None
        for year in range(first, first + count):
            previous = _budget_with_carry_over(programme, year, previous)
            series = BudgetSeriesFactory(programme=programme)
            BudgetSeriesAmountFactory(series=series, year=year)
            table = MultiYearBudgetFactory(programme=programme, available=series)
            MultiYearAmountFactory(activity=MultiYearActivityFactory(budget=table), year=year)

    add(2020, 3)
    client = client_for(coordinator)
    path = f"/begrotingen/programma/{programme.slug}/"
    budget = queries_of(client, path)
    add(1990, 30)

    # The carry-over chain runs through 3 years first and 33 after.
    with django_assert_max_num_queries(budget):
        assert client.get(path).status_code == 200


# --- participants ---------------------------------------------------------------------------


def test_home_page_queries_do_not_grow_with_trajectories(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    client = client_for(coordinator)
    budget = queries_of(client, "/")
    spread_trajectories(30, offset=3)

    with django_assert_max_num_queries(budget):
        assert client.get("/").status_code == 200


def test_participant_list_queries_do_not_grow_with_participants(
    client_for, huizen_case_manager, huizen, django_assert_max_num_queries
):
    ParticipantFactory.create_batch(3, municipality=huizen)
    client = client_for(huizen_case_manager)
    budget = queries_of(client, "/deelnemers/?q=Achternaam")
    ParticipantFactory.create_batch(30, municipality=huizen)

    with django_assert_max_num_queries(budget):
        assert client.get("/deelnemers/?q=Achternaam").status_code == 200


def test_participant_page_queries_do_not_grow_with_trajectories(
    client_for, coordinator, huizen, django_assert_max_num_queries
):
    participant = ParticipantFactory(municipality=huizen)
    TrajectoryFactory(participant=participant, project=billed_project(), started_after=3)
    client = client_for(coordinator)
    url = participant.get_absolute_url()
    budget = queries_of(client, url)
    for n in range(30):
        cohort = CohortFactory()
        TrajectoryFactory(
            participant=participant,
            project=cohort.project if n % 2 else ProjectFactory(),
            cohort=cohort if n % 2 else None,
            started_after=3,
        )

    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_trajectory_list_queries_do_not_grow_with_trajectories(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    client = client_for(coordinator)
    url = "/trajecten/?status=in_traject&sort=-start_date"
    budget = queries_of(client, url)
    spread_trajectories(30, offset=3)

    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_trajectory_export_queries_do_not_grow_with_trajectories(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    client = client_for(coordinator)
    budget = queries_of(client, "/trajecten/?_export=csv")
    spread_trajectories(30, offset=3)

    with django_assert_max_num_queries(budget):
        assert client.get("/trajecten/?_export=csv").status_code == 200


def test_trajectory_page_queries_do_not_grow_with_its_history(
    client_for, coordinator, huizen, django_assert_max_num_queries
):
    trajectory = started(billed_project(), huizen)
    client = client_for(coordinator)
    url = trajectory.get_absolute_url()
    budget = queries_of(client, url)
    TrajectoryChange.objects.bulk_create(
        TrajectoryChange(trajectory=trajectory, changed_by=coordinator, field="notes")
        for _ in range(30)
    )

    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


# --- billing --------------------------------------------------------------------------------


def _issue(period=Q1, today=AFTER_Q1):
    with NO_PDF:
        issue_run(period=period, user=None, today=today)


def test_invoice_list_queries_do_not_grow_with_invoices(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    _issue()
    client = client_for(coordinator)
    budget = queries_of(client, "/facturen/")
    spread_trajectories(30, offset=3)
    _issue(today=AFTER_Q1 + dt.timedelta(days=1))

    with django_assert_max_num_queries(budget):
        assert client.get("/facturen/").status_code == 200
    assert Invoice.objects.count() == 33


def test_invoice_page_queries_do_not_grow_with_lines(
    client_for, coordinator, huizen, laren, django_assert_max_num_queries
):
    project = billed_project()
    for _ in range(3):
        started(project, huizen)
    for _ in range(33):
        started(project, laren)
    _issue()
    small, large = (Invoice.objects.get(municipality=m) for m in (huizen, laren))
    client = client_for(coordinator)
    budget = queries_of(client, small.get_absolute_url())

    with django_assert_max_num_queries(budget):
        assert client.get(large.get_absolute_url()).status_code == 200


def test_credit_page_queries_do_not_grow_with_lines(
    client_for, coordinator, huizen, laren, django_assert_max_num_queries
):
    project = billed_project()
    for _ in range(3):
        started(project, huizen)
    for _ in range(33):
        started(project, laren)
    _issue()
    small, large = (Invoice.objects.get(municipality=m) for m in (huizen, laren))
    client = client_for(coordinator)
    budget = queries_of(client, f"/facturen/{small.number}/crediteren/")

    with django_assert_max_num_queries(budget):
        assert client.get(f"/facturen/{large.number}/crediteren/").status_code == 200


def test_invoice_lines_export_queries_do_not_grow_with_invoices(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    _issue()
    client = client_for(coordinator)
    budget = queries_of(client, "/facturen/regels.csv")
    spread_trajectories(30, offset=3)
    _issue(today=AFTER_Q1 + dt.timedelta(days=1))

    with django_assert_max_num_queries(budget):
        assert client.get("/facturen/regels.csv").status_code == 200


def test_run_preview_queries_do_not_grow_with_billable_trajectories(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    client = client_for(coordinator)
    budget = queries_of(client, "/facturen/run/?period=2025-Q1")
    spread_trajectories(30, offset=3)
    cohort = CohortFactory(tariff_option__agreement__year=2025)
    started(cohort.project, MunicipalityFactory())

    with django_assert_max_num_queries(budget):
        assert client.get("/facturen/run/?period=2025-Q1").status_code == 200


def test_ledger_queries_do_not_grow_with_municipalities(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    client = client_for(coordinator)
    budget = queries_of(client, "/facturen/budget/2025/")
    spread_trajectories(30, offset=3)
    _issue()
    for municipality in MunicipalityFactory._meta.model.objects.all():
        participation_budget_set(municipality=municipality, year=2025, amount=Decimal("9000"))

    with django_assert_max_num_queries(budget):
        assert client.get("/facturen/budget/2025/").status_code == 200


# --- monitor --------------------------------------------------------------------------------


def _programmes(count):
    for _ in range(count):
        ProgrammeFactory(target_trajectories=100, target_to_work=50)


def test_monitor_page_queries_do_not_grow_with_projects_municipalities_and_programmes(
    client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    _programmes(1)
    client = client_for(coordinator)
    budget = queries_of(client, "/monitor/actueel/?periode=2025-H1")
    spread_trajectories(30, offset=3)
    _programmes(10)

    with django_assert_max_num_queries(budget):
        assert client.get("/monitor/actueel/?periode=2025-H1").status_code == 200


def test_edition_list_queries_do_not_grow_with_editions(
    client_for, board_member, coordinator, django_assert_max_num_queries
):
    for year in (2022, 2023, 2024):
        edition_publish(edition=edition_create(period_text=f"{year}-H1"), user=coordinator)
    client = client_for(board_member)
    budget = queries_of(client, "/monitor/")
    for year in range(2005, 2020):
        for half in (1, 2):
            edition_publish(edition=edition_create(period_text=f"{year}-H{half}"), user=coordinator)

    with django_assert_max_num_queries(budget):
        assert client.get("/monitor/").status_code == 200


def _furnish(edition, user, projects):
    # A project without trajectories, and an indicator with a target and a value per project.
    quiet = ProjectFactory(programme=projects[0].programme)
    for project in [*projects, quiet]:
        indicator = IndicatorFactory(project=project)
        IndicatorTargetFactory(indicator=indicator, year=int(edition.period[:4]))
        IndicatorValueFactory(indicator=indicator, period=edition.period, recorded_by=user)
    for project in projects:
        edition_text_set(edition=edition, project=project, text="Loopt goed.")
        traffic_light_override_set(edition=edition, project=project, colour="groen", reason="Ok")
        story_add(
            edition=edition,
            user=user,
            name="Sam",
            project=project,
            text="Werkt nu.",
            consent_given=True,
        )


@pytest.mark.parametrize("page", ["", "json/", "bewerken/"])
def test_draft_edition_queries_do_not_grow_with_texts_stories_and_figures(
    page, client_for, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    _programmes(1)
    small, large = edition_create(period_text="2025-H1"), edition_create(period_text="2024-H2")
    _furnish(small, coordinator, list(ProjectFactory._meta.model.objects.all()))
    client = client_for(coordinator)
    budget = queries_of(client, f"/monitor/2025-H1/{page}")
    spread_trajectories(30, offset=3)
    _programmes(10)
    _furnish(large, coordinator, list(ProjectFactory._meta.model.objects.all()))

    with django_assert_max_num_queries(budget):
        assert client.get(f"/monitor/2024-H2/{page}").status_code == 200


def test_published_edition_queries_do_not_grow_with_its_content(
    client_for, board_member, coordinator, django_assert_max_num_queries
):
    spread_trajectories(3)
    small, large = edition_create(period_text="2025-H1"), edition_create(period_text="2024-H2")
    _furnish(small, coordinator, list(ProjectFactory._meta.model.objects.all()))
    edition_publish(edition=small, user=coordinator)
    client = client_for(board_member)
    budget = queries_of(client, "/monitor/2025-H1/")
    spread_trajectories(30, offset=3)
    _furnish(large, coordinator, list(ProjectFactory._meta.model.objects.all()))
    edition_publish(edition=large, user=coordinator)

    with django_assert_max_num_queries(budget):
        assert client.get("/monitor/2024-H2/").status_code == 200
