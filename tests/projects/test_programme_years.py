"""A project's yearly agreement names the programme it falls under that year, so a project can
move programme without rewriting its history; "the projects of programme P in year Y" is one
selector, which the monitor follows."""

import datetime as dt

import pytest
from django.core.management import call_command

from monitor.selectors import programme_progress
from projects.models import Agreement, Project
from projects.selectors import programme_projects
from projects.services import agreement_save
from tests.factories import (
    AgreementFactory,
    ProgrammeFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.periods import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def waw():
    return ProgrammeFactory(
        name="Werken aan Werk",
        slug="waw",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2024, 12, 31),
        target_trajectories=1200,
        target_to_work=500,
    )


@pytest.fixture
def werkcentrum():
    return ProgrammeFactory(
        name="Regionaal Werkcentrum",
        slug="rwc",
        start_date=dt.date(2026, 1, 1),
        target_trajectories=100,
    )


@pytest.fixture
def moved(waw, werkcentrum):
    """Wijkleerbedrijf: under Werken aan Werk in 2024, under the Werkcentrum in 2026 (its
    project record now names the Werkcentrum)."""
    project = ProjectFactory(name="Wijkleerbedrijf", programme=werkcentrum)
    AgreementFactory(project=project, year=2024, programme=waw)
    AgreementFactory(project=project, year=2026, programme=werkcentrum)
    return project


def test_a_programmes_projects_in_a_year_follow_that_years_agreement(moved, waw, werkcentrum):
    assert list(programme_projects(programme=waw, year=2024)) == [moved]
    assert list(programme_projects(programme=werkcentrum, year=2024)) == []
    assert list(programme_projects(programme=werkcentrum, year=2026)) == [moved]
    assert list(programme_projects(programme=waw, year=2026)) == []


def test_a_project_without_an_agreement_that_year_falls_under_its_own_programme(
    moved, waw, werkcentrum
):
    assert list(programme_projects(programme=werkcentrum, year=2027)) == [moved]
    assert list(programme_projects(programme=waw, year=2027)) == []


def test_an_agreement_saved_without_a_programme_falls_under_its_projects_programme(waw):
    project = ProjectFactory(programme=waw)
    agreement = Agreement(project=project, year=2025)

    agreement_save(agreement=agreement, tariff_options=[TariffOptionFactory.build(agreement=None)])

    agreement.refresh_from_db()
    assert agreement.programme == waw


def test_moving_a_project_to_another_programme_keeps_its_earlier_years(moved, waw):
    moved.programme = ProgrammeFactory(name="Banentuin")
    moved.save()

    assert list(programme_projects(programme=waw, year=2024)) == [moved]


def test_monitor_progress_counts_a_moved_projects_trajectories_for_the_programme_of_their_year(
    moved, waw, werkcentrum, huizen
):
    for day in (dt.date(2024, 3, 4), dt.date(2026, 2, 2), dt.date(2026, 3, 2)):
        TrajectoryFactory(
            project=moved, municipality_at_start=huizen, enrolment_date=day, start_date=day
        )
    elsewhere = ProjectFactory(programme=werkcentrum)  # never under Werken aan Werk
    TrajectoryFactory(
        project=elsewhere,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2024, 5, 6),
        start_date=dt.date(2024, 5, 6),
    )

    rows = {row["programme"]: row for row in programme_progress(period=Period.parse("2026-H1"))}

    assert rows["Werken aan Werk"]["started"] == 1
    assert rows["Regionaal Werkcentrum"]["started"] == 2


def test_reference_data_files_wijkleerbedrijfs_years_under_the_programme_of_each_year():
    call_command("load_reference_data", verbosity=0)

    wijkleerbedrijf = Project.objects.get(slug="wijkleerbedrijf")
    by_year = dict(wijkleerbedrijf.agreements.values_list("year", "programme__name"))

    assert by_year == {
        2024: "Werken aan Werk",
        2025: "Overgangsjaar 2025",
        2026: "Regionaal Werkcentrum",
    }


def test_a_budget_line_chooses_among_the_programmes_projects_of_the_budget_year(
    moved, waw, werkcentrum
):
    from projects.forms import BudgetLineForm
    from projects.models import BudgetLine
    from tests.factories import BudgetFactory

    ProjectFactory(name="Elders", programme=werkcentrum)  # no agreement: Werkcentrum's
    line = BudgetLine(budget=BudgetFactory(programme=waw, year=2024))

    choices = list(BudgetLineForm(instance=line).fields["project"].queryset)

    assert choices == [moved]


def test_monitor_progress_of_a_programme_without_start_date_counts_its_earlier_years(huizen):
    open_ended = ProgrammeFactory(name="Zonder start", start_date=None, target_trajectories=10)
    project = ProjectFactory(programme=open_ended)
    for day in (dt.date(2019, 3, 4), dt.date(2025, 2, 3)):
        TrajectoryFactory(
            project=project, municipality_at_start=huizen, enrolment_date=day, start_date=day
        )

    [row] = programme_progress(period=Period.parse("2025-H1"))

    assert row["started"] == 2
