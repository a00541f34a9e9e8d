"""The import template (CSV and Excel), its valid values, and one set of outcome words."""

import io

import pytest
from openpyxl import load_workbook

from participants.constants import Outcome
from participants.importing import COLUMNS, import_trajectories, outcome_words
from participants.models import Trajectory
from tests.factories import CohortFactory, ProjectFactory, UserFactory
from waw.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(huizen):
    project = ProjectFactory(name="Wijkleerbedrijf")
    CohortFactory(tariff_option__agreement__project=project, name="Klas februari")
    ProjectFactory(name="Divosa Benchmark", takes_participants=False)
    ProjectFactory(name="Afgelopen project", status="ended")
    return project


def _import(content: bytes, name: str):
    return import_trajectories(user=None, name=name, data=content)


def test_the_csv_template_has_the_header_and_an_example_row_that_imports(
    client_for, coordinator, catalogue
):
    response = client_for(coordinator).get("/trajecten/importeren/sjabloon.csv")

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('sjabloon-trajecten.csv"')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].replace('"', "").split(";") == list(COLUMNS)
    assert len(lines) == 2
    result = _import(response.content, "sjabloon.csv")
    assert result.ok, result.errors
    assert Trajectory.objects.get().project == catalogue


def test_the_excel_template_has_a_sheet_of_valid_values(client_for, coordinator, catalogue):
    response = client_for(coordinator).get("/trajecten/importeren/sjabloon.xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    first, values = workbook.worksheets
    assert [c.value for c in first[1]] == list(COLUMNS)
    assert first.max_row == 2
    columns = {cell.value: index for index, cell in enumerate(values[1])}
    listed = {
        name: [row[index].value for row in values.iter_rows(min_row=2) if row[index].value]
        for name, index in columns.items()
    }
    assert listed["project"] == ["Wijkleerbedrijf"]
    assert listed["groep"] == ["Klas februari"]
    assert listed["uitkomst"] == outcome_words()
    assert "Huizen" in listed["gemeente"]
    assert _import(response.content, "sjabloon.xlsx").ok


def test_the_template_texts_cannot_become_a_formula(client_for, coordinator, huizen):
    ProjectFactory(name='=HYPERLINK("http://x.example","klik")')

    response = client_for(coordinator).get("/trajecten/importeren/sjabloon.xlsx")

    values = load_workbook(io.BytesIO(response.content)).worksheets[1]
    cell = values["A2"]
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_the_valid_values_page_lists_projects_groups_and_outcome_words(
    client_for, coordinator, catalogue
):
    page = client_for(coordinator).get("/trajecten/importeren/geldige-waarden/").content.decode()

    assert "Wijkleerbedrijf" in page and "Klas februari" in page
    assert "Divosa Benchmark" not in page
    assert "diploma en werk" in page and "voortijdig gestopt" in page


def test_the_import_page_links_the_templates_and_names_the_outcomes_as_the_pages_do(
    client_for, coordinator
):
    page = client_for(coordinator).get("/trajecten/importeren/").content.decode()

    assert "/trajecten/importeren/sjabloon.xlsx" in page
    assert "/trajecten/importeren/sjabloon.csv" in page
    assert "/trajecten/importeren/geldige-waarden/" in page
    assert "diploma en werk" in page and "voortijdig gestopt" in page


def test_the_outcome_words_are_the_labels_the_pages_show():
    assert "diploma en werk" in outcome_words()
    assert "voortijdig gestopt" in outcome_words()
    assert outcome_words() == [str(o.label) for o in Outcome]


@pytest.mark.parametrize(
    ("word", "outcome"),
    [
        ("diploma en werk", Outcome.DIPLOMA_AND_WORK),
        ("diploma+werk", Outcome.DIPLOMA_AND_WORK),
        ("Voortijdig gestopt", Outcome.DROPPED_OUT),
        ("gestopt", Outcome.DROPPED_OUT),
        ("certificaat en werk", Outcome.CERTIFICATE_AND_WORK),
    ],
)
def test_the_import_accepts_the_new_and_the_old_outcome_words(word, outcome, huizen, catalogue):
    data = (
        "voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;"
        "einddatum;uitkomst\n"
        f"Sanne;de Vries;04-03-1995;Huizen;Wijkleerbedrijf;10-01-2025;13-01-2025;"
        f"30-06-2025;{word}\n"
    ).encode()

    result = _import(data, "a.csv")

    assert result.ok, result.errors
    assert Trajectory.objects.get().outcome == outcome


def test_the_template_is_for_coordinators_only(client_for, huizen):
    finance = UserFactory(role=Role.MUNICIPALITY, municipality=huizen)

    response = client_for(finance).get("/trajecten/importeren/sjabloon.csv")

    assert response.status_code == 403


def test_an_unknown_template_format_is_not_found(client_for, coordinator):
    assert client_for(coordinator).get("/trajecten/importeren/sjabloon.pdf").status_code == 404
