"""Bulk import of enrolments from CSV or Excel: every row checked first, then all or nothing."""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from participants.constants import Outcome
from participants.dates import END_BEFORE_START, START_BEFORE_ENROLMENT
from participants.models import Participant, Trajectory
from participants.services import (
    participant_duplicates,
    participant_save,
    trajectory_enrol,
    trajectory_update,
)
from projects.models import NO_PARTICIPANTS, Cohort, Project
from waw.dates import parse_date
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
# Text columns stored on a model: their length limit is the model field's.
STORED_TEXT = {
    "klantnummer": (Participant, "client_number"),
    "voornaam": (Participant, "first_name"),
    "achternaam": (Participant, "last_name"),
}
# The date columns and the model field whose validators (participants/dates.py) bound them.
DATE_FIELDS = {
    "geboortedatum": (Participant, "date_of_birth"),
    "aanmelddatum": (Trajectory, "enrolment_date"),
    "startdatum": (Trajectory, "start_date"),
    "einddatum": (Trajectory, "end_date"),
}

# Limits that keep a hostile or mistaken file from exhausting the server. A year of the
# region's enrolments is a few hundred rows and the programme's target was 1,200 trajectories
# in four years, so 10,000 rows leave ample room. A file of that size is checked in about a
# second; importing it (every row through the services, with its history and audit trail)
# takes minutes, so a very large history is better imported with the management command,
# which no proxy or worker timeout cuts short. An .xlsx is a zip of
# XML: its members' sizes are checked before openpyxl opens it, so a "zip bomb" (1.8 MB that
# unpacks to gigabytes) is refused unread. Python's zipfile stops at the size a member
# declares, so a member cannot unpack to more than the sizes checked here.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 100
MAX_LINE_CHARS = 10_000
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # a real sheet packs 5–20×; repeated filler packs 1000×
RATIO_CHECKED_FROM = 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_SHOWN_ERRORS = 500
SHOWN_VALUE_CHARS = 60

FILE_TOO_LARGE = _("Het bestand is groter dan %(mb)s MB.")
TOO_MANY_ROWS = _(
    "Het bestand heeft meer dan %(n)s regels (lege regels tussen de gegevens tellen mee); "
    "splits het in kleinere bestanden."
)
TOO_MANY_COLUMNS = _("De kopregel heeft meer dan %(n)s kolommen.")
LINE_TOO_LONG = _("Regel %(row)s is langer dan %(n)s tekens.")
UNPACKED_TOO_LARGE = _(
    "Het Excel-bestand is uitgepakt groter dan %(mb)s MB; sla alleen de gegevens op, "
    "of gebruik CSV."
)
SUSPICIOUS_COMPRESSION = _(
    "Het Excel-bestand is verdacht sterk ingepakt en wordt niet geopend; sla het opnieuw op "
    "vanuit Excel, of gebruik CSV."
)
XLSX_UNREADABLE = _("Het Excel-bestand kan niet worden gelezen.")
FILE_UNREADABLE = _("Het bestand kan niet worden gelezen.")
DUPLICATE_COLUMN = _("kolom staat meer dan één keer in de kopregel")
TOO_LONG = _("te lang: hoogstens %(max)s tekens (nu %(n)s)")
NUL_CHARACTER = _("bevat een ongeldig teken (NUL)")
CLIENT_NUMBER_OTHER_PERSON_IN_FILE = _(
    "klantnummer “%(value)s” staat in regel %(row)s bij een andere persoon "
    "(naam of geboortedatum verschilt)"
)
CLIENT_NUMBER_DIFFERS_IN_FILE = _(
    "klantnummer “%(value)s” verschilt van regel %(row)s voor dezelfde persoon in dezelfde gemeente"
)
CLIENT_NUMBER_OTHER_PERSON = _(
    "klantnummer “%(value)s” hoort in %(municipality)s bij een andere deelnemer "
    "(naam of geboortedatum verschilt); controleer het klantnummer"
)
CLIENT_NUMBER_DIFFERS = _(
    "deze deelnemer heeft in %(municipality)s klantnummer “%(existing)s”, niet “%(value)s”"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a CSV/XLSX, no header row, too large, …)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    """What every import reports: its row problems (all or nothing) and the rows read."""

    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[RowError]:
        """The first problems, for a page that stays readable with thousands of them."""
        return self.errors[:MAX_SHOWN_ERRORS]

    @property
    def errors_not_shown(self) -> int:
        return max(0, len(self.errors) - MAX_SHOWN_ERRORS)


