"""The fast import: set-based look-ups and bulk writes give the database the rows the
row-by-row services gave it (participants, trajectories, history, audit trail), in a number
of queries that does not grow with the file; progress is reported; all or nothing."""

import datetime as dt
import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from participants import importing
from participants.importing import ImportResult, import_trajectories
from participants.models import Participant, Trajectory, TrajectoryChange
from tests.factories import (
    AgreementFactory,
    CohortFactory,
    ParticipantFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)

pytestmark = pytest.mark.django_db

HEADER = (
    "klantnummer;voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum;startdatum;"
    "einddatum;uitkomst;groep"
)


def csv_bytes(rows):
    return "\n".join([HEADER, *rows]).encode()


@pytest.fixture
def projects(huizen, laren):
    wijk = ProjectFactory(name="Wijkleerbedrijf", slug="wijkleerbedrijf")
    kinderopvang = ProjectFactory(name="Ik in de kinderopvang", slug="ik-in-de-kinderopvang")
    option = TariffOptionFactory(agreement=AgreementFactory(project=wijk, year=2025))
    CohortFactory(tariff_option=option, name="Klas maart", status="planned", capacity=3)
    return wijk, kinderopvang


@pytest.fixture
def existing(projects, huizen, laren):
    """People the file is partly about: matched, moved, given a klantnummer, ended."""
    wijk, kinderopvang = projects
    carla = ParticipantFactory(
        first_name="CARLA",
        last_name="de Wit",
        date_of_birth=dt.date(1985, 6, 7),
        municipality=huizen,
    )
    TrajectoryFactory(
        participant=carla,
        project=wijk,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2025, 1, 6),
        start_date=dt.date(2025, 1, 13),
    )
    dirk = ParticipantFactory(
        first_name="Dirk", last_name="Kok", date_of_birth=dt.date(1970, 1, 1), municipality=huizen
    )
    TrajectoryFactory(
        participant=dirk,
        project=kinderopvang,
        municipality_at_start=huizen,
        enrolment_date=dt.date(2024, 9, 2),
        start_date=dt.date(2024, 9, 9),
    )
    ParticipantFactory(
        first_name="Eva",
        last_name="Smit",
        date_of_birth=dt.date(1980, 1, 1),
        municipality=huizen,
        client_number="H-7",
    )
    ParticipantFactory(
        first_name="Fien", last_name="Bos", date_of_birth=dt.date(1999, 9, 9), municipality=laren
    )


ROWS = [
    # new, in a group
    ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;2025-03-03;;;Klas maart",
    # new, with a klantnummer, two trajectories, one ended
    "H-1;Bram;Jansen;02-02-1980;Huizen;Wijkleerbedrijf;2025-01-10;2025-01-20;2025-06-30;werk;",
    "H-1;Bram;Jansen;02-02-1980;Huizen;Ik in de kinderopvang;2025-03-01;;;;",
    # existing, unchanged
    ";Carla;de Wit;07-06-1985;Huizen;Wijkleerbedrijf;2025-01-06;2025-01-13;;;",
    # existing: the running trajectory ends, then a new one in the same project
    ";Dirk;Kok;01-01-1970;Huizen;Ik in de kinderopvang;2024-09-02;2024-09-09;2025-01-31;diploma;",
    ";Dirk;Kok;01-01-1970;Huizen;Ik in de kinderopvang;2025-04-01;;;;",
    # moved to Laren with Laren's klantnummer
    "L-3;Eva;Smit;01-01-1980;Laren;Wijkleerbedrijf;2025-05-01;;;;",
    # gets a klantnummer
    "L-9;Fien;Bos;09-09-1999;Laren;Wijkleerbedrijf;2025-05-02;;;;Klas maart",
]


def import_row_by_row(*, user, data):
    """The import as it was: the same checks, then every row through the services."""
    result = ImportResult()
    parsed, _lookup = importing._read_rows(
        name="a.csv", data=data, path=None, progress=None, result=result
    )
    importing._check_client_numbers(parsed, result.errors)
    assert result.ok, result.errors
    with transaction.atomic():
        importing._apply(user=user, rows=parsed, result=result)
    return result


def without(values: dict, *names) -> dict:
    return {k: v for k, v in values.items() if k not in names}


def database_rows():
    """Everything the import writes, without ids and timestamps (two runs cannot share them)."""
    names = {p.pk: (p.first_name, p.last_name) for p in Participant.objects.all()}
    trajectory_keys = {
        t.pk: (names[t.participant_id], t.project_id, t.enrolment_date.isoformat())
        for t in Trajectory.objects.all()
    }
    participants = sorted(
        repr(sorted(without(model_to_dict(p), "id").items())) for p in Participant.objects.all()
    )
    trajectories = sorted(
        repr(
            sorted(
                {**without(model_to_dict(t), "id"), "participant": names[t.participant_id]}.items()
            )
        )
        for t in Trajectory.objects.all()
    )
    history = sorted(
        (trajectory_keys[c.trajectory_id], c.changed_by_id, c.field, c.old_value, c.new_value)
        for c in TrajectoryChange.objects.all()
    )
    log = sorted(
        (
            e.content_type_id,
            e.object_repr,
            e.action,
            json.dumps(e.changes, sort_keys=True),
            e.actor_id,
            e.actor_email,
            e.serialized_data is None,
        )
        for e in LogEntry.objects.all()
    )
    return participants, trajectories, history, log


