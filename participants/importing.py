"""Bulk import of enrolments from CSV or Excel: every row checked first, then all or nothing."""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participants.constants import Outcome
from participants.models import Participant, Trajectory
from participants.services import (
    participant_duplicates,
    participant_save,
    trajectory_enrol,
    trajectory_update,
)
from projects.models import Cohort, Project
from waw.models import Municipality
from waw.text import normalise

COLUMNS = (
    "klantnummer",
    "voornaam",
    "achternaam",
    "geboortedatum",
    "gemeente",
    "project",
    "aanmelddatum",
    "startdatum",
    "einddatum",
    "uitkomst",
    "groep",  # optional: a group (klas) of the project, by name (billing rule 10)
)
REQUIRED = ("voornaam", "achternaam", "geboortedatum", "gemeente", "project", "aanmelddatum")
DATE_FORMATS = ("%d-%m-%Y", "%Y-%m-%d")


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a CSV/XLSX, no header row, …)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    participants_created: int = 0
    participants_matched: int = 0
    trajectories_created: int = 0
    trajectories_updated: int = 0
    trajectories_unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ParsedRow:
    number: int
    client_number: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    municipality: Municipality
    project: Project
    enrolment_date: dt.date
    start_date: dt.date | None
    end_date: dt.date | None
    outcome: str
    cohort: Cohort | None = None

    @property
    def person_key(self):
        return (normalise(self.first_name), normalise(self.last_name), self.date_of_birth)


# --- reading ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in cp1252.
        return data.decode("cp1252")


