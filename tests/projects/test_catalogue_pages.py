"""The project list and project page: filters, sorting, exports, and who sees what."""

import pytest
from django.core.management import call_command

from projects.models import Project
from tests.conftest import REQUEST_OVERHEAD_QUERIES
from tests.factories import AgreementFactory, CategoryFactory, ProjectFactory, TariffOptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_reference_data", verbosity=0)


@pytest.mark.parametrize("who", ["coordinator", "huizen_user", "board_member"])
def test_every_role_reads_the_catalogue(request, client_for, loaded, who):
    client = client_for(request.getfixturevalue(who))

    assert client.get("/projecten/").status_code == 200
    assert client.get("/projecten/wijkleerbedrijf/").status_code == 200


@pytest.mark.parametrize("who", ["huizen_user", "board_member"])
def test_readers_see_no_edit_buttons(request, client_for, loaded, who):
    content = client_for(request.getfixturevalue(who)).get("/projecten/wijkleerbedrijf/")

    assert "Project bewerken" not in content.content.decode()


def test_coordinator_sees_edit_buttons(client_for, coordinator, loaded):
    content = client_for(coordinator).get("/projecten/wijkleerbedrijf/").content.decode()

    assert "Project bewerken" in content
    assert "Nieuwe jaarafspraak" in content


def test_wijkleerbedrijf_page_shows_2025_and_2026_agreements_and_decisions(
    client_for, board_member, loaded
):
    content = client_for(board_member).get("/projecten/wijkleerbedrijf/").content.decode()

    assert "Tariefopties 2025" in content
    assert "Tariefopties 2026" in content
    assert "€\u00a04.000,00" in content
    assert "€\u00a06.838,00" in content
    assert "Verlengen met 1 jaar (2 klassen)" in content


def test_filter_by_category_keeps_only_that_category(client_for, coordinator):
    training = CategoryFactory(name="Scholingsprojecten")
    ProjectFactory(name="Wijkleerbedrijf", category=training)
    ProjectFactory(name="Motopp")

    content = client_for(coordinator).get(f"/projecten/?category={training.pk}").content.decode()

    assert "Wijkleerbedrijf" in content
    assert "Motopp" not in content


def test_filter_by_year_keeps_projects_with_an_agreement_that_year(client_for, coordinator):
    TariffOptionFactory(
        agreement=AgreementFactory(project=ProjectFactory(name="Zorgstart"), year=2026)
    )
    TariffOptionFactory(
        agreement=AgreementFactory(project=ProjectFactory(name="Basiskok"), year=2024)
    )

    content = client_for(coordinator).get("/projecten/?year=2026").content.decode()

    assert "Zorgstart" in content
    assert "Basiskok" not in content


def test_filter_by_status(client_for, coordinator):
    ProjectFactory(name="Zorgstart", status="running")
    ProjectFactory(name="Basiskok", status="ended")

    content = client_for(coordinator).get("/projecten/?status=ended").content.decode()

    assert "Basiskok" in content
    assert "Zorgstart" not in content


def test_an_unknown_filter_value_shows_an_error_not_a_crash(client_for, coordinator):
    response = client_for(coordinator).get("/projecten/?status=nonsense&year=abc")

    assert response.status_code == 200


def test_sorting_by_name_descending(client_for, coordinator):
    ProjectFactory(name="Alfa")
    ProjectFactory(name="Zulu")

    content = client_for(coordinator).get("/projecten/?sort=-name").content.decode()

    assert content.index("Zulu") < content.index("Alfa")


def test_empty_filter_result_says_so(client_for, coordinator):
    ProjectFactory(name="Alfa", status="running")

    content = client_for(coordinator).get("/projecten/?status=ended").content.decode()

    assert "Er zijn geen projecten die aan deze keuze voldoen." in content


def test_csv_export_holds_the_filtered_projects(client_for, huizen_user):
    ProjectFactory(name="Zorgstart", status="running")
    ProjectFactory(name="Basiskok", status="ended")

    response = client_for(huizen_user).get("/projecten/?status=running&_export=csv")

    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "Zorgstart" in body
    assert "Basiskok" not in body


def test_excel_export_is_an_xlsx_file(client_for, coordinator, loaded):
    response = client_for(coordinator).get("/projecten/?_export=xlsx")

    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_unknown_project_answers_404(client_for, coordinator):
    assert client_for(coordinator).get("/projecten/bestaat-niet/").status_code == 404


def test_project_list_query_count_does_not_grow_with_rows(
    client_for, coordinator, django_assert_max_num_queries
):
    ProjectFactory.create_batch(25, category=CategoryFactory())
    client = client_for(coordinator)

    with django_assert_max_num_queries(10 + REQUEST_OVERHEAD_QUERIES):
        client.get("/projecten/")


def test_project_page_query_count_does_not_grow_with_agreements(
    client_for, coordinator, django_assert_max_num_queries
):
    project = ProjectFactory(slug="groot")
    for year in range(2015, 2027):
        TariffOptionFactory(agreement=AgreementFactory(project=project, year=year))
    client = client_for(coordinator)

    with django_assert_max_num_queries(10 + REQUEST_OVERHEAD_QUERIES):
        client.get("/projecten/groot/")
    assert Project.objects.count() == 1


def test_project_page_counts_participants_started_and_active_per_year(client_for, board_member):
    import datetime as dt

    from tests.factories import TrajectoryFactory

    project = ProjectFactory(slug="wlb")
    for year in (2024, 2025):
        TariffOptionFactory(agreement=AgreementFactory(project=project, year=year))
    TrajectoryFactory(
        project=project, enrolment_date=dt.date(2024, 3, 1), start_date=dt.date(2024, 3, 1)
    )
    TrajectoryFactory(
        project=project,
        enrolment_date=dt.date(2024, 5, 1),
        start_date=dt.date(2024, 5, 1),
        end_date=dt.date(2025, 2, 1),
        outcome="diploma",
    )
    TrajectoryFactory(
        project=project, enrolment_date=dt.date(2025, 1, 10), start_date=dt.date(2025, 2, 1)
    )
    TrajectoryFactory(project=project, enrolment_date=dt.date(2025, 1, 10))  # never started

    from participants.selectors import project_year_counts

    rows = project_year_counts(project_id=project.pk, years=[2024, 2025])

    assert rows == [
        {"year": 2024, "started": 2, "active": 2},
        {"year": 2025, "started": 1, "active": 2},
    ]
    assert "Deelnemers per jaar" in client_for(board_member).get("/projecten/wlb/").content.decode()