class Undo(Exception):
    pass


def test_the_fast_import_writes_the_rows_the_row_by_row_import_wrote(existing, coordinator):
    data = csv_bytes(ROWS)
    try:
        with transaction.atomic(), set_actor(coordinator):
            old = import_row_by_row(user=coordinator, data=data)
            expected = database_rows()
            raise Undo
    except Undo:
        pass
    assert Participant.objects.count() == 4

    with set_actor(coordinator):
        new = import_trajectories(user=coordinator, name="a.csv", data=data)

    assert new.ok, new.errors
    assert new == old
    assert (new.participants_created, new.trajectories_created) == (2, 6)
    assert (new.trajectories_updated, new.trajectories_unchanged) == (1, 1)
    assert database_rows() == expected


def test_the_audit_trail_has_a_creation_entry_per_new_record_with_the_actor(projects, coordinator):
    with set_actor(coordinator):
        import_trajectories(user=coordinator, name="a.csv", data=csv_bytes(ROWS[:3]))

    anna = Participant.objects.get(first_name="Anna")
    entry = LogEntry.objects.get_for_object(anna).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.actor == coordinator
    assert entry.changes["first_name"] == [None, "Anna"]
    assert entry.changes["municipality"] == [None, "Huizen"]
    trajectory = anna.trajectories.get()
    logged = LogEntry.objects.get_for_object(trajectory).get()
    assert logged.changes["cohort"] == [None, "Wijkleerbedrijf – Klas maart"]
    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE)
    assert created.filter(content_type__model="participant").count() == 2
    assert created.filter(content_type__model="trajectory").count() == 3


def test_each_new_trajectory_has_its_enrolment_in_its_history(projects, coordinator):
    import_trajectories(user=coordinator, name="a.csv", data=csv_bytes(ROWS[:1]))

    change = TrajectoryChange.objects.get()
    assert (change.field, change.new_value, change.changed_by) == (
        "aangemeld",
        "Wijkleerbedrijf (10-02-2025)",
        coordinator,
    )


def test_a_second_running_trajectory_in_the_file_is_refused_as_the_service_refuses_it(projects):
    rows = [
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;;;;",
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-03-10;;;;",
    ]

    result = import_trajectories(user=None, name="a.csv", data=csv_bytes(rows))

    assert [(e.row, e.column) for e in result.errors] == [(3, "")]
    assert "heeft al een lopend traject in Wijkleerbedrijf" in result.errors[0].message
    assert not Participant.objects.exists()


def test_a_full_group_refuses_the_rows_beyond_its_capacity(projects):
    rows = [
        f";Kind{i};Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;;;;Klas maart"
        for i in range(4)
    ]

    result = import_trajectories(user=None, name="a.csv", data=csv_bytes(rows))

    assert [e.row for e in result.errors] == [5]
    assert "is vol (capaciteit 3)" in result.errors[0].message
    assert not Trajectory.objects.exists()


def test_one_enrolment_twice_in_the_file_is_imported_as_the_row_by_row_import_did(projects):
    rows = [
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;;;;",
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;2025-03-01;;;",
    ]

    result = import_trajectories(user=None, name="a.csv", data=csv_bytes(rows))

    assert (result.trajectories_created, result.trajectories_updated) == (1, 1)
    assert Trajectory.objects.get().start_date == dt.date(2025, 3, 1)


# One person twice in a project on one day, as in a file that joins two exports: Gert's
# trajectories each end in a later row, and each ending lets the next one run; Carla's
# existing trajectory ends, then starts again as a new one; Anna's row repeats unchanged.
TWICE_ON_ONE_DAY = [
    ";Gert;Mol;03-03-1975;Huizen;Wijkleerbedrijf;2024-01-08;2024-01-15;;;",
    ";Gert;Mol;03-03-1975;Huizen;Wijkleerbedrijf;2024-01-08;2024-01-15;2024-06-28;werk;",
    ";Gert;Mol;03-03-1975;Huizen;Wijkleerbedrijf;2024-07-01;;;;Klas maart",
    ";Gert;Mol;03-03-1975;Huizen;Ik in de kinderopvang;2024-07-01;;;;",
    ";Gert;Mol;03-03-1975;Huizen;Wijkleerbedrijf;2024-07-01;2024-07-08;2024-12-20;diploma;",
    ";Gert;Mol;03-03-1975;Huizen;Wijkleerbedrijf;2025-01-06;;;;",
    ";Carla;de Wit;07-06-1985;Huizen;Wijkleerbedrijf;2025-01-06;2025-01-13;2025-02-28;werk;",
    ";Carla;de Wit;07-06-1985;Huizen;Wijkleerbedrijf;2025-03-03;;;;",
    ";Carla;de Wit;07-06-1985;Huizen;Wijkleerbedrijf;2025-03-03;2025-03-10;;;",
    ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;2025-03-03;;;Klas maart",
    ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;2025-03-03;;;Klas maart",
]