def _read_csv(data: bytes) -> list[list]:
    text = _decode(data)
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise ImportFileError(_("Het Excel-bestand kan niet worden gelezen.")) from error
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_table(*, name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header (normalised names) and the non-empty rows as (row number, column → value)."""
    table = _read_xlsx(data) if name.lower().endswith(".xlsx") else _read_csv(data)
    if not table:
        raise ImportFileError(_("Het bestand is leeg."))
    header = [str(cell or "").strip().lower() for cell in table[0]]
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {header[i]: cell for i, cell in enumerate(cells) if i < len(header) and header[i]}
        if any(str(v).strip() for v in values.values() if v is not None):
            rows.append((number, values))
    return header, rows


# --- checking -----------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _Lookup:
    """Municipalities and projects by name, slug or alias, ignoring case, accents and
    punctuation: "Ik in de Kinderopvang!" matches "ik in de kinderopvang"."""

    def __init__(self):
        self.municipalities = {}
        for m in Municipality.objects.all():
            self.municipalities[normalise(m.name)] = m
            self.municipalities[normalise(m.slug)] = m
        self.projects = {}
        for p in Project.objects.all():
            for label in (p.name, p.slug, *p.aliases):
                self.projects.setdefault(normalise(label), p)
        self.groups = {
            (c.project_id, normalise(c.name)): c
            for c in Cohort.objects.only("pk", "project", "name")
        }
        self.outcomes = {}
        for outcome in Outcome:
            self.outcomes[outcome.value] = outcome.value
            self.outcomes[str(outcome.label).lower()] = outcome.value


def _check_row(number: int, values: dict, lookup: _Lookup, errors: list[RowError]):
    def fail(column, message):
        errors.append(RowError(number, column, message))

    texts = {column: _text(values.get(column)) for column in COLUMNS}
    for column in REQUIRED:
        if not texts[column]:
            fail(column, _("verplicht veld is leeg"))
    dates = {}
    for column in ("geboortedatum", "aanmelddatum", "startdatum", "einddatum"):
        try:
            dates[column] = _date(values.get(column)) if texts[column] else None
        except ValueError:
            fail(
                column,
                _("“%(value)s” is geen datum (dd-mm-jjjj of jjjj-mm-dd)")
                % {"value": texts[column]},
            )
            dates[column] = None
    municipality = lookup.municipalities.get(normalise(texts["gemeente"]))
    if texts["gemeente"] and municipality is None:
        fail("gemeente", _("onbekende gemeente “%(value)s”") % {"value": texts["gemeente"]})
    project = lookup.projects.get(normalise(texts["project"]))
    if texts["project"] and project is None:
        fail("project", _("onbekend project “%(value)s”") % {"value": texts["project"]})
    cohort = None
    if texts["groep"] and project is not None:
        cohort = lookup.groups.get((project.pk, normalise(texts["groep"])))
        if cohort is None:
            fail(
                "groep",
                _("onbekende groep “%(value)s” van %(project)s")
                % {"value": texts["groep"], "project": project.name},
            )
    outcome = ""
    if texts["uitkomst"]:
        outcome = lookup.outcomes.get(texts["uitkomst"].lower().replace(" ", ""), "") or (
            lookup.outcomes.get(texts["uitkomst"].lower(), "")
        )
        if not outcome:
            fail("uitkomst", _("onbekende uitkomst “%(value)s”") % {"value": texts["uitkomst"]})
    enrolled, started, ended = dates["aanmelddatum"], dates["startdatum"], dates["einddatum"]
    if enrolled and started and started < enrolled:
        fail("startdatum", _("startdatum ligt vóór de aanmelddatum"))
    if ended and not started and texts["startdatum"] == "":
        fail("einddatum", _("einddatum zonder startdatum"))
    if started and ended and ended < started:
        fail("einddatum", _("einddatum ligt vóór de startdatum"))
    if ended and not texts["uitkomst"]:
        fail("uitkomst", _("uitkomst is verplicht als er een einddatum is"))
    if texts["uitkomst"] and not texts["einddatum"]:
        fail("uitkomst", _("uitkomst zonder einddatum"))
    born = dates["geboortedatum"]
    if born and born > dt.date.today():
        fail("geboortedatum", _("geboortedatum ligt in de toekomst"))
    if any(e.row == number for e in errors):
        return None
    return ParsedRow(
        number=number,
        client_number=texts["klantnummer"],
        first_name=texts["voornaam"],
        last_name=texts["achternaam"],
        date_of_birth=born,
        municipality=municipality,
        project=project,
        enrolment_date=enrolled,
        start_date=started,
        end_date=ended,
        outcome=outcome,
        cohort=cohort,
    )


# --- applying -----------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _participant_for(rows: list[ParsedRow], result: ImportResult) -> Participant:
    latest = max(rows, key=lambda r: r.enrolment_date)
    client_number = next((r.client_number for r in rows if r.client_number), "")
    matches = participant_duplicates(
        first_name=latest.first_name,
        last_name=latest.last_name,
        date_of_birth=latest.date_of_birth,
        municipality=latest.municipality,
        client_number=client_number,
    )
    if matches:
        participant = matches[0]
        result.participants_matched += 1
        changed = False
        if participant.municipality_id != latest.municipality.pk:
            participant.municipality = latest.municipality
            changed = True
        if client_number and not participant.client_number:
            participant.client_number = client_number
            changed = True
        if changed:
            participant_save(participant=participant)
        return participant
    result.participants_created += 1
    return participant_save(
        participant=Participant(
            first_name=latest.first_name,
            last_name=latest.last_name,
            date_of_birth=latest.date_of_birth,
            municipality=latest.municipality,
            client_number=client_number,
        )
    )


def _apply(*, user, rows: list[ParsedRow], result: ImportResult) -> None:
    people: dict[tuple, list[ParsedRow]] = {}
    for row in rows:
        people.setdefault(row.person_key, []).append(row)
    for person_rows in people.values():
        participant = _participant_for(person_rows, result)
        for row in person_rows:
            try:
                _apply_trajectory(user=user, participant=participant, row=row, result=result)
            except ValidationError as error:
                for message in error.messages:
                    result.errors.append(RowError(row.number, "", message))
    if result.errors:
        raise _Rollback


def _apply_trajectory(*, user, participant, row: ParsedRow, result: ImportResult) -> None:
    wanted = {
        "municipality_at_start": row.municipality,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "outcome": row.outcome,
    }
    if row.cohort is not None:
        wanted["cohort"] = row.cohort
    existing = Trajectory.objects.filter(
        participant=participant, project=row.project, enrolment_date=row.enrolment_date
    ).first()
    if existing is None:
        trajectory_enrol(
            user=user,
            trajectory=Trajectory(
                participant=participant,
                project=row.project,
                enrolment_date=row.enrolment_date,
                **wanted,
            ),
        )
        result.trajectories_created += 1
        return
    changes = {k: v for k, v in wanted.items() if getattr(existing, k) != v}
    if not changes:
        result.trajectories_unchanged += 1
        return
    trajectory_update(user=user, trajectory=existing, **changes)
    result.trajectories_updated += 1


def import_trajectories(*, user, name: str, data: bytes) -> ImportResult:
    """Import enrolments from a CSV or XLSX file, all or nothing.

    Every row is checked first; a file with any problem changes nothing and reports each
    problem with its row and column. Importing the same file twice changes nothing: people are
    matched by the duplicate rule, trajectories by participant, project and enrolment date.
    """
    result = ImportResult()
    try:
        header, table = read_table(name=name, data=data)
    except (ImportFileError, UnicodeDecodeError, csv.Error) as error:
        result.errors.append(
            RowError(1, "", str(error) or _("Het bestand kan niet worden gelezen."))
        )
        return result
    missing = [column for column in REQUIRED if column not in header]
    for column in missing:
        result.errors.append(RowError(1, column, _("kolom ontbreekt in de kopregel")))
    if missing:
        return result
    if not table:
        result.errors.append(RowError(2, "", _("het bestand bevat geen regels")))
        return result
    result.rows = len(table)
    lookup = _Lookup()
    parsed = [_check_row(number, values, lookup, result.errors) for number, values in table]
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply(user=user, rows=parsed, result=result)
    except _Rollback:
        result.participants_created = result.participants_matched = 0
        result.trajectories_created = result.trajectories_updated = 0
        result.trajectories_unchanged = 0
    return result