@dataclass
class ImportResult(ImportReport):
    participants_created: int = 0
    participants_matched: int = 0
    trajectories_created: int = 0
    trajectories_updated: int = 0
    trajectories_unchanged: int = 0


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


def _shown(value: str) -> str:
    """A value quoted in a message, cut short: a message never repeats a whole hostile cell."""
    return value if len(value) <= SHOWN_VALUE_CHARS else value[: SHOWN_VALUE_CHARS - 1] + "…"


# --- reading ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in cp1252.
        return data.decode("cp1252")


def _read_csv(data: bytes) -> Iterator[list]:
    text = _decode(data)
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + 1:
        raise ImportFileError(TOO_MANY_ROWS % {"n": MAX_ROWS})
    for number, line in enumerate(lines, start=1):
        # Checked before the csv module builds a row: one 5 MB line would be a million cells.
        if len(line) > MAX_LINE_CHARS:
            raise ImportFileError(LINE_TOO_LONG % {"row": number, "n": MAX_LINE_CHARS})
    first_line = lines[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def _check_zip(data: bytes) -> None:
    """Refuse an .xlsx whose members unpack to too much, or pack suspiciously well."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError(XLSX_UNREADABLE) from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(XLSX_UNREADABLE)
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise ImportFileError(UNPACKED_TOO_LARGE % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)})
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise ImportFileError(SUSPICIOUS_COMPRESSION)


def _read_xlsx(data: bytes, columns=COLUMNS) -> Iterator[list]:
    """The first sheet, streamed: the header up to MAX_COLUMNS wide, then every row only as
    wide as the last known column. The sheet's own dimension (``A1:XFD1048576`` in a hostile
    file) is never used: openpyxl would pad every row to it."""
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        header_rows = list(sheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True))
    except Exception as error:  # whatever a broken file makes openpyxl raise
        raise ImportFileError(XLSX_UNREADABLE) from error
    header = _trimmed(list(header_rows[0]) if header_rows else [])
    if not header or len(header) > MAX_COLUMNS:
        workbook.close()
        if header:
            raise ImportFileError(TOO_MANY_COLUMNS % {"n": MAX_COLUMNS})
        return iter(())
    names = [_column_name(cell) for cell in header]
    width = max((i + 1 for i, name in enumerate(names) if name in columns), default=1)

    def rows():
        yield header
        try:
            for count, row in enumerate(
                sheet.iter_rows(min_row=2, max_row=MAX_ROWS + 2, max_col=width, values_only=True),
                start=1,
            ):
                if count > MAX_ROWS:
                    raise ImportFileError(TOO_MANY_ROWS % {"n": MAX_ROWS})
                yield row
        except ImportFileError:
            raise
        except Exception as error:
            raise ImportFileError(XLSX_UNREADABLE) from error
        finally:
            workbook.close()

    return rows()


def _column_name(cell) -> str:
    return str(cell if cell is not None else "").strip().lower()


def _trimmed(header: list) -> list:
    """Without the empty cells at the end (spreadsheets save trailing separators)."""
    while header and _column_name(header[-1]) == "":
        header.pop()
    return header


def read_table(
    *, name: str, data: bytes, columns=COLUMNS
) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header (normalised names) and the non-empty rows as (row number, column → value) of
    the known ``columns`` (the trajectory import's by default; the group import passes its own)."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(FILE_TOO_LARGE % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    table = _read_xlsx(data, columns) if name.lower().endswith(".xlsx") else _read_csv(data)
    table = iter(table)
    first = next(table, None)
    if first is None:
        raise ImportFileError(_("Het bestand is leeg."))
    header = [_column_name(cell) for cell in _trimmed(list(first))]
    if len(header) > MAX_COLUMNS:
        raise ImportFileError(TOO_MANY_COLUMNS % {"n": MAX_COLUMNS})
    positions = [(i, column) for i, column in enumerate(header) if column in columns]
    rows = []
    for number, cells in enumerate(table, start=2):
        if number > MAX_ROWS + 1:
            raise ImportFileError(TOO_MANY_ROWS % {"n": MAX_ROWS})
        values = {column: cells[i] for i, column in positions if i < len(cells)}
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
    # The forms' parser (waw.dates): regular expressions, not strptime, which took most of
    # the time of checking a file.
    return parse_date(_text(value))


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
    errors_before = len(errors)

    def fail(column, message):
        errors.append(RowError(number, column, message))

    texts = {column: _text(values.get(column)) for column in COLUMNS}
    for column, text in texts.items():
        if "\x00" in text:
            fail(column, NUL_CHARACTER)
            texts[column] = text.replace("\x00", "")
    for column in REQUIRED:
        if not texts[column]:
            fail(column, _("verplicht veld is leeg"))
    for column, (model, name) in STORED_TEXT.items():
        limit = model._meta.get_field(name).max_length
        if len(texts[column]) > limit:
            fail(column, TOO_LONG % {"max": limit, "n": len(texts[column])})
    dates = {}
    for column, (model, name) in DATE_FIELDS.items():
        dates[column] = None
        if not texts[column]:
            continue
        try:
            day = _date(values.get(column))
        except (ValueError, OverflowError):
            fail(
                column,
                _("“%(value)s” is geen datum (dd-mm-jjjj of jjjj-mm-dd)")
                % {"value": _shown(texts[column])},
            )
            continue
        try:
            for validator in model._meta.get_field(name).validators:
                validator(day)
        except ValidationError as error:
            for message in error.messages:
                fail(column, message)
            continue
        dates[column] = day
    municipality = lookup.municipalities.get(normalise(texts["gemeente"]))
    if texts["gemeente"] and municipality is None:
        fail("gemeente", _("onbekende gemeente “%(value)s”") % {"value": _shown(texts["gemeente"])})
    project = lookup.projects.get(normalise(texts["project"]))
    if texts["project"] and project is None:
        fail("project", _("onbekend project “%(value)s”") % {"value": _shown(texts["project"])})
    elif project is not None and not project.takes_participants:
        fail("project", str(NO_PARTICIPANTS % {"project": project.name}))
        project = None
    cohort = None
    if texts["groep"] and project is not None:
        cohort = lookup.groups.get((project.pk, normalise(texts["groep"])))
        if cohort is None:
            fail(
                "groep",
                _("onbekende groep “%(value)s” van %(project)s")
                % {"value": _shown(texts["groep"]), "project": project.name},
            )
    outcome = ""
    if texts["uitkomst"]:
        outcome = lookup.outcomes.get(texts["uitkomst"].lower().replace(" ", ""), "") or (
            lookup.outcomes.get(texts["uitkomst"].lower(), "")
        )
        if not outcome:
            fail(
                "uitkomst",
                _("onbekende uitkomst “%(value)s”") % {"value": _shown(texts["uitkomst"])},
            )
    enrolled, started, ended = dates["aanmelddatum"], dates["startdatum"], dates["einddatum"]
    if enrolled and started and started < enrolled:
        fail("startdatum", str(START_BEFORE_ENROLMENT))
    if ended and not started and texts["startdatum"] == "":
        fail("einddatum", _("einddatum zonder startdatum"))
    if started and ended and ended < started:
        fail("einddatum", str(END_BEFORE_START))
    if texts["einddatum"] and not texts["uitkomst"]:
        fail("uitkomst", _("uitkomst is verplicht als er een einddatum is"))
    if texts["uitkomst"] and not texts["einddatum"]:
        fail("uitkomst", _("uitkomst zonder einddatum"))
    # Counted, not searched: looking through all errors for this row made a file of invalid
    # rows quadratic (10,000 rows took 8 s, 20,000 rows 30 s).
    if len(errors) > errors_before:
        return None
    return ParsedRow(
        number=number,
        client_number=texts["klantnummer"],
        first_name=texts["voornaam"],
        last_name=texts["achternaam"],
        date_of_birth=dates["geboortedatum"],
        municipality=municipality,
        project=project,
        enrolment_date=enrolled,
        start_date=started,
        end_date=ended,
        outcome=outcome,
        cohort=cohort,
    )


def _check_client_numbers(rows: list[ParsedRow], errors: list[RowError]) -> None:
    """Within the file, a klantnummer of a municipality belongs to one person, and a person has
    one klantnummer per municipality."""
    holder: dict[tuple, ParsedRow] = {}
    number_of: dict[tuple, ParsedRow] = {}
    for row in rows:
        if not row.client_number:
            continue
        key = (row.municipality.pk, row.client_number)
        first = holder.setdefault(key, row)
        if first.person_key != row.person_key:
            errors.append(
                RowError(
                    row.number,
                    "klantnummer",
                    CLIENT_NUMBER_OTHER_PERSON_IN_FILE
                    % {"value": _shown(row.client_number), "row": first.number},
                )
            )
            continue
        earlier = number_of.setdefault((row.person_key, row.municipality.pk), row)
        if earlier.client_number != row.client_number:
            errors.append(
                RowError(
                    row.number,
                    "klantnummer",
                    CLIENT_NUMBER_DIFFERS_IN_FILE
                    % {"value": _shown(row.client_number), "row": earlier.number},
                )
            )


# --- applying -----------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _same_person(participant: Participant, row: ParsedRow) -> bool:
    return (
        normalise(participant.first_name),
        normalise(participant.last_name),
        participant.date_of_birth,
    ) == row.person_key


def _participant_for(rows: list[ParsedRow], result: ImportResult) -> Participant | None:
    """The existing participant these rows are about, or a new one; None (with a row error)
    when the klantnummer belongs to someone else. Same name and birth date is the same person
    (the duplicate rule); a klantnummer alone never makes a match."""
    latest = max(rows, key=lambda r: r.enrolment_date)
    numbered = next(
        (
            r
            for r in sorted(rows, key=lambda r: r.enrolment_date, reverse=True)
            if r.client_number and r.municipality.pk == latest.municipality.pk
        ),
        None,
    )
    client_number = numbered.client_number if numbered else ""
    matches = participant_duplicates(
        first_name=latest.first_name,
        last_name=latest.last_name,
        date_of_birth=latest.date_of_birth,
        municipality=latest.municipality,
        client_number=client_number,
    )
    holder = next(
        (
            m
            for m in matches
            if client_number
            and m.municipality_id == latest.municipality.pk
            and m.client_number == client_number
        ),
        None,
    )
    if holder is not None and not _same_person(holder, latest):
        result.errors.append(
            RowError(
                numbered.number,
                "klantnummer",
                CLIENT_NUMBER_OTHER_PERSON
                % {"value": _shown(client_number), "municipality": latest.municipality.name},
            )
        )
        return None
    same = [m for m in matches if _same_person(m, latest)]
    if same:
        participant = holder or same[0]
        moved = participant.municipality_id != latest.municipality.pk
        if (
            client_number
            and not moved
            and participant.client_number
            and participant.client_number != client_number
        ):
            result.errors.append(
                RowError(
                    numbered.number,
                    "klantnummer",
                    CLIENT_NUMBER_DIFFERS
                    % {
                        "existing": participant.client_number,
                        "value": _shown(client_number),
                        "municipality": latest.municipality.name,
                    },
                )
            )
            return None
        result.participants_matched += 1
        changed = False
        if moved:
            # A klantnummer is the municipality's: the old one does not travel along.
            participant.municipality = latest.municipality
            participant.client_number = client_number
            changed = True
        elif client_number and not participant.client_number:
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
        try:
            participant = _participant_for(person_rows, result)
        except ValidationError as error:
            for message in error.messages:
                result.errors.append(RowError(person_rows[0].number, "", message))
            continue
        if participant is None:
            continue
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


def import_trajectories(
    *, user, name: str, data: bytes | None = None, path=None, progress=None
) -> ImportResult:
    """Import enrolments from a CSV or XLSX file, all or nothing.

    Every row is checked first; a file with any problem changes nothing and reports each
    problem with its row and column. Importing the same file twice changes nothing: people are
    matched by name and birth date (a klantnummer of someone else is an error, never a match),
    trajectories by participant, project and enrolment date.

    The file is ``data`` or the file at ``path``; ``progress(done, total)``, when given, is
    told the rows checked (a task's progress bar).
    """
    result = ImportResult()
    try:
        if data is None:
            data = Path(path).read_bytes()
        header, table = read_table(name=name, data=data)
    except (ImportFileError, UnicodeDecodeError, csv.Error) as error:
        message = str(error) if isinstance(error, ImportFileError) else ""
        result.errors.append(RowError(1, "", message or str(FILE_UNREADABLE)))
        return result
    missing = [column for column in REQUIRED if column not in header]
    for column in missing:
        result.errors.append(RowError(1, column, _("kolom ontbreekt in de kopregel")))
    for column in sorted({c for c in header if c in COLUMNS and header.count(c) > 1}):
        result.errors.append(RowError(1, column, DUPLICATE_COLUMN))
    if result.errors:
        return result
    if not table:
        result.errors.append(RowError(2, "", _("het bestand bevat geen regels")))
        return result
    result.rows = len(table)
    lookup = _Lookup()
    parsed = []
    for done, (number, values) in enumerate(table, start=1):
        parsed.append(_check_row(number, values, lookup, result.errors))
        if progress is not None:
            progress(done, result.rows)
    if result.errors:
        return result
    _check_client_numbers(parsed, result.errors)
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


# --- template ------------------------------------------------------------------------------


def outcome_words() -> list[str]:
    """The outcome words as the pages show them ("diploma en werk", "voortijdig gestopt"): the
    words the template offers. The import accepts these and the stored codes ("diploma+werk",
    "gestopt") of older files."""
    return [str(outcome.label) for outcome in Outcome]


def import_template_example() -> list[str]:
    """One example row that the import accepts as it stands (an invented person)."""
    from projects.selectors import projects_open_for_enrolment

    project = projects_open_for_enrolment().order_by("name").first()
    municipality = Municipality.objects.order_by("name").first()
    return [
        "",
        "Sanne",
        "de Vries",
        "04-03-1995",
        municipality.name if municipality else "",
        project.name if project else "",
        dt.date.today().strftime("%d-%m-%Y"),
        "",
        "",
        "",
        "",
    ]


def import_template_values() -> dict:
    """The valid values of the import, a column each: projects that take participants and
    have not ended, each project's groups that are not cancelled, outcome words, and
    municipalities. Three queries."""
    from projects.constants import CohortStatus
    from projects.selectors import projects_open_for_enrolment

    projects = list(projects_open_for_enrolment().order_by("name"))
    groups = (
        Cohort.objects.filter(project__in=projects)
        .exclude(status=CohortStatus.CANCELLED)
        .order_by("project__name", "start_date", "name")
        .values_list("project__name", "name")
    )
    return {
        "projects": [p.name for p in projects],
        "groups": list(groups),
        "outcomes": outcome_words(),
        "municipalities": list(
            Municipality.objects.order_by("name").values_list("name", flat=True)
        ),
    }
