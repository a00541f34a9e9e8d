"""Bulk import: CSV (; or ,, UTF-8 with or without BOM, cp1252) and XLSX, all or nothing."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from participants.importing import import_trajectories
from participants.models import Participant, Trajectory
from tests.factories import ParticipantFactory, ProjectFactory

pytestmark = pytest.mark.django_db

HEADER = "klantnummer;voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;einddatum;uitkomst"
GOOD_ROWS = [
    "H-1;Zoë;Jansen;04-03-1995;Huizen;Ik in de Kinderopvang!;2025-01-10;2025-02-01;;",
    ";Piet;Bakker;1960-12-31; laren ;wijkleerbedrijf;06-01-2025;13-01-2025;19-12-2025;diploma+werk",
]


@pytest.fixture(autouse=True)
def catalogue(huizen, laren):
    ProjectFactory(name="Ik in de kinderopvang", slug="ik-in-de-kinderopvang")
    ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")


def csv_bytes(rows, delimiter=";", encoding="utf-8", bom=False):
    text = "\r\n".join([HEADER.replace(";", delimiter), *[r.replace(";", delimiter) for r in rows]])
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def run(data, name="aanmeldingen.csv"):
    return import_trajectories(user=None, name=name, data=data)


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes(GOOD_ROWS),
        csv_bytes(GOOD_ROWS, delimiter=","),
        csv_bytes(GOOD_ROWS, bom=True),
        csv_bytes(GOOD_ROWS, encoding="cp1252"),
    ],
    ids=["semicolon", "comma", "utf8-bom", "cp1252"],
)
def test_csv_variants_import_the_same_two_trajectories(data):
    result = run(data)

    assert result.ok, result.errors
    assert (result.participants_created, result.trajectories_created) == (2, 2)
    zoe = Participant.objects.get(last_name="Jansen")
    assert zoe.first_name == "Zoë"
    assert zoe.client_number == "H-1"
    ended = Trajectory.objects.get(participant__last_name="Bakker")
    assert ended.project.name == "Wijkleerbedrijf"
    assert ended.municipality_at_start.name == "Laren"
    assert ended.outcome == "diploma+werk"


def test_xlsx_imports_like_csv():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            " Voornaam",
            "ACHTERNAAM",
            "geboortedatum",
            "gemeente",
            "project",
            "aanmelddatum",
            "startdatum",
        ]
    )
    sheet.append(
        [
            "Ali",
            "Demir",
            dt.datetime(1990, 5, 1),
            "Huizen",
            "Wijkleerbedrijf",
            dt.datetime(2025, 2, 1),
            "03-02-2025",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = run(buffer.getvalue(), name="lijst.xlsx")

    assert result.ok, result.errors
    trajectory = Trajectory.objects.get()
    assert trajectory.start_date == dt.date(2025, 2, 3)
    assert trajectory.participant.date_of_birth == dt.date(1990, 5, 1)


def test_importing_the_same_file_twice_changes_nothing():
    run(csv_bytes(GOOD_ROWS))

    second = run(csv_bytes(GOOD_ROWS))

    assert (second.participants_created, second.participants_matched) == (0, 2)
    assert (
        second.trajectories_created,
        second.trajectories_updated,
        second.trajectories_unchanged,
    ) == (0, 0, 2)
    assert Participant.objects.count() == 2
    assert Trajectory.objects.count() == 2


def test_a_changed_row_updates_the_trajectory_and_records_it():
    run(csv_bytes(GOOD_ROWS))
    changed = [GOOD_ROWS[0].replace("2025-02-01;;", "2025-02-01;2025-06-30;gestopt"), GOOD_ROWS[1]]

    result = run(csv_bytes(changed))

    trajectory = Trajectory.objects.get(participant__last_name="Jansen")
    assert result.trajectories_updated == 1
    assert trajectory.outcome == "gestopt"
    assert trajectory.changes.filter(field="uitkomst", new_value="voortijdig gestopt").exists()


def test_existing_participant_is_matched_not_duplicated(huizen):
    ParticipantFactory(
        first_name="zoe", last_name="JANSEN", date_of_birth=dt.date(1995, 3, 4), municipality=huizen
    )

    result = run(csv_bytes(GOOD_ROWS))

    assert result.participants_matched == 1
    assert Participant.objects.filter(last_name__iexact="jansen").count() == 1


def test_moved_participant_keeps_earlier_municipality_and_lives_where_the_latest_row_says():
    rows = [
        ";Eva;Smit;01-01-1980;Huizen;Wijkleerbedrijf;2024-02-01;2024-02-05;2024-12-20;diploma",
        ";Eva;Smit;01-01-1980;Laren;Ik in de kinderopvang;2025-03-01;;;",
    ]

    run(csv_bytes(rows))

    eva = Participant.objects.get(last_name="Smit")
    assert eva.municipality.name == "Laren"
    assert (
        eva.trajectories.get(project__name="Wijkleerbedrijf").municipality_at_start.name == "Huizen"
    )


BAD_ROWS = [
    GOOD_ROWS[0],
    "X;Anna;Visser;31-02-1990;Huizen;Wijkleerbedrijf;2025-01-10;;;",  # impossible date
    ";Bob;de Boer;1990-01-01;Amsterdam;Wijkleerbedrijf;2025-01-10;;;",  # unknown municipality
    ";Cor;Mulder;1990-01-01;Huizen;Onbekend project;2025-01-10;;;",  # unknown project
    ";Dirk;Kok;1990-01-01;Huizen;Wijkleerbedrijf;2025-01-10;2025-01-05;;",  # start before enrolment
    ";Els;Peters;1990-01-01;Huizen;Wijkleerbedrijf;2025-01-10;2025-01-12;2025-01-11;werk",  # end < start
    ";Fien;Bos;1990-01-01;Huizen;Wijkleerbedrijf;2025-01-10;2025-01-12;;diploma",  # outcome w/o end
    ";Gijs;Vos;1990-01-01;Huizen;Wijkleerbedrijf;2025-01-10;2025-01-12;2025-02-01;",  # end w/o outcome
    ";Hans;Dekker;1990-01-01;Huizen;Wijkleerbedrijf;2025-01-10;2025-01-12;2025-02-01;geslaagd",  # bad code
    ";;Leeg;1990-01-01;Huizen;Wijkleerbedrijf;2025-01-10;;;",  # missing first name
]


def test_a_file_with_any_bad_row_imports_nothing_and_reports_every_problem():
    result = run(csv_bytes(BAD_ROWS))

    assert not result.ok
    problems = {(e.row, e.column) for e in result.errors}
    assert problems >= {
        (3, "geboortedatum"),
        (4, "gemeente"),
        (5, "project"),
        (6, "startdatum"),
        (7, "einddatum"),
        (8, "uitkomst"),
        (9, "uitkomst"),
        (10, "uitkomst"),
        (11, "voornaam"),
    }
    assert not Participant.objects.exists()
    assert not Trajectory.objects.exists()


def test_missing_required_column_is_reported_on_the_header_row():
    data = b"voornaam;achternaam\nJan;Jansen\n"

    result = run(data)

    assert {(e.row, e.column) for e in result.errors} >= {(1, "geboortedatum"), (1, "project")}


def test_command_exits_non_zero_with_the_report(tmp_path):
    path = tmp_path / "fout.csv"
    path.write_bytes(csv_bytes(BAD_ROWS))

    with pytest.raises(CommandError):
        call_command("import_trajectories", str(path))

    assert not Trajectory.objects.exists()


def test_command_prints_a_summary(tmp_path, capsys):
    path = tmp_path / "goed.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))

    call_command("import_trajectories", str(path))

    assert "2 regels ingelezen" in capsys.readouterr().out


def test_upload_page_shows_the_summary(client_for, coordinator, post_and_run):
    upload = SimpleUploadedFile("lijst.csv", csv_bytes(GOOD_ROWS), content_type="text/csv")

    response = post_and_run(client_for(coordinator), "/trajecten/importeren/", {"file": upload})

    assert response.status_code == 200
    assert "Samenvatting" in response.content.decode()
    assert Trajectory.objects.count() == 2


def test_upload_page_shows_row_errors_as_a_table_and_imports_nothing(client_for, coordinator, post_and_run):
    upload = SimpleUploadedFile("lijst.csv", csv_bytes(BAD_ROWS), content_type="text/csv")

    response = post_and_run(client_for(coordinator), "/trajecten/importeren/", {"file": upload})

    content = response.content.decode()
    assert "mislukt" in response.content.decode()
    assert "onbekende gemeente “Amsterdam”" in content
    assert not Trajectory.objects.exists()


def test_upload_refuses_other_file_types(client_for, coordinator, post_and_run):
    upload = SimpleUploadedFile("lijst.pdf", b"%PDF-1.4", content_type="application/pdf")

    response = post_and_run(client_for(coordinator), "/trajecten/importeren/", {"file": upload})

    assert "Alleen .csv- en .xlsx-bestanden" in response.content.decode()


def test_upload_refuses_files_over_5_mb(client_for, coordinator, post_and_run):
    upload = SimpleUploadedFile("lijst.csv", b"x" * (5 * 1024 * 1024 + 1), content_type="text/csv")

    response = post_and_run(client_for(coordinator), "/trajecten/importeren/", {"file": upload})

    assert "Het bestand is groter dan 5 MB." in response.content.decode()
    assert not Trajectory.objects.exists()


def test_a_broken_xlsx_is_reported_not_crashed():
    result = run(b"not really a spreadsheet", name="kapot.xlsx")

    assert not result.ok