def test_one_person_twice_in_a_project_on_one_day_is_written_as_row_by_row(
    existing, coordinator, monkeypatch
):
    data = csv_bytes(ROWS + TWICE_ON_ONE_DAY)
    try:
        with transaction.atomic(), set_actor(coordinator):
            old = import_row_by_row(user=coordinator, data=data)
            expected = database_rows()
            raise Undo
    except Undo:
        pass
    # No fallback to the row-by-row import of the whole file.
    monkeypatch.setattr(importing, "_apply", None)

    with set_actor(coordinator):
        new = import_trajectories(user=coordinator, name="a.csv", data=data)

    assert new.ok, new.errors
    assert new == old
    assert (new.trajectories_created, new.trajectories_updated) == (11, 5)
    assert database_rows() == expected


def test_a_repeated_enrolment_the_service_refuses_leaves_nothing(projects, monkeypatch):
    # Refused on the way in, after the file's participants were written.
    def refuse(**kwargs):
        raise ValidationError("geweigerd")

    monkeypatch.setattr(importing, "trajectory_update", refuse)
    entries = LogEntry.objects.count()
    rows = [
        *valid_rows(3),
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;;;;",
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;2025-03-01;;;",
    ]

    result = import_trajectories(user=None, name="a.csv", data=csv_bytes(rows))

    assert [(e.row, e.message) for e in result.errors] == [(6, "geweigerd")]
    assert (result.participants_created, result.trajectories_created) == (0, 0)
    assert not Participant.objects.exists()
    assert not Trajectory.objects.exists()
    assert LogEntry.objects.count() == entries


def queries_of_import(rows) -> int:
    with CaptureQueriesContext(connection) as queries:
        result = import_trajectories(user=None, name="a.csv", data=csv_bytes(rows))
    assert result.ok, result.errors
    return len(queries)


def test_a_repeated_enrolment_costs_queries_for_its_own_rows_only(projects):
    twice = [
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;;;;",
        ";Anna;Visser;01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;2025-03-01;;;",
    ]

    def others(name, n=60):
        return [r.replace("Voornaam", name).replace("H-", f"{name}-") for r in valid_rows(n)]

    queries_of_import(others("Eerste", 1))  # content types cached
    plain = queries_of_import(others("Tweede"))

    with_twice = queries_of_import(others("Derde") + twice)

    # The two rows through the services (about 30 queries each), not the file's 62 (the
    # whole file row by row: over 2,000).
    assert with_twice - plain <= 100


def test_a_file_can_be_imported_from_its_path(projects, tmp_path):
    path = tmp_path / "aanmeldingen.csv"
    path.write_bytes(csv_bytes(ROWS[:3]))

    result = import_trajectories(user=None, name=path.name, path=path)

    assert result.ok, result.errors
    assert Trajectory.objects.count() == 3


def test_data_and_path_together_are_refused(projects, tmp_path):
    with pytest.raises(TypeError):
        import_trajectories(user=None, name="a.csv", data=b"", path=tmp_path / "a.csv")


def valid_rows(n):
    return [
        f"H-{i};Voornaam{i};Achternaam{i};01-05-1990;Huizen;Wijkleerbedrijf;2025-02-10;;;;"
        for i in range(n)
    ]


def test_progress_is_reported_while_reading_and_while_writing(projects, monkeypatch):
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 10)
    monkeypatch.setattr(importing, "WRITE_BATCH", 10)
    calls = []

    import_trajectories(
        user=None, name="a.csv", data=csv_bytes(valid_rows(35)), progress=lambda *a: calls.append(a)
    )

    reading = [done for done, total in calls if total is None]
    writing = [(done, total) for done, total in calls if total is not None]
    assert reading == [10, 20, 30, 35]
    assert [done for done, _ in writing] == sorted(done for done, _ in writing)
    assert writing[-1] == (35, 35)
    assert len(writing) >= 4


@pytest.mark.parametrize("rows", [10, 60])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    projects, rows, django_assert_max_num_queries
):
    # One bound for both files (the 10 rows' count, content types not yet cached). A larger
    # file adds a query per 500 people looked up and per insert: an insert takes up to 1,000
    # records, fewer on SQLite, which binds at most 999 values to one statement (60 records).
    data = csv_bytes(valid_rows(rows))

    with django_assert_max_num_queries(16):
        result = import_trajectories(user=None, name="a.csv", data=data)

    assert result.trajectories_created == rows


def test_a_database_error_while_writing_leaves_nothing(projects, monkeypatch):
    entries = LogEntry.objects.count()
    # A history line without its trajectory: the database refuses it (NOT NULL), after the
    # participants and the trajectories of the batch went in.
    monkeypatch.setattr(importing, "enrolment_record", lambda _: {"trajectory_id": None})

    with pytest.raises(IntegrityError):
        import_trajectories(user=None, name="a.csv", data=csv_bytes(valid_rows(5)))

    assert not Participant.objects.exists()
    assert not Trajectory.objects.exists()
    assert LogEntry.objects.count() == entries
