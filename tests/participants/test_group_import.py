"""import_groups: groups from CSV or XLSX, all or nothing, every problem named with its row;
a second import of the planning file updates the groups (starts, cancellations with reasons).
And import_trajectories' optional column groep."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from participants import importing
from participants.group_import import import_groups
from participants.importing import import_trajectories
from participants.models import Trajectory
from projects.constants import CohortStatus
from projects.models import Cohort
from tests.factories import AgreementFactory, ProjectFactory, TariffOptionFactory

pytestmark = pytest.mark.django_db

HEADER = "project;groep;startdatum;tariefoptie;status;reden\n"


@pytest.fixture
def wijkleerbedrijf(huizen):
    project = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    agreement = AgreementFactory(project=project, year=2026)
    TariffOptionFactory(
        agreement=agreement,
        label="Minimaal 15",
        price_per_participant=Decimal("6838.00"),
        min_group_size=15,
    )
    TariffOptionFactory(
        agreement=agreement,
        label="Minimaal 10",
        price_per_participant=Decimal("4000.00"),
        min_group_size=10,
        is_default=False,
    )
    return project


def groups_csv(*rows, encoding="utf-8"):
    return (HEADER + "".join(";".join(row) + "\n" for row in rows)).encode(encoding)


def test_import_creates_planned_groups_with_the_option_by_label_or_price(
    wijkleerbedrijf, coordinator
):
    data = groups_csv(
        ("Wijkleerbedrijf", "Klas februari", "02-02-2026", "Minimaal 10", "gepland", ""),
        ("Wijkleerbedrijf", "Klas augustus", "2026-08-31", "6838,00", "", ""),
    )

    result = import_groups(user=coordinator, name="groepen.csv", data=data)

    assert result.ok and result.created == 2
    february = Cohort.objects.get(name="Klas februari")
    assert february.status == CohortStatus.PLANNED
    assert february.tariff_option.label == "Minimaal 10"
    assert Cohort.objects.get(name="Klas augustus").tariff_option.label == "Minimaal 15"


def test_group_file_with_any_problem_imports_nothing_and_names_each_row(
    wijkleerbedrijf, coordinator
):
    data = groups_csv(
        ("Wijkleerbedrijf", "Klas februari", "02-02-2026", "Minimaal 10", "gepland", ""),
        ("Wijkleerbedrijf", "Klas maart", "02-03-2027", "Minimaal 10", "gepland", ""),
        ("Onbekend", "Klas", "02-03-2026", "Minimaal 10", "gepland", ""),
        ("Wijkleerbedrijf", "Klas april", "02-04-2026", "999", "gepland", ""),
        ("Wijkleerbedrijf", "Klas mei", "02-05-2026", "Minimaal 10", "geannuleerd", ""),
    )

    result = import_groups(user=coordinator, name="groepen.csv", data=data)

    assert not Cohort.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "tariefoptie"),
        (4, "project"),
        (5, "tariefoptie"),
        (6, "reden"),
    ]
    assert "geen jaarafspraak voor 2027" in result.errors[0].message


def test_second_import_starts_and_cancels_groups_with_their_reasons(wijkleerbedrijf, coordinator):
    import_groups(
        user=coordinator,
        name="groepen.csv",
        data=groups_csv(
            ("Wijkleerbedrijf", "Klas februari", "02-02-2026", "Minimaal 10", "gepland", ""),
            ("Wijkleerbedrijf", "Klas augustus", "31-08-2026", "Minimaal 15", "gepland", ""),
        ),
    )

    result = import_groups(
        user=coordinator,
        name="groepen.csv",
        data=groups_csv(
            ("Wijkleerbedrijf", "Klas februari", "02-02-2026", "Minimaal 10", "gestart", "PFHO"),
            (
                "Wijkleerbedrijf",
                "Klas augustus",
                "31-08-2026",
                "Minimaal 15",
                "geannuleerd",
                "leeg",
            ),
        ),
    )

    assert result.ok and (result.started, result.cancelled) == (1, 1)
    february = Cohort.objects.get(name="Klas februari")
    assert (february.status, february.decision_reason) == (CohortStatus.STARTED, "PFHO")
    assert Cohort.objects.get(name="Klas augustus").status == CohortStatus.CANCELLED


def test_start_below_the_minimum_without_a_reason_refuses_the_whole_file(
    wijkleerbedrijf, coordinator
):
    data = groups_csv(
        ("Wijkleerbedrijf", "Klas februari", "02-02-2026", "Minimaal 10", "gestart", ""),
    )

    result = import_groups(user=coordinator, name="groepen.csv", data=data)

    assert not Cohort.objects.exists()
    assert result.errors[0].row == 2 and "0 van minimaal 10" in result.errors[0].message


def test_group_file_in_cp1252_with_commas_is_read(wijkleerbedrijf, coordinator):
    data = (
        "project,groep,startdatum,tariefoptie\nWijkleerbedrijf,Klas één,02-02-2026,Minimaal 10\n"
    ).encode("cp1252")

    result = import_groups(user=coordinator, name="groepen.csv", data=data)

    assert result.ok and Cohort.objects.get().name == "Klas één"


def test_group_file_as_xlsx_is_read(wijkleerbedrijf, coordinator):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Project", "Groep", "Startdatum", "Tariefoptie", "Status", "Reden"])
    sheet.append(
        ["Wijkleerbedrijf", "Klas februari", dt.datetime(2026, 2, 2), 4000, "gepland", None]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_groups(user=coordinator, name="groepen.xlsx", data=buffer.getvalue())

    assert result.ok
    assert Cohort.objects.get().tariff_option.label == "Minimaal 10"


def test_trajectory_import_places_a_trajectory_in_a_group(wijkleerbedrijf, coordinator):
    import_groups(
        user=coordinator,
        name="groepen.csv",
        data=groups_csv(
            ("Wijkleerbedrijf", "Klas februari", "02-02-2026", "Minimaal 10", "gepland", ""),
        ),
    )
    data = (
        b"voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;groep\n"
        b"Anna;Jansen;01-02-1990;Huizen;Wijkleerbedrijf;12-01-2026;02-02-2026;Klas februari\n"
    )

    result = import_trajectories(user=coordinator, name="trajecten.csv", data=data)

    assert result.ok, result.errors
    assert Trajectory.objects.get().cohort.name == "Klas februari"


def test_trajectory_import_refuses_an_unknown_group(wijkleerbedrijf, coordinator):
    data = (
        b"voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;groep\n"
        b"Anna;Jansen;01-02-1990;Huizen;Wijkleerbedrijf;12-01-2026;Klas nooit\n"
    )

    result = import_trajectories(user=coordinator, name="trajecten.csv", data=data)

    assert [(e.row, e.column) for e in result.errors] == [(2, "groep")]


def test_the_group_upload_page_shows_the_first_problems_and_counts_the_rest(
    wijkleerbedrijf, client_for, coordinator, post_and_run
):
    rows = [("Onbekend", f"Klas {n}", "02-03-2026", "Minimaal 10", "gepland", "") for n in range(600)]
    upload = SimpleUploadedFile("groepen.csv", groups_csv(*rows))

    response = post_and_run(client_for(coordinator), "/groepen/importeren/", {"file": upload})

    content = response.content.decode()
    assert content.count("<tr><td class=\"num\">") == importing.MAX_SHOWN_ERRORS
    assert "En nog 100 problemen" in content


def test_groups_are_imported_from_a_path_reporting_progress(wijkleerbedrijf, coordinator, tmp_path):
    path = tmp_path / "groepen.csv"
    path.write_bytes(
        groups_csv(
            ("Wijkleerbedrijf", "Klas februari", "02-02-2026", "Minimaal 10", "gepland", ""),
            ("Wijkleerbedrijf", "Klas augustus", "2026-08-31", "6838,00", "", ""),
        )
    )
    calls = []

    result = import_groups(
        user=coordinator, name=path.name, path=path, progress=lambda *a: calls.append(a)
    )

    assert result.ok and result.created == 2
    assert calls == [(2, None), (2, 2)]
